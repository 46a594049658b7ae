"""The `undersight extract` contract (shared/spec/extract-jsonl.md), end to end
through the installed console script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXE = shutil.which("undersight") or str(Path(sys.executable).with_name("undersight"))
FIELDS = ["id", "offer", "intent", "categories", "platforms", "prices", "contacts"]
PRICE_FIELDS = ["amount", "amount_max", "currency", "quantity", "unit", "period", "usd", "span"]


def run(
    args: list[str], data: bytes | None = None, timeout: int = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [EXE, "extract", *args], input=data, capture_output=True, timeout=timeout, check=False
    )


def lines_of(out: bytes) -> list[dict]:
    return [json.loads(line) for line in out.decode().splitlines()]


def test_good_input_gives_one_object_per_line_in_order(tmp_path):
    src = tmp_path / "in.jsonl"
    records = [
        {"id": "m1", "text": "短信群发 5000条300元 QQ 123456789", "date": "2013-05-14"},
        {
            "id": "m2",
            "text": "our site was hit by DDoS yesterday",
            "source": "forum",
            "author": "x",
        },
        {"id": "m3", "text": "SMS spam $50 per 5,000 messages", "date": "2013-05-14T08:30:00Z"},
    ]
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    proc = run([str(src)])
    assert proc.returncode == 0, proc.stderr
    out = lines_of(proc.stdout)
    assert [o["id"] for o in out] == ["m1", "m2", "m3"]
    # the contract's fields in order, then only the documented extra field
    assert all(list(o)[: len(FIELDS)] == FIELDS for o in out)
    assert all(set(list(o)[len(FIELDS) :]) <= {"confidence"} for o in out)
    assert all(0.5 <= o["confidence"]["offer"] <= 1.0 for o in out)
    first = out[0]
    assert first["offer"] is True and first["intent"] == "sell"
    assert first["categories"] == ["sms_spam"]
    price = first["prices"][0]
    assert list(price)[: len(PRICE_FIELDS)] == PRICE_FIELDS
    assert (price["amount"], price["currency"], price["quantity"], price["unit"]) == (
        300.0,
        "CNY",
        5000,
        "message",
    )
    assert price["usd"] == pytest.approx(48.84, abs=0.05)
    text = records[0]["text"]
    assert text[price["span"][0] : price["span"][1]] == "300元"
    assert first["contacts"] == [{"type": "qq", "value": "123456789"}]
    assert out[1]["offer"] is False and out[1]["intent"] is None and out[1]["categories"] == []


def test_stdin_and_dash_read_the_same():
    data = b'{"id": "a", "text": "WTS fullz $10 each tg @cardking_shop"}\n'
    assert run([], data).stdout == run(["-"], data).stdout
    assert run([], data).returncode == 0


def test_every_bad_line_gets_an_error_line_and_the_run_goes_on(tmp_path):
    good = b'{"id": "ok1", "text": "\xe5\x87\xba\xe8\x82\x89\xe9\xb8\xa1 50\xe5\x85\x83"}\n'
    deep = b"[" * 5000 + b"]" * 5000
    bad_lines = [
        b'{"id": "u1", "text": "bad \xff\xfe utf8"}',  # invalid UTF-8
        b'{"id": "n1", "text": "nul \x00 inside"}',  # raw NUL: invalid JSON
        b"not json at all",
        deep,  # deeply nested
        b"[1, 2, 3]",  # not an object
        b'"just a string"',
        b'{"text": "no id"}',
        b'{"id": "t1"}',  # no text
        b'{"id": "t2", "text": 42}',
        b'{"id": "d1", "text": "x", "date": "yesterday"}',
        b"",  # blank line
        b'{"id": "big", "text": "' + b"a" * (10 * 1024 * 1024) + b'"}',  # a 10 MB line
    ]
    payload = good + b"\n".join(bad_lines) + b"\n" + good
    src = tmp_path / "bad.jsonl"
    src.write_bytes(payload)
    proc = run([str(src)])
    assert proc.returncode == 1
    assert b"failed" in proc.stderr
    out = lines_of(proc.stdout)
    assert len(out) == 2 + len(bad_lines)
    assert out[0]["id"] == "ok1" and out[-1]["id"] == "ok1"
    errors = out[1:-1]
    assert [e["line"] for e in errors] == list(range(2, 2 + len(bad_lines)))
    assert all(set(e) == {"id", "line", "error"} and e["error"] for e in errors)
    assert "UTF-8" in errors[0]["error"] and errors[0]["id"] == "u1"
    assert errors[1]["id"] == "n1"
    assert "JSON" in errors[2]["error"]
    assert "object" in errors[4]["error"]
    assert "'id'" in errors[6]["error"]
    assert "'text'" in errors[7]["error"] and errors[7]["id"] == "t1"
    assert "string" in errors[8]["error"]
    assert "date" in errors[9]["error"]
    assert "empty" in errors[10]["error"]
    assert "limit" in errors[11]["error"] and errors[11]["id"] == "big"


def test_missing_input_file_is_a_clear_one_line_error(tmp_path):
    proc = run([str(tmp_path / "nope.jsonl")])
    assert proc.returncode == 2
    assert proc.stderr.decode().strip().count("\n") == 0
    assert "nope.jsonl" in proc.stderr.decode()


def _peak_rss_kb(path: Path) -> int:
    code = (
        "import resource, subprocess, sys;"
        f"subprocess.run([{EXE!r}, 'extract', {str(path)!r}],"
        " stdout=subprocess.DEVNULL, check=False);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    return int(subprocess.check_output([sys.executable, "-c", code], timeout=600))


def test_memory_stays_flat_as_the_input_grows(tmp_path):
    base = [
        "出售 伪基站 一台{n}元 QQ 1234{n}",
        "WTS fullz ${n} each, tg @shop{n}",
        "今天 第{n}次 被骗了 大家小心",
        "收肉鸡 {n}台 价格私聊 v信 buyer_{n}",
    ]

    def write(path: Path, count: int) -> None:
        with path.open("w", encoding="utf-8") as fh:
            for i in range(count):
                text = base[i % len(base)].format(n=i)
                fh.write(json.dumps({"id": str(i), "text": text}, ensure_ascii=False) + "\n")

    small, large = tmp_path / "small.jsonl", tmp_path / "large.jsonl"
    write(small, 12_000)
    write(large, 60_000)
    grown_mb = (_peak_rss_kb(large) - _peak_rss_kb(small)) / 1024
    assert grown_mb < 25, f"peak memory grew by {grown_mb:.1f} MB for 5x the input"


def test_console_script_exists():
    assert os.path.exists(EXE)


def _mixed_corpus(path: Path, count: int) -> None:
    """Ads, chatter and bad lines interleaved, so every chunk boundary is exercised."""
    texts = [
        "出售短信群发 {n}条300元 QQ 12345{n}",
        "WTS RDP ${n}/month, tg @seller{n}",
        "今天又被骗了 {n} 块",
        "收 微信号 {n}个 价格私聊 vx: buyer_{n}",
    ]
    with path.open("wb") as fh:
        for i in range(count):
            if i % 997 == 0:
                fh.write(b'{"id": "broken' + str(i).encode() + b'", "text": \n')
            elif i % 1499 == 0:
                fh.write(b"\xff\xfe not utf-8\n")
            else:
                record = {"id": f"m{i}", "text": texts[i % 4].format(n=i), "date": "2013-06-01"}
                fh.write(json.dumps(record, ensure_ascii=False).encode() + b"\n")


def test_jobs_give_byte_identical_output_in_input_order(tmp_path):
    src = tmp_path / "in.jsonl"
    _mixed_corpus(src, 3_500)  # several 1,000-line chunks
    one, two = run([str(src), "--jobs", "1"]), run([str(src), "--jobs", "2"])
    default = run([str(src)])
    assert one.returncode == two.returncode == default.returncode == 1
    assert one.stdout == two.stdout == default.stdout
    out = lines_of(two.stdout)
    assert len(out) == 3_500
    assert [o.get("line") for o in out if "error" in o][:2] == [1, 998]
    assert [o["id"] for o in out if "error" not in o][:2] == ["m1", "m2"]
    assert b"of 3500 lines failed" in two.stderr


def test_parallel_api_matches_single_process_on_small_chunks(tmp_path):
    import io

    from undersight.extract.jsonl import run as run_single
    from undersight.extract.parallel import run_parallel

    src = tmp_path / "in.jsonl"
    _mixed_corpus(src, 400)
    single, parallel = io.BytesIO(), io.BytesIO()
    with src.open("rb") as fh:
        expected = run_single(fh, single)
    with src.open("rb") as fh:
        stats = run_parallel(fh, parallel, jobs=2, chunk_lines=7)
    assert parallel.getvalue() == single.getvalue()
    assert (stats.lines, stats.errors) == (expected.lines, expected.errors) == (400, 1)


def test_jobs_must_be_positive(tmp_path):
    src = tmp_path / "in.jsonl"
    _mixed_corpus(src, 3)
    proc = run([str(src), "--jobs", "0"])
    assert proc.returncode == 2
    assert "--jobs" in proc.stderr.decode()
