"""``undersight ingest --from-parquet``: load the results of ``undersight spark
extract`` into the store without extracting again.

Each row of ``messages/`` is rebuilt into the ``Message`` and the
``Extraction`` (evidence spans included) it was made from and written through
the store's ordinary path (``message_rows``, ``Store.write_batch``, one
ingest run), with the extractor version that made it; so the store holds
exactly what ``undersight ingest`` of the same records would have stored, and
a second load stores nothing new. Rows are read in record batches: memory
stays flat whatever the size of the folder.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from undersight.ingest.base import ReadReport
from undersight.ingest.pipeline import IngestSummary
from undersight.spark.columns import RESULT_SCHEMA
from undersight.spark.records import to_extraction, to_message
from undersight.store.base import Store
from undersight.store.rows import Rows, message_rows

COLUMNS = [name for name in RESULT_SCHEMA.names if name != "month"]


def messages_folder(path: str | Path) -> Path:
    """The ``messages/`` folder of a Spark output folder (or ``path`` itself)."""
    root = Path(path)
    if not root.exists():
        raise FileNotFoundError(f"{root}: no such file or folder")
    if (root / "messages").is_dir():
        return root / "messages"
    if root.is_file() or any(root.glob("month=*")) or any(root.glob("*.parquet")):
        return root
    raise ValueError(f"{root}: not a `undersight spark extract` output (no messages/ folder)")


def _dataset(path: str | Path) -> Any:
    import pyarrow.dataset as ds

    folder = messages_folder(path)
    dataset = ds.dataset(str(folder), format="parquet", partitioning="hive")
    missing = [c for c in COLUMNS if c not in dataset.schema.names]
    if missing:
        raise ValueError(f"{folder}: not Spark extraction results (no {', '.join(missing)})")
    return dataset


def count_rows(path: str | Path) -> int:
    """Rows in the folder (from the Parquet footers, nothing decoded)."""
    return int(_dataset(path).count_rows())


def iter_rows(path: str | Path, batch_size: int = 2000) -> Iterator[list[dict[str, Any]]]:
    """The result rows of the folder, a record batch at a time."""
    for batch in _dataset(path).to_batches(columns=COLUMNS, batch_size=batch_size):
        if batch.num_rows:
            yield batch.to_pylist()


def load_parquet(
    path: str | Path,
    store: Store,
    batch_size: int = 2000,
    on_batch: Callable[[int], None] | None = None,
) -> IngestSummary:
    """Store every valid row of the Spark output at ``path``; rows with an
    ``error`` count as failed, an empty text as skipped, as ingest counts them."""
    summary = IngestSummary()
    report = ReadReport()
    run_id = uuid.uuid4().hex
    store.start_run(run_id, str(path))
    pending = Rows()

    def flush(rows: Rows) -> None:
        if len(rows):
            stored, duplicates = store.write_batch(rows)
            summary.stored += stored
            summary.duplicates += duplicates
            summary.read += len(rows)

    for rows in iter_rows(path, batch_size):
        for row in rows:
            source, position = row["source"] or "", row["position"] or ""
            if row["error"] is not None:
                if row["error"] != "empty line":  # blank lines are no records to ingest
                    report.fail(source, position, row["error"])
                continue
            if row["key"] is None:
                if row["message_error"] == "empty text":
                    report.skipped += 1
                else:
                    report.fail(source, position, row["message_error"] or "no message")
                continue
            message_rows(
                to_message(row),
                to_extraction(row),
                row["norm_text"],
                row["extractor_version"],
                pending,
            )
            if len(pending) >= batch_size:
                flush(pending)
                pending = Rows()
        if on_batch is not None:
            on_batch(len(rows))
    flush(pending)
    summary.skipped = report.skipped
    summary.failed = report.failed
    summary.problems = list(report.problems)
    store.finish_run(run_id, summary.counts())
    return summary


def run_from_parquet(
    path: str, db: str | None, batch_size: int = 2000, console: Any = None
) -> IngestSummary:
    """``load_parquet`` into the store at ``db`` with a progress bar and a summary table."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
    from rich.table import Table

    from undersight.store import open_store

    console = console or Console(stderr=True)
    total = count_rows(path)
    store = open_store(db)
    started = time.monotonic()
    try:
        with Progress(
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=not console.is_terminal,
        ) as progress:
            task = progress.add_task("load", total=total)
            summary = load_parquet(
                path, store, batch_size, on_batch=lambda n: progress.advance(task, n)
            )
    finally:
        store.close()
    elapsed = time.monotonic() - started
    table = Table(title=f"ingest --from-parquet into {store.url}")
    for col in ("rows", "stored", "already stored", "skipped", "failed", "msg/s"):
        table.add_column(col, justify="right")
    table.add_row(
        f"{total:,}",
        f"{summary.stored:,}",
        f"{summary.duplicates:,}",
        f"{summary.skipped:,}",
        f"{summary.failed:,}",
        f"{summary.read / max(elapsed, 1e-9):,.0f}",
    )
    console.print(table)
    for problem in summary.problems[:20]:
        console.print(f"[yellow]not stored[/yellow] {problem}", markup=True, highlight=False)
    if summary.failed > 20:
        console.print(f"... and {summary.failed - 20} more problems")
    return summary
