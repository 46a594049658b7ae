"""The store's schema, as numbered migrations shared by every backend.

Opening a store applies the migrations it lacks, in order, each in its own
transaction, and records the version reached: an older store is upgraded in
place. Types are written for both DuckDB and PostgreSQL (``{DOUBLE}`` is
``DOUBLE`` or ``DOUBLE PRECISION``).
"""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (
        1,
        "initial tables",
        [
            """CREATE TABLE sources (
                source_id TEXT PRIMARY KEY,
                platform TEXT NOT NULL,
                channel_id TEXT NOT NULL,
                name TEXT,
                description TEXT
            )""",
            """CREATE TABLE authors (
                author_key TEXT PRIMARY KEY,
                platform TEXT NOT NULL,
                author_id TEXT,
                name TEXT
            )""",
            """CREATE TABLE messages (
                key TEXT PRIMARY KEY,
                source_id TEXT NOT NULL,
                author_key TEXT,
                message_id TEXT,
                posted_at TIMESTAMPTZ,
                text TEXT NOT NULL,
                reply_to TEXT,
                forwarded_from TEXT,
                edited_at TIMESTAMPTZ,
                source_file TEXT,
                position TEXT
            )""",
            """CREATE TABLE extractions (
                key TEXT PRIMARY KEY,
                offer BOOLEAN NOT NULL,
                intent TEXT,
                extractor_version TEXT NOT NULL
            )""",
            """CREATE TABLE categories (
                key TEXT NOT NULL,
                rank INTEGER NOT NULL,
                category TEXT NOT NULL,
                span_start INTEGER,
                span_end INTEGER,
                PRIMARY KEY (key, rank)
            )""",
            """CREATE TABLE platforms (
                key TEXT NOT NULL,
                rank INTEGER NOT NULL,
                platform TEXT NOT NULL,
                span_start INTEGER,
                span_end INTEGER,
                PRIMARY KEY (key, rank)
            )""",
            """CREATE TABLE prices (
                key TEXT NOT NULL,
                idx INTEGER NOT NULL,
                amount {DOUBLE} NOT NULL,
                amount_max {DOUBLE},
                currency TEXT NOT NULL,
                quantity {DOUBLE},
                unit TEXT,
                period TEXT,
                usd {DOUBLE},
                usd_note TEXT,
                span_start INTEGER,
                span_end INTEGER,
                PRIMARY KEY (key, idx)
            )""",
            """CREATE TABLE contacts (
                key TEXT NOT NULL,
                idx INTEGER NOT NULL,
                type TEXT NOT NULL,
                value TEXT NOT NULL,
                span_start INTEGER,
                span_end INTEGER,
                PRIMARY KEY (key, idx)
            )""",
            """CREATE TABLE ingest_runs (
                run_id TEXT PRIMARY KEY,
                started_at TIMESTAMPTZ NOT NULL,
                finished_at TIMESTAMPTZ,
                inputs TEXT,
                read_count BIGINT,
                stored_count BIGINT,
                duplicate_count BIGINT,
                skipped_count BIGINT,
                failed_count BIGINT
            )""",
        ],
    ),
    (
        2,
        "normalized text, language and lookup indexes",
        [
            "ALTER TABLE messages ADD COLUMN norm_text TEXT",
            "ALTER TABLE messages ADD COLUMN language TEXT",
            "CREATE INDEX messages_posted_at ON messages (posted_at)",
            "CREATE INDEX messages_source ON messages (source_id)",
            "CREATE INDEX contacts_value ON contacts (type, value)",
            "CREATE INDEX categories_category ON categories (category)",
        ],
    ),
    (
        3,
        "confidence of the offer decision and of each category",
        [
            "ALTER TABLE extractions ADD COLUMN confidence {DOUBLE}",
            "ALTER TABLE categories ADD COLUMN confidence {DOUBLE}",
        ],
    ),
]

LATEST = MIGRATIONS[-1][0]

# Tables holding the results of one message's extraction (replaced by reextract).
EXTRACTION_TABLES = ("extractions", "categories", "platforms", "prices", "contacts")
# Every table holding data (not bookkeeping), in the order rows are written.
DATA_TABLES = ("sources", "authors", "messages", *EXTRACTION_TABLES)

COLUMNS: dict[str, tuple[str, ...]] = {
    "sources": ("source_id", "platform", "channel_id", "name", "description"),
    "authors": ("author_key", "platform", "author_id", "name"),
    "messages": (
        "key",
        "source_id",
        "author_key",
        "message_id",
        "posted_at",
        "text",
        "reply_to",
        "forwarded_from",
        "edited_at",
        "source_file",
        "position",
        "norm_text",
        "language",
    ),
    "extractions": ("key", "offer", "intent", "extractor_version", "confidence"),
    "categories": ("key", "rank", "category", "span_start", "span_end", "confidence"),
    "platforms": ("key", "rank", "platform", "span_start", "span_end"),
    "prices": (
        "key",
        "idx",
        "amount",
        "amount_max",
        "currency",
        "quantity",
        "unit",
        "period",
        "usd",
        "usd_note",
        "span_start",
        "span_end",
    ),
    "contacts": ("key", "idx", "type", "value", "span_start", "span_end"),
}
PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "sources": ("source_id",),
    "authors": ("author_key",),
    "messages": ("key",),
    "extractions": ("key",),
    "categories": ("key", "rank"),
    "platforms": ("key", "rank"),
    "prices": ("key", "idx"),
    "contacts": ("key", "idx"),
}


def finish_run_values(run_id: str, finished_at: object, counts: dict[str, int]) -> list[object]:
    """Parameters of FINISH_RUN_SQL, in order."""
    names = ("read", "stored", "duplicates", "skipped", "failed")
    return [finished_at, *(counts.get(name, 0) for name in names), run_id]


FINISH_RUN_SQL = (
    "UPDATE ingest_runs SET finished_at = ?, read_count = ?, stored_count = ?,"
    " duplicate_count = ?, skipped_count = ?, failed_count = ? WHERE run_id = ?"
)


def messages_after_sql(stale: bool) -> str:
    """Next batch of ``(key, text, posted_at)`` after a key; ``stale``: only
    messages whose extraction another version made. Placeholders are ``?``."""
    if not stale:
        return "SELECT key, text, posted_at FROM messages WHERE key > ? ORDER BY key LIMIT ?"
    return (
        "SELECT m.key, m.text, m.posted_at FROM messages m LEFT JOIN extractions e"
        " ON e.key = m.key WHERE m.key > ? AND (e.extractor_version IS NULL"
        " OR e.extractor_version <> ?) ORDER BY m.key LIMIT ?"
    )
