"""The Store on both backends: schema, idempotent batches, migrations, reextract,
concurrent writers."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap

import pytest

from undersight.ingest.base import ReadReport
from undersight.ingest.pipeline import extractor_version, ingest_messages, reextract
from undersight.model import Message
from undersight.store import open_store
from undersight.store.duckdb_store import DuckDBStore
from undersight.store.schema import DATA_TABLES, LATEST

TEXTS = [
    "短信群发 三网通道 5000条300元 联系QQ 123456789",
    "出售伪基站 一台5万 QQ 12345678",
    "WTS fullz $10 each, tg @cardking_shop",
    "今天天气不错",
    "DDoS $81/month, $16/day, $500 lifetime. jabber boss@exploit.im",
]


def messages(n: int = 5, channel: str = "g1", offset: int = 0) -> list[Message]:
    base = dt.datetime(2013, 5, 14, 8, 0, tzinfo=dt.UTC)
    return [
        Message(
            "telegram",
            channel,
            f"{TEXTS[i % len(TEXTS)]} #{i}",
            base + dt.timedelta(minutes=i),
            message_id=str(i),
            channel_name=f"Group {channel}",
            author_id=f"user{i % 3}",
            author_name=f"nick{i % 3}",
            source="fixture.json",
            position=f"$.messages[{i}]",
        )
        for i in range(offset, offset + n)
    ]


def test_a_new_store_has_the_latest_schema(store_url):
    store = open_store(store_url)
    assert store.schema_version() == LATEST
    for table in DATA_TABLES:
        assert store.table_rows(table) == []
    store.close()


def test_batches_are_idempotent_and_duplicates_inside_a_batch_count_once(store_url):
    store = open_store(store_url)
    report = ReadReport()
    first = ingest_messages(messages(5), store, report)
    assert (first.stored, first.duplicates) == (5, 0)
    snapshot = {t: store.table_rows(t) for t in DATA_TABLES}
    again = ingest_messages(messages(5) + messages(5), store, report, batch_size=3)
    assert (again.stored, again.duplicates) == (0, 10)
    assert {t: store.table_rows(t) for t in DATA_TABLES} == snapshot
    overlap = ingest_messages(messages(5, offset=3), store, report)  # 3, 4 known; 5-7 new
    assert (overlap.stored, overlap.duplicates) == (3, 2)
    assert len(store.table_rows("messages")) == 8
    prices = store.table_rows("prices")
    assert prices[0][:6] == ("telegram:g1:0", 0, 300.0, None, "CNY", 5000.0)
    assert len(store.table_rows("sources")) == 1 and len(store.table_rows("authors")) == 3
    store.close()


def test_both_backends_store_identical_rows(tmp_path, postgres_url):
    stores = [open_store(str(tmp_path / "a.duckdb")), open_store(postgres_url)]
    for store in stores:
        ingest_messages(messages(20), store, ReadReport(), batch_size=7)
    for table in DATA_TABLES:
        duck, pg = (store.table_rows(table) for store in stores)
        assert duck == pg, table
    for store in stores:
        store.close()


def test_an_older_store_is_upgraded_when_opened(tmp_path):
    path = tmp_path / "old.duckdb"
    old = DuckDBStore(path, upgrade_to=1)
    assert old.schema_version() == 1
    old.con.execute(
        "INSERT INTO messages (key, source_id, text) VALUES ('qq:g:1', 'qq:g', 'hello')"
    )
    old.close()
    store = open_store(str(path))
    assert store.schema_version() == LATEST
    assert store.query("SELECT key, text, norm_text, language FROM messages") == [
        ("qq:g:1", "hello", None, None)
    ]
    store.close()


def test_reextract_refreshes_only_stale_extractions(store_url):
    store = open_store(store_url)
    ingest_messages(messages(5), store, ReadReport())
    assert reextract(store) == 0  # all current
    store.query("UPDATE extractions SET extractor_version = 'old' WHERE key = 'telegram:g1:1'")
    store.query("DELETE FROM prices WHERE key = 'telegram:g1:1'")
    assert reextract(store) == 1
    versions = {v for (v,) in store.query("SELECT extractor_version FROM extractions")}
    assert versions == {extractor_version()}
    assert [r[:3] for r in store.table_rows("prices") if r[0] == "telegram:g1:1"] == [
        ("telegram:g1:1", 0, 50000.0)
    ]
    store.close()


def test_concurrent_ingests_into_postgres_neither_duplicate_nor_lose(postgres_url):
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(__import__("pathlib").Path(__file__).parent)!r})
        from test_store import messages
        from undersight.ingest.base import ReadReport
        from undersight.ingest.pipeline import ingest_messages
        from undersight.store import open_store
        store = open_store({postgres_url!r})
        offset = int(sys.argv[1])
        ingest_messages(messages(400, offset=offset), store, ReadReport(), batch_size=50)
        store.close()
        """
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(offset)]) for offset in (0, 200, 100)
    ]
    assert [p.wait(timeout=300) for p in procs] == [0, 0, 0]
    store = open_store(postgres_url)
    keys = [r[0] for r in store.table_rows("messages")]
    assert len(keys) == len(set(keys)) == 600  # messages 0..599, each once
    assert store.query("SELECT count(*) FROM extractions") == [(600,)]
    dup = store.query("SELECT key, count(*) FROM prices GROUP BY key, idx HAVING count(*) > 1")
    assert dup == []
    store.close()


def test_a_store_newer_than_the_code_is_refused(tmp_path):
    from undersight.store.base import StoreError

    path = tmp_path / "future.duckdb"
    store = open_store(str(path))
    store.query("INSERT INTO schema_version VALUES (999, now())")
    store.close()
    with pytest.raises(StoreError, match="newer"):
        open_store(str(path))


def test_two_extraction_processes_store_what_one_does(tmp_path):
    one, two = (open_store(str(tmp_path / name)) for name in ("one.duckdb", "two.duckdb"))
    ingest_messages(messages(300), one, ReadReport(), jobs=1, batch_size=40)
    ingest_messages(messages(300), two, ReadReport(), jobs=2, batch_size=40)
    for table in DATA_TABLES:
        assert one.table_rows(table) == two.table_rows(table), table
    one.close()
    two.close()


def test_reextract_command_refreshes_a_store(tmp_path):
    from pathlib import Path

    db = str(tmp_path / "s.duckdb")
    store = open_store(db)
    ingest_messages(messages(10), store, ReadReport())
    store.query("UPDATE extractions SET extractor_version = 'lexicon-before-change'")
    store.close()
    exe = str(Path(sys.executable).with_name("undersight"))
    proc = subprocess.run([exe, "reextract", "--db", db], capture_output=True, check=False)
    assert proc.returncode == 0, proc.stderr.decode()
    assert "re-extracted 10 messages" in proc.stderr.decode()
    store = open_store(db)
    assert store.query("SELECT DISTINCT extractor_version FROM extractions") == [
        (extractor_version(),)
    ]
    store.close()
