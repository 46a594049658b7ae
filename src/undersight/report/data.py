"""Gathering every table of the report from the analyses (nothing is computed twice)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd

from undersight import analyze
from undersight.analyze.overview import Overview, overview
from undersight.periods import resolve_tz
from undersight.report.ads import QuotedAd, quoted_ads
from undersight.store.base import Store
from undersight.store.filters import LOW_CONFIDENCE, current_min_confidence

_PERIOD_FORMS = (
    ("year", re.compile(r"^\d{4}$")),
    ("quarter", re.compile(r"^\d{4}-?Q[1-4]$", re.I)),
    ("month", re.compile(r"^\d{4}-\d{2}$")),
)


@dataclass(frozen=True)
class Focus:
    """The period the price tables are for: ``label`` None means every period."""

    granularity: str = "year"
    label: str | None = None


def parse_period(text: str | None) -> Focus:
    """``2013`` (a year), ``2013-Q2`` (a quarter), ``2013-06`` (a month), or None."""
    if not text:
        return Focus()
    for granularity, form in _PERIOD_FORMS:
        if form.match(text.strip()):
            return Focus(granularity, text.strip())
    raise ValueError(f"--period {text!r}: expected YYYY, YYYY-Qn or YYYY-MM")


def same_period(value: object, label: str) -> bool:
    """Whether an analysis' period value names ``label`` (``2013Q2`` = ``2013-Q2``)."""

    def norm(x: object) -> str:
        return re.sub(r"[\s_-]", "", str(x)).upper()

    return norm(value) == norm(label)


@dataclass(frozen=True)
class Coverage:
    """What the store holds behind the figures: price conversion and provenance."""

    prices: int
    converted: int
    nearest_rate: int
    currencies: list[tuple[str, int]]
    platforms: list[tuple[str, int]]
    versions: list[tuple[str, int]]
    low_confidence: int = 0  # offers whose confidence is below LOW_CONFIDENCE
    scored_offers: int = 0  # offers that carry a confidence (the model decided them)
    min_confidence: float | None = None  # the --min-confidence in effect
    low_threshold: float = LOW_CONFIDENCE


def coverage(store: Store) -> Coverage:
    prices, converted, noted = store.query(
        "SELECT count(*), count(usd), count(usd_note) FROM prices"
    )[0]

    def pairs(sql: str) -> list[tuple[str, int]]:
        return [(str(a), int(b)) for a, b in store.query(sql)]

    low, scored = store.query(
        "SELECT count(CASE WHEN e.confidence < ? THEN 1 END), count(e.confidence)"
        " FROM extractions e WHERE /*offer*/e.offer",
        [LOW_CONFIDENCE],
    )[0]
    return Coverage(
        int(prices),
        int(converted),
        int(noted),
        pairs("SELECT currency, count(*) FROM prices GROUP BY currency ORDER BY 2 DESC, 1"),
        pairs("SELECT platform, count(*) FROM sources GROUP BY platform ORDER BY 2 DESC, 1"),
        pairs(
            "SELECT extractor_version, count(*) FROM extractions"
            " GROUP BY extractor_version ORDER BY 2 DESC, 1"
        ),
        int(low or 0),
        int(scored or 0),
        current_min_confidence(),
    )


@dataclass
class ReportData:
    """Everything the report shows; ``tables`` are exported as CSV and Parquet."""

    focus: Focus
    tz: str
    tz_reason: str
    store: str
    generated: dt.datetime
    overview: Overview
    coverage: Coverage
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    quoted_ads: list[QuotedAd] = field(default_factory=list)


def redact(url: str) -> str:
    """A store URL without its password."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def _categories(view: Overview) -> pd.DataFrame:
    frame = pd.DataFrame(
        [(c.category, c.offers, c.priced, c.median_usd) for c in view.categories],
        columns=["category", "offers", "priced_offers", "median_usd_first_price"],
    )
    total = frame["offers"].sum()
    frame["share"] = frame["offers"] / total if total else float("nan")
    return frame


def gather(store: Store, focus: Focus, tz: str = "auto", quoted: int = 25) -> ReportData:
    """Run every analysis the report needs; ValueError for an unknown period or zone."""
    zone, why = resolve_tz(store, tz)
    view = overview(store)
    prices = analyze.price_index(store, period=focus.granularity, tz=zone)
    if focus.label is not None:
        known = sorted({str(p) for p in prices["period"]})
        prices = prices[[same_period(p, focus.label) for p in prices["period"]]]
        if prices.empty:
            raise ValueError(
                f"--period {focus.label}: no priced offers in that period"
                f" (periods with prices: {', '.join(known) or 'none'})"
            )
    tables = {
        "activity_year": analyze.activity(store, period="year", tz=zone),
        "activity_month": analyze.activity(store, period="month", tz=zone),
        "categories": _categories(view),
        "prices": prices.reset_index(drop=True),
        "mobile_premium": analyze.mobile_premium(store),
        "market_size": analyze.market_size(store),
        "top_sellers": analyze.top_sellers(store),
        "top_groups": analyze.top_groups(store),
    }
    top = [c.category for c in view.categories[:quoted]]
    ads = quoted_ads(store, top)
    tables["quoted_ads"] = pd.DataFrame(
        [(a.category, a.text, a.posts, a.groups, a.price) for a in ads],
        columns=["category", "text", "posts", "groups", "first_price"],
    )
    return ReportData(
        focus=focus,
        tz=zone,
        tz_reason=why,
        store=redact(store.url),
        generated=dt.datetime.now(dt.UTC).replace(microsecond=0),
        overview=view,
        coverage=coverage(store),
        tables=tables,
        quoted_ads=ads,
    )
