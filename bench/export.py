"""`make bench` (export part): stores of 100k and 1M offers, built directly (no extractor:
``Message`` and ``Extraction`` objects written with ``store.write_batch`` in batches of
20,000), then ``undersight export stix``, ``misp`` and ``tables`` run as subprocesses
writing to files, with wall time and peak RSS (via a probe subprocess, as in
bench/ingest.py). Handles repeat (a few hundred authors and contacts), as in real
markets, so that the per-handle state of the exporters stays bounded and any growth of
memory with the number of offers shows.

Each size runs in a process of its own (store built, or reused, then the three exports),
so that the peaks of one size never carry into another's. Writes
bench/results/export.json: per size and format seconds, offers/s and peak MB, and per
format the growth of the peak (and of the time per offer) from the smallest size to the
largest.

    python bench/export.py [--stores DIR] [SIZE ...]

``--stores DIR`` keeps the built stores in DIR and reuses them on the next run (by
default they are built in a temporary folder and deleted).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
EXE = str(Path(sys.executable).with_name("undersight"))
SIZES = (100_000, 1_000_000)
FORMATS = ("stix", "misp", "tables")
BATCH = 20_000
AUTHORS = 500
QQ_CONTACTS = 300
TELEGRAM_CONTACTS = 100
CATEGORIES = ("bots", "rat", "fake_base_station", "sms_spam", "carding", "phishing")
TEXTS = (
    "出售肉鸡 njrat 100个50元 QQ {qq}",
    "伪基站 一台5万 联系 {qq}",
    "mirai bots for rent, 1000 bots $30/day, tg @{tg}",
    "代发短信 1万条200元 QQ {qq}",
    "fresh cvv 10$ each, contact {qq}",
)


def peak_rss_mb(cmd: list[str], stdout: Path | None) -> tuple[float, float, int, str]:
    """Wall seconds, peak RSS (MB) of the command's process tree, exit code, stderr tail."""
    probe = (
        "import resource, subprocess, sys, time, json;"
        "out = open(sys.argv[1], 'wb') if sys.argv[1] else subprocess.DEVNULL;"
        "t = time.monotonic();"
        "p = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.PIPE);"
        "print(json.dumps([time.monotonic() - t,"
        " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, p.returncode,"
        " p.stderr.decode(errors='replace')[-2000:]]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, str(stdout or ""), *cmd], capture_output=True, check=True
    )
    wall, rss, code, err = json.loads(out.stdout)
    return wall, rss, code, err


def store_name(size: int) -> str:
    """The file name of a store of ``size`` offers, naming what it was built with."""
    return f"export-{size}-a{AUTHORS}-q{QQ_CONTACTS}-t{TELEGRAM_CONTACTS}.duckdb"


def build_store(path: Path, size: int) -> float:
    """A DuckDB store of ``size`` offers, written directly; returns seconds."""
    from undersight.model import Contact, Evidence, Extraction, Message, Price
    from undersight.store import open_store
    from undersight.store.rows import Rows, message_rows

    started = time.monotonic()
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    store = open_store(str(partial))
    base = dt.datetime(2013, 1, 1, tzinfo=dt.UTC)
    rows = Rows()
    for i in range(size):
        author = i % AUTHORS
        qq = str(100000 + i % QQ_CONTACTS)
        tg = f"seller_{i % TELEGRAM_CONTACTS}"
        text = TEXTS[i % len(TEXTS)].format(qq=qq, tg=tg)
        m = Message(
            platform="qq",
            channel_id=f"g{i % 50}",
            text=text,
            date=base + dt.timedelta(seconds=37 * i),
            message_id=f"{i:08d}",
            channel_name=f"group {i % 50}",
            author_id=str(author),
            author_name=f"seller{author}",
            source="bench",
            position=str(i),
        )
        cat = CATEGORIES[i % len(CATEGORIES)]
        e = Extraction(
            offer=True,
            intent="sell",
            categories=(Evidence(cat, (0, 4)),),
            prices=(Price(50.0, "CNY", (5, 8), quantity=100.0, unit="host", usd=8.0),),
            contacts=(
                Contact("qq", qq, (10, 16)),
                Contact("telegram", tg, (17, 25)),
                Contact("email", f"s{i % 1000}@evil.example", (26, 40)),
            ),
        )
        message_rows(m, e, text, "bench", rows)
        if len(rows) >= BATCH:
            store.write_batch(rows)
            rows = Rows()
    if len(rows):
        store.write_batch(rows)
    store.close()
    partial.rename(path)  # a store only appears complete
    return time.monotonic() - started


