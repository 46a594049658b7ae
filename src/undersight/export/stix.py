"""A STIX 2.1 bundle of a store's offers, written object by object (flat memory).

Personas become ``threat-actor`` objects, chat handles (QQ, Telegram, WeChat,
and each author's own account) ``user-account`` SCOs whose ids the ``stix2``
library derives deterministically (UUIDv5 over ``account_type`` and
``user_id``), offers ``observed-data`` carrying price, category, quantity and
period in an Undersight property extension (declared by an
``extension-definition``), and offered fake base stations and botnets
``infrastructure``. Ids of threat actors and infrastructure are UUIDv5 too, so a
re-export names the same things the same way. Values are real (no defanging).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

import stix2

from undersight.export.data import (
    Author,
    Offer,
    PersonaSource,
    authors,
    iter_offers,
    one_persona_per_author,
)
from undersight.store.base import Store

NAMESPACE = uuid.UUID("6f1b0c1e-3f7a-5d8e-9a55-0d3a7e1c2b40")
HANDLE_TYPES = ("qq", "telegram", "wechat")
INFRASTRUCTURE = {
    "fake_base_station": ("fake base station", "unknown"),
    "bots": ("botnet", "botnet"),
}
CREATED = "2024-01-01T00:00:00.000Z"  # fixed, so that the fixed objects never change
IDENTITY_ID = f"identity--{uuid.uuid5(NAMESPACE, 'identity:undersight')}"
EXTENSION_ID = f"extension-definition--{uuid.uuid5(NAMESPACE, 'extension:offer:1')}"
SCHEMA_URL = "https://undersight.invalid/stix/extension-offer-1.0.0.json"


def _sid(kind: str, key: str) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, f'{kind}:{key}')}"


def user_account(platform: str, user_id: str, name: str | None = None) -> stix2.UserAccount:
    """A handle as a ``user-account``; its id depends on type and value only."""
    extra = {"display_name": name} if name else {}
    return stix2.UserAccount(account_type=platform, user_id=user_id, **extra)


def fixed_objects() -> list[Any]:
    """The producer identity and the offer extension's definition."""
    identity = stix2.Identity(
        id=IDENTITY_ID,
        name="Undersight",
        identity_class="system",
        description="Measured intelligence from underground-market chat.",
        created=CREATED,
        modified=CREATED,
    )
    ext = stix2.ExtensionDefinition(
        id=EXTENSION_ID,
        created_by_ref=IDENTITY_ID,
        name="undersight-offer",
        description="An underground-market offer: intent, categories (ids of the Undersight"
        " category contract), prices with currency, amount in USD, quantity, unit and period.",
        schema=SCHEMA_URL,
        version="1.0.0",
        extension_types=["property-extension"],
        created=CREATED,
        modified=CREATED,
    )
    return [identity, ext]


