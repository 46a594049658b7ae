"""Multi-pattern matching over normalized text with one Aho-Corasick automaton per family.

A family is a set of terms whose overlaps compete: within a family, a match
lying inside a longer match is dropped ("伪基站" wins over "基站", "资料"
blocks "料"). Families are independent, so a category term never hides an
intent cue ("收号" is both *accounts* and *buy*). ASCII terms match whole
words only (an English plural ``s`` is allowed), so "rat" is not found in
"separate".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import ahocorasick

NEUTRAL = "neutral"


@dataclass(frozen=True, slots=True)
class Hit:
    """One lexicon term found in the normalized text: ``[start, end)``."""

    start: int
    end: int
    entries: tuple[tuple[str, str, float], ...]  # (kind, label, weight)


def _is_word_char(c: str) -> bool:
    return c.isascii() and c.isalnum()


class Family:
    """An automaton over ``(term, kind, label, weight)`` rows."""

    def __init__(self, rows: Iterable[tuple[str, str, str, float]]):
        grouped: dict[str, list[tuple[str, str, float]]] = {}
        for term, kind, label, weight in rows:
            if term:
                grouped.setdefault(term, []).append((kind, label, weight))
        self._automaton = ahocorasick.Automaton()
        for term, entries in grouped.items():
            left = _is_word_char(term[0])
            right = _is_word_char(term[-1])
            plural = right and len(term) >= 3 and term[-1].isalpha()
            payload = (len(term), left, right, plural, tuple(entries))
            self._automaton.add_word(term, payload)
        self._empty = not grouped
        if not self._empty:
            self._automaton.make_automaton()

    def scan(self, text: str) -> list[Hit]:
        """All maximal matches, in order of start; neutral matches removed."""
        if self._empty:
            return []
        n = len(text)
        found: list[tuple[int, int, tuple[tuple[str, str, float], ...]]] = []
        for last, (length, left, right, plural, entries) in self._automaton.iter(text):
            start = last - length + 1
            end = last + 1
            if left and start > 0 and _is_word_char(text[start - 1]):
                continue
            if right and end < n and _is_word_char(text[end]):
                if not (plural and text[end] == "s" and (end + 1 == n or not _is_word_char(text[end + 1]))):
                    continue
            found.append((start, -end, entries))
        if not found:
            return []
        found.sort()
        hits: list[Hit] = []
        max_end = -1
        for start, neg_end, entries in found:
            end = -neg_end
            if end <= max_end:
                continue  # inside a longer match of this family
            max_end = end
            if len(entries) == 1 and entries[0][0] == NEUTRAL:
                continue
            hits.append(Hit(start, end, entries))
        return hits
