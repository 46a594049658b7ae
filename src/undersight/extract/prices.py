"""Prices: amount, range, currency, quantity, unit and billing period, with spans.

Candidates come from one compiled pattern (optional currency before, a
number in any written form, an optional range, an optional currency after).
A candidate with a currency is a price unless money-not-for-sale words
(deposit, loss, turnover...) stand right before it or it counts something
("BTC 2个"). A bare number is a price only with evidence: a price word before
it ("价格", "预算", "price"), a per-unit or period marker around it
("一台 2.8w", "300/月", "天卡 15"), a package quantity right before it
("5000条300"), or, in Chinese, a written magnitude ("两千", "3w").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import Final, NamedTuple

from undersight.extract.matcher import Hit
from undersight.lexicon import Lexicon
from undersight.text.normalize import Normalized
from undersight.text.numbers import parse_number

_ARABIC: Final = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_CN_DIGITS: Final = "零〇一二两三四五六七八九十百千万亿"
_CN_MAGNITUDE: Final = "十百千万亿"
# An Arabic number, then maybe a multiplier ("1.5k", "3w", "2千5"). Written
# "number (multiplier)?" rather than "number multiplier | number": the same
# matches, tried in the same order (a shorter reading of a number is followed
# by a digit, a comma or a point, never by a multiplier), without reading the
# number twice.
_ARABIC_MULT: Final = rf"(?:{_ARABIC})(?:(?:[kwm](?![a-z])|[百千万亿])(?:\d(?![\d.,]))?)?"
NUMBER: Final = (
    rf"(?:{_ARABIC_MULT}"
    rf"|[{_CN_DIGITS}]{{1,10}}(?:点[{_CN_DIGITS}]{{1,3}})?)"
)
# In candidates, a lone Chinese digit ("一个", "十分") is a number only before money words.
_CANDIDATE_NUMBER: Final = (
    rf"(?:{_ARABIC_MULT}"
    rf"|[{_CN_DIGITS}]{{2,10}}(?:点[{_CN_DIGITS}]{{1,3}})?"
    rf"|[{_CN_DIGITS}](?=\s{{0,2}}(?:毛|块|元|角|刀|美金|美元|u|米|百|千|万)))"
)
_DIGITISH: Final = re.compile(rf"[\d{_CN_DIGITS}]")
# A run of digits, maybe after a decimal point: ``\.?[digits]+``, written to
# start with one character class (so the engine skips to those characters);
# a lone point is refused by the lookbehind.
_DIGIT_RUN: Final = re.compile(rf"[.\d{_CN_DIGITS}][\d{_CN_DIGITS}]*(?<!\.)")
# The readable form of _DIGIT_RUN (the same matches; a test holds them together).
PLAIN_DIGIT_RUN: Final = re.compile(rf"\.?[\d{_CN_DIGITS}]+")
_RANGE_SEP: Final = r"(?=[-~～—–到至t])(?:-|~|～|—|–|到|至|to(?=\s*[\d$¥€£]))"
_CLAUSE_END: Final = re.compile(r"[。！？!?;；\n|•]")
_SYMBOLS: Final = frozenset("$¥€£₽₿")
_FIAT_SYMBOLS: Final = frozenset({"$", "us$", "usd$", "¥", "€", "£", "hk$", "nt$"})
_TIME_UNITS: Final = {
    "小时": "hour",
    "h": "hour",
    "hr": "hour",
    "hrs": "hour",
    "hour": "hour",
    "hours": "hour",
    "天": "day",
    "日": "day",
    "day": "day",
    "days": "day",
    "d": "day",
    "周": "week",
    "星期": "week",
    "week": "week",
    "weeks": "week",
    "wk": "week",
    "个月": "month",
    "月": "month",
    "month": "month",
    "months": "month",
    "mo": "month",
    "年": "year",
    "year": "year",
    "years": "year",
    "yr": "year",
    "yrs": "year",
}
_TIME_UNIT_LAST: Final = frozenset(w[-1] for w in _TIME_UNITS)
_DAYS: Final = {"hour": 1 / 24, "day": 1, "week": 7, "month": 30, "year": 365}
# After a bare number, these say it counts something other than money.
_NOT_MONEY_AFTER: Final = re.compile(
    r"(?:%|％|小时|分钟|个月|以上|公里|开头|[多余][个条张套份件只支本克部台万]|[人岁号点楼层级倍折分秒手位线核兆次年月日天周时期款期+](?!卡))"
    r"|[ \t](?:小时|分钟|个月|公里|[天人岁折%])"
    r"|[ \t]?(?:%|(?:km|gb|mb|kb|tb|g|t|m|min|mins|sec|x|mbps|gbps|ms|fps|st|nd|rd|th"
    r"|mg|mcg|ug|µg|ml|iu|oz|lbs?|kg|tabs?|tablets?|pills?|pls|caps|capsules?|pcs|grams?|gr"
    r"|years?|months?|weeks?|days?|hours?|hrs?|copies|slots?|users?|members?|countries|clicks?|people|times|"
    r"percent|pages?|sites?|domains?|ips?|threads?|cores?|vouches?)(?![a-z]))"
)
# "一台 2.8w", "一套源码3000", "单张8": a price per counted thing, written before it
_PER_UNIT_BEFORE: Final = re.compile(
    r"[一单每全整]\s?[台个套条张份件只支本克瓶单次号机天页科](?:\s?[\u4e00-\u9fff]{1,4})?"
    r"\s{0,2}[:：=]?\s{0,2}$"
)
# After a bare magnitude ("5w", "两千"), what a price is followed by.
_PRICE_END: Final = re.compile(r"\s*(?:$|[,，。、;；!！)）\]】|/]|[ \t]+(?![+\d]))")
_FOR_DURATION: Final = re.compile(r"\s{0,2}for\s{0,2}\d+\s?(?:months?|days?|weeks?|years?)")
_FOR_QTY_BEFORE: Final = re.compile(
    rf"(?<![a-z0-9.$€£¥])(?P<num>{NUMBER})\s?(?:(?:[a-z]{{1,12}}\s?){{0,2}}(?:for|=|@)|[a-z]{{3,12}}s)"
    r"\s{0,2}(?:only\s)?$"
)
_BANDWIDTH_BEFORE: Final = re.compile(r"(?:防|防御|流量|带宽|攻击)\s?$")
_EXCHANGE_HINT: Final = re.compile(r"汇率|承兑|换汇|兑换|出u|收u|otc")
_PAYMENT_AFTER: Final = re.compile(
    r"\s?(?:pp|paypal|lr|liberty reserve|wu|western union|mg|moneygram|skrill|payoneer|cashapp|"
    r"cash app|venmo|zelle|perfect money|webmoney|wmz|revolut|payza|okpay|moneypak)(?![a-z])"
)
_QUANTITY_BEFORE: Final = re.compile(r"(?:per|/|每|for)\s{0,2}$")
_NOT_PRICE_AFTER: Final = re.compile(
    r"\s{0,2}(?:deposit|turnover|profit|in profit|balance|investment|invested"
    r"|(?:amazon |google play |steam |walmart |apple |itunes )?(?:gift ?card|card|voucher))"
    r"(?![a-z])"
)
_PER_THOUSAND_BEFORE: Final = re.compile(
    r"每\s?(?P<mult>[千万百])\s?(?:条|个|次|粉|单)?\s{0,2}[:：]?\s{0,2}$"
)
_VOLUME_BEFORE: Final = re.compile(r"(?:日[发量跑引收出做]|有|[能可]发|月流水)\s{0,2}$")
# "一块五" = 1.5: after 块/元 a single digit is the tenths.
_TENTHS_AFTER: Final = re.compile(
    r"([一二两三四五六七八九]|[1-9])"
    r"(?![\d一二两三四五六七八九十百千万.,]|[个台条张套份件只次本克瓶年天月周季日期]|小时)"
)
_CN_TENTHS: Final = {c: i + 1 for i, c in enumerate("一二三四五六七八九")} | {"两": 2}
# A list line ending in a bare number: "✅ 陌陌号 15\n"
_LINE_END: Final = re.compile(r"[ \t]*(?:\n|$)")
_CURRENCY_WORD: Final = re.compile(
    r"\d\s?(?:元|块|rmb|刀|美金|u\b|usdt|btc|eth|ltc|xmr|比特币|美元|欧元|¥)|[$¥€£]\s?\d"
    r"|\d\s{0,3}[\[(](?:美元|usd|btc|人民币|rmb|eur)[\])]|\d\s?(?:usd|eur|gbp)\b|(?:usd|eur|gbp)\s?\d"
)
_UNIT_PRICE_BEFORE: Final = re.compile(
    r"(?:单价|每个|每张|每条|each|per unit|unit price)\s{0,2}[:：]?\s{0,2}$"
)
_PER_UNIT_AFTER: Final = re.compile(
    r"\s{0,2}(?:/\s?(?!\d)|每|一[个台条张套份件只次本克瓶单号]|per\s|each|ea\b|a\s(?:piece|pc|unit)|apiece)"
)
_MIN_MARKER: Final = re.compile(r"[ \t]?起")


def _alternation(words: list[str], suffix: bool = False) -> str:
    parts = []
    for w in sorted(set(words), key=len, reverse=True):
        escaped = re.escape(w)
        if w[-1].isascii() and w[-1].isalnum():
            escaped += r"(?![a-z0-9])"
        elif suffix and w[-1] in _SYMBOLS:
            escaped += r"(?!\s?\d)"  # "£4" after "4K " belongs to the next number
        parts.append(escaped)
    if not parts:
        return "(?:)"
    # one class test first: where no word can start, the words are not tried
    first = "".join(sorted({re.escape(w[0]) for w in words}))
    return f"(?=[{first}])(?:" + "|".join(parts) + ")"


# -- cheap exact gates ---------------------------------------------------------
# A pattern anchored at the end of a window (``...\s{0,2}$``) can only match
# when the window's last character is one its match can end with; a pattern
# matched at a position only when that position holds one of its first
# characters. Whitespace is always let through (``\s`` is str.isspace, and
# ``$`` also matches before a final newline). A gate only skips regex calls
# that cannot match: results are unchanged.
_VOLUME_LAST: Final = frozenset("发量跑引收出做有水")
_QUANTITY_BEFORE_LAST: Final = frozenset("r/每")
_FOR_QTY_LAST: Final = frozenset("r=@sy")  # for, =, @, ...s, or "only "
_UNIT_PRICE_LAST: Final = frozenset("价个张条hte:：")
_THOUSAND_LAST: Final = frozenset("千万百条个次粉单:：")
_PER_UNIT_BEFORE_LAST: Final = frozenset(":：=")
_PER_UNIT_AFTER_FIRST: Final = frozenset("/每一pea")
_PER_QTY_FIRST: Final = frozenset("/p每f")
_NOT_PRICE_AFTER_FIRST: Final = frozenset("dtpibagswcv")
_TIME_SPAN_FIRST: Final = frozenset("一两二三四五六七八九十半")
_BANDWIDTH_LAST: Final = frozenset("防御量宽击")
_CENTS_AFTER: Final = re.compile(r"\s?(?:一|每|/|钱)")
_CJK_CHAR: Final = re.compile(r"[\u4e00-\u9fff]")
_ONE_OR_EACH: Final = re.compile(r"一|每")
_RADIUS_BEFORE: Final = re.compile(r"(?:半径|距离|覆盖|范围|高度|长度|宽度)[^\d]{0,4}$")
_METRES_AFTER: Final = re.compile(r"\s?(?:[-~到至]\s?\d+(?:\.\d+)?\s?)?(?:公里|千米|米)")
_NON_DIGIT: Final = re.compile(r"\D")
_YEAR_AFTER: Final = re.compile(r"[年届级款/.\-]|\s?[-~到]\s?(?:19|20)\d\d")
_DIGIT_OR_CLAUSE: Final = re.compile(r"[\d。!?;；\n]")
_NUMBER_RE: Final = re.compile(NUMBER)
# The readable form of _ARABIC_MULT's "number (multiplier)?": "number
# multiplier | number" (the same matches in the same order; a test holds them).
PLAIN_ARABIC_MULT: Final = (
    rf"(?:{_ARABIC})(?:[kwm](?![a-z])|[百千万亿])(?:\d(?![\d.,]))?|(?:{_ARABIC})"
)
_PERIOD_LABEL_AFTER: Final = re.compile(r"\s{0,2}[:：]?\s{0,2}[\d$¥€£]")
_LIFETIME_BREAK: Final = re.compile(r"\d|[,;。，；\n]")
_SLASH_UNIT: Final = re.compile(r"\s?/\s?(?P<u>[a-z\u4e00-\u9fff]{1,6})")
_MULT_END: Final = re.compile(r"([kwm]|[百千万亿])$")
_HAS_MULT: Final = re.compile(r"[kwm百千万亿]")
_QTY_MULT: Final = {"k": 1e3, "千": 1e3, "万": 1e4, "w": 1e4}
_THOUSAND_MULT: Final = {"千": 1e3, "万": 1e4, "百": 1e2}


# A listing's price on a line of its own after the title: "title\n7.46  [美元]",
# "title\n$4.00", "title\nUSD 6.95", "title\n347.32 USD", "title\n125-480 USD",
# or a bare amount on the last line, "title\n7" (rule "listing price").
_PRICE_ONLY: Final = (
    r"(?:(?:[$€£¥]|usd|eur|gbp|btc|us\$)\s?)?(\d{1,7}(?:[.,]\d{1,8})?)"
    r"(?:\s?-\s?\d{1,7}(?:[.,]\d{1,8})?)?"
    r"(?:\s{0,3}(?:\[[^\]\n]{1,8}\]|\([^)\n]{1,8}\)|[a-z$€£¥\u4e00-\u9fff]{1,6}))?"
)
_LISTING_LINE: Final = re.compile(rf"\n[ \t]*{_PRICE_ONLY}[ \t]*(?=\n|$)")
_LISTING_BARE: Final = re.compile(r"\n[ \t]*(\d{1,7}(?:\.\d{1,8})?)[ \t]*$")


def could_state_price(text: str) -> bool:
    """Whether a text holds a digit or a Chinese numeral: without one, the
    price finder finds nothing."""
    return _DIGITISH.search(text) is not None


def listing_price_line(text: str) -> re.Match[str] | None:
    """A line after a market listing's title that holds only its price (the
    amount is group 1); listings are short, so a long text never is one."""
    if len(text) > 400:
        return None
    return _LISTING_LINE.search(text)


def _listing_bare_price(text: str) -> re.Match[str] | None:
    """A listing's last line holding only a bare amount (group 1)."""
    if len(text) > 400 or not text.rstrip()[-1:].isdigit():
        return None
    return _LISTING_BARE.search(text.rstrip())


