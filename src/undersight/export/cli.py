"""``undersight export stix|misp|tables``: threat-intelligence exports of a store."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

from undersight.export.data import PersonaSource, parse_since
from undersight.store.base import StoreError, open_store

MEMORY_LIMIT = "64MB"  # DuckDB's, for exports (the store's default is 512MB)


def _personas() -> PersonaSource | None:
    """The actors package's persona source where one exists, else ``None``."""
    if importlib.util.find_spec("undersight.actors") is None:
        return None
    from undersight import actors

    return getattr(actors, "persona_groups", None)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="undersight export", description=__doc__)
    sub = parser.add_subparsers(dest="what", required=True)
    for name, text in (
        ("stix", "STIX 2.1 bundle on stdout"),
        ("misp", "MISP event JSON on stdout"),
        ("tables", "offers, prices, contacts as CSV or Parquet"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("--db", help="store (default undersight.duckdb) or postgresql://...")
        p.add_argument("--since", help="only offers posted on or after this date (YYYY-MM-DD)")
        p.add_argument("--category", help="only offers of this category id (and sub-categories)")
        if name == "tables":
            p.add_argument("--out", required=True, help="folder for the tables")
            p.add_argument("--format", dest="fmt", default="csv", choices=("csv", "parquet"))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    try:
        since = parse_since(args.since)
        # exports read the store a key range at a time (undersight.store.chunks), each
        # range's rows once: a small DuckDB cache keeps memory flat whatever the store's size
        store = open_store(args.db, memory_limit=MEMORY_LIMIT, bulk_read=True)
    except (ValueError, StoreError) as exc:
        print(f"undersight export: {exc}", file=sys.stderr)
        return 2
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
    except BrokenPipeError:
        return 0
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
