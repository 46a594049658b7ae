"""`make bench`: every benchmark, side by side in one run, as one table of ratios.

Runs, in this order, on this machine:
  extraction throughput vs read + JSON-decode (bench/run.py);
  accuracy and speed vs price-parser, ioc-finder, iocextract, a regex baseline
  (bench/baselines.py);
  parallel speed-up with 1 and 2 processes (bench/parallel.py);
  Python API latency per message;
  Spark local mode vs the local extractor (bench/spark.py; needs pyspark);
  ingest into DuckDB at 100k and 1M messages and PostgreSQL at 100k, then the
  analyses and the report on the largest store (bench/ingest.py);
  exports from a store with a million offers (bench/export.py).

Prints the table, writes bench/results/suite.json (and each part's own JSON),
and replaces the table in README.md between its bench markers.

    python bench/suite.py [--quick] [--skip PART ...]

``--quick`` shrinks every size by ten for a fast check of the machinery.
PostgreSQL is measured when UNDERSIGHT_BENCH_PG holds a server URL (the
Makefile starts a throwaway one).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import baselines  # noqa: E402
import ingest  # noqa: E402
import parallel  # noqa: E402
import quality  # noqa: E402
import run as extraction  # noqa: E402

ROOT = HERE.parent
RESULTS = HERE / "results"
README = ROOT / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
PARTS = ("extract", "quality", "baselines", "parallel", "api", "spark", "ingest", "export")


def api_latency(count: int = 2000) -> dict[str, Any]:
    """``undersight.extract(text, date)`` per call, warm, on distinct labelled messages."""
    import undersight
    from undersight.evaluation import load_gold

    gold = load_gold(baselines.GOLD)[:count]
    undersight.extract("出售 肉鸡 100元", "2013-01-01")
    times = []
    for i, g in enumerate(gold):
        text = f"{g['text']} #{i}"  # distinct: no memo hit
        started = time.perf_counter()
        undersight.extract(text, g.get("date"))
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "calls": len(times),
        "p50_ms": round(statistics.median(times), 3),
        "p99_ms": round(times[int(len(times) * 0.99) - 1], 3),
        "max_ms": round(times[-1], 3),
    }


def spark_part(count: int) -> dict[str, Any]:
    if importlib.util.find_spec("pyspark") is None:
        return {"skipped": "pyspark is not installed (pip install 'undersight[spark]')"}
    import spark  # bench/spark.py

    return spark.bench_spark(count)


def export_part(sizes: tuple[int, ...]) -> dict[str, Any]:
    """bench/export.py in its own process (it builds its own stores)."""
    subprocess.run([sys.executable, str(HERE / "export.py"), *map(str, sizes)], check=True)
    return json.loads((RESULTS / "export.json").read_text(encoding="utf-8"))


def _ratio(a: float, b: float) -> str:
    return f"{a / b:,.1f}x" if b else "n/a"


def table_rows(r: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(measure, value, ratio or comparison) rows for whatever parts ran."""
    rows: list[tuple[str, str, str]] = []
    if "extract" in r:
        x = r["extract"]
        m = x["measures"]
        decode = m["read + JSON-decode"]["msg_per_cpu_s"]
        stream = f"ad-dense labelled stream ({x['mean_chars']:.0f} chars mean)"
        for name, v in m.items():
            if name == "read + JSON-decode":
                continue
            rows.append(
                (f"{name}, {stream}, msg/CPU-s, one core", f"{v['msg_per_cpu_s']:,}",
                 f"{_ratio(decode, v['msg_per_cpu_s'])} the CPU of read + JSON-decode ({decode:,})")
            )  # fmt: skip
        for t in r["extract"].get("typical_streams", []):
            verdict = "met" if t["extract_msg_per_cpu_s"] >= extraction.TARGET_RATE else "NOT met"
            rows.append(
                (f"extract (cold), {t['stream']}, {t['mean_chars']:.0f} chars mean,"
                 f" {t['offer_share']:.0%} offers, msg/CPU-s, one core",
                 f"{t['extract_msg_per_cpu_s']:,}",
                 f"{_ratio(t['decode_msg_per_cpu_s'], t['extract_msg_per_cpu_s'])} the CPU of"
                 f" read + JSON-decode ({t['decode_msg_per_cpu_s']:,}); target"
                 f" {extraction.TARGET_RATE:,} on typical messages {verdict}; lexicon alone"
                 f" {t.get('lexicon_only_msg_per_cpu_s', 0):,}")
            )  # fmt: skip
    if "quality" in r:
        for q in r["quality"]["sets"]:
            m, x = q["model"], q["lexicon"]
            rows.append(
                (f"quality, {q['set']} ({q['messages']} messages): model (lexicon alone)",
                 f"offer F1 {m['offer_f1']:.3f} ({x['offer_f1']:.3f})",
                 f"categories macro-F1 {m['categories_macro_f1']:.3f}"
                 f" ({x['categories_macro_f1']:.3f}), prices F1 {m['prices_f1']:.3f}"
                 f" ({x['prices_f1']:.3f}), contacts F1 {m['contacts_f1']:.3f}"
                 f" ({x['contacts_f1']:.3f})")
            )  # fmt: skip
    if "baselines" in r:
        b = r["baselines"]
        ours = b["prices"][0]
        for other in b["prices"][1:]:
            rows.append(
                (f"price F1 vs {other['system']}", f"{ours['f1']:.3f} vs {other['f1']:.3f}",
                 f"held-out {ours['held_out_f1']:.3f} vs {other['held_out_f1']:.3f};"
                 f" speed {ours['msg_per_cpu_s']:,} vs {other['msg_per_cpu_s']:,} msg/CPU-s")
            )  # fmt: skip
        ours = b["contacts"][0]
        for other in b["contacts"][1:]:
            rows.append(
                (f"contact F1 vs {other['system']}", f"{ours['f1']:.3f} vs {other['f1']:.3f}",
                 f"on the IOC types it covers {ours['ioc_types_f1']:.3f} vs"
                 f" {other['ioc_types_f1']:.3f}; speed {ours['msg_per_cpu_s']:,} vs"
                 f" {other['msg_per_cpu_s']:,} msg/CPU-s")
            )  # fmt: skip
    if "parallel" in r:
        p = r["parallel"]
        base = p["runs"][0]
        for run in p["runs"][1:]:
            rows.append(
                (f"`extract --jobs {run['jobs']}` vs `--jobs {base['jobs']}`",
                 f"{run['msg_per_s']:,} vs {base['msg_per_s']:,} msg/s",
                 f"{run['speedup']:.2f}x speed-up, identical output ({p['messages']:,} messages)")
            )  # fmt: skip
    if "api" in r:
        a = r["api"]
        rows.append(
            ("Python API `undersight.extract()` latency", f"p50 {a['p50_ms']} ms",
             f"p99 {a['p99_ms']} ms over {a['calls']:,} calls")
        )  # fmt: skip
    if "spark" in r and "skipped" not in r["spark"]:
        s = r["spark"]
        rows.append(
            (f"Spark local[2] vs local extractor, {s['messages']:,} messages",
             f"{s['spark_msg_per_s']:,} vs {s['local_msg_per_s']:,} msg/s",
             f"the local extractor is {_ratio(s['local_msg_per_s'], s['spark_msg_per_s'])} faster"
             f" here (Spark {s['spark_seconds']} s, of which the job {s['spark_job_seconds']} s"
             " without JVM start); Spark pays off on many cores")
        )  # fmt: skip
    if "ingest" in r:
        runs = r["ingest"]["runs"]
        first = runs[0]
        for run in runs:
            rows.append(
                (f"ingest {run['messages']:,} messages into {run['store']}",
                 f"{run['msg_per_s']:,} msg/s",
                 f"{run['seconds']} s, peak {run['peak_rss_mb']} MB"
                 + ("" if run is first else
                    f"; {_ratio(run['msg_per_s'], first['msg_per_s'])} the rate at"
                    f" {first['messages']:,} ({first['store']})"))
            )  # fmt: skip
        rep = r["ingest"].get("report") or {}
        if rep:
            q = rep["queries_s"]
            rows.append(
                ("analyses on the largest store", f"{sum(q.values()):.1f} s all",
                 ", ".join(f"{k} {v} s" for k, v in q.items()))
            )  # fmt: skip
            rows.append(("report (HTML + PDF + tables), largest store", f"{rep['report_s']} s", ""))
    if "export" in r:
        e = r["export"]
        growth = e.get("growth", {})
        for run in e["runs"][-1:]:
            for fmt in ("stix", "misp", "tables"):
                m = run[fmt]
                flat = growth.get(fmt, {}).get("peak_rss")
                rows.append(
                    (f"export {fmt} from {run['offers']:,} offers",
                     f"{m['offers_per_s']:,} offers/s",
                     f"{m['seconds']} s, peak {m['peak_rss_mb']} MB"
                     + (f" (x{flat} the peak at {growth['from']:,} offers)" if flat else ""))
                )  # fmt: skip
    return rows


