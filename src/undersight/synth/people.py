"""Who posts: QQ numbers, nicknames, Telegram handles, contact lines, group names.

Identities are pure functions of ``(seed, index)``, so a person seen in many
groups keeps one QQ number, one Telegram id and one handle without a table
of everyone being held in memory.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from random import Random

_QQ_SPACE = 3_900_000_000  # QQ numbers 10,000,000 .. 3,910,000,000
_QQ_MULT = 2_654_435_761  # prime, coprime with the space: a bijection


def subseed(*parts: object) -> int:
    """A stable 64-bit seed from any parts (independent of PYTHONHASHSEED)."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def qq_number(seed: int, index: int) -> str:
    return str(10_000_000 + (index * _QQ_MULT + seed * 7919) % _QQ_SPACE)


def telegram_user_id(seed: int, index: int) -> str:
    return str(100_000_000 + (index * 2_147_483_647 + seed * 104_729) % 6_800_000_000)


_ZH_PREFIX = ("", "", "", "", "小", "阿", "老", "╰☆", "※", "〆", "丶", "【VIP】", "_")
_ZH_CORE = (
    "强", "明", "东", "杰", "伟", "涛", "斌", "峰", "磊", "超", "龙", "飞", "军", "鹏", "浩", "宇",
    "白", "黑", "冷月", "夜猫子", "潇洒哥", "无名", "逍遥", "浪子", "孤狼", "流星", "追风", "寂寞",
    "菜鸟", "黑客", "幽灵", "影子", "红客", "技术宅", "大叔", "萌新", "胖子", "土豪", "路人甲",
)  # fmt: skip
_ZH_SUFFIX = ("", "", "", "", "哥", "仔", "君", "丶", "~", "123", "888", "520", "ゞ", "★")
_EN_FIRST = (
    "Alex", "Mike", "Tony", "Kevin", "Jack", "Leo", "Max", "Sam", "Ivan", "Nick", "Dan", "Eric",
    "Ghost", "Shadow", "Dark", "Cyber", "Neo", "Zero", "Viper", "Frost", "Wolf", "Raven",
)  # fmt: skip
_EN_LAST = ("", "", "", " Chen", " Wang", " Lee", " K", " X", " 007", " Jr", " Wu", " Li")
_HANDLE_A = (
    "dark", "black", "ghost", "fast", "king", "boss", "pro", "shop", "cn", "vip", "team", "lao",
    "wang", "zhang", "xiao", "big", "top", "best", "real", "old", "night", "red",
)  # fmt: skip
_HANDLE_B = (
    "seller", "store", "market", "service", "plug", "deal", "trade", "hub", "zone", "club",
    "bots", "ddos", "sms", "data", "cvv", "rat", "host", "supply", "888", "666", "2023",
)  # fmt: skip
_SELLER_TAG = {
    "sms_spam": ("短信群发", "群发", "短信"),
    "fake_base_station": ("基站", "设备"),
    "premium_number": ("SP", "计费"),
    "ddos": ("DDoS", "压力测试", "CC"),
    "bots": ("肉鸡", "出鸡", "抓鸡"),
    "rat": ("远控", "远控批发"),
    "malware": ("免杀", "木马"),
    "dns_attack": ("DNS", "劫持"),
    "phishing": ("仿站", "建站"),
    "web_intrusion": ("拿站", "渗透"),
    "stolen_data": ("数据", "出料"),
    "carding": ("料商", "出料"),
    "accounts": ("号商", "出号"),
    "hosting": ("服务器", "机房"),
    "tutorials": ("教学", "收徒"),
    "phone_numbers": ("卡商", "接码"),
}


@dataclass(frozen=True, slots=True)
class Person:
    """One account: the same person in every group it joined."""

    index: int
    qq: str  # QQ number
    nick: str  # QQ group card
    tg_id: str  # Telegram "from_id" is "user" + this
    tg_name: str  # Telegram display name
    handle: str  # Telegram @handle, without "@"
    short: str = ""  # what others call them ("涛哥")


