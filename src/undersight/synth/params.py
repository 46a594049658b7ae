"""Generation parameters and the named scenarios.

``cn-underground-2013`` is calibrated to Trend Micro's "The Chinese
Underground in 2013" (figures in ``shared/data/real/README.md``). Those
figures do not all fit together if the per-group daily rates are read over
all ~500 groups (that would be ~10M messages), so the scenario reads them
over the groups active on a day and honours, at scale 1.0:

- 500 QQ groups, 1 March 2012 - 31 December 2013, QQ only;
- messages per active group per day 28.74 (2012) and 62.56 (2013);
- participants per active group per day 5.13 (2012) and 11.26 (2013);
- 109,222 messages in June 2013 and 1.4M messages in all, which together
  fix the active group-days: ~58.2 groups active a day in 2013 (June's
  figure over 30 days at 62.56) and ~8.1 in 2012 (the rest of the 1.4M at
  28.74 over the 306 days of 2012): the monitored set grew sevenfold;
- the offer counts (compromised hosts 35,112 > DDoS 16,471 > RATs 15,365)
  as the category mix; the other categories' counts are assumptions;
- the prices (see :mod:`undersight.synth.catalog`), with the mobile premium
  (1.6) the study's own iMessage ($16/1,000) over SMS ($10/1,000) price.

Not honoured: anything per group over the whole period (a group is active
~47 days on average). ``scale`` shrinks the number of groups and the active
group-days proportionally and keeps every per-group daily rate.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

# The published figures the 2013 scenario is calibrated to.
STUDY_TOTAL = 1_400_000
STUDY_JUNE_2013 = 109_222
STUDY_GROUPS = 500
STUDY_RATES = {2012: 28.74, 2013: 62.56}
STUDY_PARTICIPANTS = {2012: 5.13, 2013: 11.26}
STUDY_START, STUDY_END = dt.date(2012, 3, 1), dt.date(2013, 12, 31)
STUDY_OFFERS = {
    "bots": 35112,  # published
    "ddos": 16471,  # published
    "rat": 15365,  # published
    "sms_spam": 9000,
    "malware": 8000,
    "web_intrusion": 5000,
    "stolen_data": 5000,
    "phishing": 4000,
    "accounts": 4000,
    "premium_number": 3000,
    "hosting": 3000,
    "tutorials": 3000,
    "carding": 2500,
    "dns_attack": 1500,
    "fake_base_station": 1500,
}
DEFAULT_MIX = {
    "bots": 10.0,
    "ddos": 8.0,
    "rat": 6.0,
    "sms_spam": 8.0,
    "malware": 6.0,
    "phone_numbers": 6.0,
    "stolen_data": 7.0,
    "carding": 7.0,
    "accounts": 6.0,
    "phishing": 5.0,
    "hosting": 5.0,
    "web_intrusion": 4.0,
    "tutorials": 3.0,
    "premium_number": 2.0,
    "dns_attack": 1.5,
    "fake_base_station": 1.5,
}
# Currencies ads are written in, by (platform, language, era).
CURRENCIES = {
    ("qq", "zh", "qq2013"): {"CNY": 0.97, "USD": 0.03},
    ("qq", "zh", "modern"): {"CNY": 0.8, "USDT": 0.2},
    ("telegram", "zh", "modern"): {"CNY": 0.35, "USDT": 0.65},
    ("telegram", "en", "modern"): {"USD": 0.6, "USDT": 0.4},
}
PARTICIPANTS_PER_MESSAGE = 0.18  # the study: 5.13/28.74 and 11.26/62.56


@dataclass(frozen=True)
class Params:
    """Everything a corpus is generated from; ``summary.json`` records it."""

    scenario: str = "custom"
    seed: int = 1
    scale: float = 1.0
    start: dt.date = dt.date(2022, 10, 1)
    end: dt.date = dt.date(2023, 3, 31)
    qq_groups: int = 3
    telegram_groups: int = 3
    members_per_group: int = 300
    rates: dict[int, float] = field(default_factory=lambda: {2022: 30.0})
    participants: dict[int, float] = field(default_factory=dict)
    growth: float = 2.0  # yearly factor for years without a rate
    group_days: dict[int, float] | None = None  # active group-days a year at scale 1
    daily_activity: float = 0.85  # chance a group is active on a day of its window
    offer_share: float = 0.09
    buy_share: float = 0.1  # of offers
    negative_share: float = 0.06
    category_mix: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_MIX))
    medians: dict[str, float] = field(default_factory=dict)  # product -> planted median USD
    mobile_premium: float = 1.6
    sellers_per_group: float = 10.0
    repost_share: float = 0.5  # of a seller's ads, verbatim copies of their current ad
    tricky_share: float = 0.03  # ads in forms the extractor is known to misread
    telegram_en_share: float = 0.5
    qq_encoding: str = "utf-8-sig"
    choice: str = ""

    @property
    def era(self) -> str:
        return "qq2013" if self.start.year < 2016 else "modern"

    def rate(self, year: int) -> float:
        """Messages per active group per day in ``year``."""
        return _by_year(self.rates, year, self.growth)

    def participant_rate(self, year: int) -> float:
        if self.participants:
            return _by_year(self.participants, year, self.growth)
        return PARTICIPANTS_PER_MESSAGE * self.rate(year)

    def validate(self) -> None:
        """Raise ``ValueError`` naming the first parameter that cannot work."""
        from undersight.synth.catalog import BASE_PRODUCTS, CATEGORIES

        if self.scale <= 0:
            raise ValueError(f"scale must be positive, not {self.scale}")
        if self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")
        if (
            self.qq_groups < 0
            or self.telegram_groups < 0
            or not (self.qq_groups + self.telegram_groups)
        ):
            raise ValueError("there must be at least one QQ or Telegram group")
        for name in ("offer_share", "buy_share", "negative_share", "repost_share", "tricky_share"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be between 0 and 1")
        if self.offer_share + self.negative_share > 1:
            raise ValueError("offer_share + negative_share must not exceed 1")
        if not 0 < self.daily_activity <= 1 or not 0 <= self.telegram_en_share <= 1:
            raise ValueError("daily_activity and telegram_en_share must be shares")
        if min(self.rates.values(), default=0) <= 0 or self.members_per_group < 1:
            raise ValueError("rates and members_per_group must be positive")
        unknown = set(self.category_mix) - set(CATEGORIES)
        if unknown or not any(w > 0 for w in self.category_mix.values()):
            raise ValueError(
                f"category mix: unknown {sorted(unknown)} or no positive weight; "
                f"known: {', '.join(CATEGORIES)}"
            )
        keys = {prod.key for prod in BASE_PRODUCTS}
        if set(self.medians) - keys:
            raise ValueError(f"unknown products {sorted(set(self.medians) - keys)}")
        if self.qq_encoding not in ("utf-8-sig", "gb18030"):
            raise ValueError("qq_encoding is utf-8-sig or gb18030")

    def to_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["start"], out["end"] = self.start.isoformat(), self.end.isoformat()
        for k, v in out.items():
            if isinstance(v, dict):
                out[k] = {str(key): value for key, value in v.items()}
        return out


def expected_messages(p: Params) -> float:
    """Roughly how many messages ``p`` makes (for ``--messages``)."""
    total = 0.0
    for year in range(p.start.year, p.end.year + 1):
        first = max(p.start, dt.date(year, 1, 1))
        last = min(p.end, dt.date(year, 12, 31))
        if p.group_days:
            group_days = p.group_days.get(year, 0.0) * p.scale
        else:
            group_days = (p.qq_groups + p.telegram_groups) * ((last - first).days + 1)
            group_days *= p.daily_activity
        total += group_days * p.rate(year)
    return total


def _by_year(values: dict[int, float], year: int, growth: float) -> float:
    if year in values:
        return values[year]
    nearest = min(values, key=lambda y: abs(y - year))
    return values[nearest] * growth ** (year - nearest)


def study_group_days() -> dict[int, float]:
    """Active group-days a year implied by the study's totals (see the module doc)."""
    d13 = STUDY_JUNE_2013 / (30 * STUDY_RATES[2013]) * 365
    d12 = (STUDY_TOTAL - d13 * STUDY_RATES[2013]) / STUDY_RATES[2012]
    return {2012: round(d12, 1), 2013: round(d13, 1)}


