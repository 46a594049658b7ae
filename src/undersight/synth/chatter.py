"""Everything that is not an ad: chatter and hard negatives.

Hard negatives name what the market sells, amounts and contacts, yet offer
nothing: questions, scam complaints (with the amount lost), news, vouches
and warnings. Chatter is greetings, slang, QQ's ``[图片]`` placeholders and
small talk. Slots: ``{p}`` a product name, ``{amt}`` an amount, ``{cn}`` an
amount in Chinese numerals, ``{qq}`` a contact line with a QQ number,
``{tg}`` a Telegram handle, ``{nick}`` a nickname, ``{city}`` a city.
"""

from __future__ import annotations

from random import Random

from undersight.synth.ads import Contact
from undersight.synth.catalog import Product

NEGATIVE_KINDS = ("question", "complaint", "news", "vouch", "warning")

_NEG_ZH: dict[str, tuple[str, ...]] = {
    "question": (
        "问下{p}掉线一般是什么原因",
        "{p}怎么用啊 新手求教",
        "有大神懂{p}的吗 请教个问题",
        "{p}被杀软报毒了怎么办",
        "新手问一下 {p}是干嘛的",
        "{p}现在还好做吗",
        "请问{p}的原理是什么",
        "谁知道{p}为什么老是连不上",
    ),
    "complaint": (
        "被骗了{amt}块 那个卖{p}的 {qq} 骗子 大家小心",
        "{qq} 是骗子 收了我{amt}元就拉黑了 大家别信",
        "刚被人骗了{cn} 说好的{p}一直没给",
        "曝光骗子 {qq} 冒充卖{p}的 骗了我{amt}",
        "我在这群买{p}被坑了{amt}块 管理员管不管",
        "又被骗了{amt} 以后再也不信没担保的了",
    ),
    "news": (
        "听说{city}那边抓了一批搞{p}的",
        "新闻说最近严打{p} 大家低调点",
        "{city}又破获一个{p}团伙",
        "最近{p}查得很严 好多群都被封了",
        "看新闻了没 {city}抓了好几个做{p}的",
    ),
    "vouch": (
        "在{nick}那拿的{p} 挺稳的 好评",
        "{nick}人不错 靠谱 交易过好几次了",
        "刚从{nick}那收到货 很快 推荐",
        "{nick}的{p}用了一个月了 没问题",
    ),
    "warning": (
        "群里有骗子冒充管理员 大家小心",
        "交易走担保 别私下转账",
        "现在{p}管得好严",
        "{p}价格又涨了 好难搞",
        "别信私聊的 都是骗子",
    ),
}
_NEG_EN: dict[str, tuple[str, ...]] = {
    "question": (
        "anyone know how to protect a site from ddos?",
        "how do you set up {p}? new here",
        "is {p} still worth it these days?",
        "what's the difference between a stresser and a botnet?",
        "why does my {p} keep getting detected?",
    ),
    "complaint": (
        "Got scammed by {tg} for ${amt}, stay away",
        "lost ${amt} to a fake {p} seller last week",
        "{tg} is a scammer, took my ${amt} and blocked me",
        "paid ${amt} for {p}, never received anything. careful guys",
    ),
    "news": (
        "feds seized another booter today lol",
        "saw the news, another {p} crew got arrested",
        "europol took down a big {p} operation this week",
    ),
    "vouch": (
        "vouch for {tg}, legit seller",
        "+1 for {tg}, fast and legit",
        "{tg} delivered in 5 min, trusted",
    ),
    "warning": (
        "always use escrow guys",
        "admins never DM first, watch out for impersonators",
        "don't pay upfront to randoms",
    ),
}
_CITIES = ("广州", "深圳", "东莞", "福州", "武汉", "成都", "上海", "北京", "长沙", "南宁", "厦门")