def person(seed: int, index: int, category: str | None = None) -> Person:
    """The person ``index``; a seller's names say what they sell."""
    rng = Random(subseed(seed, "person", index))
    core = rng.choice(_ZH_CORE)
    nick = f"{rng.choice(_ZH_PREFIX)}{core}{rng.choice(_ZH_SUFFIX)}"
    if category is not None:
        tag = rng.choice(_SELLER_TAG.get(category, ("出售",)))
        nick = rng.choice((f"【{tag}】{core}", f"{tag}~{core}", f"{core}-{tag}", f"{tag}{core}哥"))
    first = rng.choice(_EN_FIRST)
    tg_name = f"{first}{rng.choice(_EN_LAST)}" if rng.random() < 0.6 else nick
    handle = f"{rng.choice(_HANDLE_A)}_{rng.choice(_HANDLE_B)}{rng.randrange(10, 999)}"
    if category is not None and rng.random() < 0.5:
        tg_name = f"{first} | {rng.choice(_SELLER_TAG.get(category, ('shop',)))}"
    short = core if len(core) > 1 else f"{core}哥"
    return Person(
        index, qq_number(seed, index), nick, telegram_user_id(seed, index), tg_name, handle, short
    )


def wechat_id(seed: int, index: int) -> str:
    rng = Random(subseed(seed, "wechat", index))
    return f"{rng.choice(_HANDLE_A)}{rng.choice(_HANDLE_B)}{rng.randrange(100, 9999)}"


def qq_contact(rng: Random, qq: str) -> str:
    """How an ad gives a QQ number (spaced digits dodge the group's filters)."""
    form = rng.random()
    if form < 0.1:
        return rng.choice(("Q ", "QQ ", "扣扣 ")) + " ".join(qq)
    return rng.choice(
        (
            f"QQ {qq}",
            f"QQ:{qq}",
            f"QQ：{qq}",
            f"Q:{qq}",
            f"扣扣{qq}",
            f"企鹅 {qq}",
            f"联系QQ{qq}",
            f"加Q {qq}",
            f"详情加QQ {qq}",
            f"QQ {qq}",
        )
    )


def telegram_contact_zh(rng: Random, handle: str) -> str:
    return rng.choice(
        (
            f"飞机 @{handle}",
            f"飞机：@{handle}",
            f"TG @{handle}",
            f"电报 @{handle}",
            f"联系 @{handle}",
        )
    )


def telegram_contact_en(rng: Random, handle: str) -> str:
    return rng.choice(
        (
            f"PM @{handle}",
            f"DM @{handle}",
            f"contact @{handle}",
            f"tg: @{handle}",
            f"t.me/{handle}",
            f"telegram @{handle}",
        )
    )


def wechat_contact(rng: Random, wechat: str) -> str:
    return rng.choice((f"v信 {wechat}", f"微信 {wechat}", f"vx:{wechat}", f"微信号：{wechat}"))


_QQ_TOPIC = (
    "黑客技术", "肉鸡批发", "DDoS攻防", "远控免杀", "短信群发", "网络安全", "黑客联盟", "抓鸡",
    "渗透", "社工", "免杀技术", "菜鸟黑客", "红客", "木马", "流量", "数据交易", "黑基站", "网赚",
)  # fmt: skip
_QQ_SUFFIX = (
    "交流群",
    "技术群",
    "联盟",
    "基地",
    "总群",
    "俱乐部",
    "交易群",
    "二群",
    "①群",
    "学习群",
)
_TG_ZH = ("担保交易", "资源对接", "黑产交流", "接码群", "出U收U", "数据交易所", "暗网中文")
_TG_EN = (
    "Market", "Underground Market", "Bots & Loads", "DDoS Hub", "Carding Hub", "Crypters",
    "Leaks & Data", "Escrow Trades", "Tools Shop",
)  # fmt: skip


def group_name(rng: Random, platform: str, lang: str) -> str:
    if platform == "qq":
        return f"{rng.choice(_QQ_TOPIC)}{rng.choice(_QQ_SUFFIX)}"
    if lang == "zh":
        return f"{rng.choice(_TG_ZH)}{rng.choice(('', '①', '二群', '总群', '频道交流'))}"
    return f"{rng.choice(('Dark', 'Black', 'Shadow', 'Cyber', 'Zero'))} {rng.choice(_TG_EN)}"