# Place names and idioms holding a numeral and a money or measure word:
# "金三角" (the Golden Triangle) is no 0.3 yuan, "一条龙" (one-stop) no message.
_IDIOM: Final = re.compile(
    "金三角|长三角|珠三角|三角洲|三角形|三角区|三角裤|一条龙|一条街|一条心|一条路|一块儿|一块去|一块玩"
)
_IDIOM_NUMERALS: Final = frozenset("一三")
# A lone Chinese digit, and what follows a sub-unit price: the end, a space,
# 钱, a per-unit marker, a digit ("三角 埋包" is a triangle, "三角钱" money).
_CN_LONE: Final = frozenset("一二两三四五六七八九")
_MONEY_NEXT: Final = re.compile(r"$|[\s钱一每/,，。!！\d]")


def _idiom_at(text: str, start: int, end: int) -> bool:
    """Whether a place name or idiom overlaps ``text[start:end]``."""
    for m in _IDIOM.finditer(text, max(0, start - 2), min(len(text), end + 2)):
        if m.start() < end and m.end() > start:
            return True
    return False


def _matches_at(
    pattern: re.Pattern[str], text: str, places: list[int], lo: int, endpos: int
) -> list[re.Match[str]]:
    """``pattern`` matched at each of ``places`` in order, non-overlapping, as
    ``finditer`` from ``lo`` would find them when it can only start there."""
    found = []
    after = lo
    for at in places:
        if at < after:
            continue
        m = pattern.match(text, at, endpos)
        if m is not None:
            after = m.end()
            found.append(m)
    return found


