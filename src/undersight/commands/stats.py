"""``undersight stats``: the market analyses as tables, and as CSV or Parquet files.

undersight stats [--db URL] [--period year] [--tz Asia/Shanghai] [--out DIR]
                 [prices|activity|mobile|market|top ...]
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from undersight.commands.options import (
    checked_category,
    checked_confidence,
    confidence_option,
    console_for,
    db_option,
    tz_option,
)
from undersight.errors import UserError
from undersight.periods import PERIODS, resolve_tz
from undersight.store import Store, open_existing_store

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console


ANALYSES = ("prices", "activity", "mobile", "market", "top")
# What a terminal shows of each table (column, header); files get every column.
_SHOWN: dict[str, list[tuple[str, str]]] = {
    "prices": [
        ("period", "period"),
        ("category", "category"),
        ("basis", "basis"),
        ("unit", "unit"),
        ("billing_period", "billed"),
        ("n", "n"),
        ("n_sellers", "sellers"),
        ("median_usd", "median $"),
        ("median_ci", "95% CI"),
        ("p25_usd", "p25 $"),
        ("p75_usd", "p75 $"),
        ("unit_usd_median", "per unit $"),
        ("median_amount", "median"),
        ("currency", "cur"),
        ("n_outliers", "outl."),
    ],
    "activity": [
        ("period", "period"),
        ("messages", "messages"),
        ("offers", "offers"),
        ("authors", "authors"),
        ("sellers", "sellers"),
        ("groups", "groups"),
        ("group_days", "group-days"),
        ("msgs_per_group_day", "msgs/g-day"),
        ("participants_per_group_day", "people/g-day"),
        ("messages_growth", "msgs ±"),
        ("msgs_per_group_day_growth", "msgs/g-day ±"),
        ("participants_growth", "people ±"),
        ("like_for_like_groups", "same groups"),
        ("like_for_like_msgs_per_group_day_growth", "like-for-like ±"),
    ],
    "mobile": [
        ("category", "category"),
        ("unit", "unit"),
        ("billing_period", "billed"),
        ("basis", "basis"),
        ("n_mobile", "n mobile"),
        ("n_other", "n other"),
        ("sellers_mobile", "sellers m."),
        ("sellers_other", "sellers o."),
        ("median_mobile_usd", "mobile $"),
        ("median_other_usd", "other $"),
        ("ratio", "ratio"),
        ("ci", "95% CI"),
    ],
    "market": [
        ("method", "method"),
        ("estimate", "estimate"),
        ("ci", "95% CI"),
        ("n_observed", "observed"),
    ],
}
# What fits 80 columns (the default on a terminal); --wide shows all of _SHOWN.
_NARROW: dict[str, tuple[str, ...]] = {
    "prices": ("period", "category", "unit", "billing_period", "n", "median_usd", "median_ci"),
    "activity": ("period", "messages", "offers", "groups", "msgs_per_group_day", "messages_growth"),
    "mobile": ("category", "basis", "n_mobile", "n_other", "ratio", "ci"),
    "market": ("method", "estimate", "ci", "n_observed"),
    "top_sellers": ("author_key", "name", "offers", "categories", "groups", "last_seen"),
    "top_groups": ("name", "messages", "offers", "sellers", "categories"),
}
_NOTES = {"activity": ("period", "coverage_note"), "market": ("method", "note")}
_PERCENT = ("_growth",)


def register(sub: argparse._SubParsersAction) -> None:
    ap = sub.add_parser(
        "stats",
        help="market analyses: prices, activity, mobile, market, top",
        description="Market analyses of a store: price index, activity, mobile premium, "
        "market size, top sellers and groups.",
    )
    ap.add_argument(
        "what",
        nargs="*",
        metavar="{" + ",".join(ANALYSES) + "}",
        help="analyses to run (default: all)",
    )
    db_option(ap)
    ap.add_argument("--period", choices=PERIODS, default="year", help="default year")
    tz_option(ap)
    ap.add_argument("--category", help="price index of one category id only")
    ap.add_argument("--top", type=int, default=20, help="rows of the top tables (default 20)")
    ap.add_argument("--boot", type=int, default=1000, help="bootstrap draws (mobile premium)")
    ap.add_argument("--seed", type=int, default=0, help="bootstrap seed")
    ap.add_argument(
        "--min-offers",
        type=int,
        default=1,
        help="market size: count authors of at least this many sell offers (default 1)",
    )
    confidence_option(ap)
    ap.add_argument(
        "--wide", action="store_true", help="every column on a terminal (default: the main ones)"
    )
    ap.add_argument("--out", help="also write every table into this folder")
    ap.add_argument("--format", choices=("csv", "parquet"), default="csv", help="for --out")
    ap.set_defaults(func=run)


def tables(store: Store, args: argparse.Namespace) -> dict[str, Callable[[], pd.DataFrame]]:
    """Name -> how to compute it, for the analyses asked for."""
    from undersight.analyze import (
        activity,
        market_size,
        mobile_premium,
        price_index,
        top_groups,
        top_sellers,
    )

    every = {
        "prices": lambda: price_index(store, args.period, args.category, tz=args.tz),
        "activity": lambda: activity(store, args.period, tz=args.tz),
        "mobile": lambda: mobile_premium(store, n_boot=args.boot, seed=args.seed),
        "market": lambda: market_size(store, min_offers=args.min_offers),
        "top_sellers": lambda: top_sellers(store, args.top),
        "top_groups": lambda: top_groups(store, args.top),
    }
    wanted = args.what or list(ANALYSES)
    names = [n for w in wanted for n in (("top_sellers", "top_groups") if w == "top" else (w,))]
    return {n: every[n] for n in dict.fromkeys(names)}


def _is_numeric(column: object) -> bool:
    import pandas as pd

    return bool(pd.api.types.is_numeric_dtype(column))


def _cell(column: str, value: object) -> str:
    import pandas as pd

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if value is pd.NaT:
        return "–"
    if isinstance(value, float):
        if column.endswith(_PERCENT):
            return f"{value:+.1%}"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.4g}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def _interval(low: object, high: object) -> str:
    if _cell("", low) == "–" or _cell("", high) == "–":
        return "–"
    return f"{_cell('', low)} – {_cell('', high)}"


def shown_columns(name: str, columns: list[str], wide: bool) -> list[tuple[str, str]]:
    """(column, header) pairs a terminal shows of table ``name``: the main ones,
    or with ``wide`` every one :data:`_SHOWN` lists."""
    shown = _SHOWN.get(name, [(c, c.replace("_", " ")) for c in columns])
    if wide or name not in _NARROW:
        return shown
    if name not in _SHOWN:
        shown = [(c, h) for c, h in shown if c in _NARROW[name]]
    return [(col, header) for col, header in shown if col in _NARROW[name]]


def render(name: str, df: pd.DataFrame, console: Console, wide: bool = False) -> None:
    """``df`` as a table of the columns :func:`shown_columns` picks, notes below it."""
    from rich.table import Table

    shown = shown_columns(name, list(df.columns), wide)
    table = Table(title=name.replace("_", " "), title_justify="left")
    for col, header in shown:
        numeric = col.endswith("ci") or (col in df.columns and _is_numeric(df[col]))
        table.add_column(header, justify="right" if numeric else "left")
    for _, row in df.iterrows():
        cells = []
        for col, _header in shown:
            if col == "median_ci":
                cells.append(_interval(row["median_ci_low_usd"], row["median_ci_high_usd"]))
            elif col == "ci":
                cells.append(_interval(row["ci_low"], row["ci_high"]))
            elif not wide and col.endswith("_seen") and _cell(col, row[col]) != "–":
                cells.append(_cell(col, row[col])[:10])  # the day
            else:
                cells.append(_cell(col, row[col]))
        table.add_row(*cells)
    console.print(table)
    if name in _NOTES:
        key, note = _NOTES[name]
        for _, row in df.iterrows():
            if row[note]:
                console.print(f"  {row[key]}: {row[note]}", highlight=False)


def write(name: str, df: pd.DataFrame, out: Path, fmt: str) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.{fmt}"
    if fmt == "csv":
        df.to_csv(path, index=False)
    else:
        df.to_parquet(path, index=False)
    return path


def run(args: argparse.Namespace) -> int:
    """``undersight stats``: each analysis asked for, as a table (and a file with --out)."""
    from undersight.store.filters import min_confidence

    unknown = [w for w in args.what if w not in ANALYSES]
    if unknown:
        raise UserError(f"unknown analysis {unknown[0]!r} (choose from {', '.join(ANALYSES)})")
    checked_category(args.category)
    checked_confidence(args.min_confidence)
    console = console_for(args)
    store = open_existing_store(args.db)
    try:
        args.tz, why = resolve_tz(store, args.tz)
        console.print(f"[dim]days and periods in {args.tz} ({why})[/dim]")
        for name, compute in tables(store, args).items():
            with min_confidence(args.min_confidence):
                try:
                    df = compute()
                except ValueError as exc:
                    raise UserError(str(exc)) from None
            render(name, df, console, wide=args.wide)
            if args.out:
                path = write(name, df, Path(args.out), args.format)
                console.print(f"wrote {path}", highlight=False)
    finally:
        store.close()
    return 0
