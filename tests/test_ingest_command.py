"""`undersight ingest` end to end: idempotent, crash-safe under SIGKILL, summary."""

from __future__ import annotations

import json
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from undersight.store import open_store
from undersight.store.schema import DATA_TABLES

EXE = str(Path(sys.executable).with_name("undersight"))
ADS = [
    "出售伪基站 一台{n}元 QQ {qq}",
    "短信群发 5000条{n}元 飞机 @sms_{n}",
    "WTS fullz ${n} each, tg @shop_{n}",
    "DDoS ${n}/month, jabber boss{n}@exploit.im",
    "今天天气不错 第{n}天",
]


def write_dump(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(count):
            text = ADS[i % len(ADS)].format(n=100 + i % 900, qq=10_000_000 + i)
            record = {
                "post_id": str(i),
                "content": f"{text} ({i})",
                "created_at": f"2013-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00Z",
                "user": f"user{i % 50}",
                "board": "market",
            }
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


MAP = "text=content,date=created_at,message_id=post_id,author_name=user,channel_id=board"


def ingest(
    dump: Path, db: Path | str, batch: int = 500, jobs: int = 1
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            EXE,
            "ingest",
            str(dump),
            "--db",
            str(db),
            "--format",
            "jsonl",
            "--map",
            MAP,
            "--batch-size",
            str(batch),
            "--jobs",
            str(jobs),
        ],
        capture_output=True,
        timeout=600,
        check=False,
    )


def snapshot(db: Path | str) -> dict[str, list]:
    store = open_store(str(db))
    try:
        return {t: store.table_rows(t) for t in DATA_TABLES}
    finally:
        store.close()


def test_ingesting_twice_stores_each_message_once(tmp_path, store_url):
    dump, db = tmp_path / "dump.jsonl", store_url
    write_dump(dump, 1200)
    first = ingest(dump, db)
    assert first.returncode == 0, first.stderr.decode()[-800:]
    before = snapshot(db)
    assert len(before["messages"]) == 1200
    second = ingest(dump, db)
    assert second.returncode == 0
    assert snapshot(db) == before
    # the summary's row: read, stored, already stored (the first run's row reads 1,200 | 1,200 | 0)
    assert re.search(r"1,200\s*│\s*0\s*│\s*1,200\s*│", second.stderr.decode())
    assert re.search(r"1,200\s*│\s*1,200\s*│\s*0\s*│", first.stderr.decode())


def test_two_processes_store_exactly_what_one_stores(tmp_path):
    dump = tmp_path / "dump.jsonl"
    write_dump(dump, 3000)
    one, two = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    assert ingest(dump, one, batch=400, jobs=1).returncode == 0
    proc = ingest(dump, two, batch=400, jobs=2)
    assert proc.returncode == 0, proc.stderr.decode()[-800:]
    assert snapshot(two) == snapshot(one)
    assert len(snapshot(two)["messages"]) == 3000


def test_sigkill_at_random_points_then_rerun_equals_an_uninterrupted_run(tmp_path):
    dump = tmp_path / "dump.jsonl"
    write_dump(dump, 20_000)
    reference, crashed = tmp_path / "ref.duckdb", tmp_path / "crash.duckdb"
    assert ingest(dump, reference).returncode == 0
    rng = random.Random(2013)
    cmd = [
        EXE,
        "ingest",
        str(dump),
        "--db",
        str(crashed),
        "--format",
        "jsonl",
        "--map",
        MAP,
        "--batch-size",
        "500",
        "--jobs",
        "1",
    ]
    kills = 0
    for _ in range(4):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.8, 2.5))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
    assert kills >= 1
    final = ingest(dump, crashed)
    assert final.returncode == 0, final.stderr.decode()[-800:]
    assert snapshot(crashed) == snapshot(reference)


