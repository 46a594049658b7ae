"""The store: DuckDB or PostgreSQL behind one protocol (see ``base``).

``open_store(url)`` opens or creates the store a command writes to;
``open_existing_store(url)`` opens one a command reads and refuses a path
that is missing or is not an Undersight store (a typo must not create an
empty store and report nothing). A file path (default ``undersight.duckdb``)
is DuckDB, ``postgresql://...`` is PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

from undersight.store.base import DEFAULT_DB, Store, StoreError

__all__ = [
    "DEFAULT_DB",
    "Store",
    "StoreError",
    "is_postgres_url",
    "open_existing_store",
    "open_store",
]

# The first bytes of a DuckDB database file: 8 bytes of checksum, then "DUCK".
_DUCKDB_MAGIC = b"DUCK"


def is_postgres_url(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def open_store(
    url: str | None = None,
    memory_limit: str | None = None,
    bulk_read: bool = False,
    create: bool = True,
) -> Store:
    """Open (creating or upgrading) the store at ``url``; ``memory_limit``
    bounds DuckDB's cache (default 512MB, or $UNDERSIGHT_DUCKDB_MEMORY);
    ``bulk_read``: the caller reads whole tables (a key range at a time), so DuckDB
    never plans index scans (planning one loads a whole primary-key index, which
    grows with the store and which the cache cannot evict). With ``create``
    false, a missing store or a database without Undersight's tables is an error.
    An existing file that is not a DuckDB database is always one."""
    target = url or DEFAULT_DB
    if is_postgres_url(target):
        from undersight.store.postgres_store import PostgresStore

        return PostgresStore(target, create=create)
    path = Path(target)
    if path.is_dir():
        raise StoreError(f"{target}: is a folder, not a store file")
    if path.exists():
        _check_duckdb_file(path)
    elif not create:
        raise StoreError(f"{target}: no such store (create one with `undersight ingest`)")
    from undersight.store.duckdb_store import DuckDBStore

    return DuckDBStore(target, memory_limit=memory_limit, bulk_read=bulk_read, create=create)


def open_existing_store(
    url: str | None = None, memory_limit: str | None = None, bulk_read: bool = False
) -> Store:
    """The store a reading command uses: it must exist and be an Undersight store."""
    return open_store(url, memory_limit=memory_limit, bulk_read=bulk_read, create=False)


def _check_duckdb_file(path: Path) -> None:
    try:
        with path.open("rb") as fh:
            head = fh.read(12)
    except OSError as exc:
        raise StoreError(f"{path}: cannot read: {exc.strerror}") from None
    if head and head[8:12] != _DUCKDB_MAGIC:
        raise StoreError(f"{path}: not a DuckDB store (a store is a file `undersight ingest` made)")
