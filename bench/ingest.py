"""`make bench` (ingest part): generated corpora of 100k and 1M messages in the
QQ export format, ingested into DuckDB end to end by the real command, with
messages per second and peak memory (resident set of the ingest process and
its extraction workers). Writes bench/results/ingest.json."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
EXE = str(Path(sys.executable).with_name("undersight"))
SIZES = (100_000, 1_000_000)


def peak_rss_mb(cmd: list[str]) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall seconds, peak RSS (MB) of the command's process tree, and its result."""
    probe = (
        "import resource, subprocess, sys, time, json;"
        "t = time.monotonic();"
        "p = subprocess.run(sys.argv[1:], capture_output=True);"
        "print(json.dumps([time.monotonic() - t,"
        " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, p.returncode,"
        " p.stderr.decode()[-2000:]]))"
    )
    out = subprocess.run([sys.executable, "-c", probe, *cmd], capture_output=True, check=True)
    wall, rss, code, err = json.loads(out.stdout)
    return wall, rss, subprocess.CompletedProcess(cmd, code, b"", err.encode())


def report_timings(db: Path, out: Path) -> dict[str, object]:
    """Each analysis query on the store, then the whole report command, timed."""
    from undersight.analyze import (
        activity,
        market_size,
        mobile_premium,
        price_index,
        top_groups,
        top_sellers,
    )
    from undersight.store import open_store

    store = open_store(str(db))
    queries: dict[str, float] = {}
    for name, run in (
        ("activity", lambda: activity(store, "year")),
        ("price_index", lambda: price_index(store, "year")),
        ("mobile_premium", lambda: mobile_premium(store, n_boot=1000)),
        ("market_size", lambda: market_size(store)),
        ("top_sellers", lambda: top_sellers(store, 20)),
        ("top_groups", lambda: top_groups(store, 20)),
    ):
        started = time.monotonic()
        run()
        queries[name] = round(time.monotonic() - started, 2)
        print(f"  {name:16s} {queries[name]:6.2f} s")
    store.close()
    started = time.monotonic()
    subprocess.run(
        [EXE, "report", "--db", str(db), "--out", str(out)], check=True, capture_output=True
    )
    total = round(time.monotonic() - started, 1)
    print(f"  report (HTML + PDF + tables) {total:.1f} s")
    assert resource  # imported for the probe's sake
    return {"date": time.strftime("%Y-%m-%d"), "queries_s": queries, "report_s": total}


def synth_corpus(size: int, folder: Path, seed: int = 1) -> Path:
    """A generated corpus of ``size`` messages in the QQ export format (``folder/qq``;
    the generator's record of every message beside it, ``folder/truth.jsonl``)."""
    subprocess.run(
        [EXE, "synth", "--scenario", "cn-underground-2013", "--messages", str(size),
         "--seed", str(seed), "--out", str(folder)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return folder / "qq"


def count_messages(db: str) -> int:
    from undersight.store import open_store

    store = open_store(db)
    try:
        return int(store.query("SELECT count(*) FROM messages")[0][0])
    finally:
        store.close()


def ingest_once(corpus: Path, db: str) -> dict[str, object]:
    """The real `undersight ingest` of ``corpus`` into ``db``: rate and peak memory."""
    wall, rss, proc = peak_rss_mb([EXE, "ingest", str(corpus), "--db", db])
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.decode()[-2000:])
    stored = count_messages(db)
    print(
        f"{stored:>9,} messages  {wall:7.1f} s  {stored / wall:9,.0f} msg/s"
        f"  peak memory {rss:6.0f} MB  ({'PostgreSQL' if '://' in db else 'DuckDB'})"
    )
    return {
        "store": "postgresql" if "://" in db else "duckdb",
        "messages": stored,
        "seconds": round(wall, 1),
        "msg_per_s": round(stored / wall),
        "peak_rss_mb": round(rss),
    }


def measure(sizes: tuple[int, ...] = SIZES, postgres: str | None = None) -> dict[str, object]:
    """DuckDB ingest at every size (PostgreSQL at the smallest), then the report timings."""
    runs: list[dict[str, object]] = []
    report: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            corpus = synth_corpus(size, Path(tmp) / f"c{size}")
            db = Path(tmp) / f"s{size}.duckdb"
            runs.append(ingest_once(corpus, str(db)))
            if postgres and size == sizes[0]:
                runs.append(ingest_once(corpus, postgres))
            if size == sizes[-1]:
                report = report_timings(db, Path(tmp) / "report")
            shutil.rmtree(corpus.parent)
    return {"date": time.strftime("%Y-%m-%d"), "runs": runs, "report": report}


def main() -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    result = measure(postgres=os.environ.get("UNDERSIGHT_BENCH_PG"))
    (RESULTS / "ingest.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
