"""The pure function Spark maps over Arrow batches: input records -> result rows.

Nothing here imports pyspark: ``DataFrame.mapInArrow`` applies
:func:`extract_batches` on the executors, and tests call it directly.

Each record goes through the very code ``undersight extract`` runs
(:func:`~undersight.extract.jsonl.process_line`: validation, error objects,
``default_extractor().extract``), then through the JSONL reader's
``to_message`` and ``normalize`` as ``undersight ingest`` does, so a result
row holds exactly what both commands would produce for that record.

Input batches carry the record either as one raw JSONL line (column
:data:`RAW`) or as columns named like the JSONL fields (``id``, ``text``,
``date``, ``author``, ...), plus :data:`SOURCE` (the file) and :data:`LINE`
(1-based line or row number in that file).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import orjson
import pyarrow as pa

from undersight.extract.jsonl import DEFAULT_MAX_LINE_BYTES, InputLine, process_line
from undersight.extract.pipeline import Extractor, default_extractor
from undersight.ingest.base import BadRecord
from undersight.ingest.tabular import JsonlReader
from undersight.model import Extraction, Message
from undersight.spark.columns import MESSAGE_FIELDS, RESULT_SCHEMA, UNKNOWN_MONTH
from undersight.text.normalize import normalize

# Internal input columns (prefixed: a corpus may well have a ``source`` column).
RAW = "_us_raw"
SOURCE = "_us_source"
LINE = "_us_line"
BLOCK = "_us_block"
INTERNAL = frozenset({RAW, SOURCE, LINE, BLOCK})


class _Recorder:
    """Stands in for the extractor in ``process_line``, keeping what it returned."""

    def __init__(self, extractor: Extractor) -> None:
        self.extractor = extractor
        self.last: Extraction | None = None

    def extract(self, text: str, date: Any = None) -> Extraction:
        self.last = self.extractor.extract(text, date)
        return self.last


def local_path(uri: str) -> str:
    """A Spark file URI as ``undersight ingest`` names the file: ``file:`` URIs
    as plain paths, other schemes (``s3a://``...) kept."""
    if uri.startswith("file:"):
        return unquote(urlsplit(uri).path)
    return uri


def number_lines(
    batches: Iterable[pa.RecordBatch], offsets: Mapping[tuple[str, int], int]
) -> Iterator[pa.RecordBatch]:
    """Add :data:`LINE` to batches of raw lines read in file order.

    Rows carry their file (:data:`SOURCE`) and the byte offset of the file
    split they were read from (:data:`BLOCK`); ``offsets`` holds the number of
    lines in the file before each split. Counting within a split continues
    across batches, so a partition must arrive in scan order.
    """
    seen: dict[tuple[str, int], int] = {}
    for batch in batches:
        files = batch.column(SOURCE).to_pylist()
        blocks = batch.column(BLOCK).to_pylist()
        lines = []
        for file, block in zip(files, blocks, strict=True):
            split = (file, block)
            count = seen.get(split, 0) + 1
            seen[split] = count
            lines.append(offsets.get(split, 0) + count)
        yield batch.append_column(LINE, pa.array(lines, pa.int64()))


@lru_cache(maxsize=1024)
def _channel(source: str) -> str:
    """The channel of a record without one: its file's name, as the JSONL reader has it."""
    return PurePosixPath(source).stem


def _encoded(record: dict[str, Any]) -> bytes:
    """A columnar record as the JSON line ``undersight extract`` would read."""
    return orjson.dumps(record, default=str)


def extract_record(
    data: bytes,
    number: int,
    source: str,
    recorder: _Recorder,
    reader: JsonlReader,
    max_bytes: int = DEFAULT_MAX_LINE_BYTES,
    unit: str = "line",
) -> dict[str, Any]:
    """The result row (a dict of :data:`RESULT_SCHEMA` fields) of one JSON record."""
    position = f"{unit} {number}"
    row: dict[str, Any] = {"line": number, "source": source, "position": position}
    if len(data) > max_bytes:  # as read_lines sees it: the line and its newline
        line = InputLine(number, data[:256], too_long=len(data) + 1)
    else:
        line = InputLine(number, data)
    recorder.last = None
    out = process_line(line, recorder.extract, max_bytes)
    id_ = out.get("id")
    row["id"] = None if id_ is None else str(id_)
    if "error" in out or recorder.last is None:
        row["error"] = out.get("error", "no extraction")
        row["month"] = UNKNOWN_MONTH
        return row
    record = orjson.loads(data)
    text: str = record["text"]
    _add_extraction(row, recorder.last)
    row["text"] = text
    row["norm_text"] = normalize(text).cased
    message = None
    try:
        message = reader.to_message(record, _channel(source), source, position)
        if message is None:
            row["message_error"] = "empty text"
    except BadRecord as exc:
        row["message_error"] = str(exc)
    row["month"] = _month(message)
    if message is not None:
        _add_message(row, message)
    return row


def _month(message: Message | None) -> str:
    if message is None or message.date is None:
        return UNKNOWN_MONTH
    return f"{message.date:%Y-%m}"


def _add_message(row: dict[str, Any], m: Message) -> None:
    row["key"] = m.key
    for name in MESSAGE_FIELDS:
        row[name] = getattr(m, name)
    row["date"] = m.date
    row["edited"] = m.edited


def _add_extraction(row: dict[str, Any], e: Extraction) -> None:
    row["offer"] = e.offer
    row["intent"] = e.intent
    row["confidence"] = e.confidence
    confidences = e.category_confidence
    row["categories"] = [
        {
            "id": ev.label,
            "start": ev.span[0],
            "end": ev.span[1],
            "confidence": confidences[i] if i < len(confidences) else None,
        }
        for i, ev in enumerate(e.categories)
    ]
    row["platforms"] = [
        {"id": ev.label, "start": ev.span[0], "end": ev.span[1]} for ev in e.platforms
    ]
    row["prices"] = [
        {
            "amount": p.amount,
            "amount_max": p.amount_max,
            "currency": p.currency,
            "quantity": p.quantity,
            "unit": p.unit,
            "period": p.period,
            "usd": p.usd,
            "usd_note": p.usd_note,
            "start": p.span[0],
            "end": p.span[1],
        }
        for p in e.prices
    ]
    row["contacts"] = [
        {"type": c.type, "value": c.value, "start": c.span[0], "end": c.span[1]} for c in e.contacts
    ]


def _records(batch: pa.RecordBatch) -> Iterator[tuple[bytes, int, str]]:
    """``(json bytes, line, source)`` of each row of an input batch."""
    numbers = batch.column(LINE).to_pylist()
    sources = [local_path(s) if s else "" for s in batch.column(SOURCE).to_pylist()]
    if RAW in batch.schema.names:
        raws = batch.column(RAW).to_pylist()
        yield from zip((r or b"" for r in raws), numbers, sources, strict=True)
        return
    fields = [name for name in batch.schema.names if name not in INTERNAL]
    rows = batch.select(fields).to_pylist()
    yield from zip(map(_encoded, rows), numbers, sources, strict=True)


def extract_batches(
    batches: Iterable[pa.RecordBatch],
    platform: str = "forum",
    max_bytes: int = DEFAULT_MAX_LINE_BYTES,
) -> Iterator[pa.RecordBatch]:
    """Result batches (:data:`RESULT_SCHEMA`), one row per input row, in order.

    ``platform`` names the platform of every message (``undersight ingest
    --platform``); a bad record yields a row with ``error``, never an exception.
    """
    from undersight.ingest.pipeline import extractor_version

    recorder = _Recorder(default_extractor())
    reader = JsonlReader(platform=platform)
    version = extractor_version()
    names = RESULT_SCHEMA.names
    for batch in batches:
        unit = "line" if RAW in batch.schema.names else "row"
        columns: dict[str, list[Any]] = {name: [] for name in names}
        for data, number, source in _records(batch):
            row = extract_record(data, number, source, recorder, reader, max_bytes, unit)
            if "error" not in row:
                row["extractor_version"] = version
            for name in names:
                columns[name].append(row.get(name))
        yield pa.RecordBatch.from_arrays(
            [pa.array(columns[f.name], type=f.type) for f in RESULT_SCHEMA],
            schema=RESULT_SCHEMA,
        )
