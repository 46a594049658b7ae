"""Making hostile message text safe to show: control characters out, indicators defanged.

Every string that came from a message (text, group and author names) passes
through :func:`show` (or :func:`segments` when spans are highlighted) before it
reaches a template, which then HTML-escapes it. Defanging turns every URL,
e-mail, domain and IP into a form no viewer makes clickable
(``hxxp://example[.]com/``, ``user@example[.]com``, ``203[.]0[.]113[.]7``).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

# Dots as written in hosts, full-width and ideographic forms included.
_DOT = r"[.\uff0e\u3002\uff61]"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_URL = r"\b(?:https?|ftp|sftp|wss?)://[^\s<>\"'`]+"
_EMAIL = rf"\b[a-z0-9._%+-]{{1,64}}@{_LABEL}(?:{_DOT}{_LABEL})+"
_IPV4 = r"(?<![\d.])(?:\d{1,3}" + _DOT + r"){3}\d{1,3}(?![\d])"
_DOMAIN = rf"(?<![\w@-])(?:{_LABEL}{_DOT})+(?:[a-z]{{2,24}}|xn--[a-z0-9-]{{1,59}})(?![\w-])"
INDICATOR = re.compile(
    rf"(?P<url>{_URL})|(?P<email>{_EMAIL})|(?P<ip>{_IPV4})|(?P<domain>{_DOMAIN})", re.I
)
_HOST_DOT = re.compile(_DOT)
_SCHEMES = {
    "http": "hxxp",
    "https": "hxxps",
    "ftp": "fxp",
    "sftp": "sfxp",
    "ws": "wxs",
    "wss": "wxss",
}

# Characters removed before display: C0/C1 controls except tab and newline,
# zero-width and bidirectional formatting characters, noncharacters.
_FORMAT_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_KEEP = frozenset("\n\t")


@lru_cache(maxsize=1)
def _tlds() -> frozenset[str]:
    text = resources.files("undersight.lexicon").joinpath("tlds.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def clean(text: str) -> tuple[str, list[int]]:
    """``text`` without invisible and control characters (CR LF -> LF), and for each
    original offset (and the end) its offset in the result."""
    out: list[str] = []
    where: list[int] = []
    for ch in text:
        where.append(len(out))
        if ch in _KEEP:
            out.append(ch)
        elif ch == "\r" or unicodedata.category(ch) in _FORMAT_CATEGORIES:
            continue
        else:
            out.append(ch)
    where.append(len(out))
    return "".join(out), where


def _defang_host(host: str) -> str:
    return _HOST_DOT.sub("[.]", host)


def _replacement(m: re.Match[str]) -> str | None:
    """The defanged form of one indicator match, or None to leave it as it is."""
    value = m.group(0)
    if m.group("url"):
        scheme, _, rest = value.partition("://")
        cut = re.search(r"[/?#]", rest)
        host, tail = (rest[: cut.start()], rest[cut.start() :]) if cut else (rest, "")
        return f"{_SCHEMES.get(scheme.lower(), scheme)}://{_defang_host(host)}{tail}"
    if m.group("email"):
        local, _, host = value.partition("@")
        return f"{local}@{_defang_host(host)}"
    if m.group("ip"):
        if all(int(p) <= 255 for p in _HOST_DOT.split(value)):
            return _defang_host(value)
        return None
    tld = _HOST_DOT.split(value)[-1].lower()
    if tld in _tlds() or tld.startswith("xn--"):
        return _defang_host(value)
    return None


def indicators(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, defanged)`` for every URL, e-mail, IP and domain in ``text``."""
    found = []
    for m in INDICATOR.finditer(text):
        new = _replacement(m)
        if new is not None and new != m.group(0):
            found.append((m.start(), m.end(), new))
    return found


def defang(text: str) -> str:
    """``text`` with every indicator defanged."""
    parts: list[str] = []
    last = 0
    for start, end, new in indicators(text):
        parts.append(text[last:start])
        parts.append(new)
        last = end
    parts.append(text[last:])
    return "".join(parts)


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def show(value: object, limit: int = 120) -> str:
    """Any message-derived value as display text: cleaned, truncated, defanged."""
    if value is None:
        return ""
    text, _ = clean(str(value))
    return defang(_truncate(text, limit))


def segments(
    text: str, spans: Iterable[tuple[int, int]], limit: int = 400
) -> list[tuple[str, bool]]:
    """``text`` for display as ``(piece, highlighted)`` pieces, the ``spans`` (offsets
    in the original text) highlighted; a span overlapping an indicator is dropped so
    that defanging always sees the whole indicator."""
    cleaned, where = clean(text)
    cut = _truncate(cleaned, limit)
    stop = len(cleaned) if cut == cleaned else len(cut) - 1
    found = indicators(cut)
    marks: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if not 0 <= s < e <= len(text):
            continue
        a, b = where[s], where[e]
        if b > stop or a >= b or (marks and a < marks[-1][1]):
            continue
        if any(a < fe and fs < b for fs, fe, _ in found):
            continue
        marks.append((a, b))
    bounds = sorted({0, len(cut), *(x for m in marks for x in m)})
    marked = set(marks)
    out = []
    for a, b in itertools.pairwise(bounds):
        parts, last = [], a
        for fs, fe, new in found:
            if a <= fs and fe <= b:
                parts += [cut[last:fs], new]
                last = fe
        parts.append(cut[last:b])
        out.append(("".join(parts), (a, b) in marked))
    return out


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A text cell as it is written to CSV for people: shown safely (defanged,
    no control characters), and never run as a spreadsheet formula."""
    if not isinstance(value, str):
        return value
    text = show(value, limit=1_000_000)
    return "'" + text if text.startswith(_FORMULA_START) else text
