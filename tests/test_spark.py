"""`undersight spark extract` on real PySpark (local[2]) against the local extractor.

One Spark session for the module, one 20k+ message corpus run once: every
result row must equal what `undersight extract` prints for that line (errors
included), spans and message fields included, and `undersight ingest
--from-parquet` must store what `undersight ingest` stores.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from undersight.extract.jsonl import InputLine, process_line, read_lines
from undersight.extract.pipeline import default_extractor, parse_date
from undersight.ingest.base import ReadReport
from undersight.ingest.tabular import JsonlReader
from undersight.spark.columns import RESULT_SCHEMA, spark_ddl
from undersight.spark.inputs import detect_format, split_offsets
from undersight.spark.records import to_extraction, to_message, to_spec
from undersight.spark.session import PANDAS_WARNING
from undersight.spark.transform import BLOCK, RAW, SOURCE, extract_batches, number_lines
from undersight.store import open_store
from undersight.store.schema import DATA_TABLES
from undersight.text.normalize import normalize

EXE = str(Path(sys.executable).with_name("undersight"))
MAX_BYTES = 1 << 20
# Records the extract contract rejects (or accepts oddly), mixed into the corpus.
BAD_LINES = [
    b"not json {",
    b"",
    b"[1, 2]",
    b'{"id": "bad-text", "text": 5}',
    b'{"id": "bad-date", "text": "\xe5\x87\xba\xe5\x94\xae 100\xe5\x85\x83", "date": "yesterday"}',
    b'{"id": "bad-utf8", "text": "\xff\xfe"}',
    b'{"id": "too-long", "text": "' + b"a" * MAX_BYTES + b'"}',
    b'{"id": "blank", "text": "   ", "channel_id": "grp"}',
    b'{"id": 42, "text": "WTS fullz $5 each, tg @int_id", "channel_id": "grp"}',
    # No id: an error for the extract contract; `undersight ingest` would store it.
    b'{"text": "QQ 123456789", "channel_id": "grp", "date": "2013-05-01"}',
]
NO_ID = BAD_LINES[-1]
pytestmark = pytest.mark.filterwarnings(f"ignore:{PANDAS_WARNING}:FutureWarning")


def _ci() -> bool:
    return bool(os.environ.get("CI") or os.environ.get("UNDERSIGHT_TEST_PG"))


@pytest.fixture(scope="session")
def spark():
    """A local[2] session; skips without pyspark/Java only outside `make test` and CI."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        if _ci():
            pytest.fail("pyspark is not installed: `make test` installs undersight[spark]")
        pytest.skip("pyspark is not installed (pip install 'undersight[spark]')")
    import shutil

    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        if _ci():
            pytest.fail("no Java runtime: `make test` installs openjdk-17-jre-headless")
        pytest.skip("no Java runtime for Spark")
    from pyspark.sql import SparkSession

    from undersight.spark.session import configure

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("undersight-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    configure(session)
    yield session
    session.stop()


def _synth_records(count: int, seed: int) -> list[dict[str, Any]]:
    import tempfile

    from undersight.commands.synth import build_parser, params_from_args
    from undersight.synth.engine import generate

    with tempfile.TemporaryDirectory() as tmp:
        args = build_parser().parse_args(
            [
                *("--scenario", "cn-underground-2013", "--messages", str(count)),
                *("--seed", str(seed), "--out", tmp),
            ]
        )
        generate(params_from_args(args), Path(tmp))
        truth = (Path(tmp) / "truth.jsonl").read_bytes().splitlines()
    return [orjson.loads(line) for line in truth]


def _record(r: dict[str, Any]) -> dict[str, Any]:
    """A synth message as an `undersight extract` input record."""
    return {
        "id": r["id"],
        "text": r["text"],
        "date": r["time"],
        "source": r["platform"],
        "author": r["author"],
        "author_id": r["author_id"],
        "channel_id": r["channel_id"],
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """20,000+ generated messages as JSONL, the bad records spread among them."""
    records = _synth_records(20_000, seed=5)
    assert len(records) >= 20_000
    lines = [orjson.dumps(_record(r)) for r in records]
    step = len(lines) // (len(BAD_LINES) + 1)
    for i, bad in enumerate(BAD_LINES, 1):
        lines.insert(i * step, bad)
    path = tmp_path_factory.mktemp("corpus") / "market.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


@pytest.fixture(scope="module")
def spark_out(spark, corpus, tmp_path_factory) -> tuple[Path, dict[str, Any]]:
    from undersight.spark.runner import run_job

    out = tmp_path_factory.mktemp("spark") / "out"
    summary = run_job(spark, str(corpus), str(out), partitions=6)
    return out, summary.as_dict()


def _rows(folder: Path) -> list[dict[str, Any]]:
    return ds.dataset(folder, format="parquet", partitioning="hive").to_table().to_pylist()


def _expected(path: Path) -> list[dict[str, Any]]:
    """`undersight extract` output for every line of ``path`` (ids as strings)."""
    ex = default_extractor()
    with path.open("rb") as fh:
        out = [process_line(line, ex.extract, MAX_BYTES) for line in read_lines(fh, MAX_BYTES)]
    for obj in out:
        if obj["id"] is not None:
            obj["id"] = str(obj["id"])
    return out


def _fields(e) -> tuple:
    return (e.offer, e.intent, e.categories, e.platforms, e.prices, e.contacts)


def test_every_row_equals_the_local_extractor(spark_out, corpus):
    out, summary = spark_out
    rows = _rows(out / "messages")
    expected = _expected(corpus)
    assert sorted(r["line"] for r in rows) == list(range(1, len(expected) + 1))
    by_line = {r["line"]: r for r in rows}
    mismatched = [n for n, obj in enumerate(expected, 1) if to_spec(by_line[n]) != obj]
    assert not mismatched, (mismatched[:5], to_spec(by_line[mismatched[0]]))
    errors = [obj for obj in expected if "error" in obj]
    assert len(errors) == 8  # every bad line but the blank text and the integer id
    assert summary["records"] == len(expected) and summary["errors"] == len(errors)
    assert {r["month"] for r in rows if r["error"]} == {"unknown"}

    # spans and normalized text, as the extractor and ingest make them
    ex = default_extractor()
    lines = corpus.read_bytes().split(b"\n")
    for r in rows:
        if r["error"] is None:
            record = orjson.loads(lines[r["line"] - 1])
            local = ex.extract(record["text"], parse_date(record.get("date")))
            assert _fields(to_extraction(r)) == _fields(local), r["line"]
            assert r["norm_text"] == normalize(record["text"]).cased


def test_message_fields_equal_the_ingest_reader(spark_out, corpus):
    out, _ = spark_out
    rows = {r["position"]: r for r in _rows(out / "messages")}
    report = ReadReport()
    read = {m.position: m for m in JsonlReader().read(corpus, report)}
    stored = {pos: to_message(r) for pos, r in rows.items() if r["key"] is not None}
    no_id = next(pos for pos, m in read.items() if m.message_id is None)
    assert rows[no_id]["error"] == "missing field 'id'"
    del read[no_id]
    assert stored == read
    assert all(rows[pos]["key"] == m.key for pos, m in read.items())
    months = {p.name for p in (out / "messages").iterdir() if p.is_dir()}
    assert "month=unknown" in months and "month=2013-05" in months


def test_derived_tables_are_the_exploded_messages(spark_out):
    out, summary = spark_out
    messages = [r for r in _rows(out / "messages") if r["error"] is None]
    offers = _rows(out / "offers")
    prices = _rows(out / "prices")
    contacts = _rows(out / "contacts")
    assert len(offers) == summary["offers"] == sum(bool(r["offer"]) for r in messages)
    assert len(prices) == summary["prices"] == sum(len(r["prices"]) for r in messages)
    assert len(contacts) == summary["contacts"] == sum(len(r["contacts"]) for r in messages)
    by_key = {r["key"]: r for r in messages}
    for p in prices:
        source = by_key[p["key"]]
        price = source["prices"][p["idx"]]
        assert {k: p[k] for k in price} == price
        assert (p["id"], p["month"], p["date"]) == (source["id"], source["month"], source["date"])
        assert p["category"] == source["categories"][0]["id"]
    for c in contacts:
        assert by_key[c["key"]]["contacts"][c["idx"]]["value"] == c["value"]
    for name in ("offers", "prices", "contacts"):
        assert any(d.name.startswith("month=20") for d in (out / name).iterdir())


def test_parquet_input_numbers_rows_per_file(spark, corpus, tmp_path):
    from undersight.spark.runner import run_job

    records = []
    for line in corpus.read_bytes().splitlines()[:3000]:
        try:
            records.append(orjson.loads(line))
        except orjson.JSONDecodeError:
            continue
    records = [r for r in records if isinstance(r, dict) and isinstance(r.get("text"), str)]
    folder = tmp_path / "corpus"
    folder.mkdir()
    halves = {"a.parquet": records[:1200], "b.parquet": records[1200:]}
    for name, part in halves.items():
        table = pa.Table.from_pylist(
            [{k: r.get(k) for k in ("id", "text", "date", "author", "channel_id")} for r in part]
        )
        pq.write_table(table, folder / name, row_group_size=400)
    assert detect_format(str(folder), ["a.parquet", "b.parquet"]) == "parquet"
    out = tmp_path / "out"
    summary = run_job(spark, str(folder), str(out), partitions=3)
    assert summary.format == "parquet" and summary.records == len(records)
    rows = _rows(out / "messages")
    ex = default_extractor()
    for r in rows:
        name = Path(r["source"]).name
        record = halves[name][r["line"] - 1]
        line = InputLine(r["line"], orjson.dumps(record))
        expected = process_line(line, ex.extract, MAX_BYTES)
        assert to_spec(r) == {**expected, "id": str(expected["id"])}
        assert r["position"] == f"row {r['line']}"
    assert {Path(r["source"]).name for r in rows} == set(halves)


def _snapshot(db: Path) -> dict[str, list]:
    store = open_store(str(db))
    try:
        return {t: sorted(store.table_rows(t), key=repr) for t in DATA_TABLES}
    finally:
        store.close()


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([EXE, *args], capture_output=True, timeout=600, check=False)


def test_ingest_from_parquet_stores_what_ingest_stores(spark_out, corpus, tmp_path):
    out, _ = spark_out
    local, loaded = tmp_path / "local.duckdb", tmp_path / "spark.duckdb"
    proc = _run("ingest", str(corpus), "--db", str(local), "--jobs", "1")
    assert proc.returncode == 1, proc.stderr.decode()[-800:]  # the bad lines fail
    proc = _run("ingest", "--from-parquet", str(out), "--db", str(loaded))
    assert proc.returncode == 1, proc.stderr.decode()[-800:]
    want, got = _snapshot(local), _snapshot(loaded)
    # the id-less record is stored by ingest only (an error for the extract contract)
    no_id = JsonlReader().to_message(orjson.loads(NO_ID), corpus.stem, str(corpus), "")
    assert no_id is not None
    only_local = {r[0] for r in want["messages"]} - {r[0] for r in got["messages"]}
    assert only_local == {no_id.key}
    for table in DATA_TABLES:
        if table not in ("sources", "authors"):
            want[table] = [r for r in want[table] if r[0] != no_id.key]
        assert got[table] == want[table], table
    assert len(got["messages"]) > 20_000

    again = _run("ingest", "--from-parquet", str(out), "--db", str(loaded))
    assert again.returncode == 1
    assert _snapshot(loaded) == got
    store = open_store(str(loaded))
    try:
        runs = store.query("SELECT stored_count, duplicate_count FROM ingest_runs")
    finally:
        store.close()
    assert sorted(runs) == sorted([(len(got["messages"]), 0), (0, len(got["messages"]))])


def test_spark_submit_runs_the_job_script(spark, tmp_path):
    import undersight.spark.job as job

    data = tmp_path / "in.jsonl"
    data.write_text(
        '{"id": "1", "text": "出售肉鸡 100个50元 QQ 12345678", "date": "2013-05-02"}\n'
        '{"id": "2", "text": "hello"}\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    submit = Path(sys.executable).with_name("spark-submit")
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "PYSPARK_DRIVER_PYTHON": sys.executable}
    proc = subprocess.run(
        [
            *(str(submit), "--master", "local[1]", "--conf", "spark.ui.enabled=false"),
            *(job.__file__, "--input", str(data), "--output", str(out), "--json"),
        ],
        capture_output=True,
        timeout=300,
        check=False,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-1500:]
    # spark-submit passes the driver's stderr on to stdout: the summary is the JSON line
    summary = next(
        orjson.loads(line) for line in proc.stdout.splitlines() if line.startswith(b'{"input"')
    )
    assert (summary["records"], summary["offers"], summary["errors"]) == (2, 1, 0)
    assert {p.name for p in (out / "messages").iterdir() if p.is_dir()} == {
        "month=2013-05",
        "month=unknown",
    }


def test_user_errors_are_one_line(tmp_path, monkeypatch, capsys):
    from undersight.cli import main as undersight

    assert undersight(["spark", "extract", "--input", str(tmp_path / "nope"), "--output", "x"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nope: no such file or folder" in err

    data = tmp_path / "in.jsonl"
    data.write_text('{"id": "1", "text": "x"}\n', encoding="utf-8")
    precious = tmp_path / "home"
    (precious / "messages").mkdir(parents=True)
    (precious / "notes.txt").write_text("mine", encoding="utf-8")
    assert undersight(["spark", "extract", "--input", str(data), "--output", str(precious)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "holds other files (notes.txt)" in err
    assert (precious / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (precious / "messages").is_dir()

    monkeypatch.setitem(sys.modules, "pyspark", None)  # as if not installed
    assert (
        undersight(["spark", "extract", "--input", str(data), "--output", str(tmp_path / "o")]) == 2
    )
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'undersight[spark]'" in err

    proc = _run("ingest")
    assert proc.returncode == 2 and b"--from-parquet" in proc.stderr
    proc = _run("ingest", "--from-parquet", str(tmp_path / "missing"))
    assert proc.returncode == 2 and proc.stderr.decode().count("\n") == 1


def test_line_numbering_and_the_arrow_function_without_spark():
    offsets = split_offsets([("f", 100, 3), ("f", 0, 2), ("g", 0, 4)])
    assert offsets == {("f", 0): 0, ("f", 100): 2, ("g", 0): 0}
    batch = pa.RecordBatch.from_pydict(
        {
            RAW: pa.array(
                [b'{"id": "a", "text": "x"}', b"{", b'{"id": "b", "text": "y"}'], pa.binary()
            ),
            SOURCE: ["file:/t/f.jsonl"] * 3,
            BLOCK: pa.array([100, 100, 100], pa.int64()),
        }
    )
    offsets = {("file:/t/f.jsonl", 100): 7}
    batches = list(number_lines([batch.slice(0, 2), batch.slice(2)], offsets))
    out = pa.Table.from_batches(list(extract_batches(batches)))
    assert out.schema == RESULT_SCHEMA
    rows = out.to_pylist()
    assert [r["line"] for r in rows] == [8, 9, 10]
    assert rows[1]["error"].startswith("invalid JSON") and rows[1]["month"] == "unknown"
    assert rows[0]["source"] == "/t/f.jsonl" and rows[0]["key"] == "forum:f:a"
    assert rows[0]["date"] is None and rows[0]["month"] == "unknown"
    assert (
        "`categories` array<struct<`id`:string,`start`:int,`end`:int,`confidence`:double>>"
        in spark_ddl()
    )
