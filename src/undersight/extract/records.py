"""Building the extraction's records (:mod:`undersight.model`) on the hot path.

They are named tuples; ``tuple.__new__`` builds one without running its
Python-level ``__new__`` (about three times cheaper, and one is built per
fact of every message). The values are the ones the class would hold.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from undersight.model import Contact, Evidence, Extraction, Price

_NEW: Final[Callable[..., Any]] = tuple.__new__


def evidence(label: str, span: tuple[int, int]) -> Evidence:
    result: Evidence = _NEW(Evidence, (label, span))
    return result


def contact(kind: str, value: str, span: tuple[int, int]) -> Contact:
    result: Contact = _NEW(Contact, (kind, value, span))
    return result


def price(
    amount: float,
    currency: str,
    span: tuple[int, int],
    amount_max: float | None,
    quantity: float | None,
    unit: str | None,
    period: str | None,
    usd: float | None,
    usd_note: str | None,
) -> Price:
    result: Price = _NEW(
        Price, (amount, currency, span, amount_max, quantity, unit, period, usd, usd_note)
    )
    return result


def extraction(
    offer: bool,
    intent: str | None,
    categories: tuple[Evidence, ...],
    platforms: tuple[Evidence, ...],
    prices: tuple[Price, ...],
    contacts: tuple[Contact, ...],
    offer_evidence: tuple[Evidence, ...],
) -> Extraction:
    result: Extraction = _NEW(
        Extraction, (offer, intent, categories, platforms, prices, contacts, offer_evidence)
    )
    return result
