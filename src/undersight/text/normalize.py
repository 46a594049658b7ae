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
from bisect import bisect_right
from functools import lru_cache
from typing import Final

_ASCII_INVISIBLE_CHARS: Final = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
_INVISIBLE: Final = (
    _ASCII_INVISIBLE_CHARS + r"\u00ad\u180e\u200b-\u200f\u202a-\u202e"
    r"\u2060-\u2064\u2066-\u2069\ufe00-\ufe0f\ufeff"
)
# Entities and invisible characters: the only steps that change length. An
# entity, an invisible character, or a space between two Chinese characters;
# written to start with one character class, so the engine skips to those.
# The readable form of _SLOW_PATH (the same matches; a test holds them together).
PLAIN_SLOW_PATH: Final = re.compile(
    r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
    r"|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u00ad\u180e\u200b-\u200f\u202a-\u202e"
    r"\u2060-\u2064\u2066-\u2069\ufe00-\ufe0f\ufeff]"
    r"|(?<=[\u3400-\u4dbf\u4e00-\u9fff])[ \u3000](?=[\u3400-\u4dbf\u4e00-\u9fff])"
)

_SLOW_PATH: Final = re.compile(
    rf"[&{_INVISIBLE} \u3000]"
    r"(?:(?<=&)(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
    rf"|(?<=[{_INVISIBLE}])"
    r"|(?<=[\u3400-\u4dbf\u4e00-\u9fff][ \u3000])(?=[\u3400-\u4dbf\u4e00-\u9fff]))"
)
# The ASCII characters of _INVISIBLE.
_ASCII_INVISIBLE: Final = re.compile(f"[{_ASCII_INVISIBLE_CHARS}]")
# Chinese numerals keep their spaces: "三千 月租" is not "三千月".
_CN_NUMERALS: Final = frozenset("零〇一二两三四五六七八九十百千万亿兩萬億")


