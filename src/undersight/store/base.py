"""The Store protocol: what ingest, reextract and the analyses need from a
database, whatever the backend (``undersight.store.open_store`` picks one)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from undersight.store.rows import Rows

DEFAULT_DB = "undersight.duckdb"


class StoreError(Exception):
    """A store that cannot be opened or written: a one-line reason."""


class Store(Protocol):
    url: str

    def schema_version(self) -> int: ...

    def write_batch(self, rows: Rows) -> tuple[int, int]:
        """Store a batch atomically; messages already stored are skipped with
        their extraction rows. Returns ``(stored, duplicates)``."""
        ...

    def replace_extractions(self, keys: Sequence[str], rows: Rows) -> None:
        """Swap the extraction rows of ``keys`` for ``rows``, atomically."""
        ...

    def iter_messages(
        self, batch_size: int = 5000, stale_version: str | None = None
    ) -> Iterator[list[tuple[str, str, Any]]]:
        """``(key, text, posted_at)`` in key order, in batches; with
        ``stale_version`` only messages extracted by another version."""
        ...

    def start_run(self, run_id: str, inputs: str) -> None: ...

    def finish_run(self, run_id: str, counts: dict[str, int]) -> None: ...

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]: ...

    def iter_query(
        self, sql: str, params: Sequence[Any] = (), batch_size: int = 5000
    ) -> Iterator[list[tuple[Any, ...]]]:
        """The rows of one read-only query, streamed in batches: the result is never
        materialized on the Python side, and several streams may be open at once."""
        ...

    def table_rows(self, table: str) -> list[tuple[Any, ...]]:
        """Every row of a data table, ordered by its primary key."""
        ...

    def close(self) -> None: ...
