"""Options and checks every command shares (store, time zone, confidence,
category, console width), so each means the same everywhere."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from undersight.errors import UserError
from undersight.model import CATEGORY_IDS
from undersight.periods import DEFAULT_TZ
from undersight.store import DEFAULT_DB

if TYPE_CHECKING:
    from rich.console import Console


def db_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help=f"store: a DuckDB file (default {DEFAULT_DB}) or postgresql://...")


def tz_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--tz",
        default=DEFAULT_TZ,
        help="time zone of days and periods (default auto: Asia/Shanghai when every "
        "source is a QQ group, else UTC; the choice is printed)",
    )


def confidence_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--min-confidence",
        type=float,
        metavar="P",
        help="leave out offers whose confidence is below P (0-1; lexicon-only ones count as sure)",
    )


def checked_confidence(value: float | None) -> float | None:
    if value is not None and not 0.0 <= value <= 1.0:
        raise UserError(f"--min-confidence: a confidence is between 0 and 1, got {value}")
    return value


def checked_category(value: str | None) -> str | None:
    """A category id of the contract (or a sub-category below one), else an error."""
    if value is not None and value.split("/", 1)[0] not in CATEGORY_IDS:
        raise UserError(
            f"--category: unknown category {value!r} (choose from {', '.join(CATEGORY_IDS)})"
        )
    return value


def console_for(args: argparse.Namespace) -> Console:
    """The console tables print on: the terminal's width, or 200 columns with --wide
    or into a file or pipe (nothing there wraps a wide table)."""
    from rich.console import Console

    console = Console()
    if getattr(args, "wide", False) or not console.is_terminal:
        return Console(width=200)
    return console
