"""Every named price and intent rule runs on the example that motivated it,
and the fixes for what real text broke hold on real examples."""

from __future__ import annotations

import pytest

from undersight.extract.offer import INTENT_RULES
from undersight.extract.pipeline import Extractor
from undersight.extract.prices import BARE_RULES

LEXICON = Extractor(cache_size=0)  # the rules alone, no model


def prices(text: str, date: str = "2020-06-01") -> list[tuple]:
    return [(p.amount, p.currency) for p in LEXICON.extract(text, date).prices]


def test_rule_names_are_unique_and_each_has_an_example():
    names = [r.name for r in BARE_RULES] + [r.name for r in INTENT_RULES]
    assert len(names) == len(set(names))
    assert all(r.example for r in BARE_RULES) and all(r.example for r in INTENT_RULES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # currency after the amount, in brackets or after spaces (market listings)
        ("高速千兆带宽vpn 支持所有系统\n7.46  [美元]", [(7.46, "USD")]),
        ("出售 料 347.32 USD", [(347.32, "USD")]),
        ("5g Sherbet Queen\nEUR 1.99", [(1.99, "EUR")]),
        ("VALIUM 10MG BY MARTIN DOW X 10 TABS\nGBP 7", [(7.0, "GBP")]),
        # regional currencies (DarkGram)
        ("Selling Netflix premium Rs. 350 for 100 Subscribers", [(350.0, "INR")]),
        ("fullz PRICE 1.50£ each", [(1.5, "GBP")]),
        ("Selling CC 50 USDT-TRC20", [(50.0, "USDT")]),
        # rule listing-price: a bare amount alone on a listing's last line
        ("origin lifetime streaming account\n7", [(7.0, "USD")]),
        # claimed values, balances and limits are not prices
        ("出售 京东卡 价值800元 仅售500元", [(500.0, "CNY")]),
        ("Discover | Card Balance $6,600 | Online Access\n$120", [(120.0, "USD")]),
        (
            "selling ads account\nLimit: 1500$\nThreshold: 500$\nSpent: 3560$\nPrice: 40$",
            [(40.0, "USD")],
        ),
        # dosages and place names are not prices
        ("100-500tb x Tramadol 50 mg tablets\n125-480 USD", [(125.0, "USD")]),
        ("长三角地区 一条龙服务 出料 每条3毛", [(0.3, "CNY")]),
        ("金三角 直发 出售 冰 一克300", [(300.0, "CNY")]),
    ],
)
def test_real_price_forms(text, expected):
    assert prices(text) == expected


def test_minimum_order_is_not_a_price():
    found = prices("30k起发 出料 每条0.3元 联系qq 12345678")
    assert (30000.0, "CNY") not in found


def test_contact_digits_are_no_package_quantity():
    e = LEXICON.extract("出售 QQ 12345678 100元")
    assert [(p.amount, p.quantity) for p in e.prices] == [(100.0, None)]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("有卖叶子的吗", "buy"),
        ("有 卖 轰炸 手机号 的 软件 的 吗", "buy"),
        ("anyone selling cvv?", "buy"),
        ("有没有需要的老板 出四件套 1200一套", "sell"),
        ("非诈骗 出售 四件套 1200元一套", "sell"),
    ],
)
def test_questions_are_requests_and_pitches_stay_sales(text, intent):
    assert LEXICON.extract(text).intent == intent


def test_every_bare_rule_decides_its_own_example():
    """Each rule's example holds a number the rule decides (it is reached and
    applies), so a rule that no longer fires shows up here."""
    from undersight.extract.prices import PriceFinder, _Bare, _Context

    finder = LEXICON.prices
    assert isinstance(finder, PriceFinder)
    applied = set()
    for rule in BARE_RULES:
        for piece in rule.example.split(" / "):
            text = piece.lower()
            vocab = LEXICON.matcher.scan(text)[3]
            ctx = _Context(text, any("\u4e00" <= ch <= "\u9fff" for ch in text), vocab, (), None)
            for m in finder.candidate.finditer(text):
                if m.group("pre") or m.group("suf") or m.group("suf1"):
                    continue
                from undersight.text.numbers import parse_number

                amount = parse_number(m.group("num"))
                if amount is None:
                    continue
                c = _Bare(finder, m, m.group("num"), amount, ctx, 0, m.end())
                if rule.applies(c):
                    applied.add(rule.name)
    missing = [r.name for r in BARE_RULES if r.name not in applied]
    assert not missing, missing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # real forum contacts: separators of "**", messenger names
        (
            "Price(Dumps)**300$/5pcs ICQ**7447437 MAIL**mathewtracker26@gmail.com "
            "JABBER**hackseller@jabber.ru",
            [
                ("icq", "7447437"),
                ("email", "mathewtracker26@gmail.com"),
                ("jabber", "hackseller@jabber.ru"),
            ],
        ),
        ("seller@exploit.im for dumps", [("jabber", "seller@exploit.im")]),
        ("mail 278**206@qq.com", []),  # masked: not a contact
        # versions are not IP addresses, Android packages are not domains
        ("MagiCut MOD APK v4.7.2.1 (VIP / Premium Unlocked) 2024", []),
        ("# Version: 16.0.3.51 and more", []),
        ("Package: com.picsart.studio premium unlocked", []),
        ("server 103.45.67.89 ok", [("ip", "103.45.67.89")]),
        # words after an app name are not ids without a separator
        ("Skype account activation latest", []),
        ("skype: pm.exchanger", [("skype", "pm.exchanger")]),
        (
            "join https://t.me/addlist/p2Ebkeo0pno4OTFl",
            [("url", "https://t.me/addlist/p2Ebkeo0pno4OTFl")],
        ),
    ],
)
def test_real_contact_forms(text, expected):
    assert [(c.type, c.value) for c in LEXICON.extract(text).contacts] == expected


def test_every_refusing_rule_fires_on_its_example():
    """Each rule that refuses a number (NOT_PRICE_RULES, CURRENCY_RULES) is
    the one that refuses a number of its own example."""
    from undersight.extract.prices import CURRENCY_RULES, NOT_PRICE_RULES
    from undersight.text.normalize import normalize

    for rule in (*NOT_PRICE_RULES, *CURRENCY_RULES):
        norm = normalize(rule.example)
        chinese = any("\u4e00" <= ch <= "\u9fff" for ch in rule.example)
        trace: list[tuple[int, int, str]] = []
        vocab = LEXICON.matcher.scan(norm.lower)[3]
        LEXICON.prices.find(norm, chinese, vocab, None, (), trace)
        assert rule.name in {name for _, _, name in trace}, (rule.name, trace)
