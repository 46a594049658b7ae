"""Turning a message and its extraction into table rows: pure functions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from undersight.model import Extraction, Message

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]{2,}")


def language_of(text: str) -> str:
    """``zh``, ``en``, ``mix`` or ``und``: which scripts carry the words."""
    cjk = len(_CJK.findall(text))
    latin = sum(len(w) for w in _LATIN.findall(text))
    if cjk and latin:
        return "mix" if min(cjk, latin / 3) >= 2 else ("zh" if cjk * 3 >= latin else "en")
    if cjk:
        return "zh"
    if latin:
        return "en"
    return "und"


def source_id(m: Message) -> str:
    return f"{m.platform}:{m.channel_id}"


def author_key(m: Message) -> str | None:
    who = m.author_id or m.author_name
    return f"{m.platform}:{who}" if who else None


@dataclass
class Rows:
    """Rows for every table, accumulated over a batch."""

    tables: dict[str, list[tuple[Any, ...]]] = field(
        default_factory=lambda: {
            name: []
            for name in (
                "sources",
                "authors",
                "messages",
                "extractions",
                "categories",
                "platforms",
                "prices",
                "contacts",
            )
        }
    )

    def __len__(self) -> int:
        return len(self.tables["messages"])


def extraction_rows(key: str, e: Extraction, version: str, rows: Rows) -> None:
    """Append the rows of one extraction."""
    t = rows.tables
    t["extractions"].append((key, e.offer, e.intent, version, e.confidence))
    confidences = e.category_confidence
    for rank, ev in enumerate(e.categories):
        confidence = confidences[rank] if rank < len(confidences) else None
        t["categories"].append((key, rank, ev.label, ev.span[0], ev.span[1], confidence))
    for rank, ev in enumerate(e.platforms):
        t["platforms"].append((key, rank, ev.label, ev.span[0], ev.span[1]))
    for idx, p in enumerate(e.prices):
        t["prices"].append(
            (
                key,
                idx,
                p.amount,
                p.amount_max,
                p.currency,
                p.quantity,
                p.unit,
                p.period,
                p.usd,
                p.usd_note,
                p.span[0],
                p.span[1],
            )
        )
    for idx, c in enumerate(e.contacts):
        t["contacts"].append((key, idx, c.type, c.value, c.span[0], c.span[1]))


def message_rows(m: Message, e: Extraction, norm_text: str, version: str, rows: Rows) -> None:
    """Append the rows of one message and its extraction."""
    t = rows.tables
    sid = source_id(m)
    t["sources"].append((sid, m.platform, m.channel_id, m.channel_name, None))
    akey = author_key(m)
    if akey:
        t["authors"].append((akey, m.platform, m.author_id, m.author_name))
    t["messages"].append(
        (
            m.key,
            sid,
            akey,
            m.message_id,
            m.date,
            m.text,
            m.reply_to,
            m.forwarded_from,
            m.edited,
            m.source,
            m.position,
            norm_text,
            language_of(m.text),
        )
    )
    extraction_rows(m.key, e, version, rows)


def dedupe(rows: Rows) -> Rows:
    """First occurrence of each message key (and of each source and author) in a batch."""
    out = Rows()
    seen: set[str] = set()
    keep: set[str] = set()
    for row in rows.tables["messages"]:
        if row[0] not in seen:
            seen.add(row[0])
            keep.add(row[0])
            out.tables["messages"].append(row)
    for table in ("extractions", "categories", "platforms", "prices", "contacts"):
        done: set[tuple[Any, ...]] = set()
        for row in rows.tables[table]:
            pk = row[:2] if table != "extractions" else row[:1]
            if row[0] in keep and pk not in done:
                done.add(pk)
                out.tables[table].append(row)
    for table in ("sources", "authors"):
        uniq: dict[str, tuple[Any, ...]] = {}
        for row in rows.tables[table]:
            uniq.setdefault(row[0], row)
        out.tables[table] = list(uniq.values())
    return out