_CHAT_ZH_2013 = (
    "大家好", "有人吗", "早啊", "晚上好", "新人报道", "群主好", "各位大神好", "在吗在吗",
    "666", "哈哈哈", "卧槽", "牛逼", "厉害了", "。。。", "睡了睡了", "好无聊", "[图片]",
    "[表情]", "[图片][图片]", "/微笑", "/呲牙", "/偷笑", "/流汗", "/可爱", "顶", "沙发", "路过",
    "今天又被杀软报毒了", "这个站有waf 注不进去", "360又更新了", "谁会用sqlmap", "服务器又挂了",
    "电脑中毒了", "网速好慢", "虚拟机装好了", "刚学 什么都不懂", "晚上一起开黑", "饿了 去吃饭",
    "明天上班 先撤了", "群里好安静", "今天天气不错", "有人玩lol吗", "刚睡醒", "又是周一",
    "晚上吃啥", "这个群人好多", "签到", "冒个泡", "来了来了", "哈哈 笑死我了", "嗯嗯",
    "好的", "知道了", "谢谢大神", "不懂", "楼上说得对", "真的假的", "我也是", "+1", "求解释",
    "禁止发广告 违者踢", "请改一下名片", "群规看公告", "新来的多多关照", "大家晚安",
)  # fmt: skip
_CHAT_ZH_TG = (
    "大家好", "有人在吗", "早", "晚上好", "新人报到", "老板们好", "666", "哈哈哈哈", "卧槽",
    "牛", "稳", "冲", "收到", "好的老板", "👍", "😂😂", "🙏", "来了", "在的", "私聊了", "已私",
    "今天U价多少", "今天行情怎么样", "飞机又抽风了", "群里好安静", "睡了", "吃饭去了", "谢谢老板",
    "有点东西", "懂的都懂", "这个靠谱吗", "真的假的", "别私聊我 都是骗子", "管理员在吗",
)  # fmt: skip
_CHAT_EN = (
    "gm", "anyone here?", "lol", "nice", "ty", "thx bro", "brb", "+1", "lmao", "legit?", "ok",
    "who's online", "gn all", "wen restock", "admin pls ban the spammers", "same", "fr",
    "this group is dead today", "hello everyone", "new here", "👀", "🔥🔥", "bump", "noted",
    "hmm", "any updates?", "welcome", "good morning", "what's up guys", "idk", "true",
)  # fmt: skip
_TAIL_ZH = ("", "", "", "", "啊", "~", "!!", "。。", "哈哈", " /呲牙")
_TAIL_EN = ("", "", "", "", " lol", "!", " 😂", "..")


def chatter(rng: Random, lang: str, era: str) -> str:
    """Small talk: greetings, slang, placeholders."""
    if lang == "en":
        return rng.choice(_CHAT_EN) + rng.choice(_TAIL_EN)
    pool = _CHAT_ZH_2013 if era == "qq2013" else _CHAT_ZH_TG
    text = rng.choice(pool)
    if text[0] not in "[/" and rng.random() < 0.3:
        text += rng.choice(_TAIL_ZH)
    return text


def negative(
    rng: Random,
    kind: str,
    lang: str,
    product: Product,
    other_qq: str,
    other_handle: str,
    nick: str,
    qq_line: str,
) -> tuple[str, list[Contact]]:
    """A hard negative of ``kind`` about ``product``; the contacts it writes."""
    templates = (_NEG_EN if lang == "en" else _NEG_ZH)[kind]
    template = rng.choice(templates)
    frag = rng.choice(product.en if lang == "en" else product.zh)
    name = (frag[0] if isinstance(frag, tuple) else frag).replace("专业", "")
    contacts: list[Contact] = []
    amount = rng.choice((50, 80, 100, 150, 200, 300, 500, 800, 1000, 1500, 2000, 3000))
    values = {
        "p": name,
        "amt": str(amount),
        "cn": rng.choice(("两千", "三百", "五百", "一千", "八百")),
        "nick": nick,
        "city": rng.choice(_CITIES),
        "qq": qq_line,
        "tg": f"@{other_handle}",
    }
    if "{qq}" in template:
        contacts.append(Contact(qq_line, "qq", other_qq))
    if "{tg}" in template:
        contacts.append(Contact(f"@{other_handle}", "telegram", other_handle.lower()))
    return template.format(**values), contacts
