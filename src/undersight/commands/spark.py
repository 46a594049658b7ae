"""``undersight spark extract``: the extractor over Spark, with one-line errors.

undersight spark extract --input corpus.jsonl --output out/ [--master local[2]]
"""

from __future__ import annotations

import argparse
import os
import sys

import orjson

from undersight.errors import UserError
from undersight.extract.jsonl import DEFAULT_MAX_LINE_BYTES
from undersight.spark.inputs import InputError

PROG = "undersight spark"


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "spark",
        help="run the extractor on Apache Spark",
        description="Run the extractor on Apache Spark (pip install 'undersight[spark]').",
    )
    jobs = parser.add_subparsers(dest="spark_command", required=True, metavar="{extract}")
    p = jobs.add_parser(
        "extract",
        help="extract every message of a JSONL or Parquet corpus into partitioned Parquet",
        description="Writes OUTPUT/messages (one row per input record, errors included) and "
        "OUTPUT/offers, OUTPUT/prices, OUTPUT/contacts, partitioned by month of posting. "
        "Load them into a store with `undersight ingest --from-parquet OUTPUT`.",
    )
    p.add_argument(
        "--input", required=True, help="JSONL or Parquet file or folder (any Hadoop URI)"
    )
    p.add_argument(
        "--output",
        required=True,
        help="output folder (any Hadoop URI); a previous result there is replaced,"
        " a folder holding anything else is refused",
    )
    p.add_argument(
        "--format", dest="fmt", choices=("jsonl", "parquet"), help="default: by extension"
    )
    p.add_argument("--master", help="Spark master (default: spark-submit's, else local[*])")
    p.add_argument("--partitions", type=int, help="extraction tasks (default: 4 per core)")
    p.add_argument("--platform", default="forum", help="platform of the messages (default forum)")
    p.add_argument(
        "--max-line-bytes",
        type=int,
        default=DEFAULT_MAX_LINE_BYTES,
        help="longer records get an error row (default 1 MiB), as in `undersight extract`",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")
    p.set_defaults(func=run)


def _is_local(path: str) -> bool:
    return "://" not in path and not path.startswith("file:")


OUR_FOLDERS = frozenset({"messages", "offers", "prices", "contacts"})


def _check_output(path: str) -> None:
    """A local output folder is replaced only when it holds a previous result:
    anything else in it is someone's data, and the job refuses to touch it."""
    if not _is_local(path) or not os.path.exists(path):
        return
    if not os.path.isdir(path):
        raise InputError(f"{path}: exists and is not a folder")
    others = sorted(set(os.listdir(path)) - OUR_FOLDERS)
    if others:
        raise InputError(
            f"{path}: holds other files ({', '.join(others[:3])}); choose a new or empty folder"
        )


def _print_summary(summary: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"spark extract into {summary['output']}")
    for col in ("records", "errors", "offers", "prices", "contacts", "months", "seconds", "msg/s"):
        table.add_column(col, justify="right")
    rate = summary["records"] / max(summary["seconds"], 1e-9)
    table.add_row(
        *(f"{summary[k]:,}" for k in ("records", "errors", "offers", "prices", "contacts")),
        str(summary["months"]),
        f"{summary['seconds']:.1f}",
        f"{rate:,.0f}",
    )
    Console(stderr=True).print(table)


def cmd_extract(args: argparse.Namespace) -> int:
    from undersight.spark.session import SparkUnavailable, require_pyspark, start_session

    if _is_local(args.input) and not os.path.exists(args.input):
        raise InputError(f"{args.input}: no such file or folder")
    if args.partitions is not None and args.partitions < 1:
        raise InputError("--partitions must be at least 1")
    _check_output(args.output)
    require_pyspark()
    from undersight.spark.runner import run_job

    def say(text: str) -> None:
        print(f"{PROG}: {text}", file=sys.stderr, flush=True)

    spark = start_session(args.master)
    try:
        summary = run_job(
            spark,
            args.input,
            args.output,
            fmt=args.fmt,
            partitions=args.partitions,
            platform=args.platform,
            max_bytes=args.max_line_bytes,
            say=say,
        ).as_dict()
    except (InputError, SparkUnavailable):
        raise
    except Exception as exc:  # Spark's analysis and job errors: one line, not a JVM trace
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise InputError(f"the Spark job failed: {first}") from None
    finally:
        spark.stop()
    if args.json:
        sys.stdout.buffer.write(orjson.dumps(summary) + b"\n")
    _print_summary(summary)
    return 1 if summary["errors"] else 0


def run(args: argparse.Namespace) -> int:
    """``spark extract``; a bad input, output or missing Spark is a one-line error."""
    from undersight.spark.session import SparkUnavailable

    try:
        return cmd_extract(args)
    except (InputError, SparkUnavailable) as exc:
        raise UserError(str(exc)) from None
