"""Prices: amount, range, currency, quantity, unit and billing period, with spans.

Candidates come from one compiled pattern (optional currency before, a
number in any written form, an optional range, an optional currency after).
A candidate with a currency is a price unless money-not-for-sale words
(deposit, loss, turnover...) stand right before it. A bare number is a price
only with evidence: a price word before it, a per-unit or period marker after
it, or a package quantity right before it ("5000条300").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from undersight.extract.matcher import Hit
from undersight.lexicon import Lexicon
from undersight.text.normalize import Normalized
from undersight.text.numbers import parse_number

_ARABIC = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
NUMBER = (
    rf"(?:(?:{_ARABIC})(?:[kwm](?![a-z])|\s?[百千万亿])(?:\d(?![\d.,]))?"
    rf"|(?:{_ARABIC})"
    rf"|[{_CN_DIGITS}]{{1,10}}(?:点[{_CN_DIGITS}]{{1,3}})?)"
)
_RANGE_SEP = r"(?:-|~|～|—|–|到|至|to(?=\s*[\d$¥€£]))"
_CLAUSE_END = re.compile(r"[。！？!?;；\n|]")
_TIME_UNITS = {
    "小时": "hour", "h": "hour", "hr": "hour", "hrs": "hour", "hour": "hour", "hours": "hour",
    "天": "day", "日": "day", "day": "day", "days": "day", "d": "day",
    "周": "week", "星期": "week", "week": "week", "weeks": "week", "wk": "week",
    "个月": "month", "月": "month", "month": "month", "months": "month", "mo": "month",
    "年": "year", "year": "year", "years": "year", "yr": "year", "yrs": "year",
}
_DAYS = {"hour": 1 / 24, "day": 1, "week": 7, "month": 30, "year": 365}
# After a bare number, these say it counts something other than money.
_NOT_MONEY_AFTER = (
    "%", "％", "gb", "mb", "kb", "tb", "g", "t", "m", "人", "岁", "号", "点", "楼", "层", "级", "倍",
    "折", "分", "秒", "分钟", "min", "mins", "sec", "x", "k", "w", "+", "手", "位", "线", "核", "兆",
    "mbps", "gbps", "ms", "fps", "st", "nd", "rd", "th", "次", "年", "月", "日", "天", "周",
)


def _alternation(words: list[str]) -> str:
    parts = []
    for w in sorted(set(words), key=len, reverse=True):
        escaped = re.escape(w)
        if w[-1].isascii() and w[-1].isalnum():
            escaped += r"(?![a-z0-9])"
        parts.append(escaped)
    return "(?:" + "|".join(parts) + ")"


@dataclass(frozen=True, slots=True)
class FoundPrice:
    """A price in normalized-text coordinates, before currency conversion."""

    start: int
    end: int
    amount: float
    amount_max: float | None
    currency: str
    quantity: float | None
    unit: str | None
    period: str | None


class PriceFinder:
    """Compiled price patterns for one lexicon."""

    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        pre = _alternation(list(lexicon.currency_prefix))
        suf = _alternation(list(lexicon.currency_suffix))
        self.candidate = re.compile(
            rf"(?<![a-z0-9.,_/#@])(?:(?P<pre>{pre})\s{{0,2}})?(?P<num>{NUMBER})"
            rf"(?:\s{{0,2}}{_RANGE_SEP}\s{{0,2}}(?:(?P<pre2>{pre})\s{{0,2}})?(?P<num2>{NUMBER}))?"
            rf"(?:\s{{0,2}}(?P<suf>{suf}))?"
        )
        classifiers = list(lexicon.classifiers)
        self.classifier_after = re.compile(r"\s?" + _alternation(classifiers))
        self.quantity = re.compile(
            rf"(?<![a-z0-9.])(?P<num>{NUMBER})\s?(?P<cls>{_alternation(classifiers)})"
        )
        time_units = _alternation(list(_TIME_UNITS))
        self.time_after = re.compile(r"\s?(?P<n>)" + time_units)
        self.time_span = re.compile(rf"(?<![a-z0-9.])(?P<num>\d+|[一两二三四五六七八九十半]+)\s?(?P<u>{time_units})")
        self.not_money_after = re.compile(r"\s?" + _alternation(list(_NOT_MONEY_AFTER)))
        self.per_unit_after = re.compile(
            rf"\s{{0,2}}(?:/|每|一|per\s|each|ea\b|a\s(?:piece|pc|unit)|/pc|/ea)\s{{0,2}}"
            rf"(?P<qty>{NUMBER})?\s?(?P<cls>{_alternation(classifiers)})?"
        )
        self.per_thousand_before = re.compile(r"每\s?(?P<mult>[千万百])\s?(?P<cls>条|个|次|粉)?$")
        self.for_qty_after = re.compile(
            rf"\s{{0,2}}(?:for|per|/)\s{{0,2}}(?P<qty>{NUMBER})\s?(?P<cls>{_alternation(classifiers)})"
        )

    # -- candidates ---------------------------------------------------------

    def find(
        self, norm: Normalized, chinese: bool, vocab: list[Hit], category_unit: str | None
    ) -> list[FoundPrice]:
        text = norm.lower
        if not any(ch.isdigit() or ch in _CN_DIGITS for ch in text):
            return []
        periods = [(h.start, h.end, e[1]) for h in vocab for e in h.entries if e[0] == "period"]
        not_price_ends = [h.end for h in vocab if any(e[0] == "not_price" for e in h.entries)]
        price_word_ends = [h.end for h in vocab if any(e[0] == "price_word" for e in h.entries)]
        unit_nouns = {h.start: e[1] for h in vocab for e in h.entries if e[0] == "unit_noun"}
        quantities = self._quantities(text, unit_nouns)

        out: list[FoundPrice] = []
        prev_end = 0
        for m in self.candidate.finditer(text):
            price = self._judge(
                m, text, chinese, prev_end, periods, not_price_ends, price_word_ends,
                quantities, category_unit,
            )
            if price is not None:
                out.append(price)
                prev_end = price.end
        return out

    def _judge(
        self,
        m: re.Match[str],
        text: str,
        chinese: bool,
        prev_end: int,
        periods: list[tuple[int, int, str]],
        not_price_ends: list[int],
        price_word_ends: list[int],
        quantities: list[tuple[int, int, float, str]],
        category_unit: str | None,
    ) -> FoundPrice | None:
        lex = self.lexicon
        start, end = m.start(), m.end()
        raw_num, raw_num2 = m.group("num"), m.group("num2")
        pre, pre2, suf = m.group("pre"), m.group("pre2"), m.group("suf")
        cjk_number = raw_num[0] in _CN_DIGITS
        if not (pre or suf or pre2) and m.group("num2") is None and raw_num.strip() in ("", "."):
            return None
        currency = None
        factor = 1.0
        if pre:
            currency = lex.currency_prefix[pre]
        elif pre2:
            currency = lex.currency_prefix[pre2]
        if suf:
            currency = lex.currency_suffix[suf]
            factor = lex.subunits.get(suf, 1.0)
            if suf in ("块", "米") and (cjk_number and not text.startswith("钱", end)):
                return None
            if suf == "u" and not chinese and text[m.start("suf") - 1 : m.start("suf")].isspace():
                return None
        amount = parse_number(raw_num)
        if amount is None:
            return None
        amount_max = parse_number(raw_num2) if raw_num2 else None
        if raw_num2 and (amount_max is None or amount_max <= amount):
            # not a range after all (a date, a phone number...): keep the first number only
            if currency is None:
                return None
            amount_max = None
            end = m.end("num") if not suf else end
        if not suf and end < len(text) and text[end].isascii() and text[end].isalnum():
            return None  # part of a longer token: "btc 1A1zP1...", "v2ray"
        if self._blocked_by(start, text, not_price_ends):
            return None

        if currency is None:
            if cjk_number or not self._bare_is_price(
                m, text, raw_num, periods, price_word_ends, quantities, prev_end
            ):
                return None
            currency = "CNY" if chinese else "USD"
        elif raw_num.endswith("m") and currency is None:
            return None
        if amount <= 0:
            return None
        amount = round(amount * factor, 8)
        if amount_max is not None:
            amount_max = round(amount_max * factor, 8)

        quantity, unit = self._quantity(start, end, text, prev_end, quantities, category_unit)
        period = self._period(start, end, text, prev_end, periods)
        return FoundPrice(start, end, amount, amount_max, currency, quantity, unit, period)

    # -- evidence for bare numbers -------------------------------------------

    def _bare_is_price(
        self,
        m: re.Match[str],
        text: str,
        raw_num: str,
        periods: list[tuple[int, int, str]],
        price_word_ends: list[int],
        quantities: list[tuple[int, int, float, str]],
        prev_end: int,
    ) -> bool:
        start, end = m.start(), m.end()
        digits = re.sub(r"\D", "", raw_num.split(".")[0])
        if raw_num.endswith("m"):
            return False
        if self.not_money_after.match(text, end) or self.classifier_after.match(text, end):
            # "5000条", "30天", "10%": a count, not money - unless a per-unit slash follows a price word
            return False
        if text.startswith(":", end) or text[start - 1 : start] in (":", "：") and re.match(r"\d", text[start - 3 : start - 1] or "x"):
            return False
        if len(digits) >= 6 and "," not in raw_num:
            return False
        if re.fullmatch(r"(?:19|20)\d\d", digits) and not raw_num.endswith(("k", "w")):
            return False
        after = text[end : end + 12]
        if self.per_unit_after.match(text, end) and re.match(r"\s{0,2}(?:/|每|per\s|each|ea\b|一[个台条张套份件只次])", after):
            return True
        if any(ps - end <= 2 and ps >= end for ps, _, _ in periods):
            return True
        window_start = max(prev_end, start - 6)
        if any(window_start <= e <= start and not _CLAUSE_END.search(text, e, start) for e in price_word_ends):
            gap = text[max(window_start, 0) : start]
            if not re.search(r"\d", gap):
                return True
        if any(pe <= start and pe >= start - 3 for _, pe, _ in periods):
            return True
        for qs, qe, _, _ in quantities:
            if qe <= start and qe >= max(prev_end, start - 10) and qs >= prev_end:
                if not _CLAUSE_END.search(text, qe, start):
                    return True
        return False

    def _blocked_by(self, start: int, text: str, not_price_ends: list[int]) -> bool:
        for e in not_price_ends:
            if start - 8 <= e <= start and not _CLAUSE_END.search(text, e, start):
                gap = text[e:start]
                if not re.search(r"[\d,，]", gap):
                    return True
        return False

    # -- quantity and period --------------------------------------------------

    def _quantities(self, text: str, unit_nouns: dict[int, str]) -> list[tuple[int, int, float, str]]:
        found = []
        for q in self.quantity.finditer(text):
            value = parse_number(q.group("num"))
            if value is None:
                continue
            cls = q.group("cls")
            if cls in ("万条", "w条"):
                value *= 1e4
            elif cls in ("k条", "千条"):
                value *= 1e3
            unit = self.lexicon.classifiers[cls]
            noun_start = q.end()
            while noun_start < len(text) and text[noun_start] == " ":
                noun_start += 1
            unit = unit_nouns.get(noun_start, unit) if unit in ("item", "message") else unit
            found.append((q.start(), q.end(), value, unit))
        return found

    def _quantity(
        self,
        start: int,
        end: int,
        text: str,
        prev_end: int,
        quantities: list[tuple[int, int, float, str]],
        category_unit: str | None,
    ) -> tuple[float | None, str | None]:
        after = self.for_qty_after.match(text, end)
        if after:
            value = parse_number(after.group("qty"))
            if value is not None:
                return (value if value != 1 else None), self.lexicon.classifiers[after.group("cls")]
        per = re.match(
            rf"\s{{0,2}}(?:/|per\s?|每)\s{{0,2}}(?P<qty>{NUMBER})?\s?(?P<k>k|千|万|w)?(?P<rest>[^\s\d]{{0,4}})",
            text[end : end + 20],
        )
        if per and (per.group("qty") or per.group("k")):
            value = parse_number(per.group("qty")) if per.group("qty") else 1.0
            if value is not None:
                k = per.group("k")
                value *= {"k": 1e3, "千": 1e3, "万": 1e4, "w": 1e4}.get(k or "", 1.0)
                unit = None
                for cls, u in self.lexicon.classifiers.items():
                    if per.group("rest").startswith(cls):
                        unit = u
                        break
                return (value if value != 1 else None), unit or category_unit
        if per or re.match(r"\s{0,2}(?:一[条个台张套份件只]|each|ea\b|a piece|apiece)", text[end : end + 12]):
            return None, category_unit
        head = text[max(prev_end, start - 8) : start]
        thousand = self.per_thousand_before.search(head.rstrip(" :：,，"))
        if thousand:
            return {"千": 1e3, "万": 1e4, "百": 1e2}[thousand.group("mult")], category_unit
        best = None
        for qs, qe, value, unit in quantities:
            if qs >= prev_end and start - 10 <= qe <= start and not _CLAUSE_END.search(text, qe, start):
                best = (value, unit)
            elif qs >= end:
                break
        if best is not None:
            value, unit = best
            return (value if value != 1 else None), unit
        return None, category_unit

    def _period(
        self, start: int, end: int, text: str, prev_end: int, periods: list[tuple[int, int, str]]
    ) -> str | None:
        after = [(ps, pe, p) for ps, pe, p in periods if end <= ps <= end + 3]
        for ps, pe, period in after:
            labels_next_price = re.match(r"\s{0,2}[:：]?\s{0,2}[\d$¥€£]", text[pe : pe + 4])
            if not _CLAUSE_END.search(text, end, ps) and not labels_next_price:
                return period
        time = self.time_span.match(text, end + (1 if text[end : end + 1] in "/ " else 0))
        if time and (text[end : end + 1] == "/" or time.start() - end <= 1):
            return _time_to_period(time.group("num"), time.group("u"))
        before = [(ps, pe, p) for ps, pe, p in periods if max(prev_end, start - 6) <= pe <= start]
        if before:
            return before[-1][2]
        slash = re.match(r"\s?/\s?(?P<u>[a-z\u4e00-\u9fff]{1,6})", text[end : end + 8])
        if slash:
            unit = slash.group("u")
            for key, value in _TIME_UNITS.items():
                if unit == key or unit.startswith(key) and not unit[len(key):len(key) + 1].isalpha():
                    return value
        for t in self.time_span.finditer(text, max(prev_end, start - 8), start):
            if t.end() >= start - 2:
                return _time_to_period(t.group("num"), t.group("u"))
        return None


def _time_to_period(raw: str, unit_word: str) -> str | None:
    unit = _TIME_UNITS.get(unit_word)
    if unit is None:
        return None
    value = 0.5 if raw == "半" else parse_number(raw)
    if value is None:
        return None
    days = value * _DAYS[unit]
    for period, target in (("hour", 1 / 24), ("day", 1), ("week", 7), ("month", 30), ("quarter", 90), ("year", 365)):
        if abs(days - target) <= target * 0.04 + 1e-9:
            return period
    if unit == "month" and value == 1:
        return "month"
    return None
