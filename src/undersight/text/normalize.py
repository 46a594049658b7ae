"""Normalize a message for matching while keeping a map back to the original.

Matching runs on a normalized copy: HTML entities decoded, invisible
characters (zero-width, bidi controls, soft hyphens, control bytes) removed,
spaces between two Chinese words dropped (segmented exports write "打 流量"),
full-width forms folded to ASCII, traditional Chinese mapped to simplified
character by character, and a lower-cased twin of the same length. Every
normalized character knows the original offsets it came from, so spans found
in the copy point into the text the analyst sees.
"""

from __future__ import annotations

import html
import html.entities
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Entities and invisible characters: the only steps that change length.
_SLOW_PATH = re.compile(
    r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
    r"|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00ad\u180e\u200b-\u200f\u202a-\u202e"
    r"\u2060-\u2064\u2066-\u2069\ufe00-\ufe0f\ufeff]"
    r"|(?<=[\u3400-\u4dbf\u4e00-\u9fff])[ \u3000](?=[\u3400-\u4dbf\u4e00-\u9fff])"
)
# Chinese numerals keep their spaces: "三千 月租" is not "三千月".
_CN_NUMERALS = frozenset("零〇一二两三四五六七八九十百千万亿兩萬億")


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalized message: ``cased`` keeps letter case, ``lower`` does not.

    Both have the same length. ``starts[i]``/``ends[i]`` give the original
    offsets of normalized character ``i``; ``None`` means identity.
    """

    original: str
    cased: str
    lower: str
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of the normalized text to the original."""
        if self.starts is None or self.ends is None:
            return (start, end)
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return (pos, pos)
        return (self.starts[start], self.ends[end - 1])


@lru_cache(maxsize=1)
def _translation_table() -> dict[int, str]:
    """One character to one character: widths, compatibility forms, t2s."""
    table: dict[int, str] = {}
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII
        table[code] = chr(code - 0xFEE0)
    table[0x3000] = " "
    table[0xFFE5] = "¥"
    table[0xFFE0] = "¢"
    table[0xFFE1] = "£"
    # Styled letters and digits used to dodge filters (math bold, circled...).
    for lo, hi in ((0x2460, 0x24FF), (0x1D400, 0x1D7FF), (0x2070, 0x209F)):
        for code in range(lo, hi + 1):
            folded = unicodedata.normalize("NFKC", chr(code))
            if len(folded) == 1 and folded.isascii() and folded.isalnum():
                table[code] = folded
    table.update(_traditional_to_simplified())
    return table


def _traditional_to_simplified() -> dict[int, str]:
    """Character-level traditional->simplified map derived from OpenCC's t2s."""
    import opencc

    chars = [chr(c) for c in range(0x3400, 0xA000)]
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # pragma: no cover - OpenCC contract
        return {}
    return {ord(a): b for a, b in zip(chars, converted, strict=True) if len(b) == 1 and a != b}


def _lower_same_length(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _decode_entity(token: str) -> str | None:
    """The text of one complete entity (``&amp;``, ``&#36;``), or ``None``."""
    if token.startswith("&#"):
        decoded = html.unescape(token)
        return decoded if decoded != token else None
    return html.entities.html5.get(token[1:])


def _decode_and_strip(text: str) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    """Decode entities and drop invisible characters, recording offsets."""
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for match in _SLOW_PATH.finditer(text):
        begin, finish = match.span()
        if begin > pos:
            pieces.append(text[pos:begin])
            starts.extend(range(pos, begin))
            ends.extend(range(pos + 1, begin + 1))
        token = match.group()
        if token in (" ", "\u3000"):
            # a space between two Chinese words ("打 流量", as segmented chat
            # exports write) is dropped, so jargon matches across it
            if text[begin - 1] in _CN_NUMERALS or text[finish] in _CN_NUMERALS:
                pieces.append(" ")
                starts.append(begin)
                ends.append(finish)
            pos = finish
            continue
        if token.startswith("&"):
            decoded = _decode_entity(token)
            if decoded is None:  # unknown entity: keep it verbatim
                decoded = token
                starts.extend(range(begin, finish))
                ends.extend(range(begin + 1, finish + 1))
            else:
                decoded = "".join(c for c in decoded if not _SLOW_PATH.fullmatch(c)) or " "
                starts.extend([begin] * len(decoded))
                ends.extend([finish] * len(decoded))
            pieces.append(decoded)
        pos = finish
    if pos < len(text):
        pieces.append(text[pos:])
        starts.extend(range(pos, len(text)))
        ends.extend(range(pos + 1, len(text) + 1))
    return "".join(pieces), tuple(starts), tuple(ends)


def normalize(text: str) -> Normalized:
    """Normalize ``text``; pure and deterministic."""
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None
    cased = text
    if _SLOW_PATH.search(text) is not None:
        cased, starts, ends = _decode_and_strip(text)
    if not cased.isascii():
        cased = cased.translate(_translation_table())
    return Normalized(text, cased, _lower_same_length(cased), starts, ends)
