"""The embedded default store: one DuckDB file.

Batches arrive as Arrow tables and are inserted with set-based SQL in one
transaction: a crash mid-batch leaves the file as it was before the batch
(DuckDB replays its write-ahead log on the next open), and a re-run skips
every message already stored.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from undersight.store import filters
from undersight.store.base import StoreError
from undersight.store.rows import Rows, dedupe
from undersight.store.schema import (
    COLUMNS,
    EXTRACTION_TABLES,
    FINISH_RUN_SQL,
    LATEST,
    MIGRATIONS,
    PRIMARY_KEYS,
    finish_run_values,
    messages_after_sql,
)

_TYPES: dict[str, pa.DataType] = {
    "posted_at": pa.timestamp("us", tz="UTC"),
    "edited_at": pa.timestamp("us", tz="UTC"),
    "offer": pa.bool_(),
    "rank": pa.int32(),
    "idx": pa.int32(),
    "span_start": pa.int32(),
    "span_end": pa.int32(),
    "amount": pa.float64(),
    "amount_max": pa.float64(),
    "quantity": pa.float64(),
    "usd": pa.float64(),
    "confidence": pa.float64(),
}


def arrow_table(table: str, rows: list[tuple[Any, ...]]) -> pa.Table:
    """Rows of ``table`` as an Arrow table with the store's column types."""
    columns = COLUMNS[table]
    data = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    return pa.table(
        {
            name: pa.array(values, type=_TYPES.get(name, pa.string()))
            for name, values in zip(columns, data, strict=True)
        }
    )


class DuckDBStore:
    def __init__(
        self,
        path: str | Path,
        upgrade_to: int = LATEST,
        memory_limit: str | None = None,
        bulk_read: bool = False,
        create: bool = True,
    ):
        self.url = str(path)
        try:
            self.con = duckdb.connect(str(path))
        except duckdb.Error as exc:
            raise StoreError(f"{path}: cannot open the DuckDB store: {exc}") from None
        self.con.execute("SET TimeZone = 'UTC'")
        # Bounded memory whatever the store size (DuckDB would take 80% of RAM).
        limit = memory_limit or os.environ.get("UNDERSIGHT_DUCKDB_MEMORY", "512MB")
        self.con.execute(f"SET memory_limit = '{limit}'")
        if bulk_read:  # no index scans: see open_store
            self.con.execute("SET index_scan_max_count = 0")
            self.con.execute("SET index_scan_percentage = 0")
        if not create and self.schema_version() == 0:
            self.con.close()
            raise StoreError(f"{path}: a DuckDB file, but not an Undersight store")
        self._migrate(upgrade_to)

    # -- schema ---------------------------------------------------------------

    def schema_version(self) -> int:
        exists = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
        ).fetchone()
        if not exists or not exists[0]:
            return 0
        row = self.con.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(row[0] or 0) if row else 0

    def _migrate(self, upgrade_to: int) -> None:
        current = self.schema_version()
        if current > LATEST:
            raise StoreError(
                f"{self.url}: store schema {current} is newer than this Undersight ({LATEST})"
            )
        if current == 0:
            self.con.execute(
                "CREATE TABLE schema_version (version INTEGER, applied_at TIMESTAMPTZ)"
            )
        for version, _, statements in MIGRATIONS:
            if current < version <= upgrade_to:
                self.con.execute("BEGIN")
                for sql in statements:
                    self.con.execute(sql.replace("{DOUBLE}", "DOUBLE"))
                self.con.execute(
                    "INSERT INTO schema_version VALUES (?, ?)", [version, dt.datetime.now(dt.UTC)]
                )
                self.con.execute("COMMIT")

    # -- writing --------------------------------------------------------------

    def write_batch(self, rows: Rows) -> tuple[int, int]:
        batch = dedupe(rows)
        total = len(rows)
        con = self.con
        con.execute("BEGIN")
        try:
            con.register("batch_messages", arrow_table("messages", batch.tables["messages"]))
            cols = ", ".join(COLUMNS["messages"])
            new = {
                r[0]
                for r in con.execute(
                    f"INSERT OR IGNORE INTO messages ({cols})"
                    f" SELECT {cols} FROM batch_messages RETURNING key"
                ).fetchall()
            }
            con.unregister("batch_messages")
            for table in ("sources", "authors"):
                self._insert(table, batch.tables[table], ignore=True)
            for table in EXTRACTION_TABLES:
                self._insert(table, [r for r in batch.tables[table] if r[0] in new])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return len(new), total - len(new)

    def _insert(self, table: str, rows: list[tuple[Any, ...]], ignore: bool = False) -> None:
        if not rows:
            return
        name = f"batch_{table}"
        self.con.register(name, arrow_table(table, rows))
        cols = ", ".join(COLUMNS[table])
        verb = "INSERT OR IGNORE" if ignore else "INSERT"
        self.con.execute(f"{verb} INTO {table} ({cols}) SELECT {cols} FROM {name}")
        self.con.unregister(name)

    def replace_extractions(self, keys: Sequence[str], rows: Rows) -> None:
        con = self.con
        con.execute("BEGIN")
        try:
            con.register("stale_keys", pa.table({"key": pa.array(list(keys), type=pa.string())}))
            for table in EXTRACTION_TABLES:
                con.execute(f"DELETE FROM {table} WHERE key IN (SELECT key FROM stale_keys)")
            con.unregister("stale_keys")
            for table in EXTRACTION_TABLES:
                self._insert(table, rows.tables[table])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def start_run(self, run_id: str, inputs: str) -> None:
        self.con.execute(
            "INSERT INTO ingest_runs (run_id, started_at, inputs) VALUES (?, ?, ?)",
            [run_id, dt.datetime.now(dt.UTC), inputs],
        )

    def finish_run(self, run_id: str, counts: dict[str, int]) -> None:
        self.con.execute(FINISH_RUN_SQL, finish_run_values(run_id, dt.datetime.now(dt.UTC), counts))

    # -- reading --------------------------------------------------------------

    def iter_messages(
        self, batch_size: int = 5000, stale_version: str | None = None
    ) -> Iterator[list[tuple[str, str, Any]]]:
        last = ""
        sql = messages_after_sql(stale_version is not None)
        while True:
            params = [last, *([stale_version] if stale_version else []), batch_size]
            batch = self.con.execute(sql, params).fetchall()
            if not batch:
                return
            yield batch
            last = batch[-1][0]

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.con.execute(filters.apply(sql), list(params)).fetchall()

    def iter_query(
        self, sql: str, params: Sequence[Any] = (), batch_size: int = 5000
    ) -> Iterator[list[tuple[Any, ...]]]:
        # a cursor of its own, so that several streams (and queries) can be open at once
        cursor = self.con.cursor()
        try:
            cursor.execute("SET TimeZone = 'UTC'")
            cursor.execute(filters.apply(sql), list(params))
            while batch := cursor.fetchmany(batch_size):
                yield batch
        finally:
            cursor.close()

    def table_rows(self, table: str) -> list[tuple[Any, ...]]:
        cols = ", ".join(COLUMNS[table])
        order = ", ".join(PRIMARY_KEYS[table])
        return self.con.execute(f"SELECT {cols} FROM {table} ORDER BY {order}").fetchall()

    def close(self) -> None:
        self.con.close()