def _ends_with(text: str, lo: int, hi: int, last: frozenset[str]) -> bool:
    """Whether the last character of ``text[lo:hi]`` that is not whitespace is
    a ``last`` one: every window pattern gated by this ends with such a
    character and then only optional spaces (a space class, or ``$`` before a
    final newline)."""
    while hi > lo:
        hi -= 1
        c = text[hi]
        if not c.isspace():
            return c in last
    return False


def _starts_with(text: str, at: int, first: frozenset[str]) -> bool:
    """Whether ``text[at]`` exists and is whitespace or a ``first`` character."""
    if at >= len(text):
        return False
    c = text[at]
    return c in first or c.isspace()


class FoundPrice:
    """A price in normalized-text coordinates, before currency conversion;
    ``span`` is set to its span in the original text once that is known."""

    __slots__ = (
        "amount",
        "amount_max",
        "currency",
        "end",
        "period",
        "quantity",
        "rule",
        "span",
        "start",
        "unit",
    )

    def __init__(
        self,
        start: int,
        end: int,
        amount: float,
        amount_max: float | None,
        currency: str,
        quantity: float | None,
        unit: str | None,
        period: str | None,
        rule: str = "currency-word",
    ) -> None:
        self.start = start
        self.end = end
        self.amount = amount
        self.amount_max = amount_max
        self.currency = currency
        self.quantity = quantity
        self.unit = unit
        self.period = period
        self.span = (start, end)
        self.rule = rule  # what made it a price (--explain)

    def __repr__(self) -> str:
        return (
            f"FoundPrice({self.start}, {self.end}, {self.amount}, {self.amount_max}, "
            f"{self.currency!r}, {self.quantity}, {self.unit!r}, {self.period!r})"
        )


def _any_between(sorted_values: list[int], lo: int, hi: int) -> list[int]:
    """Values in ``[lo, hi]`` of a sorted list (bisect: hostile texts have thousands)."""
    i = bisect_left(sorted_values, lo)
    j = bisect_right(sorted_values, hi)
    return sorted_values[i:j]


def _has_between(sorted_values: list[int], lo: int, hi: int) -> bool:
    """Whether a sorted list holds a value in ``[lo, hi]``."""
    if not sorted_values:
        return False
    i = bisect_left(sorted_values, lo)
    return i < len(sorted_values) and sorted_values[i] <= hi


def _inside(spans: list[tuple[int, int]], starts: list[int], at: int, end: int) -> bool:
    """Whether ``[at, end)`` overlaps one of the sorted, disjoint ``spans``."""
    i = bisect_right(starts, at) - 1
    if i >= 0 and spans[i][1] > at:
        return True
    return i + 1 < len(spans) and spans[i + 1][0] < end


class _Context:
    """What one message's candidates are judged against."""

    __slots__ = (
        "category_unit",
        "chinese",
        "currency_word",
        "explicit",
        "has_mei",
        "last_rule",
        "listing_at",
        "masked",
        "masked_starts",
        "not_price_ends",
        "number_start_list",
        "period_ends",
        "period_starts",
        "periods",
        "price_word_ends",
        "text",
        "trace",
        "unit_nouns",
    )

    def __init__(
        self,
        text: str,
        chinese: bool,
        vocab: list[Hit],
        masked: tuple[tuple[int, int], ...],
        category_unit: str | None,
    ) -> None:
        self.text = text
        self.chinese = chinese
        periods: list[tuple[int, int, str]] = []
        not_price_ends: list[int] = []
        price_word_ends: list[int] = []
        unit_nouns: dict[int, str] = {}
        for s, e, entries in vocab:
            not_price = price_word = False
            for x in entries:
                kind = x[0]
                if kind == "period":
                    periods.append((s, e, x[1]))
                elif kind == "not_price":
                    not_price = True
                elif kind == "price_word":
                    price_word = True
                elif kind == "unit_noun":
                    unit_nouns[s] = x[1]
            if not_price:
                not_price_ends.append(e)
            if price_word:
                price_word_ends.append(e)
        self.periods = periods
        self.not_price_ends = not_price_ends
        self.price_word_ends = price_word_ends
        self.unit_nouns = unit_nouns
        if masked:
            sorted_masked = sorted(masked)
            self.masked = sorted_masked
            self.masked_starts = [a for a, _ in sorted_masked]
        else:
            self.masked = []
            self.masked_starts = []
        if periods:
            self.period_starts = sorted([x[0] for x in periods])
            self.period_ends = sorted([x[1] for x in periods])
        else:
            self.period_starts = self.period_ends = []
        self.category_unit = category_unit
        self.explicit: list[
            tuple[int, str]
        ] = []  # (start, currency) of prices with a currency word
        self.currency_word: bool | None = None  # computed when first needed
        self.has_mei = "每" in text
        self.last_rule = ""  # the rule that decided the last bare number (--explain)
        # (start, end, rule) of each candidate a rule said is no price, when asked
        self.trace: list[tuple[int, int, str]] | None = None
        # where a listing's own price line starts (-1: not a listing)
        lone = listing_price_line(text) if "\n" in text else None
        self.listing_at = lone.start() if lone is not None else -1
        self.number_start_list: list[int] | None = None  # computed when first needed

    def number_starts(self, lo: int, hi: int) -> list[int]:
        """Where ``_NUMBER_START`` matches in ``[lo, hi)``, in order: the
        message's places, found once (a lookbehind sees before ``lo`` either way)."""
        starts = self.number_start_list
        if starts is None:
            starts = self.number_start_list = [m.start() for m in _NUMBER_START.finditer(self.text)]
        if hi <= lo:
            return []
        return starts[bisect_left(starts, lo) : bisect_left(starts, hi)]

    def names_currency(self) -> bool:
        """Whether prices in the message name their currency (``_CURRENCY_WORD``)."""
        if self.currency_word is None:
            self.currency_word = _CURRENCY_WORD.search(self.text) is not None
        return self.currency_word


