import pytest

from undersight import extract


def prices(text, date="2013-06-01"):
    return [
        (p.amount, p.amount_max, p.currency, p.quantity, p.period)
        for p in extract(text, date).prices
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("短信群发 三网通道 5000条300元 联系QQ 123456789", [(300, None, "CNY", 5000, None)]),
        ("出售伪基站 一台5万 ＱＱ：１２３４５６７８", [(50000, None, "CNY", None, None)]),
        (
            "SMS spam $50 per 5,000 messages, $460 per 100,000",
            [(50, None, "USD", 5000, None), (460, None, "USD", 100000, None)],
        ),
        (
            "DDoS $81/month, $16/day, $500 lifetime",
            [
                (81, None, "USD", None, "month"),
                (16, None, "USD", None, "day"),
                (500, None, "USD", None, "lifetime"),
            ],
        ),
        ("RAT licence $97-258 a year", [(97, 258, "USD", None, "year")]),
        ("远控 年费 97~258 刀 QQ 12345678", [(97, 258, "USD", None, "year")]),
        (
            "出 100个肉鸡50元 包月300",
            [(50, None, "CNY", 100, None), (300, None, "CNY", None, "month")],
        ),
        ("收料 每条5毛到一块 威信 abc_123", [(0.5, 1, "CNY", None, None)]),
        (
            "USDT 出 5000U 汇率7.1 私聊",
            [(5000, None, "USDT", None, None), (7.1, None, "CNY", None, None)],
        ),
        ("imessage群发 每千条20 量大从优", [(20, None, "CNY", 1000, None)]),
        (
            "DDoS 天卡 100\n周卡 500\n月卡 1500\n永久 1.2w",
            [
                (100, None, "CNY", None, "day"),
                (500, None, "CNY", None, "week"),
                (1500, None, "CNY", None, "month"),
                (12000, None, "CNY", None, "lifetime"),
            ],
        ),
        ("WTB botnet, budget 5-8k, tg @minerbuyer", [(5000, 8000, "USD", None, None)]),
        (
            "Selling fullz €40 each, 0.005 BTC for 10 fullz",
            [(40, None, "EUR", None, None), (0.005, None, "BTC", 10, None)],
        ),
    ],
)
def test_prices_with_quantity_and_period(text, expected):
    assert prices(text) == expected


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("被骗了3000块 大家小心这个骗子", []),  # a loss, and no offer
        ("I lost $500 to a ripper yesterday, beware", []),
        ("出 伪基站 覆盖半径500米-2公里 私聊", []),  # metres, not money
        ("出 伪基站 覆盖半径500米-2公里 一套8000元 私聊", [8000]),  # ... beside a price
        ("日发2w条 猫池 出售 私聊", []),  # a volume
        ("日发2w条 猫池 出售 月租1500 私聊", [1500]),
        ("WTS accounts, $12 each. I have a $1,000 deposit with the forum", [12]),
    ],
)
def test_money_that_is_not_an_offer_price(text, kept):
    """The price the message states is found, and only it (a finder that found
    nothing would fail the cases with one)."""
    assert [p[0] for p in prices(text)] == kept


def test_usd_conversion_uses_the_posting_date():
    early = extract("出售 肉鸡 1000元 QQ 12345678", "2013-05-14").prices[0]
    late = extract("出售 肉鸡 1000元 QQ 12345678", "2022-11-01").prices[0]
    assert early.usd == pytest.approx(162.8, abs=0.5)  # 6.14 CNY per USD
    assert late.usd == pytest.approx(137.7, abs=0.5)  # 7.26 CNY per USD
    assert early.usd_note is None


def test_a_date_outside_the_data_uses_the_nearest_rate_and_says_so():
    price = extract("WTS RDP 50 EUR each, tg @rdpshop", "1990-01-01").prices[0]
    assert price.usd is not None
    assert "nearest" in price.usd_note


def test_price_span_points_into_the_original_text():
    text = "出售偽基站 一台５万 ＱＱ：１２３４５６７８"
    price = extract(text).prices[0]
    s, e = price.span
    assert text[s:e] == "５万"


def test_crypto_has_no_usd_without_a_rate_and_usdt_is_one_to_one():
    out = extract("WTS stealer 0.01 BTC or 300 USDT, tg @seller_x", "2020-01-01").prices
    assert [(p.currency, p.usd) for p in out] == [("BTC", None), ("USDT", 300.0)]
