"""Historical exchange rates to US dollars, offline, from the ECB reference
data shipped by the ``currencyconverter`` package.

A date outside the data uses the nearest available rate and says so; days
without a fixing (weekends, holidays) are interpolated between neighbours.
USDT counts 1:1. Other crypto-currencies have no offline rate: ``None``.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

STABLECOINS = frozenset({"USDT", "USDC"})
CRYPTO = frozenset({"BTC", "ETH", "LTC", "XMR"})


@lru_cache(maxsize=1)
def _converter():  # type: ignore[no-untyped-def]
    from currency_converter import CurrencyConverter

    return CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=False)


@lru_cache(maxsize=65536)
def usd_rate(currency: str, date: dt.date) -> tuple[float | None, str | None]:
    """USD per unit of ``currency`` on ``date``: ``(rate, note)``.

    ``note`` is set when the rate is not the date's own (outside the data).
    """
    if currency == "USD" or currency in STABLECOINS:
        return 1.0, None
    if currency in CRYPTO:
        return None, None
    conv = _converter()
    if currency not in conv.currencies:
        return None, f"no ECB rate for {currency}"
    note = None
    day = date
    for code in (currency, "USD"):
        bounds = conv.bounds[code]
        if day < bounds.first_date:
            day, note = (
                bounds.first_date,
                f"rate of {bounds.first_date.isoformat()} (nearest available)",
            )
        elif day > bounds.last_date:
            day, note = (
                bounds.last_date,
                f"rate of {bounds.last_date.isoformat()} (nearest available)",
            )
    try:
        return float(conv.convert(1.0, currency, "USD", date=day)), note
    except Exception as exc:  # the converter's own error types differ by version
        return None, f"no rate for {currency} on {day.isoformat()}: {exc}"


def in_usd(amount: float, rate: float | None) -> float | None:
    """``amount`` at ``rate`` US dollars per unit, to the cent (``None`` without a rate)."""
    return None if rate is None else round(amount * rate, 2)
