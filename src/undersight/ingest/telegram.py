"""Telegram Desktop "Export chat history" JSON (``result.json``).

Two shapes are read, both streamed with ``ijson`` so a multi-GB export never
loads whole:

- a single-chat export: ``{"name", "type", "id", "messages": [...]}``;
- a full-account export: ``{"personal_information", ..., "chats": {"list":
  [chat, ...]}, "left_chats": {"list": [...]}}``, each chat as above.

Text is a string or an array mixing strings and entity objects
(``{"type": "link", "text": "..."}``); the plain text is their concatenation.
Service messages (joins, pins, ...) and messages without text (stickers,
photos without caption) are counted in ``report.skipped``.

Dates: ``date_unixtime`` (and ``edited_unixtime``) is a true UTC instant and is
preferred. Older exports only have ``date`` / ``edited``, written in the local
time of the exporting machine with no zone: those are taken as UTC, which can
be off by the exporter's UTC offset.

Positions are JSON paths: ``$.messages[41]`` or ``$.chats.list[2].messages[41]``.

This module also holds ``iter_json_records``, the streaming walker the
Discord reader shares.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import ijson

from undersight.ingest.base import (
    BadRecord,
    ReadReport,
    as_text,
    first_line,
    parse_utc,
    short,
    unix_utc,
)
from undersight.model import Message

_MARK = "\x00item"  # prefix the walker gives message items, so one ijson.items call takes all
MAX_DEPTH = 64  # JSON nesting beyond this is refused

# ijson prefix of an object holding a "messages" array -> JSON path of it (or of its list)
ROOTS: dict[str, str] = {
    "": "$",
    "chats.list.item": "$.chats.list",
    "left_chats.list.item": "$.left_chats.list",
}
CHAT_FIELDS: tuple[str, ...] = ("name", "type", "id")

_HEAD_TOP = re.compile(rb'"(?:personal_information|chats|left_chats)"\s*:\s*\{')
_HEAD_CHAT = re.compile(
    rb'"type"\s*:\s*"(?:personal_chat|bot_chat|private_group|private_supergroup|'
    rb'public_supergroup|private_channel|public_channel|saved_messages|replies)"'
)
_HEAD_MESSAGE = re.compile(rb'"date_unixtime"\s*:|"from_id"\s*:\s*"(?:user|channel|chat)\d')


# --------------------------------------------------------------------------- streaming walker


@dataclass
class Container:
    """An object holding a ``messages`` array: a chat, a Discord channel export."""

    path: str  # "$" or "$.chats.list[2]"
    fields: dict[str, Any] = field(default_factory=dict)
    count: int = 0  # items seen so far in its messages array


@dataclass
class Cursor:
    """Where the walker is, for positions of records and of parse errors."""

    container: Container | None = None
    index: int = -1
    arrays: int = 0  # "messages" arrays seen

    @property
    def position(self) -> str:
        if self.container is None:
            return "$"
        if self.index < 0:
            return self.container.path
        return f"{self.container.path}.messages[{self.index}]"


class NestingError(ijson.JSONError):
    """JSON nested deeper than ``MAX_DEPTH``: hostile or broken, not an export."""


class _SkipBom:
    """A binary stream without its leading UTF-8 BOM (yajl rejects one)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        head = stream.read(3)
        self.pending = b"" if head == codecs.BOM_UTF8 else head

    def read(self, size: int = -1) -> bytes:
        if not self.pending:
            return self.stream.read(size)
        if 0 <= size <= len(self.pending):
            data, self.pending = self.pending[:size], self.pending[size:]
            return data
        data, self.pending = self.pending, b""
        return data + self.stream.read(-1 if size < 0 else size - len(data))


