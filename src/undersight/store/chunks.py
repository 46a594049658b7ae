"""Key ranges of a store's messages, for reading every row a bounded piece at a time.

A whole-store query that joins, groups or sorts makes the database hold a table as large
as the store (DuckDB's hash joins and sorts do not all spill under a small
``memory_limit``). Restricting every table of such a query to one key range bounds that
table by the range instead, whatever the store's size: PostgreSQL reads a range through
the primary keys, DuckDB scans each table once a range (skipping row groups outside it).
"""

from __future__ import annotations

from typing import Any

from undersight.store.base import Store

CHUNK = 20_000  # at most this many messages a range
CHUNK_BYTES = 12_000_000  # and about this much text (long texts make smaller ranges)
_SAMPLE_PER_RANGE = 64


def key_ranges(
    store: Store, size: int | None = None, text_bytes: int | None = None
) -> list[tuple[str | None, str | None]]:
    """Ranges ``[low, high)`` of message keys (``None``: unbounded) covering every key,
    in key order, of about ``size`` messages each, cut at the keys of a random sample (a
    bounded top-N, not a sort of every key). Their number grows with the store, a few
    keys per ``size`` messages. Defaults: ``CHUNK`` and ``CHUNK_BYTES``."""
    size, text_bytes = size or CHUNK, text_bytes or CHUNK_BYTES
    found = store.query("SELECT count(*), avg(length(text)) FROM messages")
    n, mean = (int(found[0][0] or 0), float(found[0][1] or 0)) if found else (0, 0.0)
    size = max(1, min(size, int(text_bytes / (mean + 256))))
    parts = -(-n // size)
    if parts <= 1:
        return [(None, None)]
    sample = [
        k
        for (k,) in store.query(
            "SELECT key FROM (SELECT key FROM messages ORDER BY random() LIMIT ?) t ORDER BY key",
            [min(n, _SAMPLE_PER_RANGE * parts)],
        )
    ]
    cuts = list(dict.fromkeys(sample[len(sample) * i // parts] for i in range(1, parts)))
    return list(zip([None, *cuts], [*cuts, None], strict=True))


def in_range(column: str, low: str | None, high: str | None) -> tuple[str, list[Any]]:
    """`` AND column >= ? AND column < ?`` (the bounds there are) and its parameters."""
    sql, params = "", []
    if low is not None:
        sql += f" AND {column} >= ?"
        params.append(low)
    if high is not None:
        sql += f" AND {column} < ?"
        params.append(high)
    return sql, params