def run_size(size: int, stores: Path) -> dict[str, Any]:
    """One size, in this process: the store (built or reused), then the three exports,
    each in a probe subprocess of its own."""
    db = stores / store_name(size)
    run: dict[str, Any] = {"offers": size}
    if db.exists():
        print(f"{size:>9,} offers  store reused ({db})", flush=True)
        run["build_s"] = None
    else:
        built = build_store(db, size)
        print(f"{size:>9,} offers  store built in {built:6.1f} s", flush=True)
        run["build_s"] = round(built, 1)
    with tempfile.TemporaryDirectory() as tmp:
        for what in FORMATS:
            target = Path(tmp) / f"{what}{size}"
            cmd = [EXE, "export", what, "--db", str(db)]
            if what == "tables":
                cmd += ["--out", str(target)]
            wall, rss, code, err = peak_rss_mb(cmd, None if what == "tables" else target)
            if code != 0:
                raise RuntimeError(f"export {what} at {size} failed:\n{err}")
            files = [target] if target.is_file() else sorted(target.glob("*"))
            mb = sum(f.stat().st_size for f in files) / 1e6
            run[what] = {
                "seconds": round(wall, 1),
                "offers_per_s": round(size / wall),
                "peak_rss_mb": round(rss),
                "output_mb": round(mb, 1),
            }
            print(
                f"  export {what:6s} {wall:7.1f} s  {size / wall:9,.0f} offers/s"
                f"  peak memory {rss:6.0f} MB  output {mb:8.1f} MB",
                flush=True,
            )
            for f in files:
                f.unlink()
    return run


def growth(runs: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per format, from the smallest size to the largest: the ratio of the peaks and of
    the seconds per offer (1.0: flat)."""
    if len(runs) < 2:
        return {}
    first, last = runs[0], runs[-1]
    out = {}
    for what in FORMATS:
        a, b = first[what], last[what]
        per_offer_a = a["seconds"] / first["offers"]
        per_offer_b = b["seconds"] / last["offers"]
        out[what] = {
            "peak_rss": round(b["peak_rss_mb"] / a["peak_rss_mb"], 3),
            "seconds_per_offer": round(per_offer_b / per_offer_a, 3) if per_offer_a else 0.0,
        }
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench/export.py", description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, help="offers per store (100000 1000000)")
    parser.add_argument("--stores", type=Path, help="keep and reuse the built stores here")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # a worker
    args = parser.parse_args(argv)
    sizes = sorted(args.sizes or SIZES)
    if args.one:  # run by main below: one size, its result as JSON on the last line
        (size,) = sizes
        print(json.dumps(run_size(size, args.stores)), flush=True)
        return 0
    from undersight.commands.export import MEMORY_LIMIT

    RESULTS.mkdir(parents=True, exist_ok=True)
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        stores = args.stores or Path(tmp)
        stores.mkdir(parents=True, exist_ok=True)
        for size in sizes:
            worker = subprocess.Popen(
                [sys.executable, __file__, "--one", "--stores", str(stores), str(size)],
                stdout=subprocess.PIPE,
                text=True,
            )
            assert worker.stdout is not None
            last = ""
            for line in worker.stdout:
                if line.startswith("{"):
                    last = line
                else:
                    print(line, end="", flush=True)
            if worker.wait() != 0 or not last:
                return 1
            runs.append(json.loads(last))
            if args.stores is None:
                (stores / store_name(size)).unlink(missing_ok=True)
    ratios = growth(runs)
    if ratios:
        print(f"growth from {sizes[0]:,} to {sizes[-1]:,} offers:")
        for what, r in ratios.items():
            print(
                f"  {what:6s} peak memory x{r['peak_rss']:.2f}"
                f"  seconds per offer x{r['seconds_per_offer']:.2f}"
            )
    (RESULTS / "export.json").write_text(
        json.dumps(
            {
                "date": time.strftime("%Y-%m-%d"),
                "store": "duckdb",
                "duckdb_memory_limit": MEMORY_LIMIT,
                "handles": {
                    "authors": AUTHORS,
                    "qq": QQ_CONTACTS,
                    "telegram": TELEGRAM_CONTACTS,
                },
                "runs": runs,
                "growth": {"from": sizes[0], "to": sizes[-1], **ratios} if ratios else {},
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    assert resource  # imported for the probe's sake
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
