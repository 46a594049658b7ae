"""The price index: what sell offers ask, per period, category and pricing basis.

Prices are the rows of ``prices`` on sell offers (``offer`` and intent
``sell``; buy-request budgets are left out) with a USD value, filed under
the offer's first category. Package, per-unit and per-period prices are
never pooled: a row is one (period, category, unit, billing period, basis),
``basis`` being ``package`` (a quantity is given: "5000条300元"), ``unit``
(a price per unit: "一台5万"), ``period`` (a billing period: "包月500") or
``flat`` (a job or an item: "拿站150").

Outliers are dropped per row before any figure is taken and counted in
``n_outliers``: a price whose log-USD lies outside ``[q1 - 3 IQR, q3 + 3 IQR]``
of the row's log-USD (quartiles with linear interpolation) *and* more than
100x away from the row's median. The second condition keeps the fences from
collapsing when one seller's reposts fill a row (an IQR of almost 0 would
drop every other seller, and honest price levels span 20x); the misreadings
the fences are for (a quantity read as the amount, a lost 万 or 千) are off
by orders of magnitude.

``median_ci_low_usd``/``median_ci_high_usd`` (columns added after the spec's)
are a 95% percentile bootstrap of the median resampling sellers, not prices:
sellers repost the same ad, so prices are clustered by seller and ``n``
overstates the evidence; ``n_sellers`` is the effective sample size.
"""

from __future__ import annotations

import math
import zlib
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from undersight.analyze.activity import check_period, period_label, period_sql
from undersight.store.base import Store

COLUMNS = [
    "period",
    "category",
    "unit",
    "billing_period",
    "currency",
    "n",
    "min_usd",
    "p25_usd",
    "median_usd",
    "p75_usd",
    "max_usd",
    "median_amount",
    "unit_usd_median",
    "n_outliers",
    "basis",
    "n_sellers",
    "median_ci_low_usd",
    "median_ci_high_usd",
]
# Months of service per billing period (a lifetime licence has no monthly price).
PER_MONTH = {
    "hour": 720.0,
    "day": 30.0,
    "week": 4.35,
    "month": 1.0,
    "quarter": 1 / 3,
    "year": 1 / 12,
}
FENCE_IQR = 3.0
FENCE_FACTOR = 100.0  # ... and this many times off the median
LN_FACTOR = math.log(FENCE_FACTOR)
BOOT = 400  # bootstrap replicates of the median's CI
MOBILE_PLATFORMS = ("android", "ios", "mobile")

_KEYS = ("category", "unit", "billing_period", "basis")


def _unit_usd_sql() -> str:
    """USD per unit (per 1,000 for messages), per month of service for periods."""
    months = " ".join(f"WHEN '{p}' THEN CAST({f!r} AS FLOAT8)" for p, f in PER_MONTH.items())
    return (
        "p.usd / COALESCE(NULLIF(p.quantity, 0), CAST(1 AS FLOAT8))"
        " * CASE WHEN p.unit = 'message' THEN CAST(1000 AS FLOAT8) ELSE CAST(1 AS FLOAT8) END"
        f" * CASE WHEN p.period IS NULL THEN CAST(1 AS FLOAT8) ELSE CASE p.period {months}"
        " ELSE NULL END END"
    )