class _Tap:
    """Turns ``ijson.basic_parse`` events into prefixed events, tracking containers.

    Prefixes are computed here, only outside message items and at most
    ``MAX_DEPTH`` deep (ijson's own prefixes cost memory quadratic in the
    depth, a denial of service on hostile input). The first event of a
    message item is given the prefix ``_MARK`` so one C-level ``ijson.items``
    builds the messages of every container; events inside an item only count
    depth.
    """

    def __init__(
        self, roots: Mapping[str, str], fields: Iterable[str], cursor: Cursor, keep: bool
    ) -> None:
        self.roots = roots
        self.cursor = cursor
        self.keep = keep
        self.containers: list[Container] = []
        self.field_at: dict[str, tuple[str, str]] = {}
        self.item_at: dict[str, str] = {}
        self.array_at: set[str] = set()
        for root in roots:
            base = f"{root}." if root else ""
            for name in fields:
                self.field_at[base + name] = (root, name)
            self.item_at[base + "messages.item"] = root
            self.array_at.add(base + "messages")
        self.current: dict[str, Container] = {}
        self.seen = dict.fromkeys(roots, 0)

    def __call__(self, events: Iterable[tuple[str, Any]]) -> Iterator[tuple[str, str, Any]]:
        stack: list[tuple[str, bool]] = []  # (prefix, is_array) of open containers
        key_prefix = ""  # prefix of the value after the last map key
        inner = 0  # depth inside a message item
        for event, value in events:
            if inner:
                if event == "start_map" or event == "start_array":
                    inner += 1
                    if inner > MAX_DEPTH:
                        raise NestingError(f"nested deeper than {MAX_DEPTH} levels")
                elif event == "end_map" or event == "end_array":
                    inner -= 1
                yield "", event, value
                continue
            if event == "map_key":
                prefix = stack[-1][0]
                key_prefix = f"{prefix}.{value}" if prefix else value
            elif event == "end_map" or event == "end_array":
                prefix = stack.pop()[0]
            else:
                if not stack:
                    prefix = ""
                elif stack[-1][1]:
                    prefix = f"{stack[-1][0]}.item" if stack[-1][0] else "item"
                else:
                    prefix = key_prefix
                root = self.item_at.get(prefix)
                if root is not None:
                    self._item(root)
                    if event == "start_map" or event == "start_array":
                        inner = 1
                    yield _MARK, event, value
                    continue
                if event == "start_map" or event == "start_array":
                    stack.append((prefix, event == "start_array"))
                    if len(stack) > MAX_DEPTH:
                        raise NestingError(f"nested deeper than {MAX_DEPTH} levels")
                    self._container(prefix, event)
                else:
                    target = self.field_at.get(prefix)
                    if target is not None:
                        self.current[target[0]].fields[target[1]] = value
            yield prefix, event, value

    def _item(self, root: str) -> None:
        box = self.current[root]
        self.cursor.container, self.cursor.index = box, box.count
        box.count += 1

    def _container(self, prefix: str, event: str) -> None:
        if event == "start_array":
            if prefix in self.array_at:
                self.cursor.arrays += 1
            return
        if prefix not in self.roots:
            return
        listed = self.roots[prefix]
        path = listed if not prefix else f"{listed}[{self.seen[prefix]}]"
        self.seen[prefix] += 1
        box = Container(path)
        self.current[prefix] = box
        self.cursor.container, self.cursor.index = box, -1
        if self.keep:
            self.containers.append(box)


def iter_json_records(
    stream: IO[bytes], roots: Mapping[str, str], fields: Iterable[str], cursor: Cursor
) -> Iterator[tuple[Container, int, Any]]:
    """Stream ``(container, index, item)`` for every item of every ``messages`` array.

    ``roots`` maps the ijson prefix of each object holding a ``messages`` array
    to its JSON path; ``fields`` are the scalar paths (relative to a root, e.g.
    ``"channel.id"``) collected into ``container.fields`` as they stream by:
    only the fields written before a message are known when it is yielded.
    Raises ``ijson.JSONError`` on invalid, truncated or too deeply nested JSON;
    ``cursor`` then says where.
    """
    tap = _Tap(roots, fields, cursor, keep=False)
    for item in ijson.items(tap(ijson.basic_parse(_SkipBom(stream))), _MARK):
        assert cursor.container is not None
        yield cursor.container, cursor.index, item


def scan_containers(
    stream: IO[bytes], roots: Mapping[str, str], fields: Iterable[str]
) -> dict[str, dict[str, Any]]:
    """Every container's fields, by path, after one full pass (for files whose
    metadata follows their messages). Raises ``ijson.JSONError`` like the walker."""
    tap = _Tap(roots, fields, Cursor(), keep=True)
    for _ in tap(ijson.basic_parse(_SkipBom(stream))):
        pass
    return {box.path: box.fields for box in tap.containers}


# --------------------------------------------------------------------------- Telegram


