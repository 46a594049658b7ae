"""Multi-pattern matching over normalized text: one Aho-Corasick automaton,
one pass, several independent families of terms.

A family is a set of terms whose overlaps compete: within a family, a match
lying inside a longer match is dropped ("伪基站" wins over "基站", the neutral
"资料" blocks "料"). Families are independent, so a category term never hides
an intent cue ("收号" is both *accounts* and *buy*). ASCII terms match whole
words only (an English plural ``s`` is allowed), so "rat" is not found in
"separate".

A hit is a plain tuple ``(start, end, entries)`` over the normalized text,
``entries`` being ``(kind, label, weight)`` rows: this runs on every message.

The automaton is ``ahocorasick_rs`` (Rust) where it is installed: it returns
every match of a text in one call, in about a third of the time. Without it,
or for a text it cannot take (a lone surrogate), ``pyahocorasick`` gives the
same matches.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

import ahocorasick

try:
    import ahocorasick_rs
except ImportError:  # pragma: no cover - the pure fallback
    ahocorasick_rs = None  # type: ignore[assignment]

NEUTRAL: Final = "neutral"
Entry = tuple[str, str, float]
Hit = tuple[int, int, tuple[Entry, ...]]
Row = tuple[str, str, str, float]  # (term, kind, label, weight)

_WORD: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
# What a term needs checked: (left word boundary, right word boundary, plural
# "s" allowed, ((family index, entries), ...)); a neutral term's entries are
# ``()``: it takes part in containment, then is dropped.
_Info = tuple[bool, bool, bool, tuple[tuple[int, tuple[Entry, ...]], ...]]


class Matcher:
    """An automaton over several families of ``(term, kind, label, weight)`` rows."""

    def __init__(self, families: Sequence[Iterable[Row]]):
        self.size = len(families)
        grouped: dict[str, dict[int, list[Entry]]] = {}
        for index, rows in enumerate(families):
            for term, kind, label, weight in rows:
                if term:
                    grouped.setdefault(term, {}).setdefault(index, []).append((kind, label, weight))
        self._terms = list(grouped)
        self._info: list[_Info] = []
        for term, by_family in grouped.items():
            left = term[0] in _WORD
            right = term[-1] in _WORD
            plural = right and len(term) >= 3 and term[-1].isalpha()
            groups = tuple(
                (index, () if all(e[0] == NEUTRAL for e in entries) else tuple(entries))
                for index, entries in sorted(by_family.items())
            )
            self._info.append((left, right, plural, groups))
        self._empty = not grouped
        self._fast = (
            ahocorasick_rs.AhoCorasick(self._terms)
            if ahocorasick_rs is not None and not self._empty
            else None
        )
        self._automaton: ahocorasick.Automaton | None = None  # built when first needed

    def _matches(self, text: str) -> list[tuple[int, int, int]]:
        """Every match of every term, ``(term index, start, end)``, in order of end."""
        if self._fast is not None:
            try:
                return self._fast.find_matches_as_indexes(text, overlapping=True)
            except UnicodeEncodeError:
                pass  # a lone surrogate: not UTF-8, so not for the Rust automaton
        automaton = self._automaton
        if automaton is None:
            automaton = self._automaton = ahocorasick.Automaton()
            for index, term in enumerate(self._terms):
                automaton.add_word(term, (index, len(term)))
            automaton.make_automaton()
        return [
            (index, last - length + 1, last + 1) for last, (index, length) in automaton.iter(text)
        ]

    def scan(self, text: str) -> list[list[Hit]]:
        """Maximal matches per family, in order of start; neutral ones removed.

        Matches come by end position, so containment is resolved with one
        stack per family, without sorting (matches ending together may come
        in any order: the longest one wins either way).
        """
        kept: list[list[Hit]] = [[] for _ in range(self.size)]
        if self._empty:
            return [[] for _ in range(self.size)]
        n = len(text)
        word = _WORD
        info = self._info
        for term, start, end in self._matches(text):
            left, right, plural, groups = info[term]
            if left and start > 0 and text[start - 1] in word:
                continue
            if right and end < n and text[end] in word:
                if not (
                    plural and text[end] == "s" and (end + 1 == n or text[end + 1] not in word)
                ):
                    continue
            for index, entries in groups:
                stack = kept[index]
                if stack and stack[-1][1] == end and stack[-1][0] <= start:
                    continue  # a longer match with the same end is kept already
                while stack and stack[-1][0] >= start:
                    stack.pop()  # earlier matches inside this one
                stack.append((start, end, entries))
        return [[hit for hit in stack if hit[2]] if stack else stack for stack in kept]
