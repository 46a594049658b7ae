"""DiscordChatExporter JSON: one channel per file, streamed with ``ijson``.

Shape: ``{"guild": {id, name}, "channel": {id, name, ...}, "dateRange", "exportedAt",
"messages": [{id, type, timestamp, timestampEdited, content, author: {id, name,
nickname, ...}, reference: {messageId, ...}, ...}]}``. Timestamps carry their
offset and are converted to UTC.

``author_name`` is the account name (``author.name``), the handle analysts
search for; the server nickname is display-only and changes. System
notifications (joins, pins, calls, renames, threads created) and messages
without text (attachments only) are counted in ``report.skipped``.
Positions are JSON paths (``$.messages[41]``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ijson

from undersight.ingest.base import BadRecord, ReadReport, as_text, parse_utc
from undersight.ingest.telegram import (
    read_json_messages,
    scan_containers,
    short,
)
from undersight.model import Message

ROOTS: dict[str, str] = {"": "$"}
FIELDS: tuple[str, ...] = ("guild.id", "guild.name", "channel.id", "channel.name")

# DiscordChatExporter's MessageKind values that are system notifications, not user text
SYSTEM_KINDS = frozenset(
    {
        "RecipientAdd",
        "RecipientRemove",
        "Call",
        "ChannelNameChange",
        "ChannelIconChange",
        "ChannelPinnedMessage",
        "GuildMemberJoin",
        "ThreadCreated",
    }
)
_HEAD_GUILD = re.compile(rb'"guild"\s*:\s*\{')
_HEAD_CHANNEL = re.compile(rb'"channel"\s*:\s*\{')


def _message(obj: Any, meta: dict[str, Any], source: str, position: str) -> Message | None:
    """One exported message to a Message; None for system and text-less messages."""
    if not isinstance(obj, dict):
        raise BadRecord("message is not an object")
    if obj.get("type") in SYSTEM_KINDS:
        return None
    message_id = as_text(obj.get("id"))
    if not message_id:
        raise BadRecord(f"missing message id: {short(obj.get('id'))}")
    content = obj.get("content")
    if content is not None and not isinstance(content, str):
        raise BadRecord("content is not a string")
    if not content or not content.strip():
        return None
    channel_id = as_text(meta.get("channel.id"))
    if channel_id is None:
        raise BadRecord("the export has no channel id")
    author = obj.get("author") if isinstance(obj.get("author"), dict) else {}
    reference = obj.get("reference") if isinstance(obj.get("reference"), dict) else {}
    return Message(
        platform="discord",
        channel_id=channel_id,
        channel_name=as_text(meta.get("channel.name")),
        text=content,
        date=parse_utc(obj.get("timestamp"), "timestamp"),
        message_id=message_id,
        author_id=as_text(author.get("id")),
        author_name=as_text(author.get("name")) or as_text(author.get("nickname")),
        reply_to=as_text(reference.get("messageId")),
        edited=parse_utc(obj.get("timestampEdited"), "timestampEdited"),
        source=source,
        position=position,
    )


class DiscordReader:
    """DiscordChatExporter JSON export of one channel."""

    name = "discord"

    def sniff(self, path: Path, head: bytes) -> bool:
        body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        return (
            body.startswith(b"{")
            and bool(_HEAD_GUILD.search(body))
            and bool(_HEAD_CHANNEL.search(body))
        )

    def read(self, path: Path, report: ReadReport) -> Iterator[Message]:
        late: dict[str, Any] | None = None

        def build(box: Any, obj: Any, source: str, position: str) -> Message | None:
            nonlocal late
            meta = box.fields
            if "channel.id" not in meta:  # channel written after the messages
                if late is None:
                    late = self._header(path)
                meta = late
            return _message(obj, meta, source, position)

        yield from read_json_messages(
            path,
            report,
            ROOTS,
            FIELDS,
            "a DiscordChatExporter export",
            lambda box, index: f"$.messages[{index}]",
            build,
        )

    @staticmethod
    def _header(path: Path) -> dict[str, Any]:
        with path.open("rb") as stream:
            try:
                return scan_containers(stream, ROOTS, FIELDS).get("$", {})
            except ijson.JSONError:
                return {}
