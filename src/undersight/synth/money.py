"""Prices as the market writes them: round amounts, currencies, packages, periods.

:func:`draw_price` turns a product's planted level into an amount in the
currency the ad uses; :func:`write_price` writes it in one of the forms the
market uses (``5000条300元``, ``包月500``, ``一台4.5万``, ``$81/month``,
``300U/月``). Every form here is one the extractor is expected to read.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from random import Random

from undersight.fx import usd_rate
from undersight.synth.catalog import Product


@dataclass(frozen=True, slots=True)
class PlantedPrice:
    """One price written in an ad, with its planted truth.

    ``scale`` is the package's size against the product's planted basis
    (``(quantity / per) ** volume_exponent``): ``usd / scale`` is the price
    on that basis, comparable with the planted median.
    """

    product: str
    amount: float
    currency: str
    quantity: int | None
    unit: str | None
    period: str | None
    scale: float = 1.0

    def to_dict(self) -> dict[str, object]:
        return {
            "amount": self.amount,
            "amount_max": None,
            "currency": self.currency,
            "quantity": self.quantity,
            "unit": self.unit,
            "period": self.period,
            "product": self.product,
        }


def nice(x: float) -> float:
    """Round an amount the way sellers do (``4.5万``, ``350``, ``5毛``)."""
    if x < 1:
        return max(0.1, round(x, 1))
    if x < 10:
        return max(1.0, round(x * 2) / 2)
    for limit, step in ((50, 1), (200, 5), (1000, 10), (10000, 100), (100000, 1000)):
        if x < limit:
            return float(max(step, round(x / step) * step))
    return float(round(x / 10000) * 10000)


def draw_price(
    rng: Random, product: Product, level: float, quantity: int | None, currency: str, day: dt.date
) -> PlantedPrice:
    """A price at a seller's ``level`` (a multiplier of the planted median), rounded."""
    ref = product.median_usd * level * math.exp(rng.gauss(0.0, 0.08))
    scale = (quantity / product.per) ** product.volume_exponent if quantity else 1.0
    rate = usd_rate(currency, day)[0] or 1.0
    amount = nice(ref * scale / rate)
    return PlantedPrice(
        product.key,
        amount,
        currency,
        quantity if quantity and quantity > 1 else None,
        product.unit,
        product.period,
        scale,
    )


def num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}".rstrip("0").rstrip(".")


_CN = "零一二三四五六七八九"


