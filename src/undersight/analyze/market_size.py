"""How many sellers the market has, seen and unseen: capture-recapture with
groups as capture occasions.

A seller is the author of a sell offer (an ``author_key``; linking one
person's accounts across platforms by shared contacts is later work, and
QQ numbers already link a seller across QQ groups). Three rows:

- ``observed``: the distinct sellers seen, a lower bound (no interval).
- ``lincoln_petersen``: two occasions, the groups split in two halves of
  about equal sell-offer volume (groups by sell offers, most first, dealt
  A, B, B, A, A, B, ...; ties by source id): Chapman's estimator
  ``(n1+1)(n2+1)/(m+1) - 1`` with its variance (Seber 1970) and a normal
  95% CI, clipped below at the sellers observed. Groups rather than two
  periods: a group's window of activity is short, so two periods would see
  two different populations (an open population breaks the method).
- ``chao``: Chao's lower-bound estimator over all the groups as occasions
  (incidence form, Chao 1987): ``S + (t-1)/t * f1^2 / (2 f2)`` with ``f1``,
  ``f2`` the sellers seen in exactly one and two groups and ``t`` the
  groups (``f1 (f1-1) / 2`` when ``f2`` is 0), with its log-normal 95% CI.

Both assume every seller could be caught in every group; sellers who keep
to one group by choice read as unseen sellers and inflate the estimates
(the ``note`` says so when over 30% of sellers are seen in a single group).
"""

from __future__ import annotations

import math
from collections import defaultdict

import pandas as pd

from undersight.store.base import Store

COLUMNS = ["method", "estimate", "ci_low", "ci_high", "n_observed", "note"]
Z95 = 1.959963984540054

_SELLERS = """
WITH sells AS (
    SELECT m.author_key, m.source_id
    FROM messages m
    JOIN extractions e ON e.key = m.key AND /*offer*/e.offer AND e.intent = 'sell'
    WHERE m.author_key IS NOT NULL
), sellers AS (
    SELECT author_key FROM sells GROUP BY author_key HAVING count(*) >= ?
)
"""
_PAIRS = (
    _SELLERS
    + """
SELECT s.author_key, s.source_id, CAST(count(*) AS BIGINT)
FROM sells s JOIN sellers USING (author_key)
GROUP BY s.author_key, s.source_id
"""
)
_GROUPS_PER_SELLER = (
    _SELLERS
    + """
SELECT k, CAST(count(*) AS BIGINT) FROM (
    SELECT s.author_key, count(DISTINCT s.source_id) AS k
    FROM sells s JOIN sellers USING (author_key)
    GROUP BY s.author_key
) per_seller
GROUP BY k
"""
)
_SINGLE_OFFER = _SELLERS.replace(">= ?", "= 1") + "SELECT CAST(count(*) AS BIGINT) FROM sellers"


def chapman(n1: int, n2: int, m: int) -> tuple[float, float]:
    """Chapman's estimate and its variance from two samples and their overlap."""
    est = (n1 + 1) * (n2 + 1) / (m + 1) - 1
    var = (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) ** 2 * (m + 2))
    return est, var


def chao(observed: int, f1: int, f2: int, occasions: int) -> tuple[float, float, float]:
    """Chao's incidence lower bound and its log-normal 95% CI."""
    a = (occasions - 1) / occasions if occasions > 0 else 1.0
    if f2 > 0:
        r = f1 / f2
        est = observed + a * f1 * f1 / (2 * f2)
        var = f2 * (a * r**2 / 2 + a * a * r**3 + a * a * r**4 / 4)
    else:
        est = observed + a * f1 * (f1 - 1) / 2
        var = a * f1 * (f1 - 1) / 2 + a * a * f1 * (2 * f1 - 1) ** 2 / 4
        var -= a * a * f1**4 / (4 * est) if est > 0 else 0.0
    t = est - observed
    if t <= 0 or var <= 0:
        return est, float(observed), est
    k = math.exp(Z95 * math.sqrt(math.log(1 + var / (t * t))))
    return est, observed + t / k, observed + t * k


