"""The market's population: groups (with their active windows) and sellers.

Sellers are personas: one QQ number, one Telegram account and handle, the
categories and products they sell, a price level per product, and the
groups they are at home in (a heavy-tailed number: most sell in one to
three groups, a few in dozens). Everything here is small (a few thousand
sellers, a few hundred groups) and built once from the seed.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from random import Random

from undersight.synth.catalog import Product
from undersight.synth.params import CURRENCIES, Params
from undersight.synth.people import Person, group_name, person, qq_number, subseed, wechat_id
from undersight.synth.sampling import Picker


@dataclass
class Seller:
    """A seller persona and what it did (``ads``, ``groups_posted``)."""

    sid: str
    person: Person
    categories: tuple[str, ...]
    products: dict[str, tuple[Product, ...]]
    levels: dict[str, float]
    weight: float
    ad_qq: str  # the QQ number written in ads (its own, or a "customer service" one)
    wechat: str | None
    refresh: int  # days between rewrites of the standard ad
    phase: int
    home: list[int] = field(default_factory=list)
    ads: int = 0
    groups_posted: set[int] = field(default_factory=set)

    currencies: dict[tuple[str, str], str] = field(default_factory=dict)

    def currency(self, platform: str, lang: str, era: str) -> str:
        """The currency this seller prices in on a platform (drawn once)."""
        found = self.currencies.get((platform, lang))
        if found is None:
            weights = (
                CURRENCIES.get((platform, lang, era)) or CURRENCIES[(platform, lang, "modern")]
            )
            rng = Random(subseed(self.sid, self.person.qq, platform, lang))
            found = rng.choices(list(weights), list(weights.values()))[0]
            self.currencies[(platform, lang)] = found
        return found


@dataclass
class Group:
    index: int
    platform: str  # "qq" or "telegram"
    lang: str  # "zh" or "en"
    name: str
    chat_id: int
    members: int
    level: float  # activity multiplier, mean 1
    first: int  # window, as date ordinals
    last: int
    activity: float  # chance of being active on a day of the window
    home: dict[str, list[Seller]] = field(default_factory=dict)


def build_groups(p: Params, rng: Random) -> list[Group]:
    """Groups with names, sizes, activity levels and active windows."""
    specs = [("qq", "zh")] * p.qq_groups
    n_en = round(p.telegram_groups * p.telegram_en_share)
    specs += [("telegram", "en")] * n_en + [("telegram", "zh")] * (p.telegram_groups - n_en)
    windows = _windows(p, len(specs), rng)
    groups, names = [], set()
    for i, ((platform, lang), (first, last, activity)) in enumerate(
        zip(specs, windows, strict=True)
    ):
        name = group_name(rng, platform, lang)
        while name in names:
            name = f"{name}{rng.randrange(2, 99)}"
        names.add(name)
        level = math.exp(rng.gauss(0.0, 0.4) - 0.08)  # mean 1
        members = max(30, round(p.members_per_group * rng.uniform(0.5, 1.5)))
        chat_id = 1_000_000_000 + rng.randrange(900_000_000)
        groups.append(
            Group(i, platform, lang, name, chat_id, members, level, first, last, activity)
        )
    _normalize_levels(groups)
    return groups


def _normalize_levels(groups: list[Group]) -> None:
    """Activity levels averaging exactly 1 over each year's expected group-days,
    so that even a handful of groups keeps the planted per-group daily rate."""
    buckets: dict[int, list[Group]] = {}
    for g in groups:
        buckets.setdefault(dt.date.fromordinal(g.first).year, []).append(g)
    for members in buckets.values():
        days = [(g.last - g.first + 1) * g.activity for g in members]
        mean = sum(d * g.level for d, g in zip(days, members, strict=True)) / sum(days)
        for g in members:
            g.level /= mean


def _windows(p: Params, n: int, rng: Random) -> list[tuple[int, int, float]]:
    """Each group's (first day, last day, daily activity).

    Without ``group_days`` every group spans the whole range. With it, groups
    are shared out among the years in proportion to the year's active
    group-days (at least one per active year) and each gets a window placed
    uniformly in its year, sized so the year's expected active group-days
    are ``group_days[year] * scale``.
    """
    lo, hi = p.start.toordinal(), p.end.toordinal()
    if not p.group_days or n == 0:
        return [(lo, hi, p.daily_activity)] * n
    years = {}
    for y, d in sorted(p.group_days.items()):
        a = max(lo, dt.date(y, 1, 1).toordinal())
        b = min(hi, dt.date(y, 12, 31).toordinal())
        if a <= b and d > 0:
            years[y] = (a, b, d * p.scale)
    counts = _share_out(n, {y: v[2] for y, v in years.items()})
    out = []
    for y, count in counts.items():
        a, b, days = years[y]
        span = b - a + 1
        per_group = days / count / p.daily_activity  # window days wanted inside the year
        for j in range(count):
            want = per_group * rng.uniform(0.6, 1.4)
            if want >= span * 0.8:
                out.append((a, b, min(1.0, p.daily_activity * want / span)))
                continue
            # starts spread evenly (stratified) over [a - L + 1, b], windows clipped to
            # the year: every day of the year about equally covered
            length = max(1, round(want * (span - 1) / (span - want)))
            start = a - length + 1 + int((j + rng.random()) / count * (span + length - 1))
            out.append((max(a, start), min(b, start + length - 1), p.daily_activity))
    rng.shuffle(out)
    return out


def _share_out(n: int, weights: dict[int, float]) -> dict[int, int]:
    """``n`` split in proportion to ``weights``, at least one each (largest remainder)."""
    keys = list(weights)
    if n < len(keys):
        keys = sorted(keys, key=lambda k: -weights[k])[:n]
    total = sum(weights[k] for k in keys)
    spare = n - len(keys)
    raw = {k: spare * weights[k] / total for k in keys}
    counts = {k: 1 + int(raw[k]) for k in keys}
    left = n - sum(counts.values())
    for k in sorted(keys, key=lambda k: -(raw[k] - int(raw[k])))[:left]:
        counts[k] += 1
    return counts


def build_sellers(
    p: Params, groups: list[Group], catalog: dict[str, list[Product]], rng: Random, first: int
) -> list[Seller]:
    """Seller personas, each at home in a heavy-tailed number of groups, and in
    enough of them that every group has a seller of every category in the mix."""
    if not groups:
        return []
    mix = {c: w for c, w in p.category_mix.items() if w > 0 and c in catalog}
    cats = Picker(list(mix), list(mix.values()))
    sizes = list(range(1, min(40, len(groups)) + 1))
    size_pick = Picker(sizes, [k**-1.8 for k in sizes])
    mean_size = sum(k * k**-1.8 for k in sizes) / sum(k**-1.8 for k in sizes)
    count = max(len(mix), round(len(groups) * p.sellers_per_group / mean_size))
    sellers = []
    for i in range(count):
        primary = cats.pick(rng) if i >= len(mix) else list(mix)[i]  # every category sold
        categories = [primary]
        if rng.random() < 0.3:
            other = cats.pick(rng)
            if other != primary:
                categories.append(other)
        products, levels = {}, {}
        for c in categories:
            options = catalog[c]
            chosen = [Picker(options, [o.weight for o in options]).pick(rng)]
            if len(options) > 1 and rng.random() < 0.4:
                second = Picker(options, [o.weight for o in options]).pick(rng)
                if second is not chosen[0]:
                    chosen.append(second)
            products[c] = tuple(chosen)
            for o in chosen:
                spread = math.sqrt(max(o.sigma**2 - 0.08**2, 0.0))
                levels[o.key] = math.exp(rng.gauss(0.0, spread))
        index = first + i
        who = person(p.seed, index, primary)
        sid = f"S{i + 1:04d}"
        ad_qq = who.qq if rng.random() < 0.75 else qq_number(p.seed, 10**8 + index)
        seller = Seller(
            sid,
            who,
            tuple(categories),
            products,
            levels,
            weight=math.exp(rng.gauss(0.0, 0.8)),
            ad_qq=ad_qq,
            wechat=wechat_id(p.seed, index) if rng.random() < 0.3 else None,
            refresh=rng.randrange(14, 60),
            phase=rng.randrange(60),
        )
        seller.home = rng.sample(range(len(groups)), size_pick.pick(rng))
        sellers.append(seller)
    # every group has a seller of every category: the biggest sellers fill the gaps
    for c in mix:
        of_c = [s for s in sellers if c in s.categories]
        fill = Picker(of_c, [s.weight for s in of_c])
        covered = {g for s in of_c for g in s.home}
        for g in range(len(groups)):
            if g not in covered:
                fill.pick(rng).home.append(g)
    for seller in sellers:
        seller.home = sorted(set(seller.home))
        for g in seller.home:
            for c in seller.categories:
                groups[g].home.setdefault(c, []).append(seller)
    return sellers
