"""A first look at a store: sizes, offers by category, median prices in USD."""

from __future__ import annotations

from dataclasses import dataclass

from undersight.store.base import Store

# The first (most specific) category of each offer, with its first priced item.
_BY_CATEGORY = """
SELECT c.category,
       count(DISTINCT c.key) AS offers,
       count(p.usd) AS priced,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY p.usd) AS median_usd
FROM categories c
JOIN extractions e ON e.key = c.key AND /*offer*/e.offer
LEFT JOIN prices p ON p.key = c.key AND p.idx = 0
WHERE c.rank = 0
GROUP BY c.category
ORDER BY offers DESC, c.category
"""


@dataclass(frozen=True)
class CategoryLine:
    category: str
    offers: int
    priced: int
    median_usd: float | None


@dataclass(frozen=True)
class Overview:
    messages: int
    sources: int
    authors: int
    offers: int
    first_date: object
    last_date: object
    categories: list[CategoryLine]


def overview(store: Store) -> Overview:
    (messages, sources, authors, first, last) = store.query(
        "SELECT count(*), count(DISTINCT source_id), count(DISTINCT author_key),"
        " min(posted_at), max(posted_at) FROM messages"
    )[0]
    offers = store.query("SELECT count(*) FROM extractions e WHERE /*offer*/e.offer")[0][0]
    lines = [
        CategoryLine(cat, int(n), int(priced), float(med) if med is not None else None)
        for cat, n, priced, med in store.query(_BY_CATEGORY)
    ]
    return Overview(int(messages), int(sources), int(authors), int(offers), first, last, lines)
