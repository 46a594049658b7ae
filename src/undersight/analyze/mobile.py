"""The mobile premium: what sellers ask for mobile-targeted goods over the rest.

An offer is mobile when the extractor found the platform ``android``,
``ios`` or ``mobile`` in it. Prices are compared like for like: same first
category, unit, billing period and basis (see :mod:`.prices`), on USD per
unit (per 1,000 messages, per month of service; a lifetime or flat price as
it is), over the whole store, outliers dropped by the price index's rule.

The CI is a percentile bootstrap of the ratio of medians resampling
sellers (authors), the same draw for every row: an author's reposts move
together. The last row, category ``(all)``, pools the rows with at least
:data:`MIN_POOLED` prices on each side: the geometric mean of their ratios
weighted by ``n_mobile``, with the same bootstrap.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd

from undersight.analyze.prices import (
    Obs,
    boot_medians,
    cluster_counts,
    priced_offers_sql,
    sort_obs,
)
from undersight.store.base import Store

COLUMNS = [
    "category",
    "unit",
    "n_mobile",
    "n_other",
    "median_mobile_usd",
    "median_other_usd",
    "ratio",
    "ci_low",
    "ci_high",
    "billing_period",
    "basis",
    "sellers_mobile",
    "sellers_other",
]
ALL = "(all)"
MIN_POOLED = 5
_KEYS = "category, unit, billing_period, basis"


def _sql(cte: str) -> tuple[str, str]:
    value = "COALESCE(unit_usd, usd)"
    stats = (
        cte
        + f"""
SELECT {_KEYS}, mobile, CAST(count(*) AS BIGINT),
       CAST(count(DISTINCT author_key) AS BIGINT),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY {value})
FROM kept
GROUP BY {_KEYS}, mobile
"""
    )
    rows = (
        cte
        + f"SELECT {_KEYS}, mobile, author_key, v, CAST(count(*) AS BIGINT) FROM"
        + f" (SELECT {_KEYS}, mobile, author_key, {value} AS v FROM kept) priced"
        + f" GROUP BY {_KEYS}, mobile, author_key, v"
    )
    return stats, rows


def mobile_premium(store: Store, n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Median mobile over median other price per like-for-like row, with a 95% CI."""
    cte, params = priced_offers_sql(None, "UTC", None)
    stats_sql, rows_sql = _sql(cte)
    sides: dict[tuple[Any, ...], dict[int, tuple[int, int, float]]] = defaultdict(dict)
    for cat, unit, bp, basis, mobile, n, sellers, median in store.query(stats_sql, params):
        sides[(cat, unit, bp, basis)][int(mobile)] = (int(n), int(sellers), float(median))
    keys = sorted(k for k, v in sides.items() if 0 in v and 1 in v)
    values: dict[tuple[Any, ...], list[Obs]] = defaultdict(list)
    wanted = set(keys)
    for cat, unit, bp, basis, mobile, author, value, count in store.query(rows_sql, params):
        if (cat, unit, bp, basis) in wanted:
            values[(cat, unit, bp, basis, int(mobile))].append((float(value), author, int(count)))
    authors = sorted({a or "" for side in values.values() for _, a, _ in side})
    index = {a: i for i, a in enumerate(authors)}
    rng = np.random.default_rng(seed)
    counts = cluster_counts(rng, len(authors), n_boot) if authors else np.zeros((n_boot, 0))
    rows, boot_logs, weights = [], [], []
    for key in keys:
        (n_o, s_o, med_o), (n_m, s_m, med_m) = sides[key][0], sides[key][1]
        reps = _boot_medians(values[(*key, 1)], index, counts) / _boot_medians(
            values[(*key, 0)], index, counts
        )
        low, high = _ci(reps) if min(s_m, s_o) >= 2 else (math.nan, math.nan)
        ratio = med_m / med_o if med_o else math.nan
        rows.append([*key[:2], n_m, n_o, med_m, med_o, ratio, low, high, *key[2:], s_m, s_o])
        if n_m >= MIN_POOLED and n_o >= MIN_POOLED and ratio > 0:
            boot_logs.append(np.log(np.where(reps > 0, reps, np.nan)))
            weights.append((n_m, math.log(ratio)))
    if weights:
        pooled = _pooled(rows, boot_logs, weights)
        for i, side in ((11, 1), (12, 0)):
            pooled[i] = len(
                {
                    a
                    for r in rows
                    if r[2] >= MIN_POOLED and r[3] >= MIN_POOLED
                    for _, a, _ in values[(r[0], r[1], r[9], r[10], side)]
                }
            )
        rows.append(pooled)
    return _frame(rows)


def _boot_medians(side: list[Obs], index: dict[str, int], counts: np.ndarray) -> np.ndarray:
    """The side's median in each bootstrap draw of authors (unknown authors: one)."""
    side = sort_obs(side)
    cid = np.array([index[a or ""] for _, a, _ in side], dtype=np.int64)
    return boot_medians(side, cid, counts)


def _ci(reps: np.ndarray) -> tuple[float, float]:
    finite = reps[np.isfinite(reps)]
    if finite.size < 2:
        return math.nan, math.nan
    low, high = np.percentile(finite, [2.5, 97.5])
    return float(low), float(high)


def _pooled(
    rows: list[list[Any]], boot_logs: list[np.ndarray], weights: list[tuple[int, float]]
) -> list[Any]:
    w = np.array([n for n, _ in weights], dtype=float)
    point = math.exp(float(np.dot(w, [lr for _, lr in weights]) / w.sum()))
    logs = np.vstack(boot_logs)  # groups x draws
    ok = np.isfinite(logs)
    num = np.where(ok, logs, 0.0).T @ w
    den = ok.T.astype(float) @ w
    reps = np.exp(np.divide(num, den, out=np.full_like(num, np.nan), where=den > 0))
    low, high = _ci(reps)
    pooled = [r for r in rows if r[2] >= MIN_POOLED and r[3] >= MIN_POOLED]
    n_m, n_o = sum(r[2] for r in pooled), sum(r[3] for r in pooled)
    return [ALL, None, n_m, n_o, math.nan, math.nan, point, low, high, None, None, 0, 0]


def _frame(rows: list[list[Any]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=COLUMNS)
    for col in ("category", "unit", "billing_period", "basis"):
        df[col] = df[col].map(lambda x: x or None).astype("str")
    for col in ("n_mobile", "n_other", "sellers_mobile", "sellers_other"):
        df[col] = df[col].astype("int64")
    for col in ("median_mobile_usd", "median_other_usd", "ratio", "ci_low", "ci_high"):
        df[col] = df[col].astype("float64")
    return df