CN_2013_CHOICE = (
    "Per-group daily rates are over the groups active on a day. Honoured at scale 1: "
    "500 QQ groups, Mar 2012-Dec 2013, 28.74/62.56 messages and 5.13/11.26 participants "
    "per active group per day (2012/2013), 1.4M messages with 109,222 in June 2013 (which "
    "fix ~8.1 groups active a day in 2012 and ~58.2 in 2013), offer counts bots 35,112 > "
    "DDoS 16,471 > RATs 15,365, the published prices and a 1.6 mobile premium. Not "
    "honoured: per-group figures over the whole period (a group is active ~47 days). "
    "Scale shrinks groups and active group-days, keeping the per-group daily rates."
)


def scenario(name: str, scale: float = 1.0, seed: int = 1, **overrides: Any) -> Params:
    """A named scenario (``cn-underground-2013`` or ``custom``) at ``scale``, then overrides."""
    if name == "cn-underground-2013":
        total_offers = sum(STUDY_OFFERS.values())
        base = Params(
            scenario=name,
            seed=seed,
            scale=scale,
            start=STUDY_START,
            end=STUDY_END,
            qq_groups=max(4, round(STUDY_GROUPS * scale)),
            telegram_groups=0,
            members_per_group=300,
            rates=dict(STUDY_RATES),
            participants=dict(STUDY_PARTICIPANTS),
            growth=STUDY_RATES[2013] / STUDY_RATES[2012],
            group_days=study_group_days(),
            offer_share=round(total_offers / STUDY_TOTAL, 4),
            category_mix={k: float(v) for k, v in STUDY_OFFERS.items()},
            qq_encoding="gb18030",
            choice=CN_2013_CHOICE,
        )
    elif name == "custom":
        base = Params(seed=seed, scale=scale)
        qq, tg = _scaled(base.qq_groups, scale), _scaled(base.telegram_groups, scale)
        # below one group per platform, fewer active days keep the totals proportional
        wanted = (base.qq_groups + base.telegram_groups) * scale
        base = replace(
            base,
            qq_groups=qq,
            telegram_groups=tg,
            daily_activity=base.daily_activity * min(1.0, wanted / (qq + tg)),
            choice="Custom parameters; groups active over the whole range.",
        )
    else:
        raise ValueError(f"unknown scenario {name!r} (cn-underground-2013, custom)")
    return replace(base, **overrides) if overrides else base


def _scaled(groups: int, scale: float) -> int:
    return max(1, round(groups * scale)) if groups else 0


SCENARIOS = ("cn-underground-2013", "custom")
