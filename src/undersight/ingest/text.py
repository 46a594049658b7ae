"""Plain text: one message per line (``undersight ingest --format text``).

For notes and lists an analyst pasted together, or any tool's output that is
one message a line. Never sniffed (a ``.txt`` file is a QQ export first): name
it with ``--format text``. The channel is ``--channel`` (default the file's
name), every message's date ``--date`` (default none), the platform
``--platform`` (default ``forum``). The line number is the message id, so
reading the file again stores nothing twice and lines appended later are new.
UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030; lines over 1 MiB are
reported and skipped, blank ones skipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from undersight.extract.jsonl import read_lines
from undersight.ingest.base import HEAD_BYTES, ReadReport, detect_encoding, iter_lines, open_text
from undersight.model import Message

MAX_LINE_BYTES = 1024 * 1024


class TextReader:
    """One message per line."""

    name = "text"

    def __init__(
        self,
        channel: str | None = None,
        date: dt.datetime | None = None,
        platform: str | None = None,
    ) -> None:
        self.channel = channel
        self.date = date
        self.platform = platform or "forum"

    def sniff(self, path: Path, head: bytes) -> bool:
        return False  # only when named: any text file would pass

    def read(self, path: Path, report: ReadReport) -> Iterator[Message]:
        source = str(path)
        channel = self.channel or Path(path.name).stem
        with path.open("rb") as stream:
            head = stream.read(HEAD_BYTES)
        encoding = detect_encoding(head)
        if encoding == "utf-16":
            yield from self._utf16(path, source, channel, report)
            return
        with path.open("rb") as stream:
            for physical in read_lines(stream, MAX_LINE_BYTES):
                if physical.too_long:
                    report.fail(source, f"line {physical.number}", "line over 1 MiB, skipped")
                    continue
                raw = physical.data
                if physical.number == 1:
                    raw = raw.removeprefix(b"\xef\xbb\xbf")
                text = raw.decode(encoding, errors="replace").rstrip("\r\n")
                message = self._message(text, channel, source, physical.number, report)
                if message is not None:
                    yield message

    def _utf16(
        self, path: Path, source: str, channel: str, report: ReadReport
    ) -> Iterator[Message]:
        with open_text(path) as text:  # (UTF-16: bytes cannot be split into lines)
            for number, line in iter_lines(text):
                if line is None:
                    report.fail(source, f"line {number}", "line over 1 MiB, skipped")
                    continue
                message = self._message(line, channel, source, number, report)
                if message is not None:
                    yield message

    def _message(
        self, text: str, channel: str, source: str, number: int, report: ReadReport
    ) -> Message | None:
        if not text.strip():
            return None
        report.read += 1
        return Message(
            platform=self.platform,
            channel_id=channel,
            channel_name=channel,
            text=text,
            date=self.date,
            message_id=str(number),
            source=source,
            position=f"line {number}",
        )
