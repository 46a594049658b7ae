"""The command line as a new user meets it: one parser tree, one-line errors,
no store made by a typo, options checked, tables that fit 80 columns."""

from __future__ import annotations

import io
import json
from pathlib import Path

import duckdb
import pytest
from rich.console import Console

from undersight.cli import build_parser, main
from undersight.demo import sample_folder
from undersight.store import open_store

READING = [
    ["stats"],
    ["report", "--out", "REPORT"],
    ["export", "stix"],
    ["export", "misp"],
    ["export", "tables", "--out", "TABLES"],
    ["actors"],
    ["actor", "P-1"],
    ["reextract"],
]


def _run(argv: list[str], tmp_path: Path) -> list[str]:
    return [
        a.replace("REPORT", str(tmp_path / "r")).replace("TABLES", str(tmp_path / "t"))
        for a in argv
    ]


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "s.duckdb"
    assert main(["ingest", str(sample_folder()), "--db", str(db), "--jobs", "1"]) == 0
    return db


@pytest.mark.parametrize("argv", READING, ids=lambda a: " ".join(a[:2]))
def test_reading_commands_refuse_a_missing_store_and_make_none(argv, tmp_path, capsys):
    missing = tmp_path / "typo.duckdb"
    assert main([*_run(argv, tmp_path), "--db", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "typo.duckdb: no such store" in err
    assert not missing.exists()


@pytest.mark.parametrize("argv", READING, ids=lambda a: " ".join(a[:2]))
def test_reading_commands_refuse_a_file_that_is_no_store(argv, tmp_path, capsys):
    csv = tmp_path / "rows.csv"
    csv.write_text("a,b\n1,2\n")
    assert main([*_run(argv, tmp_path), "--db", str(csv)]) == 2
    assert "not a DuckDB store" in capsys.readouterr().err
    assert csv.read_text() == "a,b\n1,2\n"
    other = tmp_path / "other.duckdb"  # a DuckDB database, but not Undersight's
    duckdb.connect(str(other)).execute("CREATE TABLE t (x INTEGER)").close()
    assert main([*_run(argv, tmp_path), "--db", str(other)]) == 2
    assert "not an Undersight store" in capsys.readouterr().err


def test_ingest_never_writes_into_a_file_that_is_no_store(tmp_path, capsys):
    csv = tmp_path / "rows.csv"
    csv.write_text("a,b\n")
    assert main(["ingest", str(sample_folder()), "--db", str(csv)]) == 2
    assert "not a DuckDB store" in capsys.readouterr().err
    assert csv.read_text() == "a,b\n"


def test_options_are_checked_before_anything_runs(sample_store, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["ingest", str(sample_folder()), "--format", "xml", "--db", str(tmp_path / "x")])
    assert exc.value.code == 2 and "invalid choice: 'xml'" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
    assert main(["stats", "--db", str(sample_store), "--category", "nosuch"]) == 2
    assert "unknown category 'nosuch'" in capsys.readouterr().err
    assert main(["export", "stix", "--db", str(sample_store), "--category", "ddoss"]) == 2
    assert main(["stats", "--db", str(sample_store), "--category", "ddos/stresser", "prices"]) == 0
    capsys.readouterr()
    assert main(["ingest", str(sample_folder()), "--map", "txt=content"]) == 2
    assert "--map: unknown Message field(s) in mapping: txt" in capsys.readouterr().err
    helps = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert "author_name" in helps["ingest"].format_help()  # the --map fields are listed


def test_a_binary_file_is_reported_not_a_traceback(tmp_path, capsys):
    blob = tmp_path / "image.jsonl"
    blob.write_bytes(bytes(range(256)) * 64)
    assert main(["ingest", str(blob), "--db", str(tmp_path / "s.duckdb")]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "image.jsonl" in err


def test_stats_and_report_count_days_in_the_same_printed_zone(sample_store, tmp_path, capsys):
    assert main(["stats", "--db", str(sample_store), "activity"]) == 0
    stats = capsys.readouterr().out
    assert main(["report", "--db", str(sample_store), "--out", str(tmp_path / "r")]) == 0
    report = capsys.readouterr().out
    zone = "days and periods in Asia/Shanghai"  # the sample is QQ groups only
    assert zone in " ".join(stats.split()) and zone in " ".join(report.split())


def test_stats_tables_fit_80_columns_unless_wide(sample_store):
    from undersight.analyze import activity, price_index, top_sellers
    from undersight.commands.stats import render

    store = open_store(str(sample_store))
    try:
        frames = {
            "prices": price_index(store, "year", None, tz="Asia/Shanghai"),
            "activity": activity(store, "year", tz="Asia/Shanghai"),
            "top_sellers": top_sellers(store, 10),
        }
    finally:
        store.close()
    for name, df in frames.items():
        narrow, wide = io.StringIO(), io.StringIO()
        render(name, df, Console(file=narrow, width=80))
        render(name, df, Console(file=wide, width=250), wide=True)
        assert max(map(len, narrow.getvalue().splitlines())) <= 80, name
        assert len(wide.getvalue().splitlines()[1]) > 80, name  # every column


def test_plain_text_lines_with_channel_and_date(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("出售 肉鸡 100个50元 联系QQ 123456789\n\nselling cvv $15 each, icq 12345678\n")
    db = tmp_path / "n.duckdb"
    argv = ["ingest", str(notes), "--format", "text", "--db", str(db)]
    assert main([*argv, "--channel", "analyst", "--date", "2024-03-01", "--jobs", "1"]) == 0
    assert main([*argv, "--channel", "analyst", "--date", "2024-03-01", "--jobs", "1"]) == 0
    store = open_store(str(db))
    try:
        rows = store.query("SELECT key, posted_at, text FROM messages ORDER BY key")
        offers = store.query("SELECT count(*) FROM extractions WHERE offer")[0][0]
    finally:
        store.close()
    assert [r[0] for r in rows] == ["forum:analyst:1", "forum:analyst:3"]  # line numbers
    assert {r[1].date().isoformat() for r in rows} == {"2024-03-01"}
    assert offers == 2


def test_plain_text_in_utf16_reads_the_same_lines(tmp_path):
    notes = tmp_path / "notes16.txt"
    notes.write_text(
        "出售 肉鸡 100个50元 联系QQ 123456789\r\n\r\nselling cvv $15 each\r\n", "utf-16"
    )
    db = tmp_path / "u.duckdb"
    assert main(["ingest", str(notes), "--format", "text", "--db", str(db), "--jobs", "1"]) == 0
    store = open_store(str(db))
    try:
        rows = store.query("SELECT key, text FROM messages ORDER BY key")
    finally:
        store.close()
    assert rows == [
        ("forum:notes16:1", "出售 肉鸡 100个50元 联系QQ 123456789"),
        ("forum:notes16:3", "selling cvv $15 each"),
    ]


def test_a_lexicon_folder_extends_the_extractor_without_code(tmp_path, capsys):
    message = tmp_path / "m.jsonl"
    message.write_text(
        json.dumps({"id": "1", "text": "出售 独角兽 联系QQ 123456789 价格200元"}) + "\n"
    )
    lexicon = tmp_path / "lexicon"
    lexicon.mkdir()
    bundled = Path(__file__).parent.parent / "src" / "undersight" / "lexicon" / "categories.yaml"
    text = bundled.read_text("utf-8")
    assert main(["extract", str(message), "--no-model", "--jobs", "1"]) == 0
    before = json.loads(capsys.readouterr().out)
    import yaml

    doc = yaml.safe_load(text)
    doc["drugs"]["terms"]["独角兽"] = 2.0
    (lexicon / "categories.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    try:
        code = main(
            ["extract", str(message), "--no-model", "--lexicon", str(lexicon), "--jobs", "1"]
        )
        after = json.loads(capsys.readouterr().out)
    finally:
        import os

        from undersight.extract.pipeline import default_extractor
        from undersight.lexicon import LEXICON_ENV, default_lexicon

        os.environ.pop(LEXICON_ENV, None)
        os.environ.pop("UNDERSIGHT_MODEL", None)
        default_lexicon.cache_clear()
        default_extractor.cache_clear()
    assert code == 0
    assert "drugs" not in before["categories"] and "drugs" in after["categories"]
    assert main(["extract", str(message), "--lexicon", str(tmp_path / "none")]) == 2
    assert "no such lexicon folder" in capsys.readouterr().err
