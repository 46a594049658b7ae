"""The report job: HTML, PDF and every table as CSV and Parquet, in one folder
(``undersight report``, whose options are in ``commands.report``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.table import Table
from rich.text import Text

from undersight.report.charts import build_charts
from undersight.report.data import ReportData, gather, parse_period
from undersight.report.export import write_tables
from undersight.report.formatting import change, num
from undersight.report.render import render_html, write_pdf
from undersight.store import open_existing_store


@dataclass
class ReportFiles:
    html: Path
    pdf: Path
    tables: list[Path]
    data: ReportData


def make_report(db: str | None, period: str | None, out: Path, tz: str = "auto") -> ReportFiles:
    """Gather, chart and write the report into ``out``; ValueError or StoreError on bad input."""
    focus = parse_period(period)
    store = open_existing_store(db)
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
