"""The extraction's records (:mod:`undersight.model`) on the hot path: built,
and turned into the fields of the ``undersight extract`` contract.

They are named tuples; ``tuple.__new__`` builds one without running its
Python-level ``__new__`` (about three times cheaper, and one is built per
fact of every message). The values are the ones the class would hold. The
records' ``to_dict`` methods call the functions here (compiled with them).
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
    confidence: float | None = None,
    category_confidence: tuple[float, ...] = (),
) -> Extraction:
    result: Extraction = _NEW(
        Extraction,
        (
            offer,
            intent,
            categories,
            platforms,
            prices,
            contacts,
            offer_evidence,
            confidence,
            category_confidence,
        ),
    )
    return result


def price_fields(p: Price) -> dict[str, Any]:
    """A price as the contract writes it."""
    quantity = p.quantity
    out: dict[str, Any] = {
        "amount": p.amount,
        "amount_max": p.amount_max,
        "currency": p.currency,
        "quantity": _plain_number(quantity) if quantity is not None else None,
        "unit": p.unit,
        "period": p.period,
        "usd": p.usd,
        "span": list(p.span),
    }
    if p.usd_note:
        out["usd_note"] = p.usd_note
    return out


def contact_fields(c: Contact) -> dict[str, Any]:
    """A contact as the contract writes it (its span is not part of it)."""
    return {"type": c.type, "value": c.value}


def output_fields(x: Extraction) -> dict[str, Any]:
    """The fields of the ``undersight extract`` JSONL contract (without ``id``),
    and the confidence of the decisions as an extra field where there is one."""
    out: dict[str, Any] = {
        "offer": x.offer,
        "intent": x.intent,
        "categories": [c.label for c in x.categories],
        "platforms": [p.label for p in x.platforms],
        "prices": [price_fields(p) for p in x.prices],
        "contacts": [contact_fields(c) for c in x.contacts],
    }
    if x.confidence is not None:
        out["confidence"] = {
            "offer": x.confidence,
            "categories": {
                c.label: p for c, p in zip(x.categories, x.category_confidence, strict=False)
            },
        }
    return out


def _plain_number(value: float) -> float | int:
    """Whole numbers as ints (``5000`` not ``5000.0``) for readable JSON."""
    return int(value) if float(value).is_integer() else value
