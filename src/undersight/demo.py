"""`make demo`: the main job end to end on the bundled sample.

The sample is a small generated corpus in a real export format: a QQ
message-manager export of the `cn-underground-2013` scenario, calibrated to the
published 2012-2013 Chinese-underground study (so the report shows the study's
figures back from raw exports); the demo ingests it into a DuckDB store and
prints what the store now holds, then writes the market report (HTML, PDF,
CSV, Parquet) and prints where it is.
"""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

from rich.console import Console
from rich.table import Table

from undersight.analyze.overview import overview
from undersight.ingest.command import run_ingest
from undersight.store import open_store


def sample_folder() -> Path:
    return Path(str(resources.files("undersight.data").joinpath("sample")))


def run_demo(out_dir: Path) -> int:
    """Ingest the sample into ``out_dir``, summarize it, write the report there."""
    console = Console()
    out_dir.mkdir(parents=True, exist_ok=True)
    db = out_dir / "undersight.duckdb"

    console.rule("[bold]Undersight demo: ingest the bundled sample exports")
    summary = run_ingest([str(sample_folder())], str(db), console=console)

    store = open_store(str(db))
    try:
        view = overview(store)
    finally:
        store.close()
    console.print(
        f"{view.messages:,} messages from {view.sources} groups and {view.authors:,} authors, "
        f"{view.first_date:%Y-%m-%d} to {view.last_date:%Y-%m-%d}; {view.offers:,} offers"
    )
    table = Table(title="Offers by category (first category of each offer)")
    for col in ("category", "offers", "with a USD price", "median USD"):
        table.add_column(col, justify="left" if col == "category" else "right")
    for line in view.categories:
        median = f"{line.median_usd:,.2f}" if line.median_usd is not None else "-"
        table.add_row(line.category, f"{line.offers:,}", f"{line.priced:,}", median)
    console.print(table)
    console.print(f"\n[bold]Store:[/bold] {db.resolve()}\n")

    from undersight.cli import main as undersight

    console.rule("[bold]Market report")
    status = undersight(["report", "--db", str(db), "--out", str(out_dir / "report")])
    return status or (1 if summary.failed else 0)


if __name__ == "__main__":  # python -m undersight.demo: the same as `undersight demo`
    from undersight.cli import main

    sys.exit(main(["demo", *sys.argv[1:]]))
