"""Is a message an offer, and with which intent (sell, buy, exchange)?

A transparent score: intent cues, category evidence, a stated price and a
contact speak for an offer; chatter cues (questions, scam complaints,
warnings, news, vouches) speak against it. Every cue that counted is kept
as evidence with its span.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final, NamedTuple

from undersight.extract.matcher import Hit
from undersight.extract.records import evidence as make_evidence
from undersight.model import Evidence
from undersight.text.normalize import Normalized

# Two payment methods or currencies joined by a swap marker: "PP > BTC",
# "USDT换RMB". ``_swapped`` decides whether the pattern in the tests
# (tests/test_extract_fast_paths.py, ``PLAIN_SWAP``) matches anywhere, without
# the regex engine, which would try the currency words at nearly every letter.
# Its currency words, spelled out (``gift ?cards?`` is four of them).
_SWAP_WORDS: Final = [
    "paypal",
    "pp",
    "btc",
    "bitcoin",
    "lr",
    "wmz",
    "webmoney",
    "pm",
    "usdt",
    "eth",
    "ltc",
    "xmr",
    "skrill",
    "cashapp",
    "zelle",
    "venmo",
    "revolut",
    "payoneer",
    "giftcard",
    "giftcards",
    "wu",
    "usd",
    "eur",
    "rmb",
    "cny",
    "u",
    "人民币",
    "支付宝",
    "微信",
    "银行卡",
    "$",
    "€",
    "£",
    "liberty reserve",
    "perfect money",
    "cash app",
    "gift card",
    "gift cards",
]
_SWAP_ARROWS: Final = ("->", "=>", ">", "→", "to", "for", "换", "兑", "⇄", "<->", "<>")


def _by(words: list[str], index: int) -> dict[str, tuple[str, ...]]:
    grouped: dict[str, list[str]] = {}
    for word in words:
        grouped.setdefault(word[index], []).append(word)
    return {c: tuple(ws) for c, ws in grouped.items()}


# The currency before the marker, by last character; the one after, by first.
_SWAP_FROM: Final = _by([*_SWAP_WORDS, "amazon gc"], -1)
_SWAP_TO: Final = _by([*_SWAP_WORDS, "amazon"], 0)
# Where a marker starts: a marker's first character, the "t" of "to" or the
# "f" of "for" (written to start with one character class, which the engine
# skips ahead to).
_SWAP_MARK: Final = re.compile(r"[-=>→换兑⇄<tf](?:(?<=t)(?=o)|(?<=f)(?=or)|(?<=[^tf]))")
# Markers by first character.
_SWAP_ARROWS_AT: Final = _by(list(_SWAP_ARROWS), 0)
_SWAP_GAP_BEFORE: Final = frozenset(".,$€£%k")  # and whitespace and digits
_SWAP_GAP_AFTER: Final = frozenset(".,$€£")  # and whitespace and digits
_ASCII_LOWER: Final = frozenset("abcdefghijklmnopqrstuvwxyz")


# What _swapped decides without a regex, in its readable form (a test holds
# them together on 40,000 random texts).
PLAIN_SWAP: Final = re.compile(
    r"(?:paypal|pp|btc|bitcoin|lr|liberty reserve|wmz|webmoney|perfect money|pm|usdt|eth|ltc|xmr|"
    r"skrill|cashapp|cash app|zelle|venmo|revolut|payoneer|amazon gc|gift ?cards?|wu|"
    r"usd|eur|rmb|cny|u|人民币|支付宝|微信|银行卡|\$|€|£)"
    r"[\s\d.,$€£%k]{0,12}(?:->|=>|>|→|to|for|换|兑|⇄|<->|<>)\s*[\d.,$€£\s]{0,12}"
    r"(?:paypal|pp|btc|bitcoin|lr|liberty reserve|wmz|webmoney|perfect money|pm|usdt|eth|ltc|xmr|"
    r"skrill|cashapp|cash app|zelle|venmo|revolut|payoneer|amazon|gift ?cards?|wu|"
    r"usd|eur|rmb|cny|u|人民币|支付宝|微信|银行卡|\$|€|£)(?![a-z])"
)


def _swapped(lower: str) -> bool:
    """Whether the swap pattern matches somewhere in ``lower``: a currency, at
    most 12 gap characters, a marker, whitespace and at most 12 more gap
    characters, a currency not followed by a letter."""
    n = len(lower)
    mark = _SWAP_MARK.search(lower)
    while mark is not None:
        at = mark.start()
        if _currency_before(lower, at):
            for arrow in _SWAP_ARROWS_AT[lower[at]]:
                if lower.startswith(arrow, at) and _currency_after(lower, at + len(arrow), n):
                    return True
        mark = _SWAP_MARK.search(lower, at + 1)  # as finditer: each match is one character
    return False


def _currency_before(lower: str, at: int) -> bool:
    """A currency word ends at ``at``, or before a gap of at most 12 characters."""
    end = at
    while True:
        if end > 0:
            for word in _SWAP_FROM.get(lower[end - 1], ()):
                if lower.endswith(word, 0, end):
                    return True
        if end == 0 or at - end >= 12:
            return False
        c = lower[end - 1]
        if not (c in _SWAP_GAP_BEFORE or c.isspace() or c.isdecimal()):
            return False
        end -= 1


def _currency_after(lower: str, at: int, n: int) -> bool:
    """After whitespace and at most 12 gap characters from ``at``, a currency
    word not followed by a letter."""
    spaces = at
    while spaces < n and lower[spaces].isspace():
        spaces += 1
    limit = spaces + 12
    start = at
    while start < n and start <= limit:
        for word in _SWAP_TO.get(lower[start], ()):
            end = start + len(word)
            if lower.startswith(word, start) and (end >= n or lower[end] not in _ASCII_LOWER):
                return True
        c = lower[start]
        if not (c in _SWAP_GAP_AFTER or c.isspace() or c.isdecimal()):
            return False
        start += 1
    return False


_CURRENCY: Final = (
    r"(?:usdt|u|btc|bitcoin|eth|ltc|xmr|trx|人民币|rmb|现金|cash|paypal|pp|skrill|payoneer|支付宝|微信|"
    r"银行卡|usd|eur|美金|美元|港币|台币|gift ?cards?)"
)
# 收U出U, 收ETH 出人民币, selling 2 BTC for cash, buying Payoneer ... paying in USDT
_PAIRED_CN: Final = rf"\s?{_CURRENCY}.{{0,12}}(?:收|出|换|兑)\s?{_CURRENCY}"
_PAIRED_EN: Final = (
    rf"\s+(?:my\s+)?[\d.,]*\s?(?:k\s)?{_CURRENCY}\b.{{0,40}}?"
    rf"(?:\bfor\b|paying in|pay in|in exchange for)\s+(?:your\s+)?[\d.,$€£]*\s?{_CURRENCY}(?![a-z])"
)
# Every alternative starts with a literal character, so a search skips ahead
# to those: "(?:收|出)X" is written "收X|出X", "\bmy" as "m(?<!\wm)y".
_PAIRED: Final = re.compile(
    rf"收{_PAIRED_CN}|出{_PAIRED_CN}|买{_PAIRED_CN}|卖{_PAIRED_CN}"
    rf"|selling{_PAIRED_EN}|buying{_PAIRED_EN}|sell{_PAIRED_EN}|buy{_PAIRED_EN}"
    rf"|m(?<!\wm)y\s+[\d.,$€£]*\s?{_CURRENCY}\b.{{0,20}}\bfor\s+your\b"
)
# Asking who sells something is a buy request, not a question to discount.
_REQUEST_QUESTION: Final = re.compile(
    r"有人出|谁有|有没有|哪里有|哪位.{0,4}有|有卖|有人卖|谁卖|哪里买|哪有|哪儿有|有出"
    r"|anyone (?:selling|sell|have|has|got)|who (?:has|sells)|where (?:can i|to) (?:buy|get)"
)
# "有没有需要的老板" asks who wants to buy: a sales pitch, not a request.
_SALES_PITCH: Final = re.compile(
    r"有没有(?:人|老板|兄弟)?(?:需要|要)|需要的|要的(?:私|找|联系)|anyone need"
)
# A question: a request question is a buy request only when it asks.
_ASKS: Final = re.compile(r"吗|嘛|\?|？|有没有")
_HAVE_WANT: Final = re.compile(
    r"\[h\].{0,80}\[[wn]\]|\(h\).{0,80}\([wn]\)"
    r"|h(?<!\wh)ave\b.{0,60}\b(?:want|need|needing|looking for)\b"
)


# Words one of which a message must hold to be checked for _PAIRED.
_PAIR_GATE: Final = re.compile("收|出|买|卖|sell|buy|my ")


def _swap_bonus(lower: str) -> float:
    """Evidence that a message swaps one currency or payment method for another."""
    if ("[h]" in lower or "(h)" in lower or "have" in lower) and _HAVE_WANT.search(lower):
        return 3.0
    if _PAIR_GATE.search(lower) is not None and _PAIRED.search(lower):
        return 3.0  # both sides of a swap are named
    if _swapped(lower):
        return 1.5
    return 0.0


class CueScore:
    """What a message's cues say, before its prices are known: the offer
    decision then needs only whether it states a price (:meth:`intent`)."""

    __slots__ = (
        "best_category",
        "chatter",
        "contact",
        "evidence",
        "intent_strength",
        "request",
        "signals",
        "totals",
    )

    def __init__(
        self,
        totals: dict[str, float],
        evidence: tuple[Evidence, ...],
        best_category: float,
        has_contact: bool,
        request: bool = False,
    ) -> None:
        self.totals = totals
        self.request = request  # asks who sells something: a buy request
        self.evidence = evidence
        self.best_category = best_category
        self.intent_strength = totals["sell"] + totals["buy"] + totals["exchange"] + totals["other"]
        self.signals = 0.8 * min(self.intent_strength, 3.0) + 0.8 * min(best_category, 2.0)
        self.contact = 0.3 * has_contact
        self.chatter = 0.9 * totals["chatter"]

    def could_be_offer(self) -> bool:
        """Whether some price could make the message an offer: when not, its
        prices need not be looked for (the score only grows with a price)."""
        return self._offer(self._score(True, True), True)

    def score(self, has_price: bool, structured_price: bool) -> float:
        """The lexicon's offer score given the price evidence (offer at 1.8)."""
        return self._score(has_price, structured_price)

    def _score(self, has_price: bool, structured_price: bool) -> float:
        return (
            self.signals
            + 1.0 * has_price
            + 0.3 * structured_price  # "82美金/1000条": a package or a billing period
            + self.contact
            - self.chatter
        )

    def _offer(self, score: float, has_price: bool) -> bool:
        return score >= 1.8 and (
            self.best_category >= 0.5 or has_price or self.intent_strength >= 2.0
        )

    def intent(self, has_price: bool, structured_price: bool = False) -> str | None:
        """The offer's intent (sell, buy, exchange, other), or ``None`` when the
        message is not an offer, given whether it states a price and whether
        one has a package quantity or a billing period."""
        if not self._offer(self._score(has_price, structured_price), has_price):
            return None
        return self.intent_rule()[1]

    def intent_rule(self) -> tuple[str, str]:
        """The first rule of :data:`INTENT_RULES` that applies: (name, intent)."""
        for rule in INTENT_RULES:
            if rule.applies(self):
                return rule.name, rule.intent
        return "sell-by-default", "sell"


