"""`make demo`: run the extractor end to end over the bundled sample and show
what it found. Later stages (store, report) will extend this job."""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import Counter, defaultdict
from importlib import resources
from pathlib import Path

import orjson
from rich.console import Console
from rich.table import Table

from undersight.extract.jsonl import run

SAMPLE = "sample-messages.jsonl"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="undersight demo")
    parser.add_argument(
        "--out", default="out/demo", help="folder for the results (default out/demo)"
    )
    args = parser.parse_args(argv)
    console = Console()
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    result_path = out_dir / "extract.jsonl"

    sample = resources.files("undersight.data").joinpath(SAMPLE)
    with sample.open("rb") as src, result_path.open("wb") as sink:
        stats = run(src, sink)
    results = [orjson.loads(line) for line in result_path.open("rb")]

    offers = [r for r in results if r.get("offer")]
    console.rule("[bold]Undersight demo: extraction over the bundled sample")
    console.print(
        f"{stats.lines} messages · {len(offers)} offers · {stats.errors} errors · "
        f"intents {dict(Counter(r['intent'] for r in offers))}"
    )
    by_category: dict[str, list[float]] = defaultdict(list)
    counts: Counter[str] = Counter()
    for r in offers:
        for cid in r["categories"]:
            counts[cid] += 1
        if r["categories"]:
            by_category[r["categories"][0]].extend(
                p["usd"] for p in r["prices"] if p.get("usd") is not None
            )
    table = Table(title="Offers by category (primary category for prices)")
    for col in ("category", "offers", "prices in USD", "median USD", "min USD", "max USD"):
        table.add_column(col, justify="left" if col == "category" else "right")
    for cid, n in counts.most_common():
        usd = by_category.get(cid, [])
        table.add_row(
            cid,
            str(n),
            str(len(usd)),
            f"{statistics.median(usd):,.2f}" if usd else "-",
            f"{min(usd):,.2f}" if usd else "-",
            f"{max(usd):,.2f}" if usd else "-",
        )
    console.print(table)
    contacts = Counter(c["type"] for r in results for c in r["contacts"])
    console.print("contacts found: " + ", ".join(f"{k} {v}" for k, v in contacts.most_common()))
    console.print(f"\n[bold]Results:[/bold] {result_path.resolve()}")
    return 0 if not stats.errors else 1


if __name__ == "__main__":
    sys.exit(main())
