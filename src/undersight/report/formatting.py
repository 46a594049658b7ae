"""Number formatting for the report: every missing or non-finite value is a dash."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

import pandas as pd

DASH = "–"


def finite(value: object) -> bool:
    """A real, finite number (not None, NaN, pd.NA or infinity)."""
    if value is None or value is pd.NA or isinstance(value, bool):
        return False
    try:
        return math.isfinite(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def num(value: object, digits: int = 0) -> str:
    return f"{float(value):,.{digits}f}" if finite(value) else DASH  # type: ignore[arg-type]


def usd(value: object) -> str:
    """``1,234`` over 100, ``12.50`` under (cents matter for cheap goods)."""
    if not finite(value):
        return DASH
    v = float(value)  # type: ignore[arg-type]
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.2f}" if abs(v) >= 0.01 else f"{v:.2g}"


def factor(value: object) -> str:
    return f"×{float(value):,.2f}" if finite(value) else DASH  # type: ignore[arg-type]


def change(value: object) -> str:
    """A relative change as ``+112.9%`` (0.0 = flat)."""
    if not finite(value):
        return DASH
    text = f"{100 * float(value):+,.1f}%"  # type: ignore[arg-type]
    return text.replace("-", "−")


def pct(value: object, digits: int = 1) -> str:
    return f"{100 * float(value):.{digits}f}%" if finite(value) else DASH  # type: ignore[arg-type]


def interval(low: object, high: object, fmt: Callable[..., str] = num, **kw: int) -> str:
    """``a–b``, or a dash when either end is missing."""
    if not (finite(low) and finite(high)):
        return DASH
    return f"{fmt(low, **kw)}–{fmt(high, **kw)}"


def day(value: object) -> str:
    """A timestamp as ``YYYY-MM-DD`` (UTC), a dash when missing."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return DASH
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.strftime("%Y-%m-%d")
    return str(value)[:10]
