"""``undersight export stix|misp|tables``: threat-intelligence exports of a store."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from undersight.commands.options import checked_category, db_option
from undersight.errors import UserError
from undersight.store import open_existing_store

if TYPE_CHECKING:
    from undersight.export.data import PersonaSource

MEMORY_LIMIT = "64MB"  # DuckDB's, for exports (the store's default is 512MB)


def _personas() -> PersonaSource | None:
    """The actors package's persona source where one exists, else ``None``."""
    if importlib.util.find_spec("undersight.actors") is None:
        return None
    from undersight import actors

    return getattr(actors, "persona_groups", None)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "export", help="threat-intelligence exports: stix, misp, tables", description=__doc__
    )
    what = parser.add_subparsers(dest="what", required=True, metavar="{stix,misp,tables}")
    for name, text in (
        ("stix", "STIX 2.1 bundle on stdout"),
        ("misp", "MISP event JSON on stdout"),
        ("tables", "offers, prices, contacts as CSV or Parquet"),
    ):
        p = what.add_parser(name, help=text, description=text)
        db_option(p)
        p.add_argument("--since", help="only offers posted on or after this date (YYYY-MM-DD)")
        p.add_argument("--category", help="only offers of this category id (and sub-categories)")
        if name == "tables":
            p.add_argument("--out", required=True, help="folder for the tables")
            p.add_argument("--format", dest="fmt", default="csv", choices=("csv", "parquet"))
        p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from undersight.export.data import parse_since

    checked_category(args.category)
    try:
        since = parse_since(args.since)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    # exports read the store a key range at a time (undersight.store.chunks), each
    # range's rows once: a small DuckDB cache keeps memory flat whatever the store's size
    store = open_existing_store(args.db, memory_limit=MEMORY_LIMIT, bulk_read=True)
    try:
        if args.what == "stix":
            from undersight.export.stix import one_persona_per_author, write_bundle

            stats = write_bundle(
                store, sys.stdout, since, args.category, _personas() or one_persona_per_author
            )
            if stats.get("skipped"):
                print(
                    f"undersight export: {stats['skipped']} offers without a handle or date"
                    " were left out",
                    file=sys.stderr,
                )
        elif args.what == "misp":
            from undersight.export.misp import write_event

            write_event(store, sys.stdout, since, args.category)
        else:
            from undersight.export.tables import write_tables

            for path in write_tables(
                store, Path(args.out), args.fmt, since, args.category, _personas()
            ):
                print(path, file=sys.stderr)
    finally:
        store.close()
    return 0
