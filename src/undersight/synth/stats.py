"""Running statistics of what was written, and the summary of the planted truth.

Counted from the messages as they are written, so the summary's realized
figures are exactly what a reader of the export files will count; the
planted figures are the parameters they were drawn from.
"""

from __future__ import annotations

import datetime as dt
import math
from array import array
from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from undersight.synth.catalog import Product
from undersight.synth.params import Params

if TYPE_CHECKING:
    from undersight.synth.engine import Post
    from undersight.synth.population import Group, Seller


class _Year:
    __slots__ = ("group_days", "groups", "messages", "offers", "participants")

    def __init__(self) -> None:
        self.group_days = 0
        self.messages = 0
        self.participants = 0
        self.offers = 0
        self.groups: set[int] = set()


def _median(values: array) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


class Stats:
    """Counts per year, month, kind, category and product, as messages are written."""

    def __init__(self, params: Params, catalog: dict[str, list[Product]]) -> None:
        self.p = params
        self.products = {prod.key: prod for prods in catalog.values() for prod in prods}
        self.years: dict[int, _Year] = defaultdict(_Year)
        self.months: Counter[str] = Counter()
        self.kinds: Counter[str] = Counter()
        self.platforms: Counter[str] = Counter()
        self.sells: Counter[str] = Counter()
        self.buys: Counter[str] = Counter()
        self.ref_usd: dict[str, array] = defaultdict(lambda: array("d"))
        self.standard_ads = 0
        self.tricky = 0

    def message(self, g: Group, day: dt.date, post: Post, record: dict[str, Any]) -> None:
        self.months[day.isoformat()[:7]] += 1
        self.kinds[post.kind] += 1
        self.platforms[g.platform] += 1
        if post.kind == "ad":
            self.years[day.year].offers += 1
            self.sells[post.category or "?"] += 1
            self.tricky += post.tricky
            self.standard_ads += post.ad_id is not None
            seller = post.seller
            if seller is not None:
                seller.ads += 1
                seller.groups_posted.add(g.index)
            for price, row in zip(post.prices, record["prices"], strict=True):
                if row["usd"] is not None:
                    self.ref_usd[price.product].append(row["usd"] / price.scale)
        elif post.kind == "buy":
            self.years[day.year].offers += 1
            self.buys[post.category or "?"] += 1

    def group_day(self, g: Group, day: dt.date, messages: int, participants: int) -> None:
        y = self.years[day.year]
        y.group_days += 1
        y.messages += messages
        y.participants += participants
        y.groups.add(g.index)

    # -- the summary ------------------------------------------------------------

    def summary(
        self, groups: list[Group], sellers: list[Seller], files: dict[str, str]
    ) -> dict[str, Any]:
        p = self.p
        total = sum(self.kinds.values())
        return {
            "generator": "undersight.synth",
            "scenario": p.scenario,
            "seed": p.seed,
            "scale": p.scale,
            "choice": p.choice,
            "files": files,
            "conventions": {
                "day": "China local date (UTC+8), for QQ and Telegram alike",
                "messages_per_group_day": "messages / active group-days of the year",
                "participants_per_group_day": "distinct authors per active group-day, averaged",
                "groups_active_per_day": "active group-days / days of the year in the range",
                "telegram_date": "Telegram 'date' is the exporter's local time, UTC+8",
                "realized_median_usd": "over sell-ad messages (reposts included), per basis",
            },
            "params": p.to_dict(),
            "totals": {
                "messages": total,
                "groups": {
                    "qq": sum(g.platform == "qq" for g in groups),
                    "telegram": sum(g.platform == "telegram" for g in groups),
                },
                "by_platform": dict(self.platforms),
                "by_kind": dict(self.kinds),
                "offers": sum(self.sells.values()) + sum(self.buys.values()),
                "standard_ad_messages": self.standard_ads,
                "tricky_ads": self.tricky,
            },
            "per_year": self._per_year(),
            "per_month": dict(sorted(self.months.items())),
            "categories": self._categories(),
            "mobile_premium": self._mobile_premium(),
            "sellers": self._sellers(sellers, groups),
        }

    def _per_year(self) -> dict[str, Any]:
        p = self.p
        out = {}
        for year in sorted(self.years):
            y = self.years[year]
            first = max(p.start, dt.date(year, 1, 1))
            last = min(p.end, dt.date(year, 12, 31))
            days = (last - first).days + 1
            planted_days = (p.group_days or {}).get(year)
            gd = max(y.group_days, 1)
            out[str(year)] = {
                "days": days,
                "groups_active": len(y.groups),
                "group_days": y.group_days,
                "messages": y.messages,
                "offers": y.offers,
                "messages_per_group_day": {
                    "planted": p.rate(year),
                    "realized": round(y.messages / gd, 4),
                },
                "participants_per_group_day": {
                    "planted": round(p.participant_rate(year), 4),
                    "realized": round(y.participants / gd, 4),
                },
                "groups_active_per_day": {
                    "planted": round(planted_days * p.scale / days, 4) if planted_days else None,
                    "realized": round(y.group_days / days, 4),
                },
            }
        return out

    def _categories(self) -> dict[str, Any]:
        p = self.p
        mix_total = sum(w for c, w in p.category_mix.items() if w > 0) or 1.0
        offers = sum(self.sells.values()) + sum(self.buys.values()) or 1
        by_cat: dict[str, list[Product]] = defaultdict(list)
        for prod in self.products.values():
            by_cat[prod.category].append(prod)
        out = {}
        for cat, prods in by_cat.items():
            share = p.category_mix.get(cat, 0.0) / mix_total
            n = self.sells[cat] + self.buys[cat]
            out[cat] = {
                "offer_share": {"planted": round(share, 4), "realized": round(n / offers, 4)},
                "offers": n,
                "sell": self.sells[cat],
                "buy": self.buys[cat],
                "products": {
                    prod.key: {
                        "basis": prod.basis,
                        "unit": prod.unit,
                        "per": prod.per,
                        "period": prod.period,
                        "mobile": prod.platform is not None,
                        "planted_median_usd": round(prod.median_usd, 4),
                        "sigma": prod.sigma,
                        "volume_exponent": prod.volume_exponent,
                        "realized_median_usd": _round(_median(self.ref_usd[prod.key])),
                        "prices": len(self.ref_usd[prod.key]),
                    }
                    for prod in prods
                },
            }
        return out

    def _mobile_premium(self) -> dict[str, Any]:
        pairs, logs, weights = {}, 0.0, 0
        for prod in self.products.values():
            if not prod.mobile_of:
                continue
            base = self.products[prod.mobile_of]
            mobile_med = _median(self.ref_usd[prod.key])
            base_med = _median(self.ref_usd[base.key])
            ratio = None
            if mobile_med and base_med:
                ratio = (mobile_med / prod.per) / (base_med / base.per)
                n = len(self.ref_usd[prod.key])
                logs += n * math.log(ratio)
                weights += n
            pairs[prod.key] = {"versus": base.key, "realized": _round(ratio)}
        return {
            "planted": self.p.mobile_premium,
            "realized": _round(math.exp(logs / weights)) if weights else None,
            "pairs": pairs,
            "how": "ratio of realized medians per unit, mobile variant over its base product",
        }

    def _sellers(self, sellers: list[Seller], groups: list[Group]) -> dict[str, Any]:
        planted = Counter(len(s.home) for s in sellers)
        active = [s for s in sellers if s.ads]
        realized = Counter(len(s.groups_posted) for s in active)
        return {
            "count": len(sellers),
            "active": len(active),
            "groups_per_seller": {
                "planted": {
                    "mean": _round(sum(len(s.home) for s in sellers) / max(1, len(sellers))),
                    "histogram": {str(k): planted[k] for k in sorted(planted)},
                },
                "realized": {
                    "mean": _round(sum(len(s.groups_posted) for s in active) / max(1, len(active))),
                    "histogram": {str(k): realized[k] for k in sorted(realized)},
                },
            },
            "per_seller": [
                {
                    "id": s.sid,
                    "qq": s.person.qq,
                    "ad_qq": s.ad_qq,
                    "telegram_id": f"user{s.person.tg_id}",
                    "telegram_handle": s.person.handle,
                    "wechat": s.wechat,
                    "categories": list(s.categories),
                    "products": [prod.key for ps in s.products.values() for prod in ps],
                    "home_groups": len(s.home),
                    "groups_posted": len(s.groups_posted),
                    "groups": sorted(groups[i].name for i in s.groups_posted),
                    "ads": s.ads,
                }
                for s in sellers
            ],
        }


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def write_summary(path: Path, summary: dict[str, Any]) -> None:
    path.write_bytes(orjson.dumps(summary, option=orjson.OPT_INDENT_2) + b"\n")