def test_a_missing_input_and_a_bad_store_are_one_line_errors(tmp_path):
    proc = subprocess.run(
        [EXE, "ingest", str(tmp_path / "nope.json")], capture_output=True, check=False
    )
    assert proc.returncode == 2
    assert proc.stderr.decode().count("\n") == 1 and "nope.json" in proc.stderr.decode()
    dump = tmp_path / "d.jsonl"
    write_dump(dump, 3)
    proc = subprocess.run(
        [EXE, "ingest", str(dump), "--db", "postgresql://nobody@127.0.0.1:1/none"],
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "cannot connect" in proc.stderr.decode()


def test_real_export_formats_into_both_backends(store_url):
    """The bundled QQ sample and a generated Telegram export ingest the same everywhere."""
    from undersight.demo import sample_folder

    telegram = Path(__file__).parent / "data" / "sample-telegram" / "result.json"
    proc = subprocess.run(
        [EXE, "ingest", str(sample_folder()), str(telegram), "--db", store_url],
        capture_output=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-800:]
    store = open_store(store_url)
    try:
        platforms = dict(store.query("SELECT platform, count(*) FROM sources GROUP BY platform"))
        assert set(platforms) == {"qq", "telegram"}
        (messages,) = store.query("SELECT count(*) FROM messages")[0]
        (offers,) = store.query("SELECT count(*) FROM extractions WHERE offer")[0]
        assert messages > 30_000 and 0.05 < offers / messages < 0.2
        (no_date,) = store.query("SELECT count(*) FROM messages WHERE posted_at IS NULL")[0]
        assert no_date == 0
    finally:
        store.close()


def test_synth_then_ingest_stores_every_generated_message(tmp_path):
    out, db = tmp_path / "corpus", tmp_path / "s.duckdb"
    gen = subprocess.run(
        [
            EXE,
            "synth",
            "--scenario",
            "cn-underground-2013",
            "--messages",
            "3000",
            "--seed",
            "5",
            "--out",
            str(out),
        ],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert gen.returncode == 0, gen.stderr.decode()[-800:]
    truth = [json.loads(line) for line in (out / "truth.jsonl").open(encoding="utf-8")]
    proc = subprocess.run(
        [EXE, "ingest", str(out), "--db", str(db)],  # the ground truth beside it is left out
        capture_output=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-800:]
    said = "".join(proc.stderr.decode().split())  # (however the console wrapped it)
    assert "truth.jsonl:thegroundtruth" in said and "summary.json:thegroundtruth" in said
    store = open_store(str(db))
    try:
        (stored,) = store.query("SELECT count(*) FROM messages")[0]
        (offers,) = store.query("SELECT count(*) FROM extractions WHERE offer")[0]
    finally:
        store.close()
    assert stored == len(truth)
    planted = sum(1 for t in truth if t["offer"])
    assert abs(offers - planted) <= 0.03 * planted


def _telegram_export(path: Path, ids: range) -> None:
    export = {
        "name": "出料交流群",
        "type": "private_supergroup",
        "id": 1_234_567,
        "messages": [
            {
                "id": i,
                "type": "message",
                "date": f"2023-03-0{1 + i % 9}T10:00:00",
                "date_unixtime": str(1_677_664_800 + i * 60),
                "from": f"卖家{i % 4}",
                "from_id": f"user{i % 4}",
                "text": [f"出 肉鸡 {100 + i}元 一百个 ", {"type": "mention", "text": "@seller_x"}],
                "text_entities": [],
            }
            for i in ids
        ],
    }
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")


def test_two_overlapping_exports_of_one_chat_store_each_message_once(tmp_path, store_url):
    march, april = tmp_path / "march", tmp_path / "april"
    march.mkdir()
    april.mkdir()
    _telegram_export(march / "result.json", range(1, 61))
    _telegram_export(april / "result.json", range(41, 101))  # re-exported: 41-60 again
    for folder in (march, april):
        proc = subprocess.run(
            [EXE, "ingest", str(folder), "--db", store_url], capture_output=True, check=False
        )
        assert proc.returncode == 0, proc.stderr.decode()[-800:]
    store = open_store(store_url)
    try:
        ids = [int(r[3]) for r in store.table_rows("messages")]
        assert sorted(ids) == list(range(1, 101))
        assert store.query("SELECT count(*) FROM contacts WHERE value = 'seller_x'") == [(100,)]
    finally:
        store.close()
