"""The ``undersight extract`` machine interface (shared/spec/extract-jsonl.md).

Reads JSON Lines, writes exactly one JSON object per input line in input
order. A bad line (invalid UTF-8, invalid JSON, not an object, missing or
mistyped fields, an over-long line) yields an error object naming the line;
the run goes on. Memory stays flat: one line at a time, and an over-long line
is skipped in chunks, never held whole.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import IO, Any, NamedTuple

import orjson

from undersight.extract.pipeline import Extractor, default_extractor, parse_date
from undersight.extract.records import output_fields
from undersight.model import Extraction

DEFAULT_MAX_LINE_BYTES = 1 << 20  # 1 MiB
CHUNK_LINES = 1000  # lines decoded, extracted and written together
_CHUNK = 1 << 16
_SALVAGE_ID = re.compile(rb'"id"\s*:\s*"((?:[^"\\\n]|\\.){0,256})"')


@dataclass
class RunStats:
    lines: int = 0
    errors: int = 0


class InputLine(NamedTuple):
    """One physical input line: its number and bytes, or why it was not read whole."""

    number: int
    data: bytes
    too_long: int = 0  # total length in bytes when over the limit


def read_lines(stream: IO[bytes], max_bytes: int = DEFAULT_MAX_LINE_BYTES) -> Iterator[InputLine]:
    """Physical lines of a binary stream, never holding more than ``max_bytes`` of one."""
    number = 0
    while True:
        chunk = stream.readline(max_bytes + 1)
        if not chunk:
            return
        number += 1
        if len(chunk) > max_bytes and not chunk.endswith(b"\n"):
            total = len(chunk)
            while True:
                rest = stream.readline(_CHUNK)
                total += len(rest)
                if not rest or rest.endswith(b"\n"):
                    break
            yield InputLine(number, chunk[:256], too_long=total)
            continue
        yield InputLine(number, chunk)


def _salvaged_id(data: bytes) -> str | None:
    match = _SALVAGE_ID.search(data[:4096])
    if not match:
        return None
    try:
        value = orjson.loads(b'"' + match.group(1) + b'"')
    except orjson.JSONDecodeError:
        return None
    return value if isinstance(value, str) else None


# What extracts one message: Extractor.extract, or a stand-in that wraps it.
Extract = Callable[[str, dt.date | None], Extraction]


def process_line(line: InputLine, extract: Extract, max_bytes: int) -> dict[str, Any]:
    """The output object for one input line (an error object for a blank one),
    ``extract`` giving the extraction (``Extractor.extract``)."""

    def error(reason: str, id_: Any = None) -> dict[str, Any]:
        return {"id": id_, "line": line.number, "error": reason}

    if line.too_long:
        return error(
            f"line is {line.too_long} bytes, over the limit of {max_bytes} bytes",
            _salvaged_id(line.data),
        )
    data = line.data.rstrip(b"\r\n")
    if not data.strip():
        return error("empty line")
    try:
        record = orjson.loads(data)  # which refuses invalid UTF-8 too
    except orjson.JSONDecodeError as exc:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as bad:
            return error(f"invalid UTF-8 at byte {bad.start + 1}", _salvaged_id(data))
        return error(f"invalid JSON: {exc}", _salvaged_id(data))
    if not isinstance(record, dict):
        return error(f"expected a JSON object, got {type(record).__name__}")
    id_ = record.get("id")
    if id_ is None:
        return error("missing field 'id'")
    if not isinstance(id_, str | int) or isinstance(id_, bool):
        return error("field 'id' must be a string", None)
    text = record.get("text")
    if text is None:
        return error("missing field 'text'", id_)
    if not isinstance(text, str):
        return error(f"field 'text' must be a string, got {type(text).__name__}", id_)
    date = record.get("date")
    if date is not None and not isinstance(date, str):
        return error("field 'date' must be an ISO 8601 string", id_)
    try:
        day = parse_date(date)
    except ValueError as exc:
        return error(f"field 'date': {exc}", id_)
    result = extract(text, day)
    return {"id": id_, **output_fields(result)}


def chunked(lines: Iterator[InputLine], size: int) -> Iterator[list[InputLine]]:
    """Input lines in lists of ``size`` (the last one shorter)."""
    while chunk := list(islice(lines, size)):
        yield chunk


def encode_lines(lines: list[InputLine], extractor: Extractor, max_bytes: int) -> tuple[bytes, int]:
    """The output lines for ``lines``, joined and newline-terminated, and how many
    of them are error objects."""
    out: list[bytes] = []
    errors = 0
    extract = extractor.extract
    for line in lines:
        result = process_line(line, extract, max_bytes)
        if "error" in result:
            errors += 1
        out.append(orjson.dumps(result))
    out.append(b"")
    return b"\n".join(out), errors


def run(
    source: IO[bytes],
    sink: IO[bytes],
    extractor: Extractor | None = None,
    max_bytes: int = DEFAULT_MAX_LINE_BYTES,
) -> RunStats:
    """Stream ``source`` JSONL through the extractor into ``sink``, in this process
    (``undersight.extract.parallel.run_parallel`` spreads it over processes)."""
    ex = extractor or default_extractor()
    stats = RunStats()
    for chunk in chunked(read_lines(source, max_bytes), CHUNK_LINES):
        data, errors = encode_lines(chunk, ex, max_bytes)
        sink.write(data)
        stats.lines += len(chunk)
        stats.errors += errors
    sink.flush()
    return stats
