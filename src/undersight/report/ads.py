"""Quoted ads: the most-posted ad of each category, with the spans the extractor read."""

from __future__ import annotations

from dataclasses import dataclass

from undersight.store.base import Store

# The most-posted offer text of each category (reposts counted), the first of equals by key.
_QUOTED_ADS = """
SELECT category, text, posts, groups, first_key FROM (
    SELECT c.category, m.text, count(*) AS posts, count(DISTINCT m.source_id) AS groups,
           min(m.key) AS first_key,
           row_number() OVER (PARTITION BY c.category ORDER BY count(*) DESC, min(m.key)) AS rn
    FROM messages m
    JOIN extractions e ON e.key = m.key AND /*offer*/e.offer
    JOIN categories c ON c.key = m.key AND c.rank = 0
    GROUP BY c.category, m.text
) ranked
WHERE rn = 1
"""


@dataclass
class QuotedAd:
    """One ad as stored (hostile: shown only through ``safety``), its category and
    price spans (offsets in ``text``) and how often it was posted."""

    category: str
    text: str
    posts: int
    groups: int
    spans: list[tuple[int, int]]
    price: str


def _amount(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def quoted_ads(store: Store, categories: list[str]) -> list[QuotedAd]:
    """The most-posted ad of each of ``categories``, with its evidence spans."""
    rows = {r[0]: r for r in store.query(_QUOTED_ADS)}
    ads = []
    for category in categories:
        if category not in rows:
            continue
        _, text, posts, groups, key = rows[category]
        spans = store.query(
            "SELECT span_start, span_end FROM prices WHERE key = ? AND span_start IS NOT NULL"
            " UNION ALL SELECT span_start, span_end FROM categories"
            " WHERE key = ? AND span_start IS NOT NULL",
            [key, key],
        )
        first = store.query(
            "SELECT amount, currency, usd FROM prices WHERE key = ? ORDER BY idx LIMIT 1", [key]
        )
        price = ""
        if first:
            amount, currency, usd = first[0]
            price = f"{_amount(amount)} {currency}" + (
                f" = {usd:,.2f} USD" if usd is not None else ""
            )
        ads.append(
            QuotedAd(
                category, text, int(posts), int(groups), [(int(a), int(b)) for a, b in spans], price
            )
        )
    return ads
