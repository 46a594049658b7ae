import pytest

from undersight import extract

VALID_BTC = "15BHCGtsAEH8ZKaRWSkrqg1u2Wcamz727s"
BAD_BTC = "15BHCGtsAEH8ZKaRWSkrqg1u2Wcamz7272"  # one character changed: checksum fails
VALID_TRON = "TE9VCLGbJxQ5iVe46iQaMpi2wJMtxSQ9sC"
VALID_BECH32 = "bc1q9hfzuhem2jhak9gqvpkltduwu59yzn9yz65qpc"
VALID_XMR = (
    "44fLhMNJ4H882FMJMMd2v4KSML72h1qx6RkC3rXTygGzid"
    "MT9ZUuUbkbMVJ685GnCTEEZc4NjVHu5FnqFeDhxn9AQSSCYyY"
)


def contacts(text):
    return [(c.type, c.value) for c in extract(text).contacts]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("联系QQ 123456789", [("qq", "123456789")]),
        ("Q Q 1 2 3 4 5 6 7 8 私聊", [("qq", "12345678")]),
        ("加扣扣：７７５５ ３３１１ ０２", [("qq", "7755331102")]),
        ("有需要联系 2903318852（企鹅）", [("qq", "2903318852")]),
        ("企鹅号 4 5 6 7 8\u200b9 1 2 3", [("qq", "456789123")]),
        ("v信: Maochi_8866 欢迎", [("wechat", "Maochi_8866")]),
        ("wx：zzc_seo", [("wechat", "zzc_seo")]),
        ("飞机 @Sms_Fast_CN", [("telegram", "sms_fast_cn")]),
        ("TG@carder_master", [("telegram", "carder_master")]),
        ("join https://t.me/CardAcademy now", [("telegram", "cardacademy")]),
        ("jabber: boss@Exploit.IM", [("jabber", "boss@exploit.im")]),
        ("电话 13913579246", [("phone", "+8613913579246")]),
        ("whatsapp +234 803 555 0123", [("phone", "+2348035550123")]),
        ("panel hxxp://185.234.72[.]19/panel", [("url", "http://185.234.72.19/panel")]),
        ("shop: cvvbox[.]ws", [("domain", "cvvbox.ws")]),
        ("官網 www.hg88-vip.com", [("domain", "www.hg88-vip.com")]),
        ("server 103.45.67.89 ok", [("ip", "103.45.67.89")]),
        (f"btc {VALID_BTC}", [("btc", VALID_BTC)]),
        (f"btc {VALID_BECH32}", [("btc", VALID_BECH32)]),
        (f"USDT-TRC20 {VALID_TRON}", [("usdt_trc20", VALID_TRON)]),
        (
            "eth 0xb0eb53f16947ccf25ec84d8dbc74254770f58904",
            [("eth", "0xb0eb53f16947ccf25ec84d8dbc74254770f58904")],
        ),
        (f"xmr only {VALID_XMR}", [("xmr", VALID_XMR)]),
    ],
)
def test_contact_types_and_normalized_values(text, expected):
    assert contacts(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        f"btc {BAD_BTC}",  # broken checksum
        "order 12345678901234567890 shipped",  # a long digit run
        "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",  # bech32 with a bad checksum
        "T" + "1" * 33,  # TRON look-alike
        "download setup.exe and readme.md",  # file names are not domains
        "version 1.2.3.4.5 released",  # not an IP
    ],
)
def test_look_alikes_are_not_contacts(text):
    assert contacts(text) == []


def test_each_identifier_once_as_its_most_specific_type():
    found = contacts("t.me/shopbot and https://t.me/shopbot and @shopbot, site shop.example.com/x")
    assert found.count(("telegram", "shopbot")) == 1
    assert ("url", "shop.example.com/x") not in found  # no scheme: kept as the domain only
    assert [t for t, _ in found].count("domain") == 1
    assert ("domain", "shop.example.com") in found  # (detection off would find none)


def test_domains_and_ips_are_found_beside_their_look_alikes():
    found = contacts("panel at shop.example.com or 203.0.113.7, download setup.exe v1.2.3.4.5")
    assert ("domain", "shop.example.com") in found and ("ip", "203.0.113.7") in found
    assert ("domain", "setup.exe") not in found and not any(v == "1.2.3.4" for _, v in found)


def test_contacts_are_reported_on_chatter_too():
    e = extract("被骗了3000块 大家小心这个骗子 QQ 88888888")
    assert e.offer is False
    assert [(c.type, c.value) for c in e.contacts] == [("qq", "88888888")]


def test_contact_span_is_evidence_in_the_original():
    text = "ＱＱ：１２３４５６７８ 出肉鸡"
    c = extract(text).contacts[0]
    assert text[c.span[0] : c.span[1]] == "１２３４５６７８"
