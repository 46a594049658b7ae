"""What every export reader shares: the Reader protocol, the read report, and the
helpers that turn hostile values into a message's fields (or a one-line reason).

A reader is one class per export format with ``sniff`` (does this file look
like my format?) and ``read`` (stream its messages). Readers never load a
whole file: they stream, and report every malformed record with its file and
position instead of dropping it silently or stopping the run.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from undersight.model import Message

UTC = dt.UTC
HEAD_BYTES = 64 * 1024  # what sniffing and encoding detection look at
MAX_LINE_CHARS = 1024 * 1024  # longer lines of a text export are reported, not read


@dataclass(frozen=True, slots=True)
class Problem:
    """A record that could not be read: where, and why."""

    source: str
    position: str  # "line 12", "$.messages[41]"
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.position}: {self.reason}"


@dataclass
class ReadReport:
    """Counts and problems of one read; readers add to it as they go."""

    read: int = 0
    skipped: int = 0  # records that are not messages (service messages, empty)
    failed: int = 0
    problems: list[Problem] = field(default_factory=list)
    max_problems: int = 1000  # keep memory bounded on a badly broken file
    # files left aside on purpose, each with why (a generated corpus's ground truth)
    notes: list[str] = field(default_factory=list)

    def fail(self, source: str, position: str, reason: str) -> None:
        self.failed += 1
        if len(self.problems) < self.max_problems:
            self.problems.append(Problem(source, position, reason))


class Reader(Protocol):
    """One export format."""

    name: str

    def sniff(self, path: Path, head: bytes) -> bool:
        """Whether ``path`` (whose first bytes are ``head``) is in this format."""
        ...

    def read(self, path: Path, report: ReadReport) -> Iterator[Message]:
        """Stream the messages of ``path``, recording problems in ``report``."""
        ...


# --------------------------------------------------------------------------- helpers


class BadRecord(ValueError):
    """A record that cannot become a Message; the text is the reason."""


def first_line(exc: BaseException) -> str:
    """The first line of an error message (ijson's run over several, sometimes as bytes)."""
    arg = exc.args[0] if exc.args else exc
    text = arg.decode("utf-8", "replace") if isinstance(arg, bytes) else str(arg)
    return next((line.strip() for line in text.splitlines() if line.strip()), repr(exc))


def short(value: object, limit: int = 40) -> str:
    """``repr`` of hostile input, cut to ``limit`` characters for error messages."""
    if isinstance(value, str | bytes) and len(value) > limit:
        value = value[:limit]
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def parse_utc(value: Any, what: str) -> dt.datetime | None:
    """An ISO 8601 date to aware UTC; a date without zone is taken as UTC."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise BadRecord(f"bad {what}: {short(value)}")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise BadRecord(f"bad {what}: {short(value)}") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def unix_utc(value: Any, what: str) -> dt.datetime:
    """Unix seconds (a number or a string of digits) to aware UTC."""
    if isinstance(value, bool):
        raise BadRecord(f"bad {what}: {short(value)}")
    try:
        return dt.datetime.fromtimestamp(int(value), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        raise BadRecord(f"bad {what}: {short(value)}") from None


def as_text(value: Any) -> str | None:
    """An id or name as a string: strings and integers kept, anything else None."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def detect_encoding(head: bytes) -> str:
    """The codec for a text export: BOM, else strict UTF-8 on ``head``, else GB18030."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(head, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def open_text(path: Path) -> io.TextIOWrapper:
    """``path`` as text in its detected encoding (universal newlines)."""
    with path.open("rb") as probe:
        encoding = detect_encoding(probe.read(HEAD_BYTES))
    return io.TextIOWrapper(path.open("rb"), encoding=encoding, errors="replace", newline=None)


def iter_lines(text: io.TextIOWrapper) -> Iterator[tuple[int, str | None]]:
    """``(number, line without newline)``; None for a line over ``MAX_LINE_CHARS``."""
    number = 0
    while True:
        line = text.readline(MAX_LINE_CHARS)
        if not line:
            return
        number += 1
        if len(line) >= MAX_LINE_CHARS and not line.endswith("\n"):
            while line and not line.endswith("\n"):  # drop the rest of the long line
                line = text.readline(MAX_LINE_CHARS)
            yield number, None
            continue
        yield number, line.rstrip("\n")
