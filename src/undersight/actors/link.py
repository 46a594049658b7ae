"""Linking authors and identifiers into personas, with the evidence of every link."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from undersight.actors.unionfind import UnionFind
from undersight.model import CONTACT_TYPES
from undersight.store.base import Store
from undersight.store.chunks import in_range, key_ranges

# Contact types that name a person (or their wallet); URLs, domains and IPs do not.
LINK_TYPES: tuple[str, ...] = tuple(t for t in CONTACT_TYPES if t not in ("url", "domain", "ip"))
DEFAULT_MAX_SHARED = 5

_AUTHORS = """
SELECT m.author_key, max(a.platform), max(a.author_id), max(a.name), CAST(count(*) AS BIGINT),
       CAST(sum(CASE WHEN e.offer THEN 1 ELSE 0 END) AS BIGINT), min(m.posted_at), max(m.posted_at)
FROM messages m
LEFT JOIN authors a ON a.author_key = m.author_key
LEFT JOIN extractions e ON e.key = m.key
WHERE m.author_key IS NOT NULL
GROUP BY m.author_key
"""
_AUTHOR_GROUPS = """
SELECT m.author_key, m.source_id, CAST(count(*) AS BIGINT)
FROM messages m WHERE m.author_key IS NOT NULL
GROUP BY m.author_key, m.source_id
"""
_AUTHOR_CATEGORIES = """
SELECT m.author_key, c.category, CAST(count(*) AS BIGINT)
FROM messages m
JOIN extractions e ON e.key = m.key AND e.offer
JOIN categories c ON c.key = m.key AND c.rank = 0
WHERE m.author_key IS NOT NULL
GROUP BY m.author_key, c.category
"""
_MENTIONS = """
SELECT m.author_key, c.type, c.value, m.key, m.posted_at
FROM contacts c JOIN messages m ON m.key = c.key
WHERE m.author_key IS NOT NULL AND c.type IN ({})
"""
_SOURCES = "SELECT source_id, name FROM sources"


@dataclass(frozen=True)
class Link:
    """Evidence that ``author_key`` uses identifier ``id_type:value``: ``posted`` (the
    author posted it, in ``messages``) or ``account`` (the author's own QQ number)."""

    author_key: str
    id_type: str
    value: str
    kind: str
    messages: tuple[str, ...]
    first_seen: dt.datetime | None
    last_seen: dt.datetime | None

    @property
    def identifier(self) -> str:
        return f"{self.id_type}:{self.value}"


@dataclass(frozen=True)
class Excluded:
    """An identifier used by more distinct authors than allowed, kept out of linking."""

    id_type: str
    value: str
    n_authors: int
    n_messages: int
    authors: tuple[str, ...]

    @property
    def identifier(self) -> str:
        return f"{self.id_type}:{self.value}"


@dataclass
class Persona:
    """Authors and identifiers joined by shared identifiers, with their activity."""

    persona_id: str
    authors: tuple[str, ...]
    identifiers: tuple[tuple[str, str], ...]
    aliases: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()  # source ids, most messages first
    messages: int = 0
    offers: int = 0
    categories: tuple[str, ...] = ()  # most offered first
    first_seen: dt.datetime | None = None
    last_seen: dt.datetime | None = None


@dataclass
class ActorResult:
    """Personas (most offers first), the links behind them and the excluded identifiers."""

    personas: list[Persona]
    links: list[Link]
    excluded: list[Excluded]
    max_shared: int
    group_names: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_id = {p.persona_id: p for p in self.personas}
        self._by_author = {a: p for p in self.personas for a in p.authors}

    def persona(self, persona_id: str) -> Persona:
        """The persona with this id (KeyError if none)."""
        return self._by_id[persona_id]

    def persona_of(self, author_key: str) -> Persona | None:
        return self._by_author.get(author_key)

    def links_of(self, persona_id: str) -> list[Link]:
        authors = set(self.persona(persona_id).authors)
        return [link for link in self.links if link.author_key in authors]


def persona_id_for(smallest_author: str) -> str:
    """``P-`` and a short hash of the persona's smallest author key."""
    return "P-" + hashlib.sha256(smallest_author.encode("utf-8")).hexdigest()[:10]


def utc(value: Any) -> dt.datetime | None:
    """A timestamp from either backend as an aware UTC datetime."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def _normalize(id_type: str, value: str) -> str:
    value = value.strip()
    return value.lower() if id_type in ("telegram", "email", "eth") else value


def _own_qq(platform: str | None, author_key: str, author_id: str | None) -> str | None:
    """The QQ number a ``qq:<number>`` author is."""
    number = author_id if author_id else author_key.partition(":")[2]
    if (platform or author_key.partition(":")[0]) == "qq" and number.isdigit():
        return number
    return None


def _collect_links(store: Store, authors: dict[str, list[Any]]) -> list[Link]:
    """Every (author, identifier) link with its evidence, sorted."""
    found: dict[tuple[str, str, str], list[tuple[str, dt.datetime | None]]] = defaultdict(list)
    sql = _MENTIONS.format(", ".join("?" for _ in LINK_TYPES))
    for author, id_type, value, key, posted in store.query(sql, LINK_TYPES):
        found[(author, id_type, _normalize(id_type, value))].append((key, utc(posted)))
    links = []
    for (author, id_type, value), seen in found.items():
        keys = tuple(sorted({k for k, _ in seen}))
        times = [t for _, t in seen if t is not None]
        first, last = (min(times), max(times)) if times else (None, None)
        links.append(Link(author, id_type, value, "posted", keys, first, last))
    for author, row in authors.items():
        number = _own_qq(row[0], author, row[1])
        if number is not None:
            links.append(Link(author, "qq", number, "account", (), row[5], row[6]))
    links.sort(key=lambda x: (x.author_key, x.id_type, x.value, x.kind))
    return links


def _exclusions(links: list[Link], max_shared: int) -> list[Excluded]:
    users: dict[tuple[str, str], set[str]] = defaultdict(set)
    keys: dict[tuple[str, str], set[str]] = defaultdict(set)
    for link in links:
        users[(link.id_type, link.value)].add(link.author_key)
        keys[(link.id_type, link.value)].update(link.messages)
    out = [
        Excluded(t, v, len(a), len(keys[(t, v)]), tuple(sorted(a)))
        for (t, v), a in users.items()
        if len(a) > max_shared
    ]
    out.sort(key=lambda e: (-e.n_authors, e.id_type, e.value))
    return out


def _persona(
    members: list[str],
    authors: dict[str, list[Any]],
    groups: dict[str, dict[str, int]],
    cats: dict[str, dict[str, int]],
) -> Persona:
    who = tuple(m[2:] for m in members if m.startswith("a|"))
    ids = tuple(sorted(tuple(m[2:].split("|", 1)) for m in members if m.startswith("i|")))
    group_n: dict[str, int] = defaultdict(int)
    cat_n: dict[str, int] = defaultdict(int)
    for a in who:
        for g, n in groups.get(a, {}).items():
            group_n[g] += n
        for c, n in cats.get(a, {}).items():
            cat_n[c] += n
    firsts = [authors[a][5] for a in who if authors[a][5] is not None]
    lasts = [authors[a][6] for a in who if authors[a][6] is not None]
    return Persona(
        persona_id=persona_id_for(min(who)),
        authors=who,
        identifiers=ids,  # type: ignore[arg-type]
        aliases=tuple(sorted({authors[a][2] for a in who if authors[a][2]})),
        groups=tuple(g for _, g in sorted((-n, g) for g, n in group_n.items())),
        messages=sum(authors[a][3] for a in who),
        offers=sum(authors[a][4] for a in who),
        categories=tuple(c for _, c in sorted((-n, c) for c, n in cat_n.items())),
        first_seen=min(firsts) if firsts else None,
        last_seen=max(lasts) if lasts else None,
    )


def _linked(
    authors: Iterable[str], links: Iterable[tuple[str, str, str]], skip: set[tuple[str, str]]
) -> UnionFind:
    """Authors joined through the identifiers they share: union-find over ``a|author``
    and ``i|type|value`` nodes, leaving out the identifiers in ``skip`` (too shared)."""
    sets = UnionFind(f"a|{a}" for a in authors)
    for author, id_type, value in links:
        if (id_type, value) not in skip:
            sets.union(f"a|{author}", f"i|{id_type}|{value}")
    return sets


def build_personas(store: Store, max_shared: int = DEFAULT_MAX_SHARED) -> ActorResult:
    """Link every author to the identifiers they posted (and a QQ author to its own
    number), join them by union-find over identifiers used by at most ``max_shared``
    distinct authors, and describe each persona."""
    authors: dict[str, list[Any]] = {
        key: [platform, author_id, name, int(n), int(offers or 0), utc(first), utc(last)]
        for key, platform, author_id, name, n, offers, first, last in store.query(_AUTHORS)
    }
    groups: dict[str, dict[str, int]] = defaultdict(dict)
    for author, source, n in store.query(_AUTHOR_GROUPS):
        groups[author][source] = int(n)
    cats: dict[str, dict[str, int]] = defaultdict(dict)
    for author, category, n in store.query(_AUTHOR_CATEGORIES):
        cats[author][category] = int(n)

    links = _collect_links(store, authors)
    excluded = _exclusions(links, max_shared)
    sets = _linked(
        authors,
        ((link.author_key, link.id_type, link.value) for link in links),
        {(e.id_type, e.value) for e in excluded},
    )

    personas = [_persona(members, authors, groups, cats) for members in sets.groups()]
    personas.sort(key=lambda p: (-p.offers, -p.messages, p.persona_id))
    names = {sid: name or sid for sid, name in store.query(_SOURCES)}
    return ActorResult(personas, links, excluded, max_shared, names)


_RANGE_AUTHORS = """
SELECT m.author_key, CAST(count(*) AS BIGINT),
       CAST(sum(CASE WHEN e.offer THEN 1 ELSE 0 END) AS BIGINT)
FROM messages m LEFT JOIN extractions e ON e.key = m.key{e}
WHERE m.author_key IS NOT NULL{m}
GROUP BY m.author_key
"""
_RANGE_LINKS = """
SELECT DISTINCT m.author_key, c.type, c.value
FROM contacts c JOIN messages m ON m.key = c.key
WHERE m.author_key IS NOT NULL AND c.type IN ({types}){c}{m}
"""


def persona_author_groups(store: Store, max_shared: int = DEFAULT_MAX_SHARED) -> list[list[str]]:
    """The author keys of each persona that posted an offer, most offers first: the
    personas of ``build_personas`` (same linking, same exclusions, same order), computed
    without the evidence. Memory is bounded by the authors and the distinct
    (author, identifier) links, not by the messages: the store is read a key range at a
    time, each range's links deduplicated by the database."""
    counts: dict[str, list[int]] = {}  # author -> [messages, offers]
    pairs: set[tuple[str, str, str]] = set()
    types = ", ".join("?" for _ in LINK_TYPES)
    for low, high in key_ranges(store):
        m_sql, m_params = in_range("m.key", low, high)
        e_sql, e_params = in_range("e.key", low, high)
        c_sql, c_params = in_range("c.key", low, high)
        for author, n, offers in store.query(
            _RANGE_AUTHORS.format(e=e_sql, m=m_sql), [*e_params, *m_params]
        ):
            seen = counts.setdefault(author, [0, 0])
            seen[0] += int(n)
            seen[1] += int(offers or 0)
        for rows in store.iter_query(
            _RANGE_LINKS.format(types=types, c=c_sql, m=m_sql),
            [*LINK_TYPES, *c_params, *m_params],
        ):
            pairs.update((a, t, _normalize(t, v)) for a, t, v in rows)
    for key, platform, author_id in store.query(
        "SELECT author_key, platform, author_id FROM authors"
    ):
        if key in counts:
            number = _own_qq(platform, key, author_id)
            if number is not None:
                pairs.add((key, "qq", number))
    users: dict[tuple[str, str], set[str]] = defaultdict(set)
    for author, id_type, value in pairs:
        users[(id_type, value)].add(author)
    too_shared = {ident for ident, who in users.items() if len(who) > max_shared}
    del users
    sets = _linked(counts, pairs, too_shared)
    del pairs
    ranked = []
    for members in sets.groups():
        who = [m[2:] for m in members if m.startswith("a|")]
        offers = sum(counts[a][1] for a in who)
        if offers:
            messages = sum(counts[a][0] for a in who)
            ranked.append((-offers, -messages, persona_id_for(min(who)), who))
    ranked.sort(key=lambda r: r[:3])
    return [who for *_, who in ranked]