def cn_numeral(x: float) -> str | None:
    """``两千``, ``一千二``, ``三百五``, ``五万``: two significant digits at most."""
    if not float(x).is_integer() or not 100 <= x < 100000:
        return None
    n = int(x)
    for size, word in ((10000, "万"), (1000, "千"), (100, "百")):
        if n >= size:
            head, rest = divmod(n, size)
            if rest % (size // 10) or head > 9:
                return None
            digit = "两" if head == 2 else _CN[head]
            tail = _CN[rest // (size // 10)] if rest else ""
            return digit + word + tail
    return None


def _wan(x: float) -> str | None:
    """``4.5`` for 45000 (written ``4.5万`` or ``4.5w``)."""
    if x >= 10000 and x % 1000 == 0:
        return num(x / 10000)
    return None


def money_zh(rng: Random, amount: float, currency: str, style: str = "cur") -> str:
    """An amount in a Chinese ad.

    ``style``: ``"cur"`` with a currency word, ``"bare"`` possibly without one
    (where the context makes it a price), ``"yuan"`` only 元/块 or bare.
    """
    n = num(amount)
    if currency == "USDT":
        return rng.choice((f"{n}U", f"{n}u", f"{n}U", f"{n}USDT"))
    if currency == "USD":
        if amount >= 10000:  # "$10000" reads as nothing
            return rng.choice((f"{n}刀", f"{n}美金", f"{n}美元"))
        return rng.choice((f"{n}刀", f"{n}美金", f"${n}", f"{n}美元"))
    if amount < 1:
        return rng.choice((f"{num(amount * 10)}毛", f"{n}元"))
    wan = _wan(amount)
    if style == "yuan":
        if amount < 10:
            forms = [f"{n}元", f"{n}块"]
        elif amount < 10000:
            forms = [f"{n}元", f"{n}块", n]
        else:
            forms = [f"{n}元", f"{wan}万" if wan else f"{n}元"]
        return rng.choice(forms)
    forms = [f"{n}元", f"{n}元", f"{n}块", f"{n}RMB", f"{n}元"]
    if wan:
        forms += [f"{wan}万", f"{wan}万元"]
    if style == "bare":
        if amount < 10000:  # a bare 5-digit number before "QQ" reads as a QQ number
            forms += [n, n]
        if wan:
            forms += [f"{wan}w", f"{wan}万"]
        cn = cn_numeral(amount)
        if cn and rng.random() < 0.5:
            forms.append(cn)
    return rng.choice(forms)


def bare_zh(rng: Random, amount: float) -> str:
    """A CNY amount without a currency word: ``1600``, ``一千六``, ``4.5万``."""
    wan = _wan(amount)
    if wan:
        return rng.choice((f"{wan}万", f"{wan}w"))
    cn = cn_numeral(amount)
    if cn and rng.random() < 0.3:
        return cn
    return num(amount)


def money_en(rng: Random, amount: float, currency: str, alone: bool = True) -> str:
    """An amount in an English ad (``$81``, ``81 USDT``, ``1,200 USD``)."""
    n = num(amount)
    if currency == "USDT":
        return rng.choice((f"{n} USDT", f"{n} usdt", f"{n}USDT"))
    if currency == "CNY":
        return rng.choice((f"{n} RMB", f"¥{n}", f"{n} CNY"))
    if amount >= 1000 and float(amount).is_integer():
        return rng.choice((f"${int(amount):,}", f"${n}", f"{n} USD"))
    if alone:  # "18$" right before the next line's number reads as that number's "$"
        return rng.choice((f"${n}", f"${n}", f"{n}$", f"{n} USD"))
    return rng.choice((f"${n}", f"${n}", f"{n} USD"))


def _qty_zh(rng: Random, q: int) -> str:
    if q >= 10000 and q % 10000 == 0:
        return rng.choice((f"{q // 10000}万", f"{q // 10000}w", str(q)))
    return str(q)


def _qty_en(rng: Random, q: int) -> str:
    if q >= 1000 and q % 1000 == 0:
        return rng.choice((f"{q // 1000}k", f"{q // 1000}k", f"{q:,}", str(q)))
    return str(q)


_BEFORE_ZH = {
    "day": ("天卡", "包天", "日租"),
    "week": ("周卡",),
    "month": ("包月", "月卡", "月租", "月付"),
    "year": ("年费", "年卡", "包年"),
    "lifetime": ("永久", "终身", "买断"),
}
_SLASH_ZH = {"day": ("/天",), "week": ("/周",), "month": ("/月",), "year": ("/年",)}
_ONE_ZH = {"day": "一天", "week": "一周", "month": "一个月", "year": "一年", "lifetime": "永久"}
_AFTER_EN = {
    "day": ("/day", " per day", " a day", " daily"),
    "week": ("/week", " per week", " weekly"),
    "month": ("/month", "/mo", " per month", " a month", " monthly"),
    "year": ("/year", " per year", " a year", "/yr"),
}
_ONCE_ZH = {
    "dns_attack": ("一次", "单次"),
    "web_intrusion": ("一个站", "一次"),
    "malware": ("一个", "一套"),
    "phishing": ("一个", "一套"),
    "tutorials": ("全套", "一套"),
}


def write_price_zh(
    rng: Random, p: PlantedPrice, product: Product, alone: bool = True, tricky: bool = False
) -> str:
    """One price in a Chinese ad.

    ``alone``: the only price of the ad (a bare amount or a "每千条" form binds
    to a neighbouring price). ``tricky``: also forms the extractor is known
    to misread (``1600元一年``, ``1600RMB一年``).
    """
    shape, cls = product.shape, product.cls
    bare = "bare" if alone else "cur"

    def m(style: str = "cur") -> str:
        return money_zh(rng, p.amount, p.currency, style)

    if shape == "pack":
        q = p.quantity or product.per
        qs = f"{_qty_zh(rng, q)}{cls}"
        forms = [f"{qs}{m(bare)}", f"{qs}{m()}", f"{m()}/{qs}"]
        if product.noun_zh:
            forms.append(f"{qs}{product.noun_zh}{m()}")
        if q in (1000, 10000) and p.currency == "CNY" and alone:
            forms.append(f"每{'千' if q == 1000 else '万'}{cls}{m('bare')}")
        return rng.choice(forms)
    if shape == "unit":
        return rng.choice(
            (f"一{cls}{m(bare)}", f"{m('yuan')}一{cls}", f"{m()}/{cls}", f"每{cls}{m()}")
        )
    if shape == "period":
        period = p.period or "month"
        if p.currency == "CNY" and tricky and period in ("day", "week", "year"):
            return f"{num(p.amount)}{rng.choice(('元', 'RMB', '块'))}{_ONE_ZH[period]}"
        form = rng.random()
        if form < 0.5 or period == "lifetime":
            return f"{rng.choice(_BEFORE_ZH[period])}{rng.choice(('', ' '))}{m(bare)}"
        if form < 0.75 or p.currency != "CNY":
            return f"{m()}{rng.choice(_SLASH_ZH[period])}"
        if period == "month":
            return f"{m('yuan')}一个月"
        return f"{bare_zh(rng, p.amount)}{_ONE_ZH[period]}"
    suffixes = _ONCE_ZH.get(product.category, ())
    forms = [m(), f"价格{m(bare)}", f"只要{m()}", f"{m()}起"]
    for s in suffixes:
        forms.append(f"{m('yuan')}{s}" if s[0] == "一" else f"{s}{m(bare)}")
    return rng.choice(forms)


def write_price_en(rng: Random, p: PlantedPrice, product: Product, alone: bool = True) -> str:
    """One price in an English ad."""
    shape = product.shape
    m = money_en(rng, p.amount, p.currency, alone)
    if shape == "pack":
        q = _qty_en(rng, p.quantity or product.per)
        noun = product.noun_en or "pcs"
        return rng.choice(
            (f"{q} {noun} {m}", f"{q} {noun} for {m}", f"{m} per {q} {noun}", f"{q} {noun} = {m}")
        )
    if shape == "unit":
        return rng.choice((f"{m} each", f"{m} per {product.unit}", f"{m} each"))
    if shape == "period":
        period = p.period or "month"
        if period == "lifetime":
            return rng.choice((f"lifetime {m}", f"{m} lifetime"))
        return f"{m}{rng.choice(_AFTER_EN[period])}"
    return rng.choice((m, f"price {m}", f"only {m}", f"just {m}"))
