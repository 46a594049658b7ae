"""Reading offers from a store in key-ordered batches, so that memory stays flat.

Personas are pluggable: a ``PersonaSource`` maps a store to groups of author
keys; the default makes one persona per author.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from undersight.store.base import Store

PersonaSource = Callable[[Store], Iterable[list[str]]]
BATCH = 2000


@dataclass
class Author:
    key: str
    platform: str
    author_id: str | None
    name: str | None


@dataclass
class Offer:
    key: str
    author_key: str | None
    posted_at: datetime | None
    text: str
    source_id: str
    platform: str
    intent: str | None
    categories: list[str] = field(default_factory=list)
    prices: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[tuple[str, str]] = field(default_factory=list)


def one_persona_per_author(store: Store) -> Iterator[list[str]]:
    """The default persona source: every author is their own persona."""
    last = ""
    while True:
        rows = store.query(
            "SELECT author_key FROM authors WHERE author_key > ? ORDER BY author_key LIMIT ?",
            [last, BATCH],
        )
        for (key,) in rows:
            yield [key]
        if len(rows) < BATCH:
            return
        last = rows[-1][0]


def authors(store: Store) -> dict[str, Author]:
    """Every author by key (bounded by the number of authors, not of messages)."""
    rows = store.query("SELECT author_key, platform, author_id, name FROM authors")
    return {r[0]: Author(*r) for r in rows}


def parse_since(value: str | None) -> datetime | None:
    """``YYYY-MM-DD`` (or an ISO timestamp) as an aware UTC datetime."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"--since: expected a date like 2013-05-01, got {value!r}") from None
    if isinstance(when, date) and not isinstance(when, datetime):
        when = datetime(when.year, when.month, when.day)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def as_utc(value: Any) -> datetime | None:
    """A stored timestamp as an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _offer_sql(since: datetime | None, category: str | None) -> str:
    sql = (
        "SELECT m.key, m.author_key, m.posted_at, m.text, m.source_id, s.platform, e.intent"
        " FROM messages m JOIN extractions e ON e.key = m.key"
        " LEFT JOIN sources s ON s.source_id = m.source_id"
        " WHERE e.offer AND m.key > ?"
    )
    if since is not None:
        sql += " AND m.posted_at >= ?"
    if category is not None:
        sql += (
            " AND EXISTS (SELECT 1 FROM categories c WHERE c.key = m.key"
            " AND (c.category = ? OR c.category LIKE ?))"
        )
    return sql + " ORDER BY m.key LIMIT ?"


def iter_offers(
    store: Store,
    since: datetime | None = None,
    category: str | None = None,
    batch: int = BATCH,
) -> Iterator[Offer]:
    """Every offer (with categories, prices, contacts) in key order, read in batches."""
    sql = _offer_sql(since, category)
    last = ""
    while True:
        params: list[Any] = [last]
        if since is not None:
            params.append(since)
        if category is not None:
            params += [category, category + "/%"]
        rows = store.query(sql, [*params, batch])
        if not rows:
            return
        offers = {r[0]: Offer(r[0], r[1], as_utc(r[2]), r[3], r[4], r[5] or "", r[6]) for r in rows}
        lo, hi = rows[0][0], rows[-1][0]
        for key, cat in store.query(
            "SELECT key, category FROM categories WHERE key >= ? AND key <= ? ORDER BY key, rank",
            [lo, hi],
        ):
            if key in offers:
                offers[key].categories.append(cat)
        for key, *price in store.query(
            "SELECT key, amount, amount_max, currency, quantity, unit, period, usd FROM prices"
            " WHERE key >= ? AND key <= ? ORDER BY key, idx",
            [lo, hi],
        ):
            if key in offers:
                names = ("amount", "amount_max", "currency", "quantity", "unit", "period", "usd")
                offers[key].prices.append(
                    {n: v for n, v in zip(names, price, strict=True) if v is not None}
                )
        for key, ctype, value in store.query(
            "SELECT key, type, value FROM contacts WHERE key >= ? AND key <= ? ORDER BY key, idx",
            [lo, hi],
        ):
            if key in offers:
                offers[key].contacts.append((ctype, value))
        yield from offers.values()
        if len(rows) < batch:
            return
        last = hi