def split_groups(volume: dict[str, int]) -> tuple[set[str], set[str]]:
    """Two halves of about equal volume: by volume, most first, dealt A B B A A B ..."""
    order = sorted(volume, key=lambda g: (-volume[g], g))
    halves: tuple[set[str], set[str]] = (set(), set())
    for i, g in enumerate(order):
        halves[(i % 4) in (1, 2)].add(g)
    return halves


def market_size(store: Store, min_groups: int = 2, *, min_offers: int = 1) -> pd.DataFrame:
    """Seller population estimates (see the module doc); capture-recapture
    rows are NaN with a note when fewer than ``min_groups`` groups have sell
    offers. ``min_offers`` counts as sellers only the authors of at least that
    many sell offers: a message misread as a sell offer (a vouch, a buy
    request) makes a one-offer "seller" seen in one group, which inflates
    both estimates; ``min_offers=2`` is the robust reading (it also drops
    true one-ad sellers)."""
    seller_groups: dict[str, set[str]] = defaultdict(set)
    volume: dict[str, int] = defaultdict(int)
    for author, source, n in store.query(_PAIRS, [min_offers]):
        seller_groups[author].add(source)
        volume[source] += int(n)
    hist = {int(k): int(n) for k, n in store.query(_GROUPS_PER_SELLER, [min_offers])}
    single = int(store.query(_SINGLE_OFFER)[0][0]) if min_offers <= 1 else 0
    observed, groups = len(seller_groups), len(volume)
    rows: list[list[object]] = [
        [
            "observed",
            float(observed),
            math.nan,
            math.nan,
            observed,
            _observed_note(groups, min_offers, single),
        ]
    ]
    if groups < max(2, min_groups):
        why = f"needs sell offers in at least {max(2, min_groups)} groups, found {groups}"
        rows += [
            [m, math.nan, math.nan, math.nan, observed, why] for m in ("lincoln_petersen", "chao")
        ]
        return _frame(rows)
    a, b = split_groups(volume)
    n1 = sum(1 for gs in seller_groups.values() if gs & a)
    n2 = sum(1 for gs in seller_groups.values() if gs & b)
    m = sum(1 for gs in seller_groups.values() if gs & a and gs & b)
    est, var = chapman(n1, n2, m)
    half = Z95 * math.sqrt(var)
    caveat = _caveat(hist, observed)
    rows.append(
        [
            "lincoln_petersen",
            est,
            max(float(observed), est - half),
            est + half,
            observed,
            f"Chapman; groups split in two halves of equal sell-offer volume "
            f"({len(a)} and {len(b)} groups): n1={n1}, n2={n2}, both={m}{caveat}",
        ]
    )
    f1, f2 = hist.get(1, 0), hist.get(2, 0)
    est, low, high = chao(observed, f1, f2, groups)
    rows.append(
        [
            "chao",
            est,
            low,
            high,
            observed,
            f"Chao lower bound over {groups} groups as occasions: f1={f1}, f2={f2}{caveat}",
        ]
    )
    return _frame(rows)


def _observed_note(groups: int, min_offers: int, single: int) -> str:
    who = "sell offers" if min_offers <= 1 else f"at least {min_offers} sell offers"
    note = f"distinct authors of {who} in {groups} group(s); a lower bound"
    if single:
        note += f"; {single} have a single sell offer (misread messages are among them)"
    return note


def _caveat(hist: dict[int, int], observed: int) -> str:
    single = hist.get(1, 0)
    if observed and single / observed > 0.3:
        return (
            f"; {single} of {observed} sellers are seen in one group only: if they keep"
            " to it by choice, the estimate is too high"
        )
    return ""


def _frame(rows: list[list[object]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=COLUMNS)
    df[["estimate", "ci_low", "ci_high"]] = df[["estimate", "ci_low", "ci_high"]].astype("float64")
    df["n_observed"] = df["n_observed"].astype("int64")
    df[["method", "note"]] = df[["method", "note"]].astype("str")
    return df
