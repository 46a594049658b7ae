"""Ads: sell and buy messages composed from a product, prices and a contact.

An ad is a headline (verb + product), a few selling points, one to three
prices and a contact, laid out on one line or several, in Chinese or
English. The pieces vary independently, so two renderings of the same offer
are rarely identical; a seller's verbatim reposts come from the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random

from undersight.synth.catalog import POINTS, Frag, Product
from undersight.synth.money import PlantedPrice, money_en, money_zh, write_price_en, write_price_zh


@dataclass(frozen=True, slots=True)
class Contact:
    """A contact as written in the text and as the truth records it."""

    text: str
    type: str
    value: str


@dataclass(frozen=True, slots=True)
class Ad:
    text: str
    platforms: tuple[str, ...]


def _frag(rng: Random, frags: tuple[Frag, ...], platforms: list[str]) -> str:
    f = rng.choice(frags)
    if isinstance(f, tuple):
        if f[1] not in platforms:
            platforms.append(f[1])
        return f[0]
    return f


_SERVICE = frozenset({"ddos", "dns_attack", "web_intrusion", "premium_number", "tutorials"})
_SELL_ZH_GOODS = ("出", "出售", "长期出", "低价出", "大量出", "批发", "供应", "出售各类")
_SELL_ZH_SERVICE = ("专业", "提供", "承接", "长期提供", "专业承接")
_DECOR_ZH = (("【", "】"), ("★", "★"), ("☆", "☆"), ("~~", "~~"), ("[", "]"), ("", ""))
_CLOSER_ZH = ("诚信第一", "非诚勿扰", "量大优惠", "欢迎合作", "长期合作", "先到先得", "")
_SELL_EN = ("Selling", "WTS", "[SELL]", "Selling", "Offering", "Fresh")
_DECOR_EN = (("🔥 ", " 🔥"), ("⚡ ", " ⚡"), ("=== ", " ==="), ("", ""), ("", ""))
_CLOSER_EN = ("escrow accepted", "serious buyers only", "fast replies", "vouches available", "")
_NO_EMOJI = {"🔥 ": "", " 🔥": "", "⚡ ": "", " ⚡": ""}


def sell_ad(
    rng: Random,
    product: Product,
    prices: list[PlantedPrice],
    tiers: list[Product],
    contact: Contact,
    lang: str,
    emoji: bool = True,
    tricky: bool = False,
) -> Ad:
    """A sell ad; ``tiers[i]`` is the product ``prices[i]`` is for.

    ``tricky`` allows layouts the extractor is known to misread (a price right
    after a full-width comma or colon, ``1600元一年``); otherwise a price always
    follows a space or a line break.
    """
    platforms: list[str] = []
    if lang == "en":
        return _sell_en(rng, product, prices, tiers, contact, emoji, platforms)
    name = _frag(rng, product.zh, platforms)
    alone = len(prices) == 1
    written = [
        write_price_zh(rng, p, t, alone=alone, tricky=tricky)
        for p, t in zip(prices, tiers, strict=True)
    ]
    points = rng.sample(POINTS[product.category][0], rng.randrange(0, 4))
    verbs = _SELL_ZH_SERVICE if product.category in _SERVICE else _SELL_ZH_GOODS
    left, right = rng.choice(_DECOR_ZH)
    verb = rng.choice(verbs) if rng.random() < 0.8 else ""
    head = f"{left}{verb}{name}{right}" if left else f"{verb}{name}"
    closer = rng.choice(_CLOSER_ZH)
    point_text = rng.choice(("，", " ", "、", "，")).join(points)
    price_text = " ".join(written)
    if tricky:
        price_text = rng.choice(("价格：", "，", "价格:")) + price_text
    elif rng.random() < 0.15:
        price_text = rng.choice(("价格 ", "售价 ", "价格")) + price_text
    if rng.random() < 0.5:
        sep = rng.choice((" ", " ", "  ", " | "))
        parts = [head, point_text, price_text, contact.text, closer]
        text = sep.join(p for p in parts if p)
    else:
        bullet = rng.choice(("→", "✔", "·", "", ""))
        lines = [head, *(f"{bullet}{p}" for p in points)] if bullet else [head, point_text]
        lines += [price_text] if rng.random() < 0.5 else written
        lines += [contact.text, closer]
        text = "\n".join(line for line in lines if line)
    return Ad(text.replace(" ，", "，"), tuple(platforms))


def _sell_en(
    rng: Random,
    product: Product,
    prices: list[PlantedPrice],
    tiers: list[Product],
    contact: Contact,
    emoji: bool,
    platforms: list[str],
) -> Ad:
    name = _frag(rng, product.en, platforms)
    alone = len(prices) == 1
    written = [write_price_en(rng, p, t, alone) for p, t in zip(prices, tiers, strict=True)]
    points = rng.sample(POINTS[product.category][1], rng.randrange(0, 3))
    left, right = rng.choice(_DECOR_EN)
    if not emoji:
        left, right = _NO_EMOJI.get(left, left), _NO_EMOJI.get(right, right)
    head = f"{left}{rng.choice(_SELL_EN)} {name}{right}"
    closer = rng.choice(_CLOSER_EN)
    if rng.random() < 0.5:
        body = [head, ", ".join(points), ", ".join(written), contact.text, closer]
        text = ". ".join(b for b in body if b)
    else:
        body = [head, *(f"- {p}" for p in points), *written, contact.text, closer]
        text = "\n".join(b for b in body if b)
    return Ad(text, tuple(platforms))


_BUY_ZH = ("收", "求购", "大量收", "高价收", "长期收", "求")
_BUY_TAIL_ZH = ("有的联系", "有的私聊", "价格好说", "要稳定的", "长期要", "")
_BUY_EN = ("WTB", "Buying", "Looking for", "Need", "[WTB]")
_BUY_TAIL_EN = ("pm me", "serious sellers only", "escrow only", "asap", "")


def buy_ad(
    rng: Random, product: Product, budget: PlantedPrice | None, contact: Contact | None, lang: str
) -> Ad:
    """A buy request, with a budget or not."""
    platforms: list[str] = []
    if lang == "en":
        name = _frag(rng, product.en, platforms)
        parts = [f"{rng.choice(_BUY_EN)} {name}"]
        if budget is not None:
            parts.append(f"budget {money_en(rng, budget.amount, budget.currency)}")
        parts += [rng.choice(_BUY_TAIL_EN), contact.text if contact else ""]
        return Ad(", ".join(p for p in parts if p), tuple(platforms))
    name = _frag(rng, product.zh, platforms).replace("专业", "")
    parts = [f"{rng.choice(_BUY_ZH)}{name}"]
    if budget is not None:
        parts.append(f"预算{money_zh(rng, budget.amount, budget.currency, 'bare')}")
    parts += [rng.choice(_BUY_TAIL_ZH), contact.text if contact else ""]
    return Ad(rng.choice((" ", "，")).join(p for p in parts if p), tuple(platforms))
