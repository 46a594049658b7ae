"""``undersight extract --jobs N``: the JSONL contract on every core.

Lines are read in chunks by this process, extracted by a pool of worker
processes, and written back strictly in input order, so the output is byte
for byte what one process writes. Read-ahead is bounded (two chunks per
worker), so memory stays flat on any input size. An input that fits in one
chunk is done in this process: a pool would only add its start-up time.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import chain
from typing import IO

from undersight.extract.jsonl import (
    CHUNK_LINES,
    DEFAULT_MAX_LINE_BYTES,
    InputLine,
    RunStats,
    chunked,
    encode_lines,
    read_lines,
)
from undersight.extract.pipeline import default_extractor


def available_cores() -> int:
    """Cores this process may run on (the affinity mask, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _chunk_output(lines: list[InputLine], max_bytes: int) -> tuple[bytes, int]:
    """Worker: the output lines of one chunk, joined, and how many were errors."""
    return encode_lines(lines, default_extractor(), max_bytes)


def run_parallel(
    source: IO[bytes],
    sink: IO[bytes],
    jobs: int,
    max_bytes: int = DEFAULT_MAX_LINE_BYTES,
    chunk_lines: int = CHUNK_LINES,
    on_lines: Callable[[int], None] | None = None,
) -> RunStats:
    """Stream ``source`` JSONL to ``sink`` with ``jobs`` processes, in input order."""
    stats = RunStats()

    def emit(chunk: list[InputLine], result: tuple[bytes, int]) -> None:
        data, errors = result
        sink.write(data)
        stats.lines += len(chunk)
        stats.errors += errors
        if on_lines is not None:
            on_lines(len(chunk))

    chunks = chunked(read_lines(source, max_bytes), chunk_lines)
    first = next(chunks, None)
    if first is None:
        sink.flush()
        return stats
    second = next(chunks, None)
    every = chain([first], [second] if second is not None else [], chunks)
    if jobs <= 1 or second is None:
        for chunk in every:
            emit(chunk, _chunk_output(chunk, max_bytes))
        sink.flush()
        return stats

    # forkserver: workers start clean instead of copying this process's state
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        pending: deque[tuple[list[InputLine], Future[tuple[bytes, int]]]] = deque()
        for chunk in every:
            pending.append((chunk, pool.submit(_chunk_output, chunk, max_bytes)))
            if len(pending) >= jobs * 2:
                done, future = pending.popleft()
                emit(done, future.result())
        while pending:
            done, future = pending.popleft()
            emit(done, future.result())
    sink.flush()
    return stats
