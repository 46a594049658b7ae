"""`make bench` (export part): stores of 100k and 1M offers, built directly (no extractor:
``Message`` and ``Extraction`` objects written with ``store.write_batch`` in batches of
20,000), then ``undersight export stix``, ``misp`` and ``tables`` run as subprocesses
writing to files, with wall time and peak RSS (via a probe subprocess, as in
bench/ingest.py). Handles repeat (a few hundred authors and contacts), as in real
markets, so that the per-handle state of the exporters stays bounded and any growth of
memory with the number of offers shows. Writes bench/results/export.json.

    python bench/export.py [SIZE ...]
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
EXE = str(Path(sys.executable).with_name("undersight"))
SIZES = (100_000, 1_000_000)
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


def build_store(path: Path, size: int) -> float:
    """A DuckDB store of ``size`` offers, written directly; returns seconds."""
    from undersight.model import Contact, Evidence, Extraction, Message, Price
    from undersight.store.base import open_store
    from undersight.store.rows import Rows, message_rows

    started = time.monotonic()
    store = open_store(str(path))
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
    return time.monotonic() - started


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or list(SIZES)
    RESULTS.mkdir(parents=True, exist_ok=True)
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            db = Path(tmp) / f"s{size}.duckdb"
            built = build_store(db, size)
            print(f"{size:>9,} offers  store built in {built:6.1f} s", flush=True)
            run: dict[str, object] = {"offers": size, "build_s": round(built, 1)}
            for what in ("stix", "misp", "tables"):
                target = Path(tmp) / f"{what}{size}"
                cmd = [EXE, "export", what, "--db", str(db)]
                if what == "tables":
                    cmd += ["--out", str(target)]
                wall, rss, code, err = peak_rss_mb(cmd, None if what == "tables" else target)
                if code != 0:
                    print(err, file=sys.stderr)
                    return 1
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
            runs.append(run)
            db.unlink()
    (RESULTS / "export.json").write_text(
        json.dumps(
            {
                "date": time.strftime("%Y-%m-%d"),
                "store": "duckdb",
                "handles": {
                    "authors": AUTHORS,
                    "qq": QQ_CONTACTS,
                    "telegram": TELEGRAM_CONTACTS,
                },
                "runs": runs,
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
