"""`undersight ingest` and `undersight reextract`: the I/O edge around the
ingest pipeline (progress display, summary, one-line errors)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from undersight.ingest.base import ReadReport
from undersight.ingest.pipeline import IngestSummary, default_jobs, ingest_messages, reextract
from undersight.ingest.progress import CountedInput
from undersight.model import Message
from undersight.store import open_existing_store, open_store


def input_bytes(paths: Iterable[str]) -> int:
    from undersight.ingest.registry import synth_truth

    total = 0
    for p in map(Path, paths):
        if p.is_dir():
            left_out = synth_truth(p)
            total += sum(
                f.stat().st_size for f in p.rglob("*") if f.is_file() and f not in left_out
            )
        elif p.exists():
            total += p.stat().st_size
    return total


def _counted(
    messages: Iterable[Message],
    progress: Progress,
    task: TaskID,
    started: float,
    done_bytes: list[int],
) -> Iterator[Message]:
    """Pass messages through, updating the bar (bytes read, messages, rate)."""
    for n, message in enumerate(messages, 1):
        if n % 500 == 0:
            rate = n / max(time.monotonic() - started, 1e-9)
            progress.update(task, completed=done_bytes[0], rate=f"{n:,} msg · {rate:,.0f} msg/s")
        yield message


def run_ingest(
    paths: list[str],
    db: str | None,
    fmt: str | None = None,
    mapping: dict[str, str] | None = None,
    platform: str | None = None,
    jobs: int | None = None,
    batch_size: int = 2000,
    console: Console | None = None,
    channel: str | None = None,
    date: dt.datetime | None = None,
) -> IngestSummary:
    """Read, extract and store ``paths``; ``channel`` and ``date`` are what the
    plain text reader gives every message (``--format text``)."""
    from undersight.ingest.registry import read_all
    from undersight.ingest.text import TextReader

    console = console or Console(stderr=True)
    store = open_store(db)
    report = ReadReport()
    total = input_bytes(paths)
    workers = default_jobs(total, jobs)
    started = time.monotonic()
    done_bytes = [0]

    def advance(n: int) -> None:
        done_bytes[0] += n

    messages = read_all(
        paths,
        fmt=fmt,
        report=report,
        mapping=mapping,
        platform=platform,
        readers={"text": TextReader(channel, date, platform)},
        wrap=lambda item: CountedInput(item, advance),
    )
    try:
        with Progress(
            SpinnerColumn(),
            TextColumn("[bold]ingest"),
            BarColumn(),
            DownloadColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=False,
            disable=not console.is_terminal,
        ) as progress:
            task = progress.add_task("ingest", total=total or None, rate="")
            summary = ingest_messages(
                _counted(messages, progress, task, started, done_bytes),
                store,
                report,
                jobs=workers,
                batch_size=batch_size,
                inputs=" ".join(paths),
            )
            progress.update(task, completed=total or done_bytes[0])
    finally:
        store.close()
    elapsed = time.monotonic() - started
    table = Table(title=f"ingest into {store.url}")
    for col in ("read", "stored", "already stored", "skipped", "failed", "msg/s", "cores"):
        table.add_column(col, justify="right")
    table.add_row(
        f"{summary.read:,}",
        f"{summary.stored:,}",
        f"{summary.duplicates:,}",
        f"{summary.skipped:,}",
        f"{summary.failed:,}",
        f"{summary.read / max(elapsed, 1e-9):,.0f}",
        str(workers),
    )
    console.print(table)
    for note in report.notes:
        console.print(f"[dim]left out[/dim] {note}", markup=True, highlight=False, soft_wrap=True)
    for problem in summary.problems[:20]:
        console.print(f"[yellow]not read[/yellow] {problem}", markup=True, highlight=False)
    if len(summary.problems) > 20:
        console.print(f"... and {summary.failed - 20} more problems")
    return summary


def run_reextract(db: str | None, everything: bool, console: Console | None = None) -> int:
    console = console or Console(stderr=True)
    store = open_existing_store(db)
    try:
        with console.status(f"re-extracting {'every' if everything else 'each stale'} message"):
            count = reextract(store, everything=everything)
    finally:
        store.close()
    console.print(f"re-extracted {count:,} messages in {store.url}")
    return count
