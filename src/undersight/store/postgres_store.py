"""The team store: PostgreSQL.

Each batch is copied into temporary tables and inserted with
``ON CONFLICT DO NOTHING ... RETURNING`` in one transaction, so concurrent
ingests into one server neither duplicate nor lose a message: whichever
transaction stores a key first also stores its extraction rows, the other
skips both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

import psycopg

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

_LOCK_ID = 48_151_623  # advisory lock serializing migrations between processes


class PostgresStore:
    def __init__(self, url: str, upgrade_to: int = LATEST, create: bool = True):
        self.url = url
        try:
            self.con = psycopg.connect(url, autocommit=False)
        except psycopg.Error as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreError(f"{_redact(url)}: cannot connect: {reason}") from None
        with self.con.transaction():
            self.con.execute("SET TIME ZONE 'UTC'")
        if not create and self.schema_version() == 0:
            self.con.close()
            raise StoreError(f"{_redact(url)}: the database holds no Undersight store")
        self._migrate(upgrade_to)

    def schema_version(self) -> int:
        with self.con.transaction():
            row = self.con.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
            if not row or not row[0]:
                return 0
            found = self.con.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(found[0] or 0) if found else 0

    def _migrate(self, upgrade_to: int) -> None:
        with self.con.transaction():
            self.con.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])
            self.con.execute(
                "CREATE TABLE IF NOT EXISTS schema_version"
                " (version INTEGER, applied_at TIMESTAMPTZ)"
            )
            found = self.con.execute("SELECT max(version) FROM schema_version").fetchone()
            current = int(found[0] or 0) if found else 0
            if current > LATEST:
                raise StoreError(
                    f"{_redact(self.url)}: store schema {current} is newer than {LATEST}"
                )
            for version, _, statements in MIGRATIONS:
                if current < version <= upgrade_to:
                    for sql in statements:
                        self.con.execute(sql.replace("{DOUBLE}", "DOUBLE PRECISION"))
                    self.con.execute(
                        "INSERT INTO schema_version VALUES (%s, %s)",
                        [version, dt.datetime.now(dt.UTC)],
                    )

    def write_batch(self, rows: Rows) -> tuple[int, int]:
        batch = dedupe(rows)
        total = len(rows)
        with self.con.transaction():
            new = set(self._copy_insert("messages", batch.tables["messages"], returning=True))
            self._copy_insert("sources", batch.tables["sources"])
            self._copy_insert("authors", batch.tables["authors"])
            for table in EXTRACTION_TABLES:
                self._copy(table, [r for r in batch.tables[table] if r[0] in new])
        return len(new), total - len(new)

    def _copy_insert(
        self, table: str, rows: list[tuple[Any, ...]], returning: bool = False
    ) -> list[str]:
        """Insert skipping rows whose key exists; the keys actually inserted."""
        if not rows:
            return []
        cols = ", ".join(COLUMNS[table])
        tmp = f"tmp_{table}"
        self.con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {tmp} (LIKE {table} INCLUDING DEFAULTS)")
        self.con.execute(f"TRUNCATE {tmp}")
        with self.con.cursor().copy(f"COPY {tmp} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        pk = ", ".join(PRIMARY_KEYS[table])
        sql = f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {tmp} ON CONFLICT ({pk}) DO NOTHING"
        if returning:
            return [
                r[0]
                for r in self.con.execute(sql + f" RETURNING {PRIMARY_KEYS[table][0]}").fetchall()
            ]
        self.con.execute(sql)
        return []

    def _copy(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        cols = ", ".join(COLUMNS[table])
        with self.con.cursor().copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def replace_extractions(self, keys: Sequence[str], rows: Rows) -> None:
        with self.con.transaction():
            for table in EXTRACTION_TABLES:
                self.con.execute(f"DELETE FROM {table} WHERE key = ANY(%s)", [list(keys)])
            for table in EXTRACTION_TABLES:
                self._copy(table, rows.tables[table])

    def start_run(self, run_id: str, inputs: str) -> None:
        with self.con.transaction():
            self.con.execute(
                "INSERT INTO ingest_runs (run_id, started_at, inputs) VALUES (%s, %s, %s)",
                [run_id, dt.datetime.now(dt.UTC), inputs],
            )

    def finish_run(self, run_id: str, counts: dict[str, int]) -> None:
        values = finish_run_values(run_id, dt.datetime.now(dt.UTC), counts)
        with self.con.transaction():
            self.con.execute(FINISH_RUN_SQL.replace("?", "%s"), values)

    def iter_messages(
        self, batch_size: int = 5000, stale_version: str | None = None
    ) -> Iterator[list[tuple[str, str, Any]]]:
        last = ""
        sql = messages_after_sql(stale_version is not None).replace("?", "%s")
        while True:
            params = [last, *([stale_version] if stale_version else []), batch_size]
            with self.con.transaction():
                batch = self.con.execute(sql, params).fetchall()
            if not batch:
                return
            yield batch
            last = batch[-1][0]

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.con.transaction():
            cursor = self.con.execute(filters.apply(sql).replace("?", "%s"), list(params))
            return cursor.fetchall() if cursor.description is not None else []

    def iter_query(
        self, sql: str, params: Sequence[Any] = (), batch_size: int = 5000
    ) -> Iterator[list[tuple[Any, ...]]]:
        # a server-side cursor on a connection of its own, so that several streams can be
        # open at once and none holds the store's connection in a transaction meanwhile
        try:
            con = psycopg.connect(self.url, autocommit=False)
        except psycopg.Error as exc:
            raise StoreError(f"{_redact(self.url)}: cannot connect: {exc}") from None
        try:
            con.execute("SET TIME ZONE 'UTC'")
            with con.cursor(name="undersight_stream") as cursor:
                cursor.itersize = batch_size
                cursor.execute(filters.apply(sql).replace("?", "%s"), list(params))
                while batch := cursor.fetchmany(batch_size):
                    yield batch
        finally:
            con.close()

    def table_rows(self, table: str) -> list[tuple[Any, ...]]:
        cols = ", ".join(COLUMNS[table])
        order = ", ".join(
            f'{c} COLLATE "C"' if c in ("key", "source_id", "author_key") else c
            for c in PRIMARY_KEYS[table]
        )
        return self.query(f"SELECT {cols} FROM {table} ORDER BY {order}")

    def close(self) -> None:
        self.con.close()


def _redact(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}@{host}"
    return url