class IntentRule(NamedTuple):
    """One named intent decision, with the example that motivated it."""

    name: str
    intent: str
    example: str
    applies: Callable[[CueScore], bool]


def _exchange_cues(c: CueScore) -> bool:
    t = c.totals
    return t["exchange"] >= 1.5 and t["exchange"] >= max(t["sell"], t["buy"]) * 0.6


def _job_or_partner(c: CueScore) -> bool:
    t = c.totals
    return t["other"] >= 1.5 and t["other"] >= max(t["sell"], t["buy"]) * 0.8


def _request_question(c: CueScore) -> bool:
    return c.request


def _buy_outweighs_sell(c: CueScore) -> bool:
    return c.totals["buy"] > c.totals["sell"]


INTENT_RULES: Final[tuple[IntentRule, ...]] = (
    IntentRule("exchange-cues", "exchange", "收U出U 汇率7.2 / [H] $50 PP [W] BTC", _exchange_cues),
    IntentRule(
        "job-or-partner", "other", "招聘 业务员 日结 / looking for a partner", _job_or_partner
    ),
    IntentRule("request-question", "buy", "有卖叶子的吗 / anyone selling cvv?", _request_question),
    IntentRule("buy-outweighs-sell", "buy", "求购 四件套 / WTB fresh logs", _buy_outweighs_sell),
)


