"""Numbers as written in underground ads: 1,500 / 1.5k / 3w / 10万 / 两千 / 2千5."""

from __future__ import annotations

import re
from functools import lru_cache

MULTIPLIERS: dict[str, float] = {
    "k": 1e3,
    "w": 1e4,
    "m": 1e6,
    "百": 1e2,
    "千": 1e3,
    "万": 1e4,
    "亿": 1e8,
}
CHINESE_DIGITS = "零〇一二两三四五六七八九十百千万亿"

_ARABIC = re.compile(r"\d+(?:\.\d+)?|\.\d+")
_WITH_MULTIPLIER = re.compile(r"(\d+(?:\.\d+)?)(k|w|m|百|千|万|亿)(\d?)")


@lru_cache(maxsize=4096)
def parse_number(raw: str) -> float | None:
    """The value of a written number, or ``None`` when it is not one."""
    s = raw.replace(",", "").replace(" ", "").replace("，", "")
    if not s:
        return None
    if _ARABIC.fullmatch(s):
        return float(s)
    if s[-1] in "一二两三四五六七八九" and s[0].isdigit():  # "1百五" = 1百5
        s = s[:-1] + str("一二三四五六七八九".find(s[-1].replace("两", "二")) + 1)
    match = _WITH_MULTIPLIER.fullmatch(s)
    if match:
        head, mult, tail = match.groups()
        factor = MULTIPLIERS[mult]
        value = float(head) * factor
        if tail:  # 2千5 = 2500, 1万5 = 15000
            value += int(tail) * factor / 10
        return value
    if any(c in CHINESE_DIGITS for c in s):
        return _chinese(s)
    return None


def _chinese(s: str) -> float | None:
    import cn2an

    try:
        value = cn2an.cn2an(s.replace("〇", "零"), "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return float(value)
