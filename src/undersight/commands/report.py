"""``undersight report``: its options, and the run that prints where the files went."""

from __future__ import annotations

import argparse
from pathlib import Path

from undersight.commands.options import (
    checked_confidence,
    confidence_option,
    db_option,
    tz_option,
)
from undersight.errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="market report: HTML, PDF, CSV, Parquet",
        description="Write the market report (HTML, PDF, CSV, Parquet) from a store.",
    )
    db_option(p)
    p.add_argument("--period", help="price tables for one period: 2013, 2013-Q2, 2013-06")
    p.add_argument("--out", default="out/report", help="folder (default out/report)")
    tz_option(p)
    confidence_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.text import Text

    from undersight.report.command import headline_table, make_report
    from undersight.store.filters import min_confidence

    checked_confidence(args.min_confidence)
    console = Console()
    try:
        with min_confidence(args.min_confidence), console.status("writing the report"):
            files = make_report(args.db, args.period, Path(args.out), args.tz)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    console.print(headline_table(files.data))
    console.print(Text(f"days and periods in {files.data.tz} ({files.data.tz_reason})"))
    console.print(Text("Report: ", style="bold") + Text(str(files.html.resolve())))
    console.print(Text("PDF:    ", style="bold") + Text(str(files.pdf.resolve())))
    console.print(
        Text("Tables: ", style="bold")
        + Text(f"{len(files.tables)} files (CSV + Parquet) in {Path(args.out).resolve()}")
    )
    return 0