class PriceFinder:
    """Compiled price patterns for one lexicon."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        pre = _alternation(list(lexicon.currency_prefix))
        suf = _alternation(list(lexicon.currency_suffix), suffix=True)
        self.candidate = re.compile(
            rf"(?<![a-z0-9._/#@+])(?<!\d[,:])(?:(?P<pre>{pre})[^\S\n]{{0,2}})?"
            rf"(?P<num>{_CANDIDATE_NUMBER})\+?"
            rf"(?:[^\S\n]{{0,2}}(?P<suf1>{suf}))?"
            rf"(?:\s{{0,2}}{_RANGE_SEP}\s{{0,2}}(?:(?P<pre2>{pre})\s{{0,2}})?(?P<num2>{_CANDIDATE_NUMBER})\+?)?"
            rf"(?:[^\S\n]{{0,2}}(?P<suf>{suf}))?"
        )
        index = self.candidate.groupindex
        self._groups = tuple(index[g] for g in ("num", "num2", "pre", "pre2", "suf1", "suf"))
        self.prefix_before = re.compile(rf"(?<![a-z0-9._/#@+])(?<!\d[,:])(?:{pre})[^\S\n]{{0,2}}$")
        self._prefix_last = frozenset(w[-1] for w in lexicon.currency_prefix)
        classifiers = _alternation(list(lexicon.classifiers))
        ascii_classifiers = _alternation([c for c in lexicon.classifiers if c.isascii()])
        cjk_classifiers = _alternation([c for c in lexicon.classifiers if not c.isascii()])
        # a space may stand before a measure word, except the ones that start words (单次, 号码)
        spaced = _alternation(
            [c for c in lexicon.classifiers if not c.isascii() and c[0] not in "单号次本部份组只"]
        )
        self.unit_marker = re.compile(rf"(?:/|每|一|单)\s?(?P<cls>{cjk_classifiers})")
        self.classifier_after = re.compile(
            rf"{cjk_classifiers}|[ \t]{spaced}|[ \t]?{ascii_classifiers}"
        )
        self._classifier_first = frozenset(c[0] for c in lexicon.classifiers) | {" ", "\t"}
        # "a count, not money": _NOT_MONEY_AFTER or a measure word, in one call
        self.count_after = re.compile(
            rf"(?:{_NOT_MONEY_AFTER.pattern})|(?:{self.classifier_after.pattern})"
        )
        self.quantity = re.compile(rf"(?<![a-z0-9.])(?P<num>{NUMBER})\s?(?P<cls>{classifiers})")
        self.bare_quantity = re.compile(
            rf"(?<![a-z0-9.$])(?P<num>{NUMBER})\s{{1,2}}(?=[\d$¥€£{_CN_DIGITS}])"
        )
        time_units = _alternation(list(_TIME_UNITS))
        self.time_span = re.compile(
            rf"(?<![a-z0-9.])(?P<num>\d+|[一两二三四五六七八九十半]+)\s?(?P<u>{time_units})"
        )
        self.per_qty_after = re.compile(
            rf"\s{{0,2}}(?:/|per\s?|每|for)\s{{0,2}}(?P<qty>{NUMBER})?\s?(?P<k>(?:k|w)(?![a-z])|千|万)?"
            rf"\s?(?P<cls>{classifiers})?"
        )

    def find(
        self,
        norm: Normalized,
        chinese: bool,
        vocab: list[Hit],
        category_unit: str | None,
        masked: tuple[tuple[int, int], ...] = (),
        trace: list[tuple[int, int, str]] | None = None,
    ) -> list[FoundPrice]:
        """Every price in the message, in order of appearance; ``trace``, when
        given, receives (start, end, rule) of each candidate a rule refused."""
        text = norm.lower
        if _DIGITISH.search(text) is None:
            return []
        ctx = _Context(text, chinese, vocab, masked, category_unit)
        ctx.trace = trace
        out: list[FoundPrice] = []
        prev_end = 0
        pos = 0
        candidate_match = self.candidate.match
        prefix_search = self.prefix_before.search
        prefix_last = self._prefix_last
        num_group = self._groups[0]
        masked_spans, masked_starts = ctx.masked, ctx.masked_starts
        # Anchored matches at each run of digits (a currency word may stand
        # just before it) are much cheaper than one unanchored search.
        for run in _DIGIT_RUN.finditer(text):
            at = run.start()
            if at < pos:
                continue
            if masked_spans:
                i = bisect_right(masked_starts, at) - 1
                if (i >= 0 and masked_spans[i][1] > at) or (
                    i + 1 < len(masked_spans) and masked_spans[i + 1][0] < at + 1
                ):
                    continue  # digits of a QQ number, a phone, a URL
            m = None
            # a currency word, then up to two spaces, ends right before the number
            lo = pos if pos > at - 8 else at - 8
            if at and _ends_with(text, lo, at, prefix_last):
                prefix = prefix_search(text, lo, at)
                if prefix is not None:
                    m = candidate_match(text, prefix.start())
            if m is None or m.start(num_group) != at:
                m = candidate_match(text, at)
                if m is None:
                    continue
            price, retry = self._judge(m, ctx, prev_end)
            if price is not None:
                out.append(price)
                prev_end = price.end
            if retry is not None:
                pos = retry
            else:
                pos = m.end()
                if pos <= m.start():
                    pos = m.start() + 1
        if "\n" in text:
            lone = _listing_bare_price(text)
            if lone is not None and (not out or out[-1].end <= lone.start(1)):
                # rule "listing price": a market listing's last line is its price,
                # a bare amount there too ("origin lifetime streaming account\n7")
                number = parse_number(lone.group(1))
                if number:
                    currency = "CNY" if chinese else "USD"
                    out.append(
                        FoundPrice(
                            lone.start(1),
                            lone.end(1),
                            number,
                            None,
                            currency,
                            None,
                            None,
                            None,
                            "listing-price",
                        )
                    )
        return out

    # -- one candidate --------------------------------------------------------

    def _judge(
        self, m: re.Match[str], ctx: _Context, prev_end: int
    ) -> tuple[FoundPrice | None, int | None]:
        lex, text = self.lexicon, ctx.text
        start, end = m.span()
        masked = ctx.masked
        if masked:
            i = bisect_right(ctx.masked_starts, start) - 1
            if (i >= 0 and masked[i][1] > start) or (
                i + 1 < len(masked) and masked[i + 1][0] < end
            ):
                # inside a contact (QQ digits, a phone, an IP): retry after the number
                return None, m.end("num")
        raw_num: str
        raw_num2: str | None
        pre: str | None
        pre2: str | None
        suf1: str | None
        suf: str | None
        raw_num, raw_num2, pre, pre2, suf1, suf = m.group(*self._groups)
        num_end = m.end(self._groups[0])
        if raw_num2 is None and suf1:
            # "500$ BTC": the first currency word belongs to the number
            end = m.end("suf1")
            suf, suf1 = suf1, None
        if raw_num[-1] == "一":
            raw_num, cut = _trim_chinese(raw_num, text, num_end)
            if cut:
                end = num_end - cut
                raw_num2 = pre2 = suf = suf1 = None
        currency, factor, factor_max = None, 1.0, 1.0
        if pre:
            currency = lex.currency_prefix[pre]
        elif pre2:
            currency = lex.currency_prefix[pre2]
        if suf1 is not None or suf is not None:
            for word in (suf1, suf):
                if word is None:
                    continue
                word_currency = lex.currency_suffix[word]
                if currency is None or (
                    word not in ("元", "块", "块钱") and pre not in _FIAT_SYMBOLS
                ):
                    currency = word_currency  # "台币350元" stays TWD, "$280 BTC" stays USD
            if suf1:
                factor = lex.subunits.get(suf1, 1.0)
            if suf:
                factor_max = lex.subunits.get(suf, 1.0)
                if not suf1:
                    factor = factor_max
        amount = parse_number(raw_num)
        if amount is None:
            return None, None
        amount *= factor
        amount_max = parse_number(raw_num2) if raw_num2 else None
        if raw_num2 is not None:
            if amount_max is not None and amount_max * factor_max > amount:
                amount_max *= factor_max
                amount = _share_magnitude(raw_num, amount, raw_num2, amount_max)
            else:
                # not a range ("2019 — $8", a date): judge the second part on its own
                return None, m.start("pre2") if pre2 else m.start("num2")
        if suf in ("块", "元") and not raw_num2:
            tenths = _TENTHS_AFTER.match(text, end)
            if tenths:  # "一块五": the digit after 块 is the tenths
                digit = tenths.group(1)
                amount += (_CN_TENTHS.get(digit) or int(digit)) / 10 * factor
                end = tenths.end()
        c = _Candidate(self, m, ctx, start, end, num_end, raw_num, pre, suf1, suf, currency)
        if _refused(NOT_PRICE_RULES, c):
            return None, None
        explicit_currency = currency is not None
        bare_rule = "currency-word"
        if currency is not None:
            if _refused(CURRENCY_RULES, c):
                return None, None
        else:
            rule = self._bare_is_price(m, raw_num, amount, ctx, prev_end, end)
            if rule is None:
                if ctx.trace is not None:
                    ctx.trace.append((start, end, ctx.last_rule))
                return None, None
            bare_rule = rule
            currency = _inherited_currency(ctx, start) or ("CNY" if ctx.chinese else "USD")
        if amount <= 0:
            return None, None
        amount = _round8(amount)
        if amount_max is not None:
            amount_max = _round8(amount_max)
        if explicit_currency:
            ctx.explicit.append((start, currency))
        quantity, unit = self._quantity(start, end, ctx, prev_end)
        period = self._period(start, end, ctx, prev_end)
        return (
            FoundPrice(start, end, amount, amount_max, currency, quantity, unit, period, bare_rule),
            None,
        )

    def _counts_next(self, start: int, end: int, text: str) -> bool:
        """A bare number directly followed by a bare price is that price's quantity."""
        q = self.bare_quantity.match(text, start)
        if q is None or q.end() < end:
            return False
        following = _NUMBER_RE.match(text[q.end() : q.end() + 16])
        if following is None:
            return True
        after = q.end() + following.end()
        return not self.count_after.match(text, after)

    def _blocked(self, start: int, ctx: _Context) -> bool:
        """Money that is not a price: a deposit, a loss, turnover... right before."""
        for e in _any_between(ctx.not_price_ends, start - 8, start):
            if _CLAUSE_END.search(ctx.text, e, start) or _COMMA_OR_DIGIT.search(ctx.text[e:start]):
                continue
            if self._per_unit_before(ctx.text, e, start) or _has_between(
                ctx.price_word_ends, e + 1, start
            ):
                continue  # "带余额 每张15U": the price of the thing, not the balance
            return True
        return False

    @staticmethod
    def _per_unit_before(text: str, lo: int, hi: int) -> bool:
        """``_PER_UNIT_BEFORE`` over ``text[lo:hi]`` ("一台 ", "单张")."""
        end = hi
        while end > lo and text[end - 1].isspace():
            end -= 1  # the pattern ends with its last word, then spaces only
        if end <= lo:
            return False
        c = text[end - 1]
        if not (c in _PER_UNIT_BEFORE_LAST or "\u4e00" <= c <= "\u9fff"):
            return False
        return _PER_UNIT_BEFORE.search(text[lo:hi]) is not None

    def _bare_is_price(
        self, m: re.Match[str], raw_num: str, amount: float, ctx: _Context, prev_end: int, end: int
    ) -> str | None:
        """Whether a number without a currency word is a price: the name of the
        first rule of :data:`BARE_RULES` that decides it, when it says "price",
        else None (its ``--explain`` name is kept in ``ctx.last_rule``)."""
        c = _Bare(self, m, raw_num, amount, ctx, prev_end, end)
        for rule in BARE_RULES:
            if rule.applies(c):
                ctx.last_rule = rule.name
                return rule.name if rule.price else None
        ctx.last_rule = "bare-number-default"
        return None

    # -- quantity and period ----------------------------------------------------

    def _quantities(self, ctx: _Context, lo: int, hi: int) -> list[tuple[int, int, float, str]]:
        """Counted quantities ("5000条", "100个", "1k ") starting in ``[lo, hi)``."""
        text = ctx.text
        if hi <= lo:
            return []
        # both patterns can only start where a number can (_NUMBER_START): try
        # those places in order, as finditer would (non-overlapping)
        places = ctx.number_starts(lo, hi)
        if not places:
            return []
        unit_nouns = ctx.unit_nouns
        found = []
        for q in _matches_at(self.quantity, text, places, lo, min(len(text), hi + 12)):
            value = parse_number(q.group("num"))
            if value is None:
                continue
            cls = q.group("cls")
            if cls in ("万条", "w条"):
                value *= 1e4
            elif cls in ("k条", "千条"):
                value *= 1e3
            unit = self.lexicon.classifiers[cls]
            if (
                cls == "g"
                and _ends_with(text, max(0, q.start() - 4), q.start(), _BANDWIDTH_LAST)
                and _BANDWIDTH_BEFORE.search(text, max(0, q.start() - 4), q.start())
            ):
                continue  # "硬防200G": gigabits, not grams
            noun_start = q.end()
            while noun_start < len(text) and text[noun_start] == " ":
                noun_start += 1
            if unit in ("item", "message", "device"):
                unit = unit_nouns.get(noun_start, unit)
            found.append((q.start(), q.end(), value, unit))
        for q in _matches_at(self.bare_quantity, text, places, lo, min(len(text), hi + 4)):
            if ctx.masked and _inside(ctx.masked, ctx.masked_starts, q.start(), q.end("num")):
                continue  # "QQ 12345678 100元": the QQ number counts nothing
            value = parse_number(q.group("num"))
            if value is not None and value > 1:
                found.append((q.start(), q.end("num"), value, ""))
        found.sort()
        return found

    def _quantity(
        self, start: int, end: int, ctx: _Context, prev_end: int
    ) -> tuple[float | None, str | None]:
        text, default_unit = ctx.text, ctx.category_unit
        per = (
            self.per_qty_after.match(text, end) if _starts_with(text, end, _PER_QTY_FIRST) else None
        )
        if per and (per.group("qty") or per.group("k")) and not _FOR_DURATION.match(text, end):
            value = parse_number(per.group("qty")) if per.group("qty") else 1.0
            if value is not None and (
                per.group("cls") or per.group("k") or "for" not in per.group()
            ):
                value *= _QTY_MULT.get(per.group("k") or "", 1.0)
                unit = self.lexicon.classifiers.get(per.group("cls") or "", default_unit)
                return (value if value != 1 else None), unit
        if (
            _starts_with(text, end, _PER_UNIT_AFTER_FIRST) and _PER_UNIT_AFTER.match(text, end)
        ) or (
            _ends_with(text, max(0, start - 8), start, _UNIT_PRICE_LAST)
            and _UNIT_PRICE_BEFORE.search(text, max(0, start - 8), start)
        ):
            return None, self._unit_named(text, end, end + 6) or default_unit
        thousand = thousand_before(text, prev_end, start, ctx)
        if thousand:
            return _THOUSAND_MULT[thousand.group("mult")], default_unit
        if self._per_unit_before(text, max(prev_end, start - 12), start):
            return None, self._unit_named(text, max(prev_end, start - 12), start) or default_unit
        best: tuple[float | None, str | None] | None = None
        for qs, qe, value, unit in self._quantities(ctx, max(prev_end, start - 24), start):
            if (
                qs >= prev_end
                and start - 12 <= qe <= start
                and not _CLAUSE_END.search(text, qe, start)
                and not (
                    _ends_with(text, max(0, qs - 8), qs, _VOLUME_LAST)
                    and _VOLUME_BEFORE.search(text, max(0, qs - 8), qs)
                )  # "日发10万条"
            ):
                best = (value, unit or default_unit)
            elif qs >= end:
                break
        if best is None:
            # "50 for $450", "1k = $3", "all 150 for", "2 ebooks $40"
            lo = max(prev_end, start - 30)
            if _ends_with(text, lo, start, _FOR_QTY_LAST):
                head = _search_at_numbers(_FOR_QTY_BEFORE, ctx, lo, start)
                if head is not None:
                    best = (parse_number(head.group("num")), default_unit)
        if best is not None and best[0] is not None:
            value, unit = best
            return (value if value != 1 else None), unit
        return None, default_unit

    def _unit_named(self, text: str, lo: int, hi: int) -> str | None:
        """The unit of a per-unit marker ("/台", "一套", "每条") in ``text[lo:hi]``."""
        marker = self.unit_marker.search(text, lo, hi)
        unit = self.lexicon.classifiers.get(marker.group("cls")) if marker else None
        return unit if unit != "item" else None  # 个/套 say nothing: the category does

    def _time_span_at(self, text: str, at: int) -> re.Match[str] | None:
        if at >= len(text):
            return None
        c = text[at]
        if not (c.isdecimal() or c in _TIME_SPAN_FIRST):
            return None
        return self.time_span.match(text, at)

    def _period(self, start: int, end: int, ctx: _Context, prev_end: int) -> str | None:
        text = ctx.text
        all_periods = ctx.periods
        periods = (
            [p for p in all_periods if max(prev_end, start - 6) <= p[1] and p[0] <= end + 3]
            if all_periods and _has_between(ctx.period_starts, max(prev_end, start - 12), end + 3)
            else []
        )
        for ps, pe, period in periods:
            if end <= ps <= end + 3 and not _CLAUSE_END.search(text, end, ps):
                if not _PERIOD_LABEL_AFTER.match(text[pe : pe + 4]):
                    return period  # "300/月", "$81/month" - not a label of the next price
        # the gap ``\s?(?:/|for|per)?\s?`` after the price, read without a regex
        at = end
        if text[at : at + 1].isspace():
            at += 1
        if text.startswith("/", at):
            at += 1
        elif text.startswith("for", at) or text.startswith("per", at):
            at += 3
        if text[at : at + 1].isspace():
            at += 1
        time = self._time_span_at(text, at)
        if time and time.start() - end <= 5:
            found = _time_to_period(time.group("num"), time.group("u"))
            if found:
                return found
        if periods:
            before = [p for ps, pe, p in periods if max(prev_end, start - 6) <= pe <= start]
            if before:
                return before[-1]
        if all_periods:
            lifetime = [
                ps
                for ps, pe, p in all_periods
                if p == "lifetime" and max(prev_end, start - 24) <= ps and pe <= start
            ]
            if lifetime and not _LIFETIME_BREAK.search(text[lifetime[-1] : start]):
                return "lifetime"  # "lifetime license $258", "永久授权版 三千"
        if "/" in text[end : end + 2]:
            slash = _SLASH_UNIT.match(text[end : end + 8])
            if slash:
                unit = slash.group("u")
                for key, value in _TIME_UNITS.items():
                    if unit == key or (
                        unit.startswith(key) and not unit[len(key) : len(key) + 1].isalpha()
                    ):
                        return value
        lo = max(prev_end, start - 8)
        # a time span ending in the last three characters ends with a unit word
        if start > lo and any(c in _TIME_UNIT_LAST for c in text[max(lo, start - 3) : start]):
            match = self.time_span.match
            after = lo
            for at in ctx.number_starts(lo, start):
                if at < after:
                    continue
                t = match(text, at, start)  # as finditer(text, lo, start) would
                if t is None:
                    continue
                after = t.end()
                if t.end() >= start - 2:
                    return _time_to_period(t.group("num"), t.group("u"))
        return None


