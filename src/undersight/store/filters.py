"""Filters every analysis honours, applied where SQL reaches the store.

An offer in analysis SQL is written ``/*offer*/e.offer`` (a comment marker
before the column, so the SQL is valid as written). Under
:func:`min_confidence`, each such condition also asks the extraction's
confidence to reach the threshold (an extraction without one, made by the
lexicon alone, counts as sure), so ``stats``, ``report`` and the API leave
low-confidence offers out alike.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from contextvars import ContextVar

_MIN_CONFIDENCE: ContextVar[float | None] = ContextVar("min_confidence", default=None)
_OFFER = re.compile(r"/\*offer\*/([a-z_]+)\.offer\b")
# Below this an offer counts as low-confidence in the report.
LOW_CONFIDENCE = 0.7


@contextlib.contextmanager
def min_confidence(value: float | None) -> Iterator[None]:
    """Within the block, offers below ``value`` confidence are not offers."""
    if value is not None and not 0.0 <= value <= 1.0:
        raise ValueError(f"a confidence is between 0 and 1, got {value}")
    token = _MIN_CONFIDENCE.set(value)
    try:
        yield
    finally:
        _MIN_CONFIDENCE.reset(token)


def current_min_confidence() -> float | None:
    return _MIN_CONFIDENCE.get()


def apply(sql: str) -> str:
    """``sql`` with its marked offer conditions filtered by the current threshold."""
    threshold = _MIN_CONFIDENCE.get()
    if threshold is None or "/*offer*/" not in sql:
        return sql
    literal = repr(float(threshold))  # a float's repr: digits, a point, maybe an exponent
    return _OFFER.sub(
        lambda m: f"({m.group(1)}.offer AND coalesce({m.group(1)}.confidence, 1.0) >= {literal})",
        sql,
    )
