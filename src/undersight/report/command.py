"""``undersight report``: HTML, PDF and every table as CSV and Parquet, in one folder."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from undersight.report.charts import build_charts
from undersight.report.data import ReportData, gather, parse_period
from undersight.report.export import write_tables
from undersight.report.formatting import change, num
from undersight.report.render import render_html, write_pdf
from undersight.store.base import DEFAULT_DB, StoreError, open_store
from undersight.store.filters import min_confidence


@dataclass
class ReportFiles:
    html: Path
    pdf: Path
    tables: list[Path]
    data: ReportData


def make_report(db: str | None, period: str | None, out: Path, tz: str = "auto") -> ReportFiles:
    """Gather, chart and write the report into ``out``; ValueError or StoreError on bad input."""
    focus = parse_period(period)
    store = open_store(db)
    try:
        data = gather(store, focus, tz)
    finally:
        store.close()
    out.mkdir(parents=True, exist_ok=True)
    tables = write_tables(data.tables, out)
    html = render_html(data, build_charts(data.tables), [p.name for p in tables])
    html_path = out / "report.html"
    html_path.write_text(html, encoding="utf-8")
    pdf_path = out / "report.pdf"
    write_pdf(html, pdf_path)
    return ReportFiles(html_path, pdf_path, tables, data)


def headline_table(data: ReportData) -> Table:
    """Activity per year, as in the report's headline table."""
    table = Table(
        title=f"Activity per year (gd: active group-day; days in {data.tz})",
        caption="ppl: distinct participants; Δ: change on the previous year",
    )
    cols = ("year", "msgs", "offers", "groups", "msgs/gd", "ppl/gd", "Δ msgs/gd", "Δ ppl/gd")
    for col in cols:
        table.add_column(col, justify="left" if col == "year" else "right")
    for r in data.tables["activity_year"].to_dict("records"):
        table.add_row(
            Text(str(r["period"])),
            num(r["messages"]),
            num(r["offers"]),
            num(r["groups"]),
            num(r["msgs_per_group_day"], 1),
            num(r["participants_per_group_day"], 1),
            change(r["msgs_per_group_day_growth"]),
            change(r["participants_growth"]),
        )
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="undersight report",
        description="Write the market report (HTML, PDF, CSV, Parquet) from a store.",
    )
    parser.add_argument("--db", help="store: a DuckDB file (default undersight.duckdb) or URL")
    parser.add_argument("--period", help="price tables for one period: 2013, 2013-Q2, 2013-06")
    parser.add_argument("--out", default="out/report", help="folder (default out/report)")
    parser.add_argument(
        "--tz",
        default="auto",
        help="time zone of days and periods (default auto: Asia/Shanghai for QQ-only stores)",
    )
    parser.add_argument(
        "--min-confidence",
        type=float,
        metavar="P",
        help="leave out offers whose confidence is below P (0-1; lexicon-only ones count as sure)",
    )
    args = parser.parse_args(argv)
    console, errors = Console(), Console(stderr=True)
    if args.min_confidence is not None and not 0.0 <= args.min_confidence <= 1.0:
        parser.error(
            f"--min-confidence: a confidence is between 0 and 1, got {args.min_confidence}"
        )
    target = args.db or DEFAULT_DB
    if "://" not in target and not Path(target).exists():
        errors.print(Text(f"undersight report: {target}: no such store (run `undersight ingest`)"))
        return 2
    try:
        with min_confidence(args.min_confidence):
            files = make_report(target, args.period, Path(args.out), args.tz)
    except (StoreError, ValueError) as exc:
        errors.print(Text(f"undersight report: {exc}"))
        return 2
    console.print(headline_table(files.data))
    console.print(Text("Report: ", style="bold") + Text(str(files.html.resolve())))
    console.print(Text("PDF:    ", style="bold") + Text(str(files.pdf.resolve())))
    console.print(
        Text("Tables: ", style="bold")
        + Text(f"{len(files.tables)} files (CSV + Parquet) in {Path(args.out).resolve()}")
    )
    return 0