_COMMA_OR_DIGIT: Final = re.compile(r"[\d,，]")
# Where a number (NUMBER, or a time span's "半") can start: a digit, a Chinese
# numeral or a decimal point, after no letter, digit or point. Every pattern
# here that starts with a number is only tried at these places.
_NUMBER_START: Final = re.compile(rf"[\d.{_CN_DIGITS}半](?<![a-z0-9.][\d.{_CN_DIGITS}半])")


def _search_at_numbers(
    pattern: re.Pattern[str], ctx: _Context, lo: int, hi: int
) -> re.Match[str] | None:
    """``pattern.search(text, lo, hi)`` for a pattern that starts with a number
    (after a lookbehind refusing a letter, digit or point before it)."""
    text = ctx.text
    for at in ctx.number_starts(lo, hi):
        found = pattern.match(text, at, hi)
        if found is not None:
            return found
    return None


def _inherited_currency(ctx: _Context, start: int) -> str | None:
    """A bare amount after "港币 80" in a Chinese ad is HKD too."""
    if not ctx.chinese or not ctx.explicit:
        return None
    before = [cur for at, cur in ctx.explicit if at < start]
    if before and before[-1] not in ("CNY", "BTC", "ETH", "USDT", "LTC", "XMR"):
        return before[-1]
    return None