# _lead's readable form: how many characters this matches at the start.
PLAIN_LEAD: Final = re.compile(r"^[\s\W_]{0,6}")


def _lead(text: str) -> int:
    r"""The leading position of a message, where WTB/求购/收 decide the intent:
    how many of the first six characters come before the first letter or
    digit (``^[\s\W_]{0,6}``: in ``re``, a word character is ``str.isalnum``
    or ``_``)."""
    n = min(len(text), 6)
    i = 0
    while i < n and not text[i].isalnum():
        i += 1
    return i


def score_cues(
    norm: Normalized,
    cue_hits: list[Hit],
    category_scores: dict[str, float],
    has_contact: bool,
    listing: bool = False,
) -> CueScore:
    """Sum the intent and chatter cues of a message (each distinct term once);
    a market listing's layout (a title, then a line holding only its price)
    is a sell cue of its own (rule "listing price")."""
    totals = {"sell": 0.0, "buy": 0.0, "exchange": 0.0, "other": 0.0, "chatter": 0.0}
    if listing:
        totals["sell"] = 1.5
    lower = norm.lower
    lead_end = _lead(lower) + 1
    request = None  # computed when a question mark needs it
    evidence: list[Evidence] = []
    seen: set[tuple[str, str]] = set()
    to_original = norm.to_original
    for start, end, entries in cue_hits:
        term = lower[start:end]
        for kind, _, weight in entries:
            key = (kind, term)
            if key in seen:
                continue
            seen.add(key)
            if kind in ("sell", "buy") and start <= lead_end:
                weight *= 2.0  # "收…", "WTB …", "出售…" opening the message
            if kind == "chatter" and term in ("吗", "?", "呢"):
                if request is None:
                    request = _REQUEST_QUESTION.search(lower) is not None
                if request:
                    continue  # "有人出金吗?" asks for a seller
            totals[kind] = totals.get(kind, 0.0) + weight
            evidence.append(make_evidence(kind, to_original(start, end)))

    totals["exchange"] += _swap_bonus(lower)
    best_category = max(category_scores.values(), default=0.0)
    asks = False
    if _ASKS.search(lower) is not None:  # only a question can be a request
        if request is None:
            request = _REQUEST_QUESTION.search(lower) is not None
        asks = request and _SALES_PITCH.search(lower) is None
    return CueScore(totals, tuple(evidence), best_category, has_contact, asks)
