"""Market activity per period: messages, offers, people, groups and the study's
per-group-day rates, with growth, like for like over the groups seen in both
periods.

Days and periods are calendar dates in ``tz`` (default UTC; the QQ corpora
of the 2013 study count China days: pass ``tz="Asia/Shanghai"``).
"""

from __future__ import annotations

import math
import re
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from undersight.periods import PERIODS
from undersight.store.base import Store

_TZ_NAME = re.compile(r"^[A-Za-z0-9_+\-/]{1,64}$")

COLUMNS = [
    "period",
    "messages",
    "offers",
    "authors",
    "sellers",
    "groups",
    "group_days",
    "msgs_per_group_day",
    "participants_per_group_day",
    "messages_growth",
    "msgs_per_group_day_growth",
    "participants_growth",
    "like_for_like_groups",
    "like_for_like_msgs_per_group_day_growth",
    "coverage_note",
]


def check_period(period: str) -> str:
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    return period


def check_tz(tz: str) -> str:
    """A time-zone name safe to inline in SQL (both backends know the IANA names)."""
    if not _TZ_NAME.match(tz):
        raise ValueError(f"not a time-zone name: {tz!r}")
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {tz!r}") from None
    return tz


def local_time(column: str, tz: str) -> str:
    """SQL for ``column`` (TIMESTAMPTZ) as wall-clock time in ``tz`` (DuckDB and PostgreSQL)."""
    return f"({column} AT TIME ZONE '{check_tz(tz)}')"


def period_sql(period: str, column: str, tz: str) -> tuple[str, str]:
    """SQL for the two integer parts of ``column``'s period: year, and quarter or month (0)."""
    local = local_time(column, tz)
    year = f"CAST(EXTRACT(YEAR FROM {local}) AS INTEGER)"
    part = {"year": "0", "quarter": "QUARTER", "month": "MONTH"}[check_period(period)]
    sub = "0" if part == "0" else f"CAST(EXTRACT({part} FROM {local}) AS INTEGER)"
    return year, sub


def period_label(period: str, year: int, sub: int) -> str:
    """``2013``, ``2013-Q2`` or ``2013-06``."""
    if period == "year":
        return f"{year:04d}"
    if period == "quarter":
        return f"{year:04d}-Q{sub}"
    return f"{year:04d}-{sub:02d}"


def period_index(period: str, year: int, sub: int) -> int:
    """A running number of the period: the previous period is this minus one."""
    if period == "year":
        return year
    if period == "quarter":
        return year * 4 + sub - 1
    return year * 12 + sub - 1


@dataclass
class _Cell:
    """One group in one period."""

    messages: int = 0
    group_days: int = 0


def _per_group_sql(period: str, tz: str) -> str:
    year, sub = period_sql(period, "m.posted_at", tz)
    day = f"CAST({local_time('m.posted_at', tz)} AS DATE)"
    return f"""
WITH gd AS (
    SELECT {year} AS py, {sub} AS ps, m.source_id, {day} AS day,
           count(*) AS messages,
           sum(CASE WHEN /*offer*/e.offer THEN 1 ELSE 0 END) AS offers,
           count(DISTINCT m.author_key) AS participants
    FROM messages m
    LEFT JOIN extractions e ON e.key = m.key
    WHERE m.posted_at IS NOT NULL
    GROUP BY 1, 2, 3, 4
)
SELECT py, ps, source_id,
       CAST(sum(messages) AS BIGINT), CAST(sum(offers) AS BIGINT),
       CAST(count(*) AS BIGINT), CAST(sum(participants) AS BIGINT)
FROM gd
GROUP BY py, ps, source_id
"""


def _per_period_sql(period: str, tz: str) -> str:
    year, sub = period_sql(period, "m.posted_at", tz)
    return f"""
SELECT {year} AS py, {sub} AS ps,
       CAST(count(DISTINCT m.author_key) AS BIGINT),
       CAST(count(DISTINCT CASE WHEN /*offer*/e.offer AND e.intent = 'sell' THEN m.author_key END)
            AS BIGINT)
FROM messages m
LEFT JOIN extractions e ON e.key = m.key
WHERE m.posted_at IS NOT NULL
GROUP BY 1, 2
"""


def _ratio(a: float, b: float) -> float:
    return a / b if b else math.nan


