"""A STIX 2.1 bundle of a store's offers, written object by object (flat memory).

Personas become ``threat-actor`` objects, chat handles (QQ, Telegram, WeChat,
and each author's own account) ``user-account`` SCOs with the ids the ``stix2``
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
from functools import lru_cache
from typing import IO, Any

from stix2.base import SCO_DET_ID_NAMESPACE
from stix2.canonicalization.Canonicalize import canonicalize

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

# Objects are plain dicts, their properties in the order ``stix2`` serializes them and
# their timestamps formatted as ``stix2`` formats them, so that the bundle is the one the
# library would write (the tests check it object by object) at a fraction of the cost of
# building and validating ``stix2`` objects.
_COMMON = {"spec_version": "2.1"}


def _sid(kind: str, key: str) -> str:
    return f"{kind}--{uuid.uuid5(NAMESPACE, f'{kind}:{key}')}"


@lru_cache(maxsize=65536)  # handles repeat: a bounded cache of their ids
def account_id(platform: str, user_id: str) -> str:
    """The id ``stix2`` derives for a ``user-account``: UUIDv5 over its canonical JSON."""
    data = canonicalize({"account_type": platform, "user_id": user_id}, utf8=False)
    return f"user-account--{uuid.uuid5(SCO_DET_ID_NAMESPACE, data)}"


def user_account(platform: str, user_id: str) -> dict[str, Any]:
    """A handle as a ``user-account``; its id depends on type and value only."""
    return {
        "type": "user-account",
        **_COMMON,
        "id": account_id(platform, user_id),
        "user_id": user_id,
        "account_type": platform,
    }


def fixed_objects() -> list[dict[str, Any]]:
    """The producer identity and the offer extension's definition."""
    identity = {
        "type": "identity",
        **_COMMON,
        "id": IDENTITY_ID,
        "created": CREATED,
        "modified": CREATED,
        "name": "Undersight",
        "description": "Measured intelligence from underground-market chat.",
        "identity_class": "system",
    }
    ext = {
        "type": "extension-definition",
        **_COMMON,
        "id": EXTENSION_ID,
        "created_by_ref": IDENTITY_ID,
        "created": CREATED,
        "modified": CREATED,
        "name": "undersight-offer",
        "description": "An underground-market offer: intent, categories (ids of the Undersight"
        " category contract), prices with currency, amount in USD, quantity, unit and period.",
        "schema": SCHEMA_URL,
        "version": "1.0.0",
        "extension_types": ["property-extension"],
    }
    return [identity, ext]


def _threat_actor(actor_id: str, aliases: list[str]) -> dict[str, Any]:
    return {
        "type": "threat-actor",
        **_COMMON,
        "id": actor_id,
        "created_by_ref": IDENTITY_ID,
        "created": CREATED,
        "modified": CREATED,
        "name": aliases[0],
        "threat_actor_types": ["criminal"],
        "aliases": aliases,
    }


def _relationship(kind: str, source: str, target: str) -> dict[str, Any]:
    return {
        "type": "relationship",
        **_COMMON,
        "id": _sid("relationship", f"{source}|{kind}|{target}"),
        "created": CREATED,
        "modified": CREATED,
        "relationship_type": kind,
        "source_ref": source,
        "target_ref": target,
    }


def _infrastructure(infra_id: str, label: str, itype: str, actor_id: str) -> dict[str, Any]:
    return {
        "type": "infrastructure",
        **_COMMON,
        "id": infra_id,
        "created_by_ref": IDENTITY_ID,
        "created": CREATED,
        "modified": CREATED,
        "name": f"{label} offered by {actor_id}",
        "infrastructure_types": [itype],
    }


class _Writer:
    """Writes bundle members as they come, never holding more than one."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.count = 0
        # 128-bit ids of the deduplicated objects written (handles, their links to actors,
        # infrastructure): bounded by the distinct handles and actors, not by the offers
        self.seen: set[int] = set()

    def write(self, obj: dict[str, Any], dedupe: bool = False) -> None:
        if dedupe:
            key = uuid.UUID(obj["id"].partition("--")[2]).int
            if key in self.seen:
                return
            self.seen.add(key)
        self.out.write(",\n" if self.count else "\n")
        self.out.write(json.dumps(obj, ensure_ascii=True))
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
    """A millisecond timestamp (``created``, ``modified``), as ``stix2`` writes it."""
    return when.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _observed_stamp(when: datetime) -> str:
    """The same instant as ``first_observed`` (any precision): ``stix2`` drops the
    trailing zeros of the fraction, and the fraction when it is zero."""
    fraction = f"{when.microsecond // 1000:03d}".rstrip("0")
    return when.strftime("%Y-%m-%dT%H:%M:%S") + (f".{fraction}" if fraction else "") + "Z"


def iter_bundle_objects(
    store: Store,
    since: datetime | None = None,
    category: str | None = None,
    personas: PersonaSource = one_persona_per_author,
    stats: dict[str, int] | None = None,
) -> Iterator[tuple[dict[str, Any], bool]]:
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
        yield _threat_actor(actor_id, aliases), False
        for a in members:
            actor_of[a.key] = actor_id
    stats["skipped"] = 0
    for offer in iter_offers(store, since, category):
        yield from _offer_objects(offer, people, actor_of, stats)


def _offer_objects(
    offer: Offer, people: dict[str, Author], actor_of: dict[str, str], stats: dict[str, int]
) -> Iterator[tuple[dict[str, Any], bool]]:
    accounts: list[dict[str, Any]] = []
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
            yield _relationship("related-to", actor_id, acc["id"]), True
        for cat in offer.categories:
            base = cat.split("/", 1)[0]
            if base in INFRASTRUCTURE:
                label, itype = INFRASTRUCTURE[base]
                infra_id = _sid("infrastructure", f"{actor_id}|{base}")
                yield _infrastructure(infra_id, label, itype, actor_id), True
                yield _relationship("uses", actor_id, infra_id), True
    created, observed = _stamp(offer.posted_at), _observed_stamp(offer.posted_at)
    yield (
        {
            "type": "observed-data",
            **_COMMON,
            "id": _sid("observed-data", offer.key),
            "created_by_ref": IDENTITY_ID,
            "created": created,
            "modified": created,
            "first_observed": observed,
            "last_observed": observed,
            "number_observed": 1,
            "object_refs": list(dict.fromkeys(acc["id"] for acc in accounts)),
            "extensions": {EXTENSION_ID: _offer_extension(offer)},
        },
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
