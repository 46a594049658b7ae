import pytest

from undersight import extract
from undersight.extract.pipeline import Extractor, model_choice


@pytest.mark.parametrize(
    ("text", "intent", "categories"),
    [
        ("出售伪基站 一台5万 QQ 12345678", "sell", ["fake_base_station"]),
        ("收肉鸡 国外的 1000台以上 价格私聊", "buy", ["bots"]),
        ("WTB aged gmail accounts, paying $0.5 each", "buy", ["accounts"]),
        ("[H] $100 PP [W] BTC, 10% fee", "exchange", ["money_laundering"]),
        ("收U出U 即时汇率 大额可谈 t.me/usdt_otc", "exchange", ["money_laundering"]),
        ("DDoS CC攻击 打死各类网站 包月1500 QQ 987654321", "sell", ["ddos"]),
        ("灰鸽子VIP版 远控 年费200 永久500", "sell", ["rat"]),
        ("出 USA fullz 料, 10刀一条, TG @cardking", "sell", ["carding"]),
        ("招聘 伪基站司机 日结500 包吃住 加微信 jizhan_zp", "other", ["fake_base_station"]),
        ("Selling CVV, fresh dumps with pin, $25 each", "sell", ["carding"]),
        ("菠菜 博彩 棋牌 源码 搭建 全套5w 招代理", "sell", ["gambling"]),
    ],
)
def test_offers_intent_and_category(text, intent, categories):
    e = extract(text)
    assert e.offer is True
    assert e.intent == intent
    assert e.category_ids[: len(categories)] == categories


@pytest.mark.parametrize(
    "text",
    [
        "our site was hit by DDoS yesterday lol",
        "昨天我们站被DDoS了 有人知道怎么防吗",
        "被骗了3000块 大家小心这个骗子",
        "远控跟木马有啥区别啊 新手求科普",
        "my bot farm in minecraft finally works, AFK fishing bots running 24/7",
        "thanks @vendor, got my order, smooth deal +rep",
        "今天天气不错 吃饭了吗",
        "警方破获一个伪基站团伙 抓了5个人",
    ],
)
def test_chatter_is_not_an_offer(text):
    e = extract(text)
    assert e.offer is False
    assert e.intent is None
    assert e.categories == () and e.prices == ()


def test_incidental_category_does_not_join_the_offer():
    # a DDoS job against a gambling site is a DDoS offer, not a gambling one
    e = extract("求打一个菠菜站 对方有高防 能打死给3000 Q 1526374859")
    assert e.category_ids == ["ddos"]
    assert e.intent == "buy"


def test_negated_category_is_ignored():
    e = extract("三网短信群发 5000条300元 不做贷款/菠菜内容 飞机 @sms_fast")
    assert e.category_ids == ["sms_spam"]


def test_every_category_carries_its_evidence_span():
    text = "出售 免杀远控 灰鸽子 年费300"
    e = extract(text)
    for ev in e.categories:
        assert text[ev.span[0] : ev.span[1]]
    assert any(
        text[ev.span[0] : ev.span[1]] in ("远控", "免杀远控", "灰鸽子") for ev in e.categories
    )


def test_platforms():
    e = extract("出售 安卓 手机木马 拦截短信 500元 支持苹果iOS")
    assert set(e.platform_ids) == {"android", "ios"}
    e = extract("Win10 FUD crypter, linux build too, $50")
    assert set(e.platform_ids) == {"windows", "linux"}


def test_extraction_is_deterministic_and_pure():
    text = "出 100个肉鸡50元 包月300 微信 abc_123x"
    assert extract(text, "2013-01-01") == extract(text, "2013-01-01")
    fresh = [
        Extractor(cache_size=0, model=model_choice()).extract(text, "2013-01-01") for _ in range(2)
    ]
    assert fresh[0] == fresh[1] == extract(text, "2013-01-01")  # not the memo cache's copy
    assert fresh[0] is not fresh[1] and fresh[0].offer and len(fresh[0].prices) == 2
    assert extract(text, "2013-01-01").prices[0].usd != extract(text, "2022-01-01").prices[0].usd
