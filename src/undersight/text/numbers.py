"""Numbers as written in underground ads: 1,500 / 1.5k / 3w / 10万 / 两千 / 2千5."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

MULTIPLIERS: Final[dict[str, float]] = {
    "k": 1e3,
    "w": 1e4,
    "m": 1e6,
    "百": 1e2,
    "千": 1e3,
    "万": 1e4,
    "亿": 1e8,
}
CHINESE_DIGITS: Final = "零〇一二两三四五六七八九十百千万亿"

_ARABIC: Final = re.compile(r"\d+(?:\.\d+)?|\.\d+")
_WITH_MULTIPLIER: Final = re.compile(r"(\d+(?:\.\d+)?)(k|w|m|百|千|万|亿)(\d?)")


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


_CN_DIGIT_VALUES: Final = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_SMALL_UNITS: Final = {"十": 10, "百": 100, "千": 1000}
_CN_BIG_UNITS: Final = {"万": 10_000, "亿": 100_000_000}


def _chinese(s: str) -> float | None:
    """Chinese numerals: a fast exact reader for the regular forms (checked
    against cn2an in the tests), cn2an itself for decimals ("一点五")."""
    fast = _chinese_fast(s)
    if fast is not None or "点" not in s:
        return fast  # irregular runs ("一二", "百") are not numbers
    return _chinese_cn2an(s)


def _chinese_fast(s: str) -> float | None:
    """ "三百五十" / "两千五" (colloquial: 2500) / "一亿五千万" / "十二"; None if unsure."""
    if not s or any(
        c not in _CN_DIGIT_VALUES and c not in _CN_SMALL_UNITS and c not in _CN_BIG_UNITS for c in s
    ):
        return None
    total = section = number = 0
    last_unit = 0
    for i, c in enumerate(s):
        if c in _CN_DIGIT_VALUES:
            if number and c not in "零〇":
                return None  # "一二" is not a numeral
            number = _CN_DIGIT_VALUES[c]
            if i == len(s) - 1 and last_unit >= 100 and s[i - 1] not in "零〇":
                number *= last_unit // 10  # colloquial "三百五" = 350, "一万五" = 15000
                section += number
                number = 0
        elif c in _CN_SMALL_UNITS:
            unit = _CN_SMALL_UNITS[c]
            section += (number or (1 if c == "十" and not section else 0)) * unit
            if not number and c != "十":
                return None  # "百" without a digit
            number, last_unit = 0, unit
        else:
            unit = _CN_BIG_UNITS[c]
            section += number
            if not section and not total:
                return None
            total = (
                (total + section) * unit if unit > 10_000 or total == 0 else total + section * unit
            )
            section = number = 0
            last_unit = unit
    return float(total + section + number)


def _chinese_cn2an(s: str) -> float | None:
    import cn2an

    try:
        value = cn2an.cn2an(s.replace("〇", "零"), "smart")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return float(value)