def thousand_before(
    text: str, prev_end: int, start: int, ctx: _Context | None = None
) -> re.Match[str] | None:
    """ "每千条20": a per-thousand price, its quantity written before it."""
    if ctx is not None and not ctx.has_mei:
        return None
    lo = max(prev_end, start - 8)
    if not _ends_with(text, lo, start, _THOUSAND_LAST):
        return None
    return _PER_THOUSAND_BEFORE.search(text[lo:start])


def _round8(value: float) -> float:
    """``round(value, 8)``, which a whole number needs not (and which costs a
    decimal conversion)."""
    return value if value.is_integer() else round(value, 8)


def _trim_chinese(raw: str, text: str, num_end: int) -> tuple[str, int]:
    """ "三百五一天" reads as 三百五 + 一天: give back a trailing 一 that starts a measure."""
    if len(raw) > 1 and raw[-1] == "一" and raw[0] in _CN_DIGITS:
        following = text[num_end : num_end + 1]
        if following and following in "个台条张套份件只次本克瓶单号天月年周":
            return raw[:-1], 1
    return raw, 0


def _share_magnitude(raw: str, amount: float, raw_max: str, amount_max: float) -> float:
    """ "5-8k" means 5000-8000: the lower end borrows the upper end's multiplier."""
    mult = _MULT_END.search(raw_max)
    if mult and amount > 0 and not _HAS_MULT.search(raw) and amount_max / amount >= 10:
        factor = {"k": 1e3, "w": 1e4, "m": 1e6, "百": 1e2, "千": 1e3, "万": 1e4, "亿": 1e8}[
            mult.group(1)
        ]
        if amount * factor <= amount_max:
            return amount * factor
        return amount
    return amount