def _growth(cur: float, prev: float | None) -> float:
    """Relative change, ``cur / prev - 1`` (0.0 = flat); NaN without a previous value."""
    if prev is None or not prev or math.isnan(prev) or math.isnan(cur):
        return math.nan
    return cur / prev - 1.0


def _note(joined: int, left: int, both: int) -> str:
    if not joined and not left:
        return ""
    change = f"coverage changed: {joined} group(s) joined, {left} left"
    if not both:
        return f"{change}; no group observed in both periods, no like-for-like growth"
    return f"{change}; like for like over the {both} group(s) observed in both periods"


def activity(store: Store, period: str = "year", *, tz: str = "UTC") -> pd.DataFrame:
    """Activity per period (see :data:`COLUMNS`).

    ``msgs_per_group_day`` is messages / group-days, a group-day being a group
    with at least one message that day (the study's "per group active that
    day"); ``participants_per_group_day`` the mean of distinct authors over
    those group-days. Growth is the relative change on the previous calendar
    period (``0.25`` = +25%; NaN when that period has no messages).
    ``like_for_like_msgs_per_group_day_growth`` is computed over the groups
    active in both periods only, so groups joining or leaving the monitored
    set (a change of coverage, which ``coverage_note`` describes) do not
    read as growth. Messages without a date are left out.
    """
    check_period(period)
    cells: dict[int, dict[str, _Cell]] = defaultdict(dict)
    totals: dict[int, list[int]] = {}  # messages, offers, group-days, participant sum
    labels: dict[int, str] = {}
    for py, ps, source, msgs, offers, days, participants in store.query(_per_group_sql(period, tz)):
        idx = period_index(period, int(py), int(ps))
        labels[idx] = period_label(period, int(py), int(ps))
        cells[idx][source] = _Cell(int(msgs), int(days))
        t = totals.setdefault(idx, [0, 0, 0, 0])
        t[0] += int(msgs)
        t[1] += int(offers)
        t[2] += int(days)
        t[3] += int(participants)
    people = {
        period_index(period, int(py), int(ps)): (int(a), int(s))
        for py, ps, a, s in store.query(_per_period_sql(period, tz))
    }
    rows = []
    for idx in sorted(totals):
        msgs, offers, days, participants = totals[idx]
        rate, per_day = _ratio(msgs, days), _ratio(participants, days)
        prev = totals.get(idx - 1)
        row: dict[str, object] = {
            "period": labels[idx],
            "messages": msgs,
            "offers": offers,
            "authors": people.get(idx, (0, 0))[0],
            "sellers": people.get(idx, (0, 0))[1],
            "groups": len(cells[idx]),
            "group_days": days,
            "msgs_per_group_day": rate,
            "participants_per_group_day": per_day,
            "messages_growth": _growth(msgs, prev[0] if prev else None),
            "msgs_per_group_day_growth": _growth(rate, _ratio(prev[0], prev[2]) if prev else None),
            "participants_growth": _growth(per_day, _ratio(prev[3], prev[2]) if prev else None),
            "like_for_like_groups": 0,
            "like_for_like_msgs_per_group_day_growth": math.nan,
            "coverage_note": "",
        }
        if prev:
            now, before = cells[idx], cells[idx - 1]
            both = sorted(set(now) & set(before))
            row["like_for_like_groups"] = len(both)
            if both:
                cur = _ratio(
                    sum(now[g].messages for g in both), sum(now[g].group_days for g in both)
                )
                old = _ratio(
                    sum(before[g].messages for g in both), sum(before[g].group_days for g in both)
                )
                row["like_for_like_msgs_per_group_day_growth"] = _growth(cur, old)
            row["coverage_note"] = _note(
                len(set(now) - set(before)), len(set(before) - set(now)), len(both)
            )
        elif rows:
            row["coverage_note"] = "no messages in the previous period"
        rows.append(row)
    return _frame(rows)


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=COLUMNS)
    ints = [
        "messages",
        "offers",
        "authors",
        "sellers",
        "groups",
        "group_days",
        "like_for_like_groups",
    ]
    df[ints] = df[ints].astype("int64")
    floats = [c for c in COLUMNS if c.endswith(("_day", "growth"))]
    df[floats] = df[floats].astype("float64")
    df["period"] = df["period"].astype("str")
    df["coverage_note"] = df["coverage_note"].astype("str")
    return df
