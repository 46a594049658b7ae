"""The most active sellers and groups."""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from undersight.store.base import Store

SELLER_COLUMNS = ["author_key", "name", "offers", "categories", "groups", "first_seen", "last_seen"]
GROUP_COLUMNS = ["source_id", "name", "messages", "offers", "sellers", "categories"]

_SELL = "JOIN extractions e ON e.key = m.key AND /*offer*/e.offer AND e.intent = 'sell'"
_SELLERS = f"""
SELECT m.author_key, max(a.name), CAST(count(*) AS BIGINT),
       CAST(count(DISTINCT m.source_id) AS BIGINT), min(m.posted_at), max(m.posted_at)
FROM messages m
{_SELL}
LEFT JOIN authors a ON a.author_key = m.author_key
WHERE m.author_key IS NOT NULL
GROUP BY m.author_key
"""
_SELLER_CATEGORIES = f"""
SELECT m.author_key, c.category, CAST(count(*) AS BIGINT)
FROM messages m
{_SELL}
JOIN categories c ON c.key = m.key AND c.rank = 0
WHERE m.author_key IS NOT NULL
GROUP BY m.author_key, c.category
"""
_GROUPS = """
SELECT m.source_id, max(s.name), CAST(count(*) AS BIGINT),
       CAST(sum(CASE WHEN /*offer*/e.offer THEN 1 ELSE 0 END) AS BIGINT),
       CAST(count(DISTINCT CASE WHEN /*offer*/e.offer AND e.intent = 'sell' THEN m.author_key END)
            AS BIGINT)
FROM messages m
LEFT JOIN extractions e ON e.key = m.key
LEFT JOIN sources s ON s.source_id = m.source_id
GROUP BY m.source_id
"""
_GROUP_CATEGORIES = """
SELECT m.source_id, c.category, CAST(count(*) AS BIGINT)
FROM messages m
JOIN extractions e ON e.key = m.key AND /*offer*/e.offer
JOIN categories c ON c.key = m.key AND c.rank = 0
GROUP BY m.source_id, c.category
"""


def _categories(store: Store, sql: str) -> dict[str, str]:
    """``key -> "bots, ddos"``: first categories by offers, most first."""
    found: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for key, category, n in store.query(sql):
        found[key].append((-int(n), category))
    return {k: ", ".join(c for _, c in sorted(v)) for k, v in found.items()}


def top_sellers(store: Store, n: int = 20) -> pd.DataFrame:
    """The ``n`` authors with the most sell offers: their first categories (most
    offered first), the groups they reach and when they were first and last seen."""
    cats = _categories(store, _SELLER_CATEGORIES)
    rows = [
        [key, name, int(offers), cats.get(key, ""), int(groups), first, last]
        for key, name, offers, groups, first, last in store.query(_SELLERS)
    ]
    rows.sort(key=lambda r: (-r[2], -r[4], r[0]))
    df = pd.DataFrame(rows[:n], columns=SELLER_COLUMNS)
    df[["offers", "groups"]] = df[["offers", "groups"]].astype("int64")
    df[["author_key", "name", "categories"]] = df[["author_key", "name", "categories"]].astype(
        "str"
    )
    for col in ("first_seen", "last_seen"):
        df[col] = pd.to_datetime(df[col], utc=True)
    return df


def top_groups(store: Store, n: int = 20) -> pd.DataFrame:
    """The ``n`` groups with the most offers (then messages): their sellers and
    the first categories of their offers, most offered first."""
    cats = _categories(store, _GROUP_CATEGORIES)
    rows = [
        [sid, name, int(msgs), int(offers), int(sellers), cats.get(sid, "")]
        for sid, name, msgs, offers, sellers in store.query(_GROUPS)
    ]
    rows.sort(key=lambda r: (-r[3], -r[2], r[0]))
    df = pd.DataFrame(rows[:n], columns=GROUP_COLUMNS)
    df[["messages", "offers", "sellers"]] = df[["messages", "offers", "sellers"]].astype("int64")
    df[["source_id", "name", "categories"]] = df[["source_id", "name", "categories"]].astype("str")
    return df