def _time_to_period(raw: str, unit_word: str) -> str | None:
    unit = _TIME_UNITS.get(unit_word)
    if unit is None:
        return None
    value = 0.5 if raw == "半" else parse_number(raw)
    if value is None:
        return None
    days = value * _DAYS[unit]
    for period, target in (
        ("hour", 1 / 24),
        ("day", 1),
        ("week", 7),
        ("month", 30),
        ("quarter", 90),
        ("year", 365),
    ):
        if abs(days - target) <= target * 0.04 + 1e-9:
            return period
    return None


class PriceRule(NamedTuple):
    """One named decision: when ``applies``, the candidate is a price or not."""

    name: str
    price: bool
    example: str
    applies: Callable[..., bool]


# -- every candidate: rules that say a number with its words is no price -----
# Applied in order after the number is read (a currency word or not); the
# first that applies refuses it.


class _Candidate:
    """A number read with its currency words, for the rules below."""

    __slots__ = (
        "ctx",
        "currency",
        "end",
        "finder",
        "m",
        "num_end",
        "pre",
        "raw_num",
        "start",
        "suf",
        "suf1",
        "text",
    )

    def __init__(
        self,
        finder: PriceFinder,
        m: re.Match[str],
        ctx: _Context,
        start: int,
        end: int,
        num_end: int,
        raw_num: str,
        pre: str | None,
        suf1: str | None,
        suf: str | None,
        currency: str | None,
    ) -> None:
        self.finder = finder
        self.m = m
        self.ctx = ctx
        self.text = ctx.text
        self.start = start
        self.end = end
        self.num_end = num_end
        self.raw_num = raw_num
        self.pre = pre
        self.suf1 = suf1
        self.suf = suf
        self.currency = currency


def _refused(rules: tuple[PriceRule, ...], c: _Candidate) -> bool:
    """Whether one of ``rules`` refuses the candidate (noted in the trace)."""
    for refusal in rules:
        if refusal.applies(c):
            trace = c.ctx.trace
            if trace is not None:
                trace.append((c.start, c.end, refusal.name))
            return True
    return False


def _cents_are_minutes(c: _Candidate) -> bool:
    return c.suf in ("分", "分钱") and not _CENTS_AFTER.match(c.text[c.end : c.end + 2])


def _a_piece_not_a_yuan(c: _Candidate) -> bool:
    text, end = c.text, c.end
    return (
        c.suf in ("块", "米")
        and not c.suf1
        and c.raw_num in ("一", "两", "二")
        and not text.startswith("钱", end)
        and _CJK_CHAR.match(text[end : end + 1]) is not None
        and not _ONE_OR_EACH.match(text[end : end + 1])
    )


def _a_triangle(c: _Candidate) -> bool:
    return c.suf == "角" and c.raw_num in _CN_LONE and not _MONEY_NEXT.match(c.text, c.end)


def _metres(c: _Candidate) -> bool:
    text, start, num_end = c.text, c.start, c.num_end
    return (c.suf == "米" or c.suf1 == "米") and bool(
        _RADIUS_BEFORE.search(text[max(0, start - 8) : start])
        or _METRES_AFTER.match(text[num_end + 1 : num_end + 16])
    )


def _u_after_a_space(c: _Candidate) -> bool:
    if c.suf != "u" or c.ctx.chinese:
        return False
    at = c.m.start("suf")
    return c.text[at - 1 : at].isspace()


def _part_of_a_token(c: _Candidate) -> bool:
    if c.end >= len(c.text) or c.suf:
        return False
    ch = c.text[c.end]
    return ch.isascii() and ch.isalnum()


def _a_rate_or_a_tier(c: _Candidate) -> bool:
    text, end = c.text, c.end
    if end >= len(text):
        return False
    ch = text[end]
    return ch == "=" or ch == "档" or (ch.isspace() and text[end + 1 : end + 2] == "=")


def _not_for_sale_after(c: _Candidate) -> bool:
    text, end = c.text, c.end
    if end >= len(text):
        return False
    ch = text[end]
    return (ch in _NOT_PRICE_AFTER_FIRST or ch.isspace()) and bool(
        _NOT_PRICE_AFTER.match(text, end)
    )


def _not_for_sale_before(c: _Candidate) -> bool:
    return bool(c.ctx.not_price_ends) and c.finder._blocked(c.start, c.ctx)


def _place_name_or_idiom(c: _Candidate) -> bool:
    return c.raw_num in _IDIOM_NUMERALS and _idiom_at(c.text, c.start, c.end)


def _counts_coins(c: _Candidate) -> bool:
    f = c.finder
    return (
        not c.suf
        and _starts_with(c.text, c.end, f._classifier_first)
        and f.classifier_after.match(c.text, c.end) is not None
    )


def _millions_without_a_sign(c: _Candidate) -> bool:
    return not c.pre and c.raw_num[-1] == "m"


NOT_PRICE_RULES: Final[tuple[PriceRule, ...]] = (
    PriceRule("cents-are-minutes", False, "等10分钟 考了90分", _cents_are_minutes),
    PriceRule("a-piece-not-a-yuan", False, "一块板子", _a_piece_not_a_yuan),
    PriceRule("a-triangle", False, "三角 埋包", _a_triangle),
    PriceRule("metres", False, "覆盖半径500米", _metres),
    PriceRule("u-after-a-space", False, "got 5 u", _u_after_a_space),
    PriceRule("part-of-a-token", False, "btc 1a1zp1", _part_of_a_token),
    PriceRule("a-rate-or-a-tier", False, "1u = 7.25元 10元档", _a_rate_or_a_tier),
    PriceRule("not-for-sale-after", False, "$1,000 deposit", _not_for_sale_after),
    PriceRule("not-for-sale-before", False, "价值800元 被骗了500元", _not_for_sale_before),
    PriceRule("place-name-or-idiom", False, "长三角 一条龙", _place_name_or_idiom),
)
# For an amount with a currency word, then.
CURRENCY_RULES: Final[tuple[PriceRule, ...]] = (
    PriceRule("counts-coins", False, "btc 2个", _counts_coins),
    PriceRule("millions-without-a-sign", False, "5m usdt", _millions_without_a_sign),
)


# -- bare numbers: an ordered list of named rules ---------------------------------
# A number without a currency word is a price only with evidence. Each rule
# names itself, says what it decides when it applies and holds the example that
# motivated it (tests/test_price_rules.py runs every example). The first rule
# that applies decides; none applying means "not a price".


class _Bare:
    """A bare-number candidate, with what several rules look at."""

    __slots__ = (
        "amount",
        "cn_magnitude",
        "ctx",
        "digits",
        "end",
        "finder",
        "m",
        "min_marker",
        "prev_end",
        "raw_num",
        "start",
        "text",
    )

    def __init__(
        self,
        finder: PriceFinder,
        m: re.Match[str],
        raw_num: str,
        amount: float,
        ctx: _Context,
        prev_end: int,
        end: int,
    ) -> None:
        self.finder = finder
        self.m = m
        self.raw_num = raw_num
        self.amount = amount
        self.ctx = ctx
        self.prev_end = prev_end
        self.end = end
        self.text = ctx.text
        self.start = m.start()
        head = raw_num.split(".")[0]
        self.digits = head if head.isdecimal() else _NON_DIGIT.sub("", head)
        self.cn_magnitude = raw_num[0] in _CN_DIGITS and any(c in _CN_MAGNITUDE for c in raw_num)
        self.min_marker = bool(
            "起" in self.text[end : end + 2] and _MIN_MARKER.match(self.text, end)
        )


