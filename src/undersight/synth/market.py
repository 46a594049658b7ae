"""How a day goes in a group: who posts, what, and when.

A day has a size (Poisson around a bursty mean scaled by the group's
activity level) split into sell ads, buy requests, hard negatives and
chatter; sellers of the drawn categories post their standard ad (verbatim,
the same across groups) or a fresh rendering of it; members write the rest,
as many of them as it takes to meet the planted participants per group-day.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import OrderedDict
from dataclasses import dataclass, field
from random import Random
from typing import Any

from undersight.synth.ads import Contact, buy_ad, sell_ad
from undersight.synth.catalog import Product, products
from undersight.synth.chatter import NEGATIVE_KINDS, chatter, negative
from undersight.synth.money import PlantedPrice, draw_price
from undersight.synth.params import Params
from undersight.synth.people import (
    Person,
    person,
    qq_contact,
    subseed,
    telegram_contact_en,
    telegram_contact_zh,
    wechat_contact,
)
from undersight.synth.population import Group, Seller, build_groups, build_sellers
from undersight.synth.sampling import (
    Picker,
    binomial,
    day_size,
    members_needed,
    participant_scale,
)

# Share of a day's messages in each hour, China time: quiet nights, busy evenings.
HOURS = (3, 2, 1, 1, 1, 1, 2, 3, 5, 6, 7, 7, 6, 6, 7, 7, 7, 6, 7, 8, 9, 9, 8, 5)


@dataclass(slots=True)
class Post:
    """One message of a day, before it is written."""

    second: int
    author: Person
    text: str
    kind: str  # ad, buy, chatter, question, complaint, news, vouch, warning
    seller: Seller | None = None
    category: str | None = None
    prices: list[PlantedPrice] = field(default_factory=list)
    platforms: tuple[str, ...] = ()
    contacts: list[Contact] = field(default_factory=list)
    mobile: bool = False
    ad_id: str | None = None
    tricky: bool = False


@dataclass(slots=True)
class Rendered:
    """A sell ad as written, with its planted truth."""

    text: str
    prices: list[PlantedPrice]
    platforms: tuple[str, ...]
    contacts: list[Contact]
    mobile: bool
    tricky: bool


class Market:
    """The market of one set of parameters: its population and how a day goes."""

    def __init__(self, params: Params) -> None:
        self.p = p = params
        self.catalog: dict[str, list[Product]] = {}
        for prod in products(p.mobile_premium, p.medians):
            self.catalog.setdefault(prod.category, []).append(prod)
        mix = {c: w for c, w in p.category_mix.items() if w > 0 and c in self.catalog}
        if not mix:
            raise ValueError("the category mix names no known category")
        self.mix = Picker(list(mix), list(mix.values()))
        rng = Random(subseed(p.seed, "population"))
        self.groups = build_groups(p, rng)
        member_space = max(1000, round(len(self.groups) * p.members_per_group * 0.6))
        self.member_space = member_space
        self.sellers = build_sellers(p, self.groups, self.catalog, rng, member_space)
        self.visiting = {
            c: Picker(ss, [s.weight for s in ss])
            for c in mix
            if (ss := [s for s in self.sellers if c in s.categories])
        }
        self.minutes = Picker(list(range(1440)), [HOURS[m // 60] for m in range(1440)])
        years = range(p.start.year, p.end.year + 1)
        self.k_scale = {y: self._calibrate(y) for y in years}
        self.standard: OrderedDict[tuple[Any, ...], Rendered] = OrderedDict()

    # -- participants ---------------------------------------------------------

    def _split(self, rng: Random, n: int, k_scale: float, year: int) -> tuple[int, ...]:
        """A day's ``n`` messages: (sell, buy, negative, chatter, distinct sellers wanted,
        participants wanted)."""
        p = self.p
        offers = binomial(rng, n, p.offer_share)
        buys = binomial(rng, offers, p.buy_share)
        sells = offers - buys
        negs = binomial(rng, n - offers, p.negative_share / max(1e-9, 1 - p.offer_share))
        sellers = 1 + binomial(rng, sells - 1, 0.6) if sells else 0
        rate = p.rate(year)
        target = k_scale * p.participant_rate(year) * (n / rate) ** 0.6
        target *= math.exp(rng.gauss(0.0, 0.25))
        rest = n - sells
        return sells, buys, negs, rest - buys - negs, sellers, round(target)

    def _calibrate(self, year: int) -> float:
        """The factor that makes participants per group-day average the planted rate."""
        p = self.p
        sell_share = p.offer_share * (1 - p.buy_share)
        return participant_scale(p.rate(year), p.participant_rate(year), sell_share)

    # -- ads --------------------------------------------------------------------

    def _contacts(self, rng: Random, s: Seller, g: Group) -> list[Contact]:
        who = s.person
        if g.platform == "qq":
            out = [Contact(qq_contact(rng, s.ad_qq), "qq", s.ad_qq)]
            if s.wechat and self.p.era == "modern" and rng.random() < 0.5:
                out.append(Contact(wechat_contact(rng, s.wechat), "wechat", s.wechat))
            return out
        handle = who.handle
        if g.lang == "en":
            return [Contact(telegram_contact_en(rng, handle), "telegram", handle.lower())]
        out = [Contact(telegram_contact_zh(rng, handle), "telegram", handle.lower())]
        if rng.random() < 0.2:
            out.append(Contact(qq_contact(rng, s.ad_qq), "qq", s.ad_qq))
        return out

    def _render(self, rng: Random, s: Seller, category: str, g: Group, day: dt.date) -> Rendered:
        """A fresh sell ad by ``s``: its products, its price level, its contacts."""
        options = s.products[category]
        first = rng.choice(options)
        tiers = [first]
        quantities = [rng.choice(first.quantities) if first.quantities else None]
        if len(options) > 1 and rng.random() < 0.5:
            other = options[1] if first is options[0] else options[0]
            tiers.append(other)
            quantities.append(rng.choice(other.quantities) if other.quantities else None)
        elif first.quantities and rng.random() < 0.3:
            more = [q for q in dict.fromkeys(first.quantities) if q != quantities[0]]
            if more:
                tiers.append(first)
                quantities.append(rng.choice(more))
        currency = s.currency(g.platform, g.lang, self.p.era)
        prices = [
            draw_price(rng, t, s.levels[t.key], q, currency, day)
            for t, q in zip(tiers, quantities, strict=True)
        ]
        contacts = self._contacts(rng, s, g)
        tricky = rng.random() < self.p.tricky_share
        text_contact = Contact(" ".join(c.text for c in contacts), "", "")
        emoji = g.platform == "telegram"
        ad = sell_ad(rng, first, prices, tiers, text_contact, g.lang, emoji, tricky)
        mobile = any(t.platform for t in tiers)
        return Rendered(ad.text, prices, ad.platforms, contacts, mobile, tricky)

    def _standard(self, s: Seller, category: str, g: Group, ordinal: int) -> tuple[str, Rendered]:
        """The seller's current standard ad (rewritten every ``refresh`` days), cached."""
        version = (ordinal + s.phase) // s.refresh
        key = (s.sid, category, g.platform, g.lang, version)
        ad_id = f"{s.sid}/{category}/{g.platform}-{g.lang}/v{version}"
        found = self.standard.get(key)
        if found is not None:
            self.standard.move_to_end(key)
            return ad_id, found
        day = dt.date.fromordinal(max(1, version * s.refresh - s.phase))
        found = self._render(Random(subseed(self.p.seed, *key)), s, category, g, day)
        self.standard[key] = found
        if len(self.standard) > 4096:
            self.standard.popitem(last=False)
        return ad_id, found

    def _seller_for(self, rng: Random, g: Group, category: str) -> Seller:
        """A seller of ``category`` at home in ``g``, the more active the likelier."""
        home = g.home.get(category)
        if not home:
            return self.visiting[category].pick(rng)
        return home[0] if len(home) == 1 else Picker(home, [s.weight for s in home]).pick(rng)

    # -- a day ------------------------------------------------------------------

    def day(
        self, rng: Random, g: Group, ordinal: int, members: list[int], cache: dict[int, Person]
    ) -> list[Post]:
        """The messages of ``g`` on day ``ordinal``, in time order."""
        p = self.p
        day = dt.date.fromordinal(ordinal)
        n = day_size(rng, p.rate(day.year), g.level)
        sells, buys, negs, chats, n_sellers, target = self._split(
            rng, n, self.k_scale[day.year], day.year
        )
        posts: list[Post] = []
        today: list[tuple[Seller, str]] = []
        for i in range(sells):
            if i < n_sellers:
                category = self.mix.pick(rng)
                s = self._seller_for(rng, g, category)
                today.append((s, category))
                if rng.random() < p.repost_share:
                    ad_id, ad = self._standard(s, category, g, ordinal)
                else:
                    ad_id, ad = None, self._render(rng, s, category, g, day)
            else:  # the same seller again: their standard ad, verbatim
                s, category = rng.choice(today)
                ad_id, ad = self._standard(s, category, g, ordinal)
            posts.append(Post(0, s.person, ad.text, "ad", s, category, ad.prices, ad.platforms))
            posts[-1].contacts, posts[-1].mobile = ad.contacts, ad.mobile
            posts[-1].ad_id, posts[-1].tricky = ad_id, ad.tricky
        n_members = members_needed(n - sells, target, len({s.sid for s, _ in today}))
        picked = rng.sample(members, min(n_members, len(members)))
        authors = [self._member(m, cache) for m in picked]
        kinds = ["buy"] * buys + ["negative"] * negs + ["chatter"] * chats
        rng.shuffle(kinds)
        for i, kind in enumerate(kinds):
            # everyone picked writes once, the first ones more
            author = authors[i if i < len(authors) else int(len(authors) * rng.random() ** 2)]
            if kind == "buy":
                posts.append(self._buy(rng, g, day, author))
            elif kind == "negative":
                posts.append(self._negative(rng, g, author))
            else:
                posts.append(Post(0, author, chatter(rng, g.lang, p.era), "chatter"))
        rng.shuffle(posts)
        for post, second in zip(posts, self._seconds(rng, len(posts)), strict=True):
            post.second = second
        return posts

    def members(self, rng: Random, g: Group) -> list[int]:
        """Who is in ``g``: indices of people, some of them in many groups."""
        space = self.member_space
        return list(dict.fromkeys(int(space * rng.random() ** 1.7) for _ in range(g.members)))

    def _own_contact(self, rng: Random, author: Person, g: Group) -> Contact:
        """A buy request signs with its author's own QQ number or handle."""
        if g.platform == "qq":
            return Contact(qq_contact(rng, author.qq), "qq", author.qq)
        handle = author.handle
        if g.lang == "en":
            return Contact(telegram_contact_en(rng, handle), "telegram", handle.lower())
        return Contact(telegram_contact_zh(rng, handle), "telegram", handle.lower())

    def _buy(self, rng: Random, g: Group, day: dt.date, author: Person) -> Post:
        """A member's buy request, with a budget or not, signed or not."""
        category = self.mix.pick(rng)
        product = rng.choice(self.catalog[category])
        budget = None
        if rng.random() < 0.4:
            currency = "CNY" if g.lang == "zh" else rng.choice(("USD", "USD", "USDT"))
            level = math.exp(rng.gauss(0.0, product.sigma))
            drawn = draw_price(rng, product, level, None, currency, day)
            budget = PlantedPrice(product.key, drawn.amount, drawn.currency, None, None, None)
        contact = self._own_contact(rng, author, g) if rng.random() < 0.5 else None
        ad = buy_ad(rng, product, budget, contact, g.lang)
        post = Post(0, author, ad.text, "buy", None, category, [budget] if budget else [])
        post.platforms, post.mobile = ad.platforms, product.platform is not None
        post.contacts = [contact] if contact else []
        return post

    def _negative(self, rng: Random, g: Group, author: Person) -> Post:
        kind = rng.choice(NEGATIVE_KINDS)
        category = self.mix.pick(rng)
        product = rng.choice(self.catalog[category])
        space = self.member_space  # someone outside the group: a scammer, a stranger
        other = person(self.p.seed, rng.randrange(20 * space, 30 * space))
        sellers = g.home.get(category) or self.sellers
        vouched = rng.choice(sellers).person if sellers else other
        nick = vouched.short if g.lang == "zh" else vouched.tg_name.split(" |")[0]
        handle = vouched.handle if kind == "vouch" else other.handle
        qq_line = rng.choice(
            (f"QQ{other.qq}", f"QQ {other.qq}", f"扣扣 {other.qq}", f"Q:{other.qq}")
        )
        text, contacts = negative(rng, kind, g.lang, product, other.qq, handle, nick, qq_line)
        return Post(0, author, text, kind, contacts=contacts)

    def _member(self, index: int, cache: dict[int, Person]) -> Person:
        found = cache.get(index)
        if found is None:
            found = cache[index] = person(self.p.seed, index)
        return found

    def _seconds(self, rng: Random, n: int) -> list[int]:
        """``n`` distinct seconds of the day, sorted, busier in the evening."""
        seen: set[int] = set()
        while len(seen) < n:
            seen.add(self.minutes.pick(rng) * 60 + rng.randrange(60))
        return sorted(seen)
