"""The periods analyses group by, and the time zone their days are counted in."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from undersight.store.base import Store

PERIODS = ("year", "quarter", "month")
CHINA_TZ = "Asia/Shanghai"
# What --tz means when not given, for every command (stats, report).
DEFAULT_TZ = "auto"


def resolve_tz(store: Store, tz: str) -> tuple[str, str]:
    """The time zone of days and periods, and why: ``auto`` is China time when every
    source is a QQ group (QQ exports are written in China time), else UTC."""
    if tz != "auto":
        return tz, "chosen with --tz"
    platforms = {str(p) for (p,) in store.query("SELECT DISTINCT platform FROM sources")}
    if platforms == {"qq"}:
        return CHINA_TZ, "every source is a QQ group, whose exports keep China time"
    return "UTC", "some sources are not QQ groups"
