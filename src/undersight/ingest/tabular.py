"""Generic JSON Lines and CSV dumps (forums, markets, scraped boards).

A column mapping names, for each ``Message`` field, the source column that
holds it: ``{"text": "content", "date": "created_at", "author_name": "user",
"channel_id": "board", "message_id": "post_id"}``. Fields left out use the
defaults in ``DEFAULT_COLUMNS`` (the first column present wins), so the
``undersight extract`` input (``id``, ``text``, ``date``) reads as is. The
platform is the caller's (default ``forum``); without a channel column the
channel is the file name.

Dates are ISO 8601 (no zone: UTC) or unix seconds (a number or a string of
digits; values above 1e11 are taken as milliseconds). A record with invalid
JSON, no text or a bad date is reported as ``line N`` (the record's first
line) and the run goes on; an empty text is counted in ``report.skipped``.
CSV files may be UTF-8 (with or without BOM) or GB18030, like QQ exports.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson

from undersight.extract.jsonl import read_lines
from undersight.ingest.base import BadRecord, ReadReport, as_text, detect_encoding, short
from undersight.model import Message

MAX_LINE_BYTES = 1024 * 1024
CSV_FIELD_LIMIT = 16 * 1024 * 1024
FIELDS: tuple[str, ...] = (
    "text",
    "date",
    "message_id",
    "channel_id",
    "channel_name",
    "author_id",
    "author_name",
    "reply_to",
    "forwarded_from",
    "edited",
)
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "text": ("text",),
    "date": ("date",),
    "message_id": ("message_id", "id"),
    "channel_id": ("channel_id", "channel"),
    "channel_name": ("channel_name",),
    "author_id": ("author_id",),
    "author_name": ("author_name", "author"),
    "reply_to": ("reply_to",),
    "forwarded_from": ("forwarded_from",),
    "edited": ("edited",),
}
_NAME_FIELDS = (
    "message_id",
    "channel_name",
    "author_id",
    "author_name",
    "reply_to",
    "forwarded_from",
)
_NUMBER = re.compile(r"^\s*-?\d+(?:\.\d+)?\s*$")
_CSV_SUFFIXES = (".csv", ".tsv")
_JSONL_SUFFIXES = (".jsonl", ".ndjson")


def parse_date(value: Any, what: str = "date") -> dt.datetime | None:
    """ISO 8601 or unix seconds to aware UTC; None for a missing value."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise BadRecord(f"bad {what}: {short(value)}")
    if isinstance(value, str) and _NUMBER.match(value):
        value = float(value)
    if isinstance(value, int | float):
        seconds = value / 1000 if abs(value) > 1e11 else value
        try:
            return dt.datetime.fromtimestamp(seconds, dt.UTC)
        except (OverflowError, OSError, ValueError):
            raise BadRecord(f"bad {what}: {short(value)}") from None
    if not isinstance(value, str):
        raise BadRecord(f"bad {what}: {short(value)}")
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise BadRecord(f"bad {what}: {short(value)}") from None
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


def check_mapping(mapping: Mapping[str, str] | None) -> None:
    """ValueError naming every field of ``mapping`` that is not a Message field."""
    unknown = set(mapping or {}) - set(FIELDS)
    if unknown:
        raise ValueError(
            f"unknown Message field(s) in mapping: {', '.join(sorted(unknown))}"
            f" (fields: {', '.join(FIELDS)})"
        )


class _Tabular:
    """What the JSONL and CSV readers share: the mapping and record -> Message."""

    name = ""

    def __init__(self, mapping: Mapping[str, str] | None = None, platform: str = "forum") -> None:
        check_mapping(mapping)
        self.mapping = dict(mapping or {})
        self.platform = platform

    def columns(self, name: str) -> tuple[str, ...]:
        """The candidate source columns of Message field ``name``."""
        chosen = self.mapping.get(name)
        return (chosen,) if chosen else DEFAULT_COLUMNS[name]

    def _get(self, record: Mapping[str, Any], name: str) -> Any:
        for column in self.columns(name):
            if column in record:
                return record[column]
        return None

    def to_message(
        self, record: Mapping[str, Any], channel: str, source: str, position: str
    ) -> Message | None:
        """One record to a Message; None for an empty text. Raises BadRecord."""
        text = self._get(record, "text")
        if text is None:
            raise BadRecord(f"missing text (column {' or '.join(self.columns('text'))})")
        if not isinstance(text, str):
            raise BadRecord("text is not a string")
        if not text.strip():
            return None
        names = {name: as_text(self._get(record, name)) or None for name in _NAME_FIELDS}
        return Message(
            platform=self.platform,
            channel_id=as_text(self._get(record, "channel_id")) or channel,
            text=text,
            date=parse_date(self._get(record, "date"), "date"),
            edited=parse_date(self._get(record, "edited"), "edited"),
            source=source,
            position=position,
            **names,
        )

    def _emit(
        self, record: Mapping[str, Any], channel: str, source: str, number: int, report: ReadReport
    ) -> Message | None:
        position = f"line {number}"
        try:
            message = self.to_message(record, channel, source, position)
        except BadRecord as exc:
            report.fail(source, position, str(exc))
            return None
        if message is None:
            report.skipped += 1
            return None
        report.read += 1
        return message


