"""QQ message manager (消息管理器) text export of group chats, read line by line.

Layout::

    消息记录（此消息记录为文本格式，不支持重新导入）

    ================================================================
    消息分组:我的群聊
    ================================================================
    消息对象:GROUP NAME
    ================================================================

    2013-05-14 9:03:41 nickname(123456789)
    first line of the message
    more lines

    2013-05-14 9:05:02 nickname<someone@example.com>
    ...

Several 消息对象 sections may follow each other. A message header is a line,
after a blank line or a separator, ``YYYY-MM-DD H:MM:SS nickname(QQ)`` or
``... nickname<email>``; the message is every line up to the next header
(blank lines inside a message are kept). A date-like header line that does not
parse is reported and its block skipped. Messages from the system account
(10000) and empty messages are counted in ``report.skipped``.

Encoding: a BOM decides; else strict UTF-8 on the first 64 KB; else GB18030
(a superset of GBK). Undecodable bytes later in the file become U+FFFD.
Dates are China time (UTC+8) and are converted to UTC. The format has no
message ids, so ``message_id`` is None and the key is a content hash; the
channel is the group name (the file name when no 消息对象 line precedes).
Positions are ``line N``, the line of the header.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from undersight.ingest.base import ReadReport, detect_encoding, iter_lines, open_text
from undersight.model import Message

CHINA = dt.timezone(dt.timedelta(hours=8), "UTC+8")
SYSTEM_ACCOUNTS = frozenset({"10000"})

HEADER = re.compile(
    r"^(\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{2}:\d{2}) (.*?)"
    r"(?:\((\d{5,12})\)|<([^<>\s]+@[^<>\s]+)>)$"
)
DATE_START = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}")
SEPARATOR = re.compile(r"^={8,}$")
OBJECT = re.compile(r"^消息对象[:：](.*)$")
PREAMBLE = ("消息记录", "消息分组")
TITLE = "消息记录（此消息记录为文本格式"
_SNIFF_OBJECT = re.compile(r"^消息对象[:：]", re.M)


def parse_header(line: str) -> tuple[dt.datetime, str, str] | None:
    """``(UTC date, nickname, QQ number or e-mail)`` of a header line, or None."""
    match = HEADER.match(line)
    if match is None:
        return None
    try:
        local = dt.datetime.strptime(match[1], "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    when = local.replace(tzinfo=CHINA).astimezone(dt.UTC)
    return when, match[2].strip(), match[3] or match[4]


@dataclass
class _Pending:
    line: int
    date: dt.datetime
    nickname: str
    author: str
    lines: list[str] = field(default_factory=list)


class _Parser:
    """The line-by-line state machine; ``feed`` returns a finished message, if any."""

    def __init__(self, source: str, fallback_channel: str, report: ReadReport) -> None:
        self.source = source
        self.channel = fallback_channel
        self.group: str | None = None
        self.report = report
        self.pending: _Pending | None = None
        self.after_break = True  # after a blank line, a separator, or at the start
        self.skipping = False  # inside a malformed block or a run of stray text

    def feed(self, number: int, line: str) -> Message | None:
        stripped = line.strip().lstrip("\ufeff")
        if SEPARATOR.match(stripped):
            return self._boundary()
        if self.after_break or self.pending is None:
            section = OBJECT.match(stripped)
            if section:
                done = self._boundary()
                self.group = section[1].strip() or None
                return done
            if stripped.startswith(PREAMBLE) and self.pending is None:
                self.after_break = True
                return None
        if not stripped:
            if self.pending is not None:
                self.pending.lines.append("")
            self.after_break = True
            return None
        if self.after_break and DATE_START.match(stripped):
            return self._header(number, stripped)
        self.after_break = False
        if self.pending is not None:
            self.pending.lines.append(line)
        elif not self.skipping:
            self.report.fail(self.source, f"line {number}", "text outside any message")
            self.skipping = True
        return None

    def finish(self) -> Message | None:
        return self._flush()

    def _boundary(self) -> Message | None:
        done = self._flush()
        self.after_break, self.skipping = True, False
        return done

    def _header(self, number: int, line: str) -> Message | None:
        done = self._flush()
        self.after_break = False
        parsed = parse_header(line)
        if parsed is None:
            shown = line if len(line) <= 60 else line[:57] + "..."
            self.report.fail(self.source, f"line {number}", f"malformed message header: {shown}")
            self.skipping = True
            return done
        self.skipping = False
        self.pending = _Pending(number, *parsed)
        return done

    def _flush(self) -> Message | None:
        pending, self.pending = self.pending, None
        if pending is None:
            return None
        text = "\n".join(pending.lines).strip("\n")
        if not text.strip() or pending.author in SYSTEM_ACCOUNTS:
            self.report.skipped += 1
            return None
        self.report.read += 1
        return Message(
            platform="qq",
            channel_id=self.group or self.channel,
            channel_name=self.group,
            text=text,
            date=pending.date,
            author_id=pending.author,
            author_name=pending.nickname or None,
            source=self.source,
            position=f"line {pending.line}",
        )


class QQReader:
    """QQ message manager .txt export (GBK/GB18030 or UTF-8)."""

    name = "qq"

    def sniff(self, path: Path, head: bytes) -> bool:
        text = head.decode(detect_encoding(head), errors="replace").lstrip("\ufeff")
        if TITLE in text[:200] or _SNIFF_OBJECT.search(text):
            return True
        first = next((line.strip() for line in text.splitlines() if line.strip()), "")
        return parse_header(first) is not None

    def read(self, path: Path, report: ReadReport) -> Iterator[Message]:
        source = str(path)
        parser = _Parser(source, Path(path.name).stem, report)
        with open_text(path) as text:
            for number, line in iter_lines(text):
                if line is None:
                    report.fail(source, f"line {number}", "line over 1 MiB characters, dropped")
                    continue
                message = parser.feed(number, line)
                if message is not None:
                    yield message
        last = parser.finish()
        if last is not None:
            yield last
