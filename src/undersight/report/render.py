"""HTML from the Jinja2 template, PDF from the HTML (WeasyPrint, nothing fetched)."""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from undersight import __version__
from undersight.report import formatting as fmt
from undersight.report.charts import CHARTS, MIN_N, TOP_BASES
from undersight.report.data import ReportData, same_period
from undersight.report.findings import findings
from undersight.report.labels import MARKET_NAMES, basis, category_name
from undersight.safety import segments, show


class OfflineFetcher(URLFetcher):
    """Refuses every URL: the report is self-contained, and a stray reference in
    hostile input must never make the PDF renderer reach out."""

    def fetch(self, url: str, headers: object = None) -> None:  # type: ignore[override]
        raise ValueError(f"report rendering fetches nothing ({url[:40]!r} refused)")


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("undersight.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        show=show,
        num=fmt.num,
        usd=fmt.usd,
        factor=fmt.factor,
        change=fmt.change,
        pct=fmt.pct,
        day=fmt.day,
        category=category_name,
    )
    env.globals.update(
        interval=fmt.interval,
        usd_fmt=fmt.usd,
        basis=basis,
        finite=fmt.finite,
        segments=segments,
        same_period=same_period,
    )
    return env


def render_html(data: ReportData, charts: dict[str, str], files: list[str]) -> str:
    """The report as one self-contained HTML page (CSS and SVG inline, no script)."""
    template = environment().get_template("report.html.j2")
    return template.render(
        data=data,
        tables=data.tables,
        findings=findings(data),
        charts={name: Markup(charts[name]) if name in charts else None for name in CHARTS},
        files=files,
        version=__version__,
        min_n=MIN_N,
        market_names=MARKET_NAMES,
        top_bases=TOP_BASES,
    )


def write_pdf(html: str, path: Path) -> None:
    """``html`` printed to ``path``; fonts embedded (subset) by WeasyPrint."""
    HTML(string=html, url_fetcher=OfflineFetcher()).write_pdf(path)