def _first_line(head: bytes) -> bytes:
    body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return body.split(b"\n", 1)[0].strip()


class JsonlReader(_Tabular):
    """JSON Lines: one object per line."""

    name = "jsonl"

    def sniff(self, path: Path, head: bytes) -> bool:
        first = _first_line(head)
        if not first.startswith(b"{"):
            return False
        if path.suffix.lower() in _JSONL_SUFFIXES:
            return True
        try:
            return isinstance(orjson.loads(first), dict)
        except orjson.JSONDecodeError:
            return False

    def read(self, path: Path, report: ReadReport) -> Iterator[Message]:
        source, channel = str(path), Path(path.name).stem
        with path.open("rb") as stream:
            for physical in read_lines(stream, MAX_LINE_BYTES):
                number, line = physical.number, physical.data
                if physical.too_long:
                    report.fail(source, f"line {number}", "line over 1 MiB, skipped")
                    continue
                if number == 1:
                    line = line.removeprefix(b"\xef\xbb\xbf")
                line = line.rstrip(b"\r\n")
                if not line.strip():
                    continue
                try:
                    record = orjson.loads(line)
                except orjson.JSONDecodeError as exc:
                    report.fail(source, f"line {number}", f"invalid JSON: {exc}")
                    continue
                if not isinstance(record, dict):
                    report.fail(source, f"line {number}", "not a JSON object")
                    continue
                message = self._emit(record, channel, source, number, report)
                if message is not None:
                    yield message


class CsvReader(_Tabular):
    """CSV (or TSV) with a header row."""

    name = "csv"

    def sniff(self, path: Path, head: bytes) -> bool:
        first = _first_line(head)
        if not first or first.startswith((b"{", b"[")):
            return False
        if path.suffix.lower() in _CSV_SUFFIXES:
            return True
        text = first.decode(detect_encoding(head), errors="replace")
        try:
            dialect = csv.Sniffer().sniff(text, delimiters=",;\t|")
            header = next(csv.reader([text], dialect))
        except (csv.Error, StopIteration):  # binary or one odd line: not CSV
            return False
        return len(header) > 1 and any(col in header for col in self.columns("text"))

    def read(self, path: Path, report: ReadReport) -> Iterator[Message]:
        source, channel = str(path), Path(path.name).stem
        with path.open("rb") as probe:
            head = probe.read(64 * 1024)
        encoding = detect_encoding(head)
        delimiter = "\t" if path.suffix.lower() == ".tsv" else self._delimiter(head, encoding)
        csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
        raw = path.open("rb")
        with io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="") as text:
            rows = csv.reader(text, delimiter=delimiter)
            header = self._header(rows, source, report)
            if header is None:
                return
            yield from self._rows(rows, header, channel, source, report)

    def _header(self, rows: Any, source: str, report: ReadReport) -> list[str] | None:
        try:
            header = [col.strip() for col in next(rows)]
        except (StopIteration, csv.Error) as exc:
            report.fail(source, "line 1", f"no header row: {exc}".rstrip(": "))
            return None
        if not any(col in header for col in self.columns("text")):
            wanted = " or ".join(self.columns("text"))
            report.fail(source, "line 1", f"no text column ({wanted}); set a column mapping")
            return None
        return header

    def _rows(
        self, rows: Any, header: list[str], channel: str, source: str, report: ReadReport
    ) -> Iterator[Message]:
        end = rows.line_num
        while True:
            start = end + 1
            try:
                row = next(rows)
            except StopIteration:
                return
            except csv.Error as exc:
                end = rows.line_num
                report.fail(source, f"line {start}", f"bad CSV record: {exc}")
                continue
            end = rows.line_num
            if not any(cell.strip() for cell in row):
                continue
            message = self._emit(
                dict(zip(header, row, strict=False)), channel, source, start, report
            )
            if message is not None:
                yield message

    @staticmethod
    def _delimiter(head: bytes, encoding: str) -> str:
        first = _first_line(head).decode(encoding, errors="replace")
        try:
            return csv.Sniffer().sniff(first, delimiters=",;\t|").delimiter
        except csv.Error:
            return ","