def priced_offers_sql(period: str | None, tz: str, category: str | None) -> tuple[str, list[Any]]:
    """CTEs ``base`` (every price of a sell offer) and ``kept`` (outliers dropped,
    fences per group) and their parameters. Groups are ``py, ps`` (the period's
    parts; 0, 0 without ``period``) and :data:`_KEYS`; text keys are '' for
    NULL so that joins stay plain equalities on both backends."""
    if period:
        year, sub = period_sql(period, "m.posted_at", tz)
    else:
        year, sub = "0", "0"
    platforms = ", ".join(f"'{p}'" for p in MOBILE_PLATFORMS)
    where, params = "", []
    if category is not None:
        where, params = " AND c.category = ?", [category]
    keys = "py, ps, " + ", ".join(_KEYS)
    on = " AND ".join(f"f.{k} = b.{k}" for k in ("py", "ps", *_KEYS))
    sql = f"""
WITH base AS (
    SELECT {year} AS py, {sub} AS ps,
           COALESCE(c.category, '') AS category,
           COALESCE(p.unit, '') AS unit,
           COALESCE(p.period, '') AS billing_period,
           CASE WHEN p.quantity IS NOT NULL THEN 'package'
                WHEN p.unit IS NOT NULL THEN 'unit'
                WHEN p.period IS NOT NULL THEN 'period'
                ELSE 'flat' END AS basis,
           p.currency, p.amount, p.usd, ln(p.usd) AS lusd,
           {_unit_usd_sql()} AS unit_usd,
           m.author_key, m.key,
           CASE WHEN EXISTS (SELECT 1 FROM platforms pl WHERE pl.key = p.key
                             AND pl.platform IN ({platforms})) THEN 1 ELSE 0 END AS mobile
    FROM prices p
    JOIN extractions e ON e.key = p.key AND /*offer*/e.offer AND e.intent = 'sell'
    JOIN messages m ON m.key = p.key
    LEFT JOIN categories c ON c.key = p.key AND c.rank = 0
    WHERE p.usd > 0 {"AND m.posted_at IS NOT NULL" if period else ""}{where}
), fence AS (
    SELECT {keys},
           percentile_cont(0.25) WITHIN GROUP (ORDER BY lusd) AS q1,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY lusd) AS q2,
           percentile_cont(0.75) WITHIN GROUP (ORDER BY lusd) AS q3,
           count(*) AS n_all
    FROM base
    GROUP BY {keys}
), kept AS (
    SELECT b.*
    FROM base b JOIN fence f ON {on}
    WHERE NOT (b.lusd < f.q1 - {FENCE_IQR} * (f.q3 - f.q1) AND b.lusd < f.q2 - {LN_FACTOR})
      AND NOT (b.lusd > f.q3 + {FENCE_IQR} * (f.q3 - f.q1) AND b.lusd > f.q2 + {LN_FACTOR})
)
"""
    return sql, params


def _stats_sql(cte: str) -> str:
    keys = "py, ps, " + ", ".join(_KEYS)
    on = " AND ".join(f"f.{k} = s.{k}" for k in ("py", "ps", *_KEYS))
    fkeys = ", ".join(f"f.{k}" for k in ("py", "ps", *_KEYS))
    return (
        cte
        + f"""
, stats AS (
    SELECT {keys},
           CAST(count(*) AS BIGINT) AS n,
           CAST(count(DISTINCT author_key) AS BIGINT) AS n_sellers,
           min(usd) AS min_usd,
           percentile_cont(0.25) WITHIN GROUP (ORDER BY usd) AS p25,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY usd) AS p50,
           percentile_cont(0.75) WITHIN GROUP (ORDER BY usd) AS p75,
           max(usd) AS max_usd,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY unit_usd) AS unit_median
    FROM kept
    GROUP BY {keys}
)
SELECT {fkeys}, CAST(f.n_all AS BIGINT),
       s.n, s.n_sellers, s.min_usd, s.p25, s.p50, s.p75, s.max_usd, s.unit_median
FROM fence f LEFT JOIN stats s ON {on}
"""
    )


def _currency_sql(cte: str) -> str:
    return (
        cte
        + f"""
SELECT py, ps, {", ".join(_KEYS)}, currency, CAST(count(*) AS BIGINT),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY amount)
FROM kept
GROUP BY py, ps, {", ".join(_KEYS)}, currency
"""
    )


def _rows_sql(cte: str) -> str:
    keys = "py, ps, " + ", ".join(_KEYS)
    return (
        cte
        + f"SELECT {keys}, author_key, usd, CAST(count(*) AS BIGINT) FROM kept"
        + f" GROUP BY {keys}, author_key, usd"
    )


def _none(text: str) -> str | None:
    return text or None


# One price and how often it was asked by one author: (value, author, count).
Obs = tuple[float, Any, int]


def cluster_ids(obs: Sequence[Obs]) -> tuple[np.ndarray, int]:
    """Authors to cluster numbers (an unknown author is a cluster of its own)."""
    index: dict[Any, int] = {}
    out = np.empty(len(obs), dtype=np.int64)
    for i, (_, author, _) in enumerate(obs):
        key = author if author is not None else ("\0row", i)
        out[i] = index.setdefault(key, len(index))
    return out, len(index)


def sort_obs(obs: Sequence[Obs]) -> list[Obs]:
    """By value then author: the same order whichever backend returned them."""
    return sorted(obs, key=lambda o: (o[0], o[1] is None, o[1] or ""))


def boot_medians(obs: Sequence[Obs], cid: np.ndarray, draws: np.ndarray) -> np.ndarray:
    """The median of sorted ``obs`` in each bootstrap draw (draws x clusters counts)."""
    values = np.array([o[0] for o in obs], dtype=float)
    mult = np.array([o[2] for o in obs], dtype=np.int64)
    return weighted_medians(values, draws[:, cid] * mult[None, :])


