"""The command line: one parser tree for every subcommand, one error policy.

Each feature package registers its own subcommands (``register(sub)`` in its
``cli`` module: ``synth``, ``stats``, ``report``, ``export``, ``actors``,
``spark``); the ones here are the extractor's and the store's. A handler
returns the exit status; an error the user caused (``UserError``, a store that
cannot be opened) is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import IO

from undersight import __version__
from undersight.errors import UserError
from undersight.store.base import StoreError

__all__ = ["UserError", "build_parser", "main"]


def _open_input(path: str | None) -> IO[bytes]:
    if path in (None, "-"):
        return sys.stdin.buffer
    try:
        return open(path, "rb")
    except OSError as exc:
        raise UserError(f"{path}: cannot open: {exc.strerror}") from None


def _choose_model(args: argparse.Namespace) -> None:
    """`--model PATH` / `--no-model` (and `--lexicon DIR`): which model the extractor
    (and its worker processes) use; a bad model file is a one-line error."""
    import os

    from undersight.extract.pipeline import MODEL_ENV, default_extractor

    _choose_lexicon(args)
    if getattr(args, "no_model", False):
        os.environ[MODEL_ENV] = "none"
    elif getattr(args, "model", None):
        from undersight.learn.classifier import ModelError, load

        try:
            load(str(Path(args.model).resolve()))
        except ModelError as exc:
            raise UserError(str(exc)) from None
        os.environ[MODEL_ENV] = str(Path(args.model).resolve())
    else:
        return
    default_extractor.cache_clear()


def _choose_lexicon(args: argparse.Namespace) -> None:
    """`--lexicon DIR`: the extractor (and its worker processes) read the lexicon
    there (files it lacks are the bundled ones); a bad one is a one-line error."""
    import os

    if not getattr(args, "lexicon", None):
        return
    from undersight.extract.pipeline import default_extractor
    from undersight.lexicon import LEXICON_ENV, LexiconError, default_lexicon, load_lexicon

    folder = str(Path(args.lexicon).resolve())
    try:
        load_lexicon(folder)
    except LexiconError as exc:
        raise UserError(str(exc)) from None
    os.environ[LEXICON_ENV] = folder
    default_lexicon.cache_clear()
    default_extractor.cache_clear()


def _model_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--lexicon",
        metavar="DIR",
        help="read the lexicon's YAML files from DIR (those it lacks are the bundled ones)",
    )
    group = p.add_mutually_exclusive_group()
    group.add_argument("--model", metavar="PATH", help="a model file (`undersight train`)")
    group.add_argument(
        "--no-model", action="store_true", help="the lexicon alone, without the trained model"
    )


def _explain(args: argparse.Namespace) -> int:
    """`extract --explain`: per message, which rule or model output decided each field."""
    import orjson

    from undersight.extract.explain import explain
    from undersight.extract.pipeline import default_extractor

    ex = default_extractor()
    source = _open_input(args.input)
    failed = 0
    try:
        for number, line in enumerate(source, 1):
            if not line.strip():
                continue
            try:
                record = orjson.loads(line)
                text, date = record["text"], record.get("date")
                if not isinstance(text, str):
                    raise TypeError("'text' is not a string")
                _, lines = explain(ex, text, date)
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                print(f"line {number}: {exc}", file=sys.stderr)
                failed += 1
                continue
            head = text.replace("\n", " / ")
            print(f"{record.get('id', number)}: {head[:100]}")
            print("\n".join(lines))
    finally:
        if source is not sys.stdin.buffer:
            source.close()
    return 1 if failed else 0


def cmd_train(args: argparse.Namespace) -> int:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        raise UserError(
            "undersight train needs scikit-learn: pip install 'undersight[train]'"
        ) from None
    from undersight.evaluation import load_gold, score
    from undersight.extract.pipeline import Extractor
    from undersight.learn.classifier import Classifier
    from undersight.learn.train import save, train

    try:
        gold = load_gold(args.labels, real_root=args.real)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if len(gold) < 20:
        raise UserError(f"{' '.join(args.labels)}: {len(gold)} labelled messages, need 20 or more")
    save(train(gold, max_ngrams=args.max_ngrams, c=args.c), args.out)
    model = Classifier(args.out)
    print(f"{args.out}: {model.size} n-grams, trained on {len(gold)} messages")
    if args.check:
        try:
            check = load_gold(args.check, real_root=args.real)
        except ValueError as exc:
            raise UserError(str(exc)) from None
        for name, ex in (("lexicon", Extractor(cache_size=0)), ("model", Extractor(model=model))):
            r = score(check, ex)
            print(
                f"{name:8s} on {len(check)} held-out: offer F1 {r.offer.f1:.3f}, "
                f"categories macro-F1 {r.category_macro_f1:.3f}, intent "
                f"{r.summary()['intent_accuracy']}"
            )
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from undersight.extract.parallel import available_cores, run_parallel
    from undersight.present.live import line_counter

    _choose_model(args)
    if args.explain:
        return _explain(args)
    jobs = args.jobs if args.jobs is not None else available_cores()
    if jobs < 1:
        raise UserError(f"--jobs: expected a number of processes >= 1, got {jobs}")
    source = _open_input(args.input)
    name = args.input if args.input not in (None, "-") else "<stdin>"
    try:
        with line_counter(f"extract {name}", enabled=sys.stderr.isatty()) as on_lines:
            stats = run_parallel(
                source,
                sys.stdout.buffer,
                jobs=jobs,
                max_bytes=args.max_line_bytes,
                on_lines=on_lines,
            )
    finally:
        if source is not sys.stdin.buffer:
            source.close()
    if stats.errors:
        print(
            f"undersight extract: {name}: {stats.errors} of {stats.lines} lines failed",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    import orjson

    from undersight.evaluation import load_gold, score, score_groups
    from undersight.present.eval_table import groups_table, print_report

    for p in args.gold:
        if not Path(p).exists():
            raise UserError(f"{p}: no such file or folder")
    try:
        gold = load_gold(args.gold, real_root=args.real)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if not gold:
        raise UserError(f"{' '.join(args.gold)}: no labelled messages found")
    _choose_model(args)
    report = score(gold)
    groups = score_groups(gold)
    if args.json:
        summary = report.summary()
        summary["groups"] = {name: r.summary() for name, r in groups.items()}
        sys.stdout.buffer.write(orjson.dumps(summary, option=orjson.OPT_INDENT_2) + b"\n")
    else:
        from rich.console import Console

        console = Console()
        if len(groups) > 2:
            console.print(groups_table(groups))
        print_report(report, show_errors=args.errors, console=console)
    return 0


def build_parser() -> argparse.ArgumentParser:
    from undersight.commands import actors, export, report, spark, stats, synth

    parser = argparse.ArgumentParser(
        prog="undersight",
        description="Measured intelligence from cybercrime underground market chatter.",
    )
    parser.add_argument("--version", action="version", version=f"undersight {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _extract_commands(sub)
    _store_commands(sub)
    for command in (stats, report, export, actors, synth, spark):
        command.register(sub)
    p = sub.add_parser("demo", help="the main job end to end on the bundled sample")
    p.add_argument("--out", default="out/demo", help="folder for the results (default out/demo)")
    p.set_defaults(func=cmd_demo)
    return parser


def _extract_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "extract",
        help="extract offers, prices and contacts from JSONL messages",
        description="Read JSONL messages ({'id', 'text', 'date'}) and write one JSON result "
        "per line (the contract in docs/extract-jsonl.md), in input order.",
    )
    p.add_argument("input", nargs="?", help="JSONL file; '-' or absent = stdin")
    p.add_argument(
        "--max-line-bytes",
        type=int,
        default=1 << 20,
        help="longer input lines get an error line instead of being read (default 1 MiB)",
    )
    p.add_argument(
        "--jobs",
        type=int,
        help="extraction processes (default: every core); output order is the input's",
    )
    p.add_argument(
        "--explain",
        action="store_true",
        help="print, per message, which rule or model output decided each field (not JSONL)",
    )
    _model_options(p)
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("train", help="fit the offer/intent/category model from labelled messages")
    p.add_argument("labels", nargs="+", help="gold JSONL files or folders (as `eval` reads them)")
    p.add_argument("--out", required=True, help="the model file to write (.npz)")
    p.add_argument("--real", metavar="DIR", help="the real corpora folder real-corpus labels need")
    p.add_argument("--check", nargs="+", metavar="GOLD", help="held-out gold to report scores on")
    p.add_argument("--max-ngrams", type=int, default=3000, help="vocabulary size (3000)")
    p.add_argument("--c", type=float, default=1.0, help="inverse L1 regularization strength (1.0)")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("eval", help="score the extractor against a labelled gold set")
    p.add_argument("gold", nargs="+", help="gold JSONL files or folders of them")
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    p.add_argument("--errors", action="store_true", help="also list every mismatching message")
    p.add_argument(
        "--real",
        metavar="DIR",
        help="the real corpora folder (shared/data/real) that real-corpus labels are joined to",
    )
    _model_options(p)
    p.set_defaults(func=cmd_eval)


def _store_commands(sub: argparse._SubParsersAction) -> None:
    from undersight.commands.options import db_option
    from undersight.ingest.registry import READERS
    from undersight.ingest.tabular import FIELDS

    p = sub.add_parser(
        "ingest",
        help="read exports, extract and store every message",
        description="Read exports (files, folders, .zip archives), extract every message "
        "and store it; a second run stores nothing twice.",
    )
    p.add_argument("paths", nargs="*", help="export files, folders or .zip archives")
    p.add_argument(
        "--from-parquet",
        metavar="PATH",
        help="load `undersight spark extract` output instead (no re-extraction)",
    )
    db_option(p)
    p.add_argument(
        "--format",
        dest="fmt",
        choices=list(READERS),
        help="force a reader (default: recognized per file; `text` only when named)",
    )
    p.add_argument(
        "--map",
        dest="mapping",
        metavar="FIELD=COLUMN,...",
        help="column mapping for JSONL/CSV, e.g. text=content,date=created_at; fields: "
        + ", ".join(FIELDS),
    )
    p.add_argument("--platform", help="platform name for JSONL/CSV/text dumps (default forum)")
    p.add_argument("--channel", help="--format text: the channel of every line (default file name)")
    p.add_argument(
        "--date",
        type=_iso_date,
        help="--format text: the date of every line (YYYY-MM-DD or ISO 8601; default none)",
    )
    p.add_argument("--jobs", type=int, help="extraction processes (default: every core)")
    p.add_argument("--batch-size", type=int, default=2000, help="messages per transaction")
    _model_options(p)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser(
        "reextract",
        help="refresh stored extractions after a lexicon, model or code change",
        description="Re-extract the stored messages whose extractor version is not the current "
        "one (or every message with --all).",
    )
    db_option(p)
    p.add_argument(
        "--all", action="store_true", help="re-extract every message, not only stale ones"
    )
    _model_options(p)
    p.set_defaults(func=cmd_reextract)


def _iso_date(value: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO date: {value!r}") from None
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


def _parse_mapping(raw: str | None) -> dict[str, str] | None:
    from undersight.ingest.tabular import check_mapping

    if not raw:
        return None
    mapping: dict[str, str] = {}
    for part in raw.split(","):
        field, sep, column = part.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise UserError(f"--map: expected field=column pairs, got {part!r}")
        mapping[field.strip()] = column.strip()
    try:
        check_mapping(mapping)  # before the store is opened
    except ValueError as exc:
        raise UserError(f"--map: {exc}") from None
    return mapping


def cmd_ingest(args: argparse.Namespace) -> int:
    from undersight.ingest.command import run_ingest

    _choose_model(args)
    if args.from_parquet is not None or not args.paths:
        return _ingest_from_parquet(args)
    for p in args.paths:
        if not Path(p).exists():
            raise UserError(f"{p}: no such file or folder")
    try:
        summary = run_ingest(
            args.paths,
            args.db,
            fmt=args.fmt,
            mapping=_parse_mapping(args.mapping),
            platform=args.platform,
            jobs=args.jobs,
            batch_size=args.batch_size,
            channel=args.channel,
            date=args.date,
        )
    except (ValueError, OSError) as exc:
        raise UserError(str(exc)) from None
    return 1 if summary.failed else 0


def _ingest_from_parquet(args: argparse.Namespace) -> int:
    from undersight.ingest.from_parquet import run_from_parquet

    if args.from_parquet is None:
        raise UserError("ingest: give export paths, or --from-parquet SPARK_OUTPUT")
    if args.paths:
        raise UserError("ingest: give export paths or --from-parquet, not both")
    if not Path(args.from_parquet).exists():
        raise UserError(f"{args.from_parquet}: no such file or folder")
    try:
        summary = run_from_parquet(args.from_parquet, args.db, batch_size=args.batch_size)
    except (ValueError, OSError) as exc:
        raise UserError(str(exc)) from None
    return 1 if summary.failed else 0


def cmd_reextract(args: argparse.Namespace) -> int:
    from undersight.ingest.command import run_reextract

    _choose_model(args)
    run_reextract(args.db, everything=args.all)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from undersight.demo import run_demo

    return run_demo(Path(args.out))


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit status (2: a user error, printed as one line)."""
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except (UserError, StoreError) as exc:
        print(f"undersight {args.command}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
