"""Reading offers from a store a key range at a time, in key order: memory stays flat.

Personas are pluggable: a ``PersonaSource`` maps a store to groups of author
keys; the default makes one persona per author.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from undersight.store.base import Store
from undersight.store.chunks import in_range, key_ranges

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
    for rows in store.iter_query("SELECT author_key FROM authors ORDER BY author_key"):
        for (key,) in rows:
            yield [key]


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


_T, _TS, _D = "CAST(NULL AS TEXT)", "CAST(NULL AS TIMESTAMPTZ)", "CAST(NULL AS DOUBLE PRECISION)"
# A range's rows: an offer (part 0), then its categories (1), prices (2) and contacts (3), in
# columns key, part, rank, t1..t5 (text), ts (timestamp), d1..d4 (double). Categories,
# prices and contacts of chatter come too: they are skipped while reading, which keeps the
# child parts free of joins.
_OFFER_PART = (
    "SELECT m.key, 0, 0, m.author_key, m.text, m.source_id, s.platform, e.intent,"
    f" m.posted_at, {_D}, {_D}, {_D}, {_D}"
    " FROM messages m JOIN extractions e ON e.key = m.key"
    " LEFT JOIN sources s ON s.source_id = m.source_id"
    " WHERE e.offer"
)
_CHILD_PARTS = (
    f"SELECT key, 1, rank, category, {_T}, {_T}, {_T}, {_T}, {_TS}, {_D}, {_D}, {_D}, {_D}"
    " FROM categories WHERE TRUE",
    f"SELECT key, 2, idx, currency, unit, period, {_T}, {_T}, {_TS},"
    " amount, amount_max, quantity, usd FROM prices WHERE TRUE",
    f"SELECT key, 3, idx, type, value, {_T}, {_T}, {_T}, {_TS}, {_D}, {_D}, {_D}, {_D}"
    " FROM contacts WHERE TRUE",
)


def _range_query(
    since: datetime | None, category: str | None, low: str | None, high: str | None
) -> tuple[str, list[Any]]:
    """The rows of the offers in ``[low, high)`` and of their children, sorted by key.

    Every table is restricted to the range on its own, so that no join, semi-join or sort
    holds more than a range."""
    sql, params = _OFFER_PART, []
    for column in ("m.key", "e.key"):
        bound, values = in_range(column, low, high)
        sql += bound
        params += values
    if since is not None:
        sql += " AND m.posted_at >= ?"
        params.append(since)
    if category is not None:
        bound, values = in_range("c.key", low, high)
        sql += (
            " AND EXISTS (SELECT 1 FROM categories c WHERE c.key = m.key"
            f" AND (c.category = ? OR c.category LIKE ?){bound})"
        )
        params += [category, category + "/%", *values]
    parts = [sql]
    for part in _CHILD_PARTS:
        bound, values = in_range("key", low, high)
        parts.append(part + bound)
        params += values
    return "SELECT * FROM (" + " UNION ALL ".join(parts) + ") u ORDER BY 1, 2, 3", params


def _price(row: tuple[Any, ...]) -> dict[str, Any]:
    currency, unit, period = row[3:6]
    amount, amount_max, quantity, usd = row[9:13]
    price = {
        "amount": amount,
        "amount_max": amount_max,
        "currency": currency,
        "quantity": quantity,
        "unit": unit,
        "period": period,
        "usd": usd,
    }
    return {k: v for k, v in price.items() if v is not None}


def iter_offers(
    store: Store,
    since: datetime | None = None,
    category: str | None = None,
    batch: int = BATCH,
) -> Iterator[Offer]:
    """Every offer (with categories, prices, contacts) in key order.

    The offers are read in key ranges of a bounded number of messages
    (``undersight.store.chunks``); each range is one streamed query yielding, sorted by
    key, each offer's row followed by its categories, prices and contacts. One offer is
    held at a time in Python, and the database sorts one range at a time.
    """
    for low, high in key_ranges(store):
        sql, values = _range_query(since, category, low, high)
        offer: Offer | None = None
        for rows in store.iter_query(sql, values, batch):
            for row in rows:
                part = row[1]
                if part == 0:
                    if offer is not None:
                        yield offer
                    offer = Offer(
                        row[0], row[3], as_utc(row[8]), row[4], row[5], row[6] or "", row[7]
                    )
                elif offer is None or row[0] != offer.key:
                    continue  # a row of a message that is no offer (or filtered out)
                elif part == 1:
                    offer.categories.append(row[3])
                elif part == 2:
                    offer.prices.append(_price(row))
                else:
                    offer.contacts.append((row[3], row[4]))
        if offer is not None:
            yield offer
