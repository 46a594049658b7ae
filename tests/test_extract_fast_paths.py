"""The extractor's speed work must not change what it finds: regexes rewritten
so the engine can skip ahead give the same matches as the plain forms, the
Rust and the pure Aho-Corasick backends give the same hits, and a range
starting at zero no longer crashes."""

from __future__ import annotations

import json
import random
import re

import pytest

from conftest import DEV_SET
from undersight import extract
from undersight.extract import contacts, prices
from undersight.extract.contacts import PLAIN_FORMS as PLAIN
from undersight.extract.matcher import Matcher
from undersight.extract.offer import PLAIN_LEAD, PLAIN_SWAP, _lead, _swapped
from undersight.extract.pipeline import default_extractor
from undersight.extract.prices import _DIGIT_RUN, PLAIN_ARABIC_MULT, PLAIN_DIGIT_RUN
from undersight.text import normalize as normalize_text
from undersight.text.normalize import _SLOW_PATH, PLAIN_SLOW_PATH, _needs_slow_path

_CN = "零〇一二两三四五六七八九十百千万亿"
# Pieces of swap offers and of near misses, for random texts.
_SWAP_WORDS = (
    "pp btc u usdt rmb 人民币 微信 $ € £ paypal amazon gc gift card giftcards cash app "
    "-> => > → to for 换 兑 ⇄ <-> <> < - = t f o 5 12 ٣ . , % k x a s 其"
)
SWAP_PIECES = [*_SWAP_WORDS.split(" "), " ", "  ", "\n", "\u3000", "liberty reserve"]

TRICKY = [
    "qq12345 aqq 12345 q 12345 1q12345 q.q123456 扣扣 1 2 3 4 5 6",
    "12345678(qq) 112345678（扣扣） wx:abcdef1 awx:abcdef1 v: abcdefg av: abcdefg",
    "tg: @abcde atg:@abcde 电报:abcdef a电报:abcdef 飞机 abcdef ✈abcdef",
    "+86 138 1234 5678 a+86 1381234 13812345678 213812345678 @abcd .@abcd x@abcd",
    "中 文 中\u3000文 三 千 a\u200bb &amp; &#36;5 &#x24; &notanentity; .5 5. ..5 三百五",
]


def _texts() -> list[str]:
    texts = list(TRICKY)
    for path in sorted(DEV_SET.glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.open(encoding="utf-8")]
    return texts


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[object, ...]]:
    return [
        (m.span(), *(m.span(i) for i in range(1, pattern.groups + 1)))
        for m in pattern.finditer(text)
    ]


@pytest.mark.parametrize("name", sorted(PLAIN))
def test_contact_patterns_match_as_their_plain_forms(name):
    fast = getattr(contacts, name)
    for text in _texts():
        lower = normalize_text(text).lower
        assert _spans(fast, lower) == _spans(PLAIN[name], lower), lower


def test_slow_path_and_digit_runs_match_as_their_plain_forms():
    ascii_cases = ["a &amp; b", "a & b", "a\x01b", "a\x7f", "tab\tand\nnewline", "a b c"]
    for text in [*_texts(), *ascii_cases]:
        assert _spans(_SLOW_PATH, text) == _spans(PLAIN_SLOW_PATH, text)
        assert _needs_slow_path(text) == (_SLOW_PATH.search(text) is not None), repr(text)
        lower = normalize_text(text).lower
        assert _spans(_DIGIT_RUN, lower) == _spans(PLAIN_DIGIT_RUN, lower)


def test_both_automaton_backends_give_the_same_hits():
    matcher = default_extractor().matcher
    pure = Matcher([])  # the same terms, on the pyahocorasick fallback
    for name in ("size", "_terms", "_info", "_empty"):  # (no __dict__ where compiled)
        setattr(pure, name, getattr(matcher, name))
    assert pure._fast is None and pure._automaton is None
    for text in [*_texts(), "出售 肉鸡 🔥 qq 12345678", "a\ud800b 出售 rat"]:
        lower = normalize_text(text).lower
        assert pure.scan(lower) == matcher.scan(lower), lower


@pytest.mark.parametrize("text", ["0-5k", "0~5万 出售", "$0-9w", "价格 0-3k 联系QQ 12345678"])
def test_a_range_from_zero_is_no_price_and_no_crash(text):
    assert all(p.amount > 0 for p in extract(text).prices)


def test_swap_check_agrees_with_its_pattern():
    rng = random.Random(5)
    texts = [normalize_text(t).lower for t in _texts()]
    texts += [
        "".join(rng.choice(SWAP_PIECES) for _ in range(rng.randint(1, 14))) for _ in range(40_000)
    ]
    texts += [
        "pp" + " " * 13 + "> btc",
        "pp 1234567890123> btc",
        "pp > " + "5" * 12 + "btc",
        "pp > 5btcx",
        "usdt换rmb",
    ]
    found = 0
    for text in texts:
        expected = PLAIN_SWAP.search(text) is not None
        assert _swapped(text) == expected, text
        found += expected
    assert 1_000 < found < len(texts) - 1_000  # both answers are well exercised


def test_lead_agrees_with_its_pattern():
    lead = PLAIN_LEAD
    rng = random.Random(3)
    pieces = ["a", "_", " ", "\n", "出", "!", "【", "1", "٣", "²", "½", "\u3000", "🔥", "Ⅻ"]
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 9)))
        assert _lead(text) == lead.match(text).end(), repr(text)


def test_number_patterns_match_as_their_plain_forms():
    """NUMBER's "number (multiplier)?" against the "number multiplier | number"
    it was written from, in every pattern that holds it, at every position."""
    merged = prices._ARABIC_MULT
    plain = PLAIN_ARABIC_MULT
    finder = default_extractor().prices
    patterns = [finder.candidate, finder.quantity, finder.bare_quantity, finder.per_qty_after]
    patterns += [prices._NUMBER_RE, prices._FOR_QTY_BEFORE]
    numbers = "1,000k 1,00k 1,000000w 12w3 1.5k 5k条 3w 2千5 .5m 100 元 5-8k 10万+ 1000 条 50 for"
    texts = [normalize_text(t).lower for t in [*_texts(), numbers]]
    for fast in patterns:
        assert merged in fast.pattern
        slow = re.compile(fast.pattern.replace(merged, plain))
        for text in texts:
            for at in range(len(text)):
                a, b = fast.match(text, at), slow.match(text, at)
                assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups())), text
