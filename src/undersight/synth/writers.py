"""Streaming writers of the real export formats and of the ground truth.

- QQ message manager text export: the 消息记录 title, then per group a
  ``消息分组`` / ``消息对象`` block between ``====`` lines, then messages as
  ``YYYY-MM-DD H:MM:SS nickname(QQ)`` + text + a blank line; China time,
  CRLF line ends (a Windows program), UTF-8 with BOM or GB18030.
- Telegram Desktop full-account export ``result.json``: ``about``,
  ``personal_information`` and ``chats.list`` of supergroups whose messages
  carry ``date`` (the exporting machine's local time), ``date_unixtime``,
  ``from``/``from_id`` and ``text`` as a string or an array of plain strings
  and entity objects, with ``text_entities``. Indented as Telegram does (one
  space per level).
- Ground truth: one JSON object per message (orjson), same order.

Every writer writes as it goes: nothing of the corpus is held in memory.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import IO, Any

import orjson

QQ_TITLE = "消息记录（此消息记录为文本格式，不支持重新导入）"
QQ_RULE = "=" * 64
QQ_FOLDER = "我的QQ群"
TELEGRAM_ABOUT = (
    "Here is the data you requested. Remember: Telegram is ad free, it doesn't sell your "
    "data, and it will never do so.\n\nWe collect and store your data for the reasons "
    "described in our Privacy Policy: https://telegram.org/privacy"
)
PHOTO_NOT_INCLUDED = "(File not included. Change data exporting settings to download.)"
_BUFFER = 1 << 20


class QQWriter:
    """A QQ message-manager export of several groups, in one file."""

    def __init__(self, path: Path, encoding: str = "utf-8-sig") -> None:
        self.path = path
        self.fh: IO[str] = path.open("w", encoding=encoding, newline="\r\n", buffering=_BUFFER)
        self.fh.write(f"{QQ_TITLE}\n\n")

    def begin_group(self, name: str) -> None:
        rule = QQ_RULE
        self.fh.write(f"{rule}\n消息分组:{QQ_FOLDER}\n{rule}\n消息对象:{name}\n{rule}\n\n")

    def message(self, stamp: str, nick: str, qq: str, text: str) -> None:
        self.fh.write(f"{stamp} {nick}({qq})\n{text}\n\n")

    def end_group(self) -> None:
        pass

    def close(self) -> None:
        self.fh.close()


_ENTITY = re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}|https?://\S+|t\.me/\w+|#\w+")
_ENTITY_TYPE = {"@": "mention", "h": "link", "t": "link", "#": "hashtag"}


def entities(text: str, bold_first_line: bool = False) -> list[tuple[str, str]]:
    """``text`` cut into ``(type, text)`` runs: mentions, links, hashtags, a bold title."""
    runs: list[tuple[str, str]] = []
    pos = 0
    if bold_first_line and "\n" in text:
        first = text.index("\n")
        runs.append(("bold", text[:first]))
        pos = first
    for m in _ENTITY.finditer(text, pos):
        if m.start() > pos:
            runs.append(("plain", text[pos : m.start()]))
        runs.append((_ENTITY_TYPE[m.group()[0]], m.group()))
        pos = m.end()
    if pos < len(text):
        runs.append(("plain", text[pos:]))
    return runs


def _s(value: str) -> str:
    return orjson.dumps(value).decode()


class TelegramWriter:
    """A Telegram Desktop full-account export (``result.json``) of supergroups."""

    def __init__(self, path: Path, owner: dict[str, Any]) -> None:
        self.path = path
        self.fh: IO[str] = path.open("w", encoding="utf-8", buffering=_BUFFER)
        info = ",\n".join(f'  "{k}": {orjson.dumps(v).decode()}' for k, v in owner.items())
        self.fh.write(
            f'{{\n "about": {_s(TELEGRAM_ABOUT)},\n "personal_information": {{\n{info}\n }},\n'
            ' "chats": {\n  "about": "This page lists all chats from this export.",\n'
            '  "list": ['
        )
        self.chats = 0
        self.first = True

    def begin_group(self, name: str, chat_id: int) -> None:
        sep = "," if self.chats else ""
        self.fh.write(
            f'{sep}\n   {{\n    "name": {_s(name)},\n    "type": "private_supergroup",\n'
            f'    "id": {chat_id},\n    "messages": ['
        )
        self.chats += 1
        self.first = True

    def _open(self, fields: list[tuple[str, str]]) -> None:
        body = ",\n".join(f'      "{k}": {v}' for k, v in fields)
        self.fh.write(f"{'' if self.first else ','}\n     {{\n{body}\n     }}")
        self.first = False

    def service(self, msg_id: int, date: str, unix: int, actor: str, actor_id: str) -> None:
        self._open(
            [
                ("id", str(msg_id)),
                ("type", '"service"'),
                ("date", f'"{date}"'),
                ("date_unixtime", f'"{unix}"'),
                ("actor", _s(actor)),
                ("actor_id", _s(actor_id)),
                ("action", '"join_group_by_link"'),
                ("inviter", '"Group"'),
                ("text", '""'),
                ("text_entities", "[]"),
            ]
        )

    def message(
        self,
        msg_id: int,
        date: str,
        unix: int,
        sender: str,
        sender_id: str,
        text: str,
        reply_to: int | None = None,
        photo: bool = False,
        bold: bool = False,
    ) -> None:
        fields = [
            ("id", str(msg_id)),
            ("type", '"message"'),
            ("date", f'"{date}"'),
            ("date_unixtime", f'"{unix}"'),
            ("from", _s(sender)),
            ("from_id", f'"user{sender_id}"'),
        ]
        if reply_to is not None:
            fields.append(("reply_to_message_id", str(reply_to)))
        if photo:
            fields += [("photo", _s(PHOTO_NOT_INCLUDED)), ("width", "1280"), ("height", "960")]
        runs = entities(text, bold)
        if not runs:
            fields += [("text", '""'), ("text_entities", "[]")]
            self._open(fields)
            return
        if len(runs) == 1 and runs[0][0] == "plain":
            fields.append(("text", _s(text)))
        else:
            parts = [_s(t) if kind == "plain" else _entity_json(kind, t, 7) for kind, t in runs]
            fields.append(("text", "[\n       " + ",\n       ".join(parts) + "\n      ]"))
        ents = [_entity_json(kind, t, 7) for kind, t in runs]
        fields.append(("text_entities", "[\n       " + ",\n       ".join(ents) + "\n      ]"))
        self._open(fields)

    def end_group(self) -> None:
        self.fh.write("\n    ]\n   }")

    def close(self) -> None:
        self.fh.write("\n  ]\n }\n}\n")
        self.fh.close()


def _entity_json(kind: str, text: str, indent: int) -> str:
    pad = " " * indent
    return f'{{\n{pad} "type": "{kind}",\n{pad} "text": {_s(text)}\n{pad}}}'


class TruthWriter:
    """The ground truth: one JSON object per line."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fh = path.open("wb", buffering=_BUFFER)

    def write(self, record: dict[str, Any]) -> None:
        self.fh.write(orjson.dumps(record) + b"\n")

    def close(self) -> None:
        self.fh.close()