def markdown(result: dict[str, Any]) -> str:
    lines = [
        f"Measured {result['date']} on {result['machine']} by `make bench`"
        " (`bench/results/suite.json`):",
        "",
        "| measure | value | ratio / comparison |",
        "|---|---:|---|",
    ]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in table_rows(result)]
    return "\n".join(lines)


def update_readme(text: str) -> bool:
    readme = README.read_text(encoding="utf-8")
    if START not in readme or END not in readme:
        return False
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{START}\n{text}\n{END}{tail}", encoding="utf-8")
    return True


def _previous(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every size divided by ten")
    parser.add_argument(
        "--skip",
        nargs="*",
        default=[],
        choices=PARTS,
        help="parts to leave out (their figures from the last full run are kept)",
    )
    parser.add_argument("--no-readme", action="store_true", help="do not rewrite README.md")
    parser.add_argument(
        "--table-only", action="store_true", help="print the last run's table, update README"
    )
    args = parser.parse_args(argv)
    if args.table_only:
        table = markdown(_previous(RESULTS / "suite.json"))
        print(table)
        return 0 if args.no_readme or update_readme(table) else 1
    scale = 10 if args.quick else 1
    pg = os.environ.get("UNDERSIGHT_BENCH_PG")
    steps: dict[str, Callable[[], Any]] = {
        "extract": lambda: (
            extraction.measure(20_000 // scale)
            if args.quick  # a quick run never replaces the full figures
            else extraction.save(extraction.measure())
        ),
        "quality": quality.measure,
        "baselines": baselines.compare,
        "parallel": lambda: parallel.speedup(60_000 // scale),
        "api": api_latency,
        "spark": lambda: spark_part(100_000 // scale),
        "ingest": lambda: ingest.measure((100_000 // scale, 1_000_000 // scale), pg),
        "export": lambda: export_part((100_000 // scale, 1_000_000 // scale)),
    }
    printers: dict[str, Callable[[Any], None]] = {
        "extract": extraction.print_table,
        "quality": quality.print_table,
        "baselines": baselines.print_comparison,
        "parallel": parallel.print_table,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": extraction.machine_description(),
        "quick": args.quick,
    }
    previous = _previous(RESULTS / "suite.json") if not args.quick else {}
    for name, step in steps.items():
        if name in args.skip:
            if name in previous:  # keep the last full run's figures, dated
                result[name] = {**previous[name], "carried_over_from": previous["date"]}
            continue
        print(f"\n== {name} ==", flush=True)
        started = time.monotonic()
        result[name] = step()
        if name in printers:
            printers[name](result[name])
        print(f"({name}: {time.monotonic() - started:.0f} s)", flush=True)
    name = "suite-quick.json" if args.quick else "suite.json"  # a quick run never replaces
    (RESULTS / name).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    table = markdown(result)
    print("\n" + table)
    if not args.quick and not args.no_readme and update_readme(table):
        print("\nREADME.md table updated")
    print(f"results in {RESULTS / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