def weighted_medians(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Medians of ``values`` (sorted ascending) repeated ``weights`` times, one per
    row of ``weights`` (B x n, integers); NaN where a row's weights are all 0."""
    cum = np.cumsum(weights, axis=1)
    total = cum[:, -1]
    lo = np.argmax(cum > ((total - 1) // 2)[:, None], axis=1)
    hi = np.argmax(cum > (total // 2)[:, None], axis=1)
    out = (values[lo] + values[hi]) / 2.0
    return np.where(total > 0, out, np.nan)


def cluster_counts(rng: np.random.Generator, clusters: int, boot: int) -> np.ndarray:
    """How often each cluster is drawn in each of ``boot`` resamples (boot x clusters)."""
    return rng.multinomial(clusters, np.full(clusters, 1.0 / clusters), size=boot)


def median_ci(
    obs: Sequence[Obs], rng: np.random.Generator, boot: int = BOOT
) -> tuple[float, float]:
    """95% percentile-bootstrap CI of the median, resampling authors (NaN under 2)."""
    obs = sort_obs(obs)
    cid, k = cluster_ids(obs)
    if k < 2:
        return math.nan, math.nan
    meds = boot_medians(obs, cid, cluster_counts(rng, k, boot))
    low, high = np.nanpercentile(meds, [2.5, 97.5])
    return float(low), float(high)


def price_index(
    store: Store, period: str = "year", category: str | None = None, *, tz: str = "UTC"
) -> pd.DataFrame:
    """Sell prices per period and category (see the module doc and :data:`COLUMNS`).

    ``unit_usd_median``: the median of USD per unit (usd / quantity, x1000
    for messages: per 1,000 messages) and, for billing periods, per month
    of service (hour x720, day x30, week x4.35, quarter /3, year /12;
    lifetime: none). ``currency`` is the row's most frequent currency and
    ``median_amount`` the median amount in it. Periods are calendar periods
    in ``tz``.
    """
    check_period(period)
    cte, params = priced_offers_sql(period, tz, category)
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in store.query(_stats_sql(cte), params):
        py, ps, cat, unit, bp, basis, n_all, n, n_sellers = r[:9]
        groups[(py, ps, cat, unit, bp, basis)] = {
            "period": period_label(period, int(py), int(ps)),
            "category": _none(cat),
            "unit": _none(unit),
            "billing_period": _none(bp),
            "basis": basis,
            "n": int(n or 0),
            "n_sellers": int(n_sellers or 0),
            "n_outliers": int(n_all) - int(n or 0),
            **dict(
                zip(
                    ("min_usd", "p25_usd", "median_usd", "p75_usd", "max_usd", "unit_usd_median"),
                    (math.nan if x is None else float(x) for x in r[9:]),
                    strict=True,
                )
            ),
        }
    currencies: dict[tuple[Any, ...], list[tuple[int, str, float]]] = defaultdict(list)
    for *key, currency, count, median in store.query(_currency_sql(cte), params):
        currencies[tuple(key)].append((-int(count), currency, float(median)))
    for k, options in currencies.items():
        _, groups[k]["currency"], groups[k]["median_amount"] = min(options)
    observed: dict[tuple[Any, ...], list[Obs]] = defaultdict(list)
    for *key, author, usd, count in store.query(_rows_sql(cte), params):
        observed[tuple(key)].append((float(usd), author, int(count)))
    for k, obs in observed.items():
        low, high = median_ci(obs, group_rng(k))
        groups[k]["median_ci_low_usd"], groups[k]["median_ci_high_usd"] = low, high
    df = pd.DataFrame(list(groups.values()), columns=COLUMNS)
    return _finish(df)


def group_rng(key: tuple[Any, ...]) -> np.random.Generator:
    """A random stream of its own per group: a CI does not depend on the other groups."""
    return np.random.default_rng(zlib.crc32(repr(key).encode("utf-8")))


def _finish(df: pd.DataFrame) -> pd.DataFrame:
    for col in ("period", "category", "unit", "billing_period", "currency", "basis"):
        df[col] = df[col].astype("str")  # missing stays missing (NaN), whatever the rows
    for col in ("n", "n_outliers", "n_sellers"):
        df[col] = df[col].astype("int64")
    for col in COLUMNS:
        if col.endswith(("_usd", "_amount", "_median")):
            df[col] = df[col].astype("float64")
    df = df.sort_values(
        ["period", "category", "basis", "unit", "billing_period"],
        na_position="first",
        kind="stable",
    )
    return df.reset_index(drop=True)