def join_text(value: Any) -> str:
    """The plain text of a Telegram ``text``: a string, or strings and entities
    joined. A link hidden behind text (a ``text_link`` entity: "click here"
    pointing at ``https://t.me/shop``) is kept: its target is added on a line
    of its own after the text, so the visible text keeps its offsets."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        raise BadRecord("text is neither a string nor an entity list")
    parts: list[str] = []
    hidden: list[str] = []
    for part in value:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, dict) and isinstance(part.get("text"), str):
            parts.append(part["text"])
            href = part.get("href")
            if part.get("type") == "text_link" and isinstance(href, str) and href.strip():
                if href.strip() not in part["text"]:
                    hidden.append(href.strip())
        else:
            raise BadRecord(f"text entity without text: {short(part)}")
    return "".join(parts) + "".join("\n" + href for href in hidden)


def _date(obj: dict[str, Any], unix_key: str, local_key: str) -> dt.datetime | None:
    if obj.get(unix_key) not in (None, ""):
        return unix_utc(obj[unix_key], unix_key)
    return parse_utc(obj.get(local_key), local_key)


def _message(obj: Any, chat: dict[str, Any], source: str, position: str) -> Message | None:
    """One message object to a Message; None for service and text-less messages."""
    if not isinstance(obj, dict):
        raise BadRecord("message is not an object")
    if obj.get("type") == "service":
        return None
    message_id = obj.get("id")
    if not isinstance(message_id, int) or isinstance(message_id, bool):
        raise BadRecord(f"missing or non-integer id: {short(message_id)}")
    text = join_text(obj.get("text"))
    if not text.strip():
        return None
    chat_id = as_text(chat.get("id"))
    if chat_id is None:
        raise BadRecord("the chat has no id")
    reply = obj.get("reply_to_message_id")
    return Message(
        platform="telegram",
        channel_id=chat_id,
        channel_name=as_text(chat.get("name")),
        text=text,
        date=_date(obj, "date_unixtime", "date"),
        message_id=str(message_id),
        author_id=as_text(obj.get("from_id")),
        author_name=as_text(obj.get("from")),
        reply_to=as_text(reply),
        forwarded_from=as_text(obj.get("forwarded_from")),
        edited=_date(obj, "edited_unixtime", "edited"),
        source=source,
        position=position,
    )


def read_json_messages(
    path: Path,
    report: ReadReport,
    roots: Any,
    fields: Any,
    what: str,
    position_of: Callable[[Any, int], str],
    build: Callable[[Any, Any, str, str], Message | None],
) -> Iterator[Message]:
    """The loop the JSON readers share: stream the records, build a message from
    each, and count it as read, skipped (``None``) or failed (``BadRecord``)."""
    source = str(path)
    cursor = Cursor()
    try:
        with path.open("rb") as stream:
            for box, index, obj in iter_json_records(stream, roots, fields, cursor):
                position = position_of(box, index)
                try:
                    message = build(box, obj, source, position)
                except BadRecord as exc:
                    report.fail(source, position, str(exc))
                    continue
                if message is None:
                    report.skipped += 1
                    continue
                report.read += 1
                yield message
    except ijson.JSONError as exc:
        report.fail(source, cursor.position, f"invalid or truncated JSON: {first_line(exc)}")
        return
    if cursor.arrays == 0:
        report.fail(source, "$", f"no messages array: not {what}")


class TelegramReader:
    """Telegram Desktop JSON export, single chat or full account."""

    name = "telegram"

    def sniff(self, path: Path, head: bytes) -> bool:
        body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not body.startswith(b"{"):
            return False
        if _HEAD_TOP.search(body):
            return True
        return b'"messages"' in body and bool(_HEAD_CHAT.search(body) or _HEAD_MESSAGE.search(body))

    def read(self, path: Path, report: ReadReport) -> Iterator[Message]:
        headers: dict[str, dict[str, Any]] | None = None

        def build(chat: Any, obj: Any, source: str, position: str) -> Message | None:
            nonlocal headers
            fields = chat.fields
            if "id" not in fields or "type" not in fields:  # keys written after messages
                if headers is None:
                    headers = self._headers(path)
                fields = headers.get(chat.path, fields)
            return _message(obj, fields, source, position)

        yield from read_json_messages(
            path,
            report,
            ROOTS,
            CHAT_FIELDS,
            "a Telegram export",
            lambda chat, index: f"{chat.path}.messages[{index}]",
            build,
        )

    @staticmethod
    def _headers(path: Path) -> dict[str, dict[str, Any]]:
        with path.open("rb") as stream:
            try:
                return scan_containers(stream, ROOTS, CHAT_FIELDS)
            except ijson.JSONError:
                return {}