def _million_suffix(c: _Bare) -> bool:
    return c.raw_num[-1] == "m"


def _counts_something(c: _Bare) -> bool:
    return c.finder.count_after.match(c.text, c.end) is not None


def _time_of_day(c: _Bare) -> bool:
    text, start = c.text, c.start
    return text.startswith(":", c.end) or (
        text[start - 1 : start] in (":", "：") and text[start - 2 : start - 1].isdigit()
    )


def _long_digit_run(c: _Bare) -> bool:
    return len(c.digits) >= 6 and "," not in c.raw_num


def _a_year(c: _Bare) -> bool:
    return (
        len(c.digits) == 4
        and c.digits[:2] in ("19", "20")
        and _YEAR_AFTER.match(c.text[c.end : c.end + 6]) is not None
    )


def _a_volume(c: _Bare) -> bool:
    text, start = c.text, c.start
    num_end = c.m.end("num")
    return text[num_end : num_end + 1] == "+" or (
        _ends_with(text, max(0, start - 8), start, _VOLUME_LAST)
        and _VOLUME_BEFORE.search(text, max(0, start - 8), start) is not None
    )


def _quantity_of_previous(c: _Bare) -> bool:
    text, start = c.text, c.start
    return _ends_with(text, max(0, start - 6), start, _QUANTITY_BEFORE_LAST) and (
        _QUANTITY_BEFORE.search(text, max(0, start - 6), start) is not None
    )


def _counts_next_price(c: _Bare) -> bool:
    return c.finder._counts_next(c.start, c.end, c.text)


def _listing_title_count(c: _Bare) -> bool:
    return 0 <= c.start < c.ctx.listing_at


def _minimum_order(c: _Bare) -> bool:
    return c.min_marker and _MIN_ORDER.match(c.text, c.end) is not None


def _per_unit_before_rule(c: _Bare) -> bool:
    return c.finder._per_unit_before(c.text, max(c.prev_end, c.start - 12), c.start)


def _after_price_word(c: _Bare) -> bool:
    ctx, text, start = c.ctx, c.text, c.start
    if not ctx.price_word_ends:
        return False
    window_start = max(c.prev_end, start - 6)
    for e in _any_between(ctx.price_word_ends, window_start, start):
        if window_start <= e <= start and not _DIGIT_OR_CLAUSE.search(text[e:start]):
            return True
    return False


def _payment_after(c: _Bare) -> bool:
    return not c.ctx.chinese and _PAYMENT_AFTER.match(c.text, c.end) is not None


def _english_bare(c: _Bare) -> bool:
    return not c.ctx.chinese


def _lone_chinese_digit(c: _Bare) -> bool:
    return c.raw_num[0] in _CN_DIGITS and not c.cn_magnitude


def _exchange_minimum(c: _Bare) -> bool:
    return c.min_marker and _EXCHANGE_HINT.search(c.text) is not None


def _per_unit_or_from(c: _Bare) -> bool:
    if c.min_marker:
        return True
    return (
        _starts_with(c.text, c.end, _PER_UNIT_AFTER_FIRST)
        and _PER_UNIT_AFTER.match(c.text, c.end) is not None
    )


def _bare_range(c: _Bare) -> bool:
    return bool(c.m.group("num2")) and c.amount >= 10


def _period_after(c: _Bare) -> bool:
    return _has_between(c.ctx.period_starts, c.end, c.end + 2)


def _period_before(c: _Bare) -> bool:
    return _has_between(c.ctx.period_ends, c.start - 3, c.start)


def _package_before(c: _Bare) -> bool:
    text, start, prev_end = c.text, c.start, c.prev_end
    for qs, qe, value, unit in c.finder._quantities(c.ctx, max(prev_end, start - 14), start):
        if unit and (
            qs >= prev_end and start - 10 <= qe <= start and not _CLAUSE_END.search(text, qe, start)
        ):
            if value > 1:
                return len(c.digits) < 5
    return False


def _per_thousand_before(c: _Bare) -> bool:
    return thousand_before(c.text, c.prev_end, c.start, c.ctx) is not None


def _volume_shape(c: _Bare) -> bool:
    return len(c.digits) >= 5 or not _PRICE_END.match(c.text, c.end)


def _price_list_line(c: _Bare) -> bool:
    return (
        _LINE_END.match(c.text, c.end) is not None
        and c.text[c.start - 1 : c.start] in (" ", "\t")
        and c.ctx.names_currency()
    )


def _others_name_currency(c: _Bare) -> bool:
    return c.ctx.names_currency()


def _written_magnitude(c: _Bare) -> bool:
    return c.cn_magnitude and c.amount >= 100


def _multiplier_magnitude(c: _Bare) -> bool:
    return c.raw_num[-1] in "kw万千" and c.amount >= 100


_MIN_ORDER: Final = re.compile(r"[ \t]?起(?:发|订|批|拍|做|送|售|卖|购|收)")

BARE_RULES: Final[tuple[PriceRule, ...]] = (
    PriceRule("million-suffix", False, "5m users", _million_suffix),
    PriceRule("counts-something", False, "5000条 30天 10%", _counts_something),
    PriceRule("time-of-day", False, "10:30 到货", _time_of_day),
    PriceRule("long-digit-run", False, "订单 2019052312 已发", _long_digit_run),
    PriceRule("a-year", False, "2018年 老数据", _a_year),
    PriceRule("a-volume", False, "日发2w 10万+", _a_volume),
    PriceRule("quantity-of-previous-price", False, "$16 per 1000", _quantity_of_previous),
    PriceRule("counts-the-next-price", False, "1千 一百五", _counts_next_price),
    PriceRule("minimum-order", False, "30k起发 每条0.3元", _minimum_order),
    PriceRule(
        "listing-title-count", False, "低价处理100W新浪账号\n12.54  [美元]", _listing_title_count
    ),
    PriceRule("per-unit-before", True, "一台 2.8w", _per_unit_before_rule),
    PriceRule("price-word-before", True, "价格300 / price: 50", _after_price_word),
    PriceRule("payment-method-after", True, "[H] 200 LR [W] 180 PP", _payment_after),
    PriceRule("english-needs-evidence", False, "top 10 shops", _english_bare),
    PriceRule("lone-chinese-digit", False, "零二 的货", _lone_chinese_digit),
    PriceRule("exchange-minimum", False, "收U 一万起", _exchange_minimum),
    PriceRule("per-unit-after-or-from", True, "300/月 3元一条 500起", _per_unit_or_from),
    PriceRule("bare-range", True, "800~1500看证件", _bare_range),
    PriceRule("period-after", True, "300包月", _period_after),
    PriceRule("period-before", True, "月租300 天卡 15", _period_before),
    PriceRule("package-before", True, "5000条300 100个肉鸡50", _package_before),
    PriceRule("per-thousand-before", True, "每千条20", _per_thousand_before),
    PriceRule("volume-shape", False, "3w节点", _volume_shape),
    PriceRule("price-list-line", True, "陌陌号 15\n微信号 20元", _price_list_line),
    PriceRule("others-name-currency", False, "5万 数据 300元", _others_name_currency),
    PriceRule("written-magnitude", True, "两千 三百五", _written_magnitude),
    PriceRule("multiplier-magnitude", True, "出号 5k", _multiplier_magnitude),
)
