"""``undersight stats``: the market analyses as tables, and as CSV or Parquet files.

undersight stats [--db URL] [--period year] [--tz Asia/Shanghai] [--out DIR]
                 [prices|activity|mobile|market|top ...]
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.table import Table

from undersight.analyze.activity import PERIODS
from undersight.store.base import DEFAULT_DB, Store, StoreError, open_store
from undersight.store.filters import min_confidence

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
_NOTES = {"activity": ("period", "coverage_note"), "market": ("method", "note")}
_PERCENT = ("_growth",)


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="undersight stats",
        description="Market analyses of a store: price index, activity, mobile premium, "
        "market size, top sellers and groups.",
    )
    ap.add_argument(
        "what",
        nargs="*",
        metavar="{" + ",".join(ANALYSES) + "}",
        help="analyses to run (default: all)",
    )
    ap.add_argument("--db", help=f"store: a DuckDB file (default {DEFAULT_DB}) or postgresql://...")
    ap.add_argument("--period", choices=PERIODS, default="year", help="default year")
    ap.add_argument(
        "--tz", default="UTC", help="time zone of days and periods (QQ corpora: Asia/Shanghai)"
    )
    ap.add_argument("--category", help="price index of one category only")
    ap.add_argument("--top", type=int, default=20, help="rows of the top tables (default 20)")
    ap.add_argument("--boot", type=int, default=1000, help="bootstrap draws (mobile premium)")
    ap.add_argument("--seed", type=int, default=0, help="bootstrap seed")
    ap.add_argument(
        "--min-offers",
        type=int,
        default=1,
        help="market size: count authors of at least this many sell offers (default 1)",
    )
    ap.add_argument(
        "--min-confidence",
        type=float,
        metavar="P",
        help="leave out offers whose confidence is below P (0-1; lexicon-only ones count as sure)",
    )
    ap.add_argument("--out", help="also write every table into this folder")
    ap.add_argument("--format", choices=("csv", "parquet"), default="csv", help="for --out")
    return ap


def _open(db: str | None) -> Store:
    target = db or DEFAULT_DB
    if not target.startswith(("postgresql://", "postgres://")) and not Path(target).exists():
        raise StoreError(f"{target}: no such store (create one with `undersight ingest`)")
    return open_store(target)


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


def _cell(column: str, value: object) -> str:
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


def render(name: str, df: pd.DataFrame, console: Console) -> None:
    """``df`` as a table of the columns :data:`_SHOWN` names, notes below it."""
    shown = _SHOWN.get(name, [(c, c.replace("_", " ")) for c in df.columns])
    table = Table(title=name.replace("_", " "), title_justify="left")
    for col, header in shown:
        numeric = col.endswith("ci") or (
            col in df.columns and pd.api.types.is_numeric_dtype(df[col])
        )
        table.add_column(header, justify="right" if numeric else "left")
    for _, row in df.iterrows():
        cells = []
        for col, _header in shown:
            if col == "median_ci":
                cells.append(_interval(row["median_ci_low_usd"], row["median_ci_high_usd"]))
            elif col == "ci":
                cells.append(_interval(row["ci_low"], row["ci_high"]))
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


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    unknown = [w for w in args.what if w not in ANALYSES]
    if unknown:
        parser.error(f"unknown analysis {unknown[0]!r} (choose from {', '.join(ANALYSES)})")
    console = Console()
    if not console.is_terminal:  # a file or a pipe: do not squeeze the tables into 80 columns
        console = Console(width=200)
    try:
        store = _open(args.db)
    except StoreError as exc:
        print(f"undersight stats: {exc}", file=sys.stderr)
        return 2
    if args.min_confidence is not None and not 0.0 <= args.min_confidence <= 1.0:
        parser.error(
            f"--min-confidence: a confidence is between 0 and 1, got {args.min_confidence}"
        )
    try:
        for name, compute in tables(store, args).items():
            with min_confidence(args.min_confidence):
                df = compute()
            render(name, df, console)
            if args.out:
                path = write(name, df, Path(args.out), args.format)
                console.print(f"wrote {path}", highlight=False)
    except ValueError as exc:
        print(f"undersight stats: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