class Normalized:
    """A normalized message: ``cased`` keeps letter case, ``lower`` does not.

    Both have the same length. ``segments`` maps them back to the original:
    ``(normalized start, original start, fixed end)`` rows, where a copied run
    maps character for character (fixed end -1) and a decoded piece
    (``&amp;`` -> ``&``) maps every character to its whole source. ``None``
    means identity, the common case. Only the segment starts are kept, so
    normalizing costs nothing per character. Read-only by convention (a plain
    class: one is built per message, and a frozen dataclass costs more).
    """

    __slots__ = ("cased", "lower", "original", "segment_starts", "segments")

    def __init__(
        self,
        original: str,
        cased: str,
        lower: str,
        segments: tuple[tuple[int, int, int], ...] | None = None,
        segment_starts: tuple[int, ...] | None = None,
    ) -> None:
        self.original = original
        self.cased = cased
        self.lower = lower
        self.segments = segments
        self.segment_starts = segment_starts

    def __repr__(self) -> str:
        return f"Normalized(original={self.original!r}, cased={self.cased!r})"

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of the normalized text to the original."""
        segments = self.segments
        if segments is None:
            return (start, end)
        if end <= start:
            pos = self._origin(start)[0] if start < len(self.cased) else len(self.original)
            return (pos, pos)
        # _origin(start)[0] and _origin(end - 1)[1], inlined: this runs per span
        starts = self.segment_starts
        norm_start, orig_start, fixed_end = segments[bisect_right(starts, start) - 1]  # type: ignore[arg-type]
        first = orig_start + (start - norm_start) if fixed_end < 0 else orig_start
        norm_start, orig_start, fixed_end = segments[bisect_right(starts, end - 1) - 1]  # type: ignore[arg-type]
        last = orig_start + (end - 1 - norm_start) + 1 if fixed_end < 0 else fixed_end
        return (first, last)

    def _origin(self, i: int) -> tuple[int, int]:
        """Original ``[start, end)`` of normalized character ``i``."""
        assert self.segments is not None and self.segment_starts is not None
        norm_start, orig_start, fixed_end = self.segments[bisect_right(self.segment_starts, i) - 1]
        if fixed_end < 0:
            pos = orig_start + (i - norm_start)
            return pos, pos + 1
        return orig_start, fixed_end


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


@lru_cache(maxsize=1)
def _translation() -> tuple[dict[int, str], re.Pattern[str]]:
    """The table and a pattern finding (at least) the characters it changes:
    most messages have none, and a search is much cheaper than a translation."""
    table = _translation_table()
    # The regex engine tests a class of BMP characters with one lookup but walks
    # a list for characters beyond it: those (styled letters) go in as one range.
    keys = "".join(re.escape(chr(code)) for code in sorted(table) if code <= 0xFFFF)
    astral = [code for code in table if code > 0xFFFF]
    if astral:
        keys += f"{re.escape(chr(min(astral)))}-{re.escape(chr(max(astral)))}"
    return table, re.compile(f"[{keys}]")


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


def _decode_and_strip(text: str) -> tuple[str, tuple[tuple[int, int, int], ...]]:
    """Decode entities, drop invisible characters and inter-word Chinese spaces,
    recording the segments that map the result back."""
    pieces: list[str] = []
    segments: list[tuple[int, int, int]] = []
    piece = pieces.append
    segment = segments.append
    numerals = _CN_NUMERALS
    length = 0
    pos = 0
    for match in _SLOW_PATH.finditer(text):
        begin, finish = match.span()
        if begin > pos:
            piece(text[pos:begin])
            segment((length, pos, -1))
            length += begin - pos
        pos = finish
        first = text[begin]  # a space and an invisible character match alone
        if first == " " or first == "\u3000":
            # a space between two Chinese words ("打 流量", as segmented chat
            # exports write) is dropped, so jargon matches across it
            if text[begin - 1] in numerals or text[finish] in numerals:
                piece(" ")
                segment((length, begin, finish))
                length += 1
            continue
        if first != "&":
            continue  # an invisible character: dropped
        token = match.group()
        decoded = _decode_entity(token)
        if decoded is None:  # unknown entity: keep it verbatim
            pieces.append(token)
            segments.append((length, begin, -1))
            length += len(token)
            continue
        decoded = "".join(c for c in decoded if not _SLOW_PATH.fullmatch(c)) or " "
        pieces.append(decoded)
        segments.append((length, begin, finish))
        length += len(decoded)
    if pos < len(text):
        pieces.append(text[pos:])
        segments.append((length, pos, -1))
    if not segments:
        segments.append((0, len(text), len(text)))
    return "".join(pieces), tuple(segments)


def _translated(text: str, at: int, table: dict[int, str], changed: re.Pattern[str]) -> str:
    """``text.translate(table)``, knowing that only characters ``changed``
    finds (the first at ``at``) can change: cheaper than a translation of
    every character, as a few in a message change (full-width "ＱＱ：")."""
    out = [text[:at]]
    pos = at
    for match in changed.finditer(text, at):
        found = match.start()
        if found > pos:
            out.append(text[pos:found])
        c = text[found]
        out.append(table.get(ord(c), c))
        pos = found + 1
    out.append(text[pos:])
    return "".join(out)


_TRANSLATION: tuple[dict[int, str], re.Pattern[str]] | None = None


def _load_translation() -> tuple[dict[int, str], re.Pattern[str]]:
    global _TRANSLATION
    _TRANSLATION = _translation()
    return _TRANSLATION


def _needs_slow_path(text: str) -> bool:
    """Whether ``_SLOW_PATH`` matches: in ASCII text only an entity or a
    control character can (no Chinese characters around a space)."""
    if text.isascii():
        return ("&" in text or _ASCII_INVISIBLE.search(text) is not None) and (
            _SLOW_PATH.search(text) is not None
        )
    return _SLOW_PATH.search(text) is not None


def normalize(text: str) -> Normalized:
    """Normalize ``text``; pure and deterministic."""
    segments: tuple[tuple[int, int, int], ...] | None = None
    cased = text
    if _needs_slow_path(text):
        cased, segments = _decode_and_strip(text)
    if not cased.isascii():
        table, changed = _TRANSLATION or _load_translation()
        first = changed.search(cased)
        if first is not None:
            cased = _translated(cased, first.start(), table, changed)
    starts = tuple([seg[0] for seg in segments]) if segments is not None else None
    return Normalized(text, cased, _lower_same_length(cased), segments, starts)
