"""The lexicon: categories, cues, price vocabulary and platforms, loaded from YAML.

Loaded once, immutable afterwards. Every term is normalized exactly like
message text (see :mod:`undersight.text.normalize`), so a lexicon may be
written in traditional or simplified Chinese, any case, any width.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from undersight.model import CATEGORY_IDS, PERIODS, PLATFORMS

LEXICON_FILES = ("categories.yaml", "cues.yaml", "prices.yaml", "platforms.yaml")


class LexiconError(ValueError):
    """A lexicon file is malformed."""


@dataclass(frozen=True)
class Lexicon:
    """Every word list the extractor uses, already normalized."""

    categories: dict[str, dict[str, float]]
    category_rank: dict[str, int]
    cues: dict[str, dict[str, float]]
    neutral: tuple[str, ...]
    currency_prefix: dict[str, str]
    currency_suffix: dict[str, str]
    subunits: dict[str, float]
    classifiers: dict[str, str]
    unit_nouns: dict[str, str]
    periods: dict[str, str]
    price_words: tuple[str, ...]
    not_price: tuple[str, ...]
    platforms: dict[str, tuple[str, ...]]
    version: str


def _norm(term: str) -> str:
    from undersight.text.normalize import normalize

    return normalize(str(term)).lower.strip()


def _weights(raw: Any, where: str) -> dict[str, float]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise LexiconError(f"{where}: expected a mapping of term: weight")
    out: dict[str, float] = {}
    for term, weight in raw.items():
        if not isinstance(weight, int | float):
            raise LexiconError(f"{where}: weight of {term!r} is not a number")
        out[_norm(term)] = float(weight)
    return out


def _read(directory: Path | None, name: str) -> tuple[str, Any]:
    """A lexicon file from ``directory`` where it holds one, else the bundled one."""
    where: Path | str = name
    if directory is not None and (directory / name).is_file():
        where = directory / name
        try:
            text = where.read_text(encoding="utf-8")
        except (OSError, UnicodeError) as exc:
            raise LexiconError(f"{where}: cannot read: {exc}") from None
    else:
        text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    try:
        return text, yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise LexiconError(f"{where}: {str(exc).splitlines()[0]}") from None


def load_lexicon(directory: str | Path | None = None) -> Lexicon:
    """Load the lexicon from ``directory`` (default: the bundled one); a file
    the folder lacks is the bundled one, so a folder may hold only what it changes."""
    folder = Path(directory) if directory is not None else None
    if folder is not None and not folder.is_dir():
        raise LexiconError(f"{folder}: no such lexicon folder")
    texts: list[str] = []
    docs: dict[str, Any] = {}
    for name in LEXICON_FILES:
        text, doc = _read(folder, name)
        texts.append(text)
        docs[name] = doc or {}

    cats_doc = docs["categories.yaml"]
    categories: dict[str, dict[str, float]] = {}
    rank: dict[str, int] = {}
    for cid, spec in cats_doc.items():
        base = cid.split("/")[0]
        if base not in CATEGORY_IDS:
            raise LexiconError(f"categories.yaml: unknown category id {cid!r}")
        categories[cid] = _weights((spec or {}).get("terms"), f"categories.yaml:{cid}")
        rank[cid] = int((spec or {}).get("rank", 50))

    cues_doc = docs["cues.yaml"]
    cues = {
        k: _weights(cues_doc.get(k), f"cues.yaml:{k}")
        for k in ("sell", "buy", "exchange", "other", "chatter")
    }
    neutral = tuple(_norm(t) for t in cues_doc.get("neutral") or ())

    prices = docs["prices.yaml"]
    currencies = prices.get("currencies") or {}
    periods = {_norm(k): v for k, v in (prices.get("periods") or {}).items()}
    for term, period in periods.items():
        if period not in PERIODS:
            raise LexiconError(
                f"prices.yaml: period {period!r} of {term!r} is not one of {PERIODS}"
            )

    platforms_doc = docs["platforms.yaml"]
    platforms: dict[str, tuple[str, ...]] = {}
    for pid, terms in platforms_doc.items():
        if pid not in PLATFORMS:
            raise LexiconError(f"platforms.yaml: unknown platform {pid!r}")
        platforms[pid] = tuple(_norm(t) for t in terms)

    version = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:12]
    return Lexicon(
        categories=categories,
        category_rank=rank,
        cues=cues,
        neutral=neutral,
        currency_prefix={_norm(k): v for k, v in (currencies.get("prefix") or {}).items()},
        currency_suffix={_norm(k): v for k, v in (currencies.get("suffix") or {}).items()},
        subunits={_norm(k): float(v) for k, v in (prices.get("subunits") or {}).items()},
        classifiers={_norm(k): v for k, v in (prices.get("classifiers") or {}).items()},
        unit_nouns={_norm(k): v for k, v in (prices.get("unit_nouns") or {}).items()},
        periods=periods,
        price_words=tuple(_norm(t) for t in prices.get("price_words") or ()),
        not_price=tuple(_norm(t) for t in prices.get("not_price") or ()),
        platforms=platforms,
        version=version,
    )


LEXICON_ENV = "UNDERSIGHT_LEXICON"


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The lexicon in the folder :data:`LEXICON_ENV` names (``--lexicon DIR``; worker
    processes inherit it), else the bundled one; loaded once."""
    import os

    return load_lexicon(os.environ.get(LEXICON_ENV) or None)