class _Writer:
    """Writes bundle members as they come, never holding more than one."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.count = 0
        self.seen: set[str] = set()  # ids of deduplicated objects (handles, links, actors)

    def write(self, obj: Any, dedupe: bool = False) -> None:
        if dedupe:
            if obj.id in self.seen:
                return
            self.seen.add(obj.id)
        self.out.write(",\n" if self.count else "\n")
        self.out.write(obj.serialize(ensure_ascii=True))
        self.count += 1


def _offer_extension(offer: Offer) -> dict[str, Any]:
    ext: dict[str, Any] = {
        "extension_type": "property-extension",
        "offer_key": offer.key,
        "source_id": offer.source_id,
        "text": offer.text,
    }
    if offer.intent:
        ext["intent"] = offer.intent
    if offer.categories:
        ext["categories"] = offer.categories
    if offer.prices:
        ext["prices"] = offer.prices
    return ext


def _stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def iter_bundle_objects(
    store: Store,
    since: datetime | None = None,
    category: str | None = None,
    personas: PersonaSource = one_persona_per_author,
    stats: dict[str, int] | None = None,
) -> Iterator[tuple[Any, bool]]:
    """``(object, dedupe)`` pairs in bundle order."""
    stats = stats if stats is not None else {}
    for obj in fixed_objects():
        yield obj, False
    people = authors(store)
    actor_of: dict[str, str] = {}
    for group in personas(store):
        members = [people[k] for k in group if k in people]
        if not members:
            continue
        actor_id = _sid("threat-actor", min(a.key for a in members))
        names = sorted({a.name for a in members if a.name})
        aliases = names or sorted(a.author_id or a.key for a in members)
        yield (
            stix2.ThreatActor(
                id=actor_id,
                name=aliases[0],
                aliases=aliases,
                threat_actor_types=["criminal"],
                created_by_ref=IDENTITY_ID,
                created=CREATED,
                modified=CREATED,
            ),
            False,
        )
        for a in members:
            actor_of[a.key] = actor_id
    stats["skipped"] = 0
    for offer in iter_offers(store, since, category):
        yield from _offer_objects(offer, people, actor_of, stats)


def _offer_objects(
    offer: Offer, people: dict[str, Author], actor_of: dict[str, str], stats: dict[str, int]
) -> Iterator[tuple[Any, bool]]:
    accounts: list[Any] = []
    author = people.get(offer.author_key or "")
    if author and (author.author_id or author.name):
        accounts.append(user_account(author.platform, author.author_id or author.name or ""))
    for ctype, value in offer.contacts:
        if ctype in HANDLE_TYPES and value:
            accounts.append(user_account(ctype, value))
    if not accounts or offer.posted_at is None:
        stats["skipped"] += 1  # observed-data needs an observable and a time
        return
    for acc in accounts:
        yield acc, True
    actor_id = actor_of.get(offer.author_key or "")
    if actor_id:
        for acc in accounts:
            rel_id = _sid("relationship", f"{actor_id}|related-to|{acc.id}")
            yield (
                stix2.Relationship(
                    id=rel_id,
                    relationship_type="related-to",
                    source_ref=actor_id,
                    target_ref=acc.id,
                    created=CREATED,
                    modified=CREATED,
                ),
                True,
            )
        for cat in offer.categories:
            base = cat.split("/", 1)[0]
            if base in INFRASTRUCTURE:
                label, itype = INFRASTRUCTURE[base]
                infra_id = _sid("infrastructure", f"{actor_id}|{base}")
                yield (
                    stix2.Infrastructure(
                        id=infra_id,
                        name=f"{label} offered by {actor_id}",
                        infrastructure_types=[itype],
                        created_by_ref=IDENTITY_ID,
                        created=CREATED,
                        modified=CREATED,
                    ),
                    True,
                )
                rel_id = _sid("relationship", f"{actor_id}|uses|{infra_id}")
                yield (
                    stix2.Relationship(
                        id=rel_id,
                        relationship_type="uses",
                        source_ref=actor_id,
                        target_ref=infra_id,
                        created=CREATED,
                        modified=CREATED,
                    ),
                    True,
                )
    when = _stamp(offer.posted_at)
    refs = list(dict.fromkeys(acc.id for acc in accounts))
    yield (
        stix2.ObservedData(
            id=_sid("observed-data", offer.key),
            first_observed=when,
            last_observed=when,
            number_observed=1,
            object_refs=refs,
            created_by_ref=IDENTITY_ID,
            created=when,
            modified=when,
            extensions={EXTENSION_ID: _offer_extension(offer)},
        ),
        False,
    )


def write_bundle(
    store: Store,
    out: IO[str],
    since: datetime | None = None,
    category: str | None = None,
    personas: PersonaSource = one_persona_per_author,
) -> dict[str, int]:
    """Stream a STIX 2.1 bundle to ``out``; returns counts (objects, offers skipped)."""
    stats: dict[str, int] = {}
    writer = _Writer(out)
    bundle_id = f"bundle--{uuid.uuid4()}"
    out.write('{"type": "bundle", "id": ' + json.dumps(bundle_id) + ', "objects": [')
    for obj, dedupe in iter_bundle_objects(store, since, category, personas, stats):
        writer.write(obj, dedupe)
    out.write("\n]}\n")
    stats["objects"] = writer.count
    return stats
