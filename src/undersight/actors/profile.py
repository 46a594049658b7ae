"""One persona described: aliases, identifiers, groups, offers, prices and activity."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from undersight.actors.link import ActorResult, Persona, utc
from undersight.store.base import Store

_PRICES = """
SELECT m.posted_at, c.category, p.amount, p.currency, p.usd, m.key
FROM messages m
JOIN prices p ON p.key = m.key
LEFT JOIN categories c ON c.key = m.key AND c.rank = 0
WHERE m.author_key IN ({})
"""
_TIMES = "SELECT m.posted_at FROM messages m WHERE m.author_key IN ({})"


@dataclass(frozen=True)
class PricePoint:
    date: dt.date | None
    category: str | None
    amount: float
    currency: str
    usd: float | None
    message: str


@dataclass(frozen=True)
class IdentifierUse:
    id_type: str
    value: str
    authors: int
    messages: int
    first_seen: dt.datetime | None
    last_seen: dt.datetime | None


@dataclass
class PersonaProfile:
    persona: Persona
    identifiers: list[IdentifierUse]
    groups: list[tuple[str, str]]  # (source id, name)
    prices: list[PricePoint]
    timeline: list[tuple[str, int]]  # ("2013-05", messages)

    @property
    def persona_id(self) -> str:
        return self.persona.persona_id


def _identifiers(result: ActorResult, persona: Persona) -> list[IdentifierUse]:
    uses = []
    links = result.links_of(persona.persona_id)
    for id_type, value in persona.identifiers:
        mine = [x for x in links if (x.id_type, x.value) == (id_type, value)]
        firsts = [x.first_seen for x in mine if x.first_seen]
        lasts = [x.last_seen for x in mine if x.last_seen]
        uses.append(
            IdentifierUse(
                id_type,
                value,
                len({x.author_key for x in mine}),
                len({k for x in mine for k in x.messages}),
                min(firsts) if firsts else None,
                max(lasts) if lasts else None,
            )
        )
    return uses


def persona_profile(result: ActorResult, store: Store, persona_id: str) -> PersonaProfile:
    """The profile of ``persona_id`` (KeyError if ``result`` has no such persona)."""
    persona = result.persona(persona_id)
    marks = ", ".join("?" for _ in persona.authors)
    prices = []
    for posted, category, amount, currency, usd, key in store.query(
        _PRICES.format(marks), persona.authors
    ):
        when = utc(posted)
        prices.append(
            PricePoint(
                when.date() if when else None,
                category,
                float(amount),
                currency,
                None if usd is None else round(float(usd), 2),
                key,
            )
        )
    prices.sort(key=lambda p: (p.date or dt.date.min, p.category or "", p.message, p.amount))
    months: Counter[str] = Counter()
    for (posted,) in store.query(_TIMES.format(marks), persona.authors):
        when = utc(posted)
        months[when.strftime("%Y-%m") if when else "unknown"] += 1
    return PersonaProfile(
        persona=persona,
        identifiers=_identifiers(result, persona),
        groups=[(g, result.group_names.get(g, g)) for g in persona.groups],
        prices=prices,
        timeline=sorted(months.items()),
    )
