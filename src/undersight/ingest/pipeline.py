"""Ingest: readers -> extract -> store, in batches, each batch one transaction.

Idempotent (stable keys; stored messages are skipped) and crash-safe (a batch
is committed whole or not at all, so a re-run after a kill completes the
store exactly). Extraction runs in a process pool when asked to or when the
input is large; results keep input order.
"""

from __future__ import annotations

import multiprocessing
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice

from undersight.extract.parallel import available_cores
from undersight.extract.pipeline import default_extractor
from undersight.ingest.base import Problem, ReadReport
from undersight.model import Extraction, Message
from undersight.store.base import Store
from undersight.store.rows import Rows, extraction_rows, message_rows
from undersight.text.normalize import normalize

# Below this a worker pool costs more to start than it saves: one process does it.
SMALL_INPUT_BYTES = 4 * 1024 * 1024


def extractor_version() -> str:
    """What produced an extraction: package, lexicon and model versions."""
    from undersight.extract.pipeline import extractor_version as version

    return version()


@dataclass
class IngestSummary:
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    skipped: int = 0
    failed: int = 0
    problems: list[Problem] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "read": self.read,
            "stored": self.stored,
            "duplicates": self.duplicates,
            "skipped": self.skipped,
            "failed": self.failed,
        }


def _extract_batch(items: list[tuple[str, object]]) -> list[tuple[Extraction, str]]:
    """Worker: extraction and normalized text for (text, date) pairs."""
    ex = default_extractor()
    return [(ex.extract(text, date), normalize(text).cased) for text, date in items]  # type: ignore[arg-type]


def _batches(messages: Iterable[Message], size: int) -> Iterator[list[Message]]:
    it = iter(messages)
    while chunk := list(islice(it, size)):
        yield chunk


def _rows_for(batch: list[Message], results: list[tuple[Extraction, str]], version: str) -> Rows:
    rows = Rows()
    for message, (extraction, norm_text) in zip(batch, results, strict=True):
        message_rows(message, extraction, norm_text, version, rows)
    return rows


def ingest_messages(
    messages: Iterable[Message],
    store: Store,
    report: ReadReport,
    jobs: int = 1,
    batch_size: int = 2000,
    on_batch: Callable[[int], None] | None = None,
    inputs: str = "",
) -> IngestSummary:
    """Extract and store ``messages``; the read counts come from ``report``."""
    version = extractor_version()
    summary = IngestSummary()
    run_id = uuid.uuid4().hex
    store.start_run(run_id, inputs)

    def write(batch: list[Message], results: list[tuple[Extraction, str]]) -> None:
        stored, dup = store.write_batch(_rows_for(batch, results, version))
        summary.stored += stored
        summary.duplicates += dup
        summary.read += len(batch)
        if on_batch is not None:
            on_batch(len(batch))

    if jobs <= 1:
        for batch in _batches(messages, batch_size):
            write(batch, _extract_batch([(m.text, m.date) for m in batch]))
    else:
        # forkserver, not fork: a forked worker would inherit the open store's
        # file handles and locks (DuckDB's write-ahead log among them)
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            pending: list[tuple[list[Message], Future[list[tuple[Extraction, str]]]]] = []
            for batch in _batches(messages, batch_size):
                pending.append(
                    (batch, pool.submit(_extract_batch, [(m.text, m.date) for m in batch]))
                )
                if len(pending) >= jobs * 2:  # bounded read-ahead keeps memory flat
                    done_batch, future = pending.pop(0)
                    write(done_batch, future.result())
            for done_batch, future in pending:
                write(done_batch, future.result())

    summary.skipped = report.skipped
    summary.failed = report.failed
    summary.problems = list(report.problems)
    store.finish_run(run_id, summary.counts())
    return summary


def default_jobs(total_bytes: int, requested: int | None) -> int:
    """Processes to use: as requested, else every core (one for a small input)."""
    if requested:
        return max(1, requested)
    return available_cores() if total_bytes >= SMALL_INPUT_BYTES else 1


def reextract(
    store: Store,
    batch_size: int = 2000,
    everything: bool = False,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Refresh stored extractions made by another extractor/lexicon version."""
    version = extractor_version()
    done = 0
    for batch in store.iter_messages(batch_size, stale_version=None if everything else version):
        results = _extract_batch([(text, posted_at) for _, text, posted_at in batch])
        rows = Rows()
        for (key, _, _), (extraction, _) in zip(batch, results, strict=True):
            extraction_rows(key, extraction, version, rows)
        store.replace_extractions([key for key, _, _ in batch], rows)
        done += len(batch)
        if on_batch is not None:
            on_batch(len(batch))
    return done
