"""A MISP event of a store's offers, built with PyMISP and its bundled object templates.

Each offer is a ``chat-message`` object (content, timestamp, channel, author);
each handle becomes one object shared by every offer naming it
(``user-account`` for QQ/WeChat and authors, ``telegram-account``,
``coin-address``, ``phone-number``) referenced by the message as ``mentions``;
e-mails, URLs, domains and IPs are attributes of the message's object. Values
are real. Tags are MISP taxonomy machine tags: ``gsma-fraud`` (checked against
the taxonomy's ``machinetag.json``; PyMISP bundles no taxonomies) and
``misp-galaxy:rat`` / ``misp-galaxy:botnet`` clusters for a named RAT or botnet
(PyMISP bundles no galaxies: the cluster names are a small, unverified list).
The event is built in memory, as PyMISP does.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from typing import IO

from pymisp import MISPEvent, MISPObject

from undersight.export.data import Author, Offer, authors, iter_offers
from undersight.store.base import Store

NAMESPACE = uuid.UUID("0d4f3b7e-8e0c-5a9b-b1f0-6c2a9d7e4f11")
GSMA = {
    "fake_base_station": 'gsma-fraud:technical="false-base-station-attack"',
    "sms_spam": 'gsma-fraud:technical="spamming"',
    "premium_number": 'gsma-fraud:business="premium-rate"',
    "phishing": 'gsma-fraud:technical="phishing-pharming"',
    "carding": 'gsma-fraud:subscription="credit-card-not-present-transactions"',
}
GALAXY = {
    "rat": {
        "njrat": "njRAT",
        "darkcomet": "DarkComet",
        "nanocore": "NanoCore",
        "remcos": "Remcos",
        "gh0st": "Gh0st RAT",
        "poison ivy": "PoisonIvy",
        "blackshades": "BlackShades",
        "quasar": "Quasar RAT",
    },
    "bots": {"mirai": "Mirai", "gafgyt": "Gafgyt", "zeus": "Zeus", "necurs": "Necurs"},
}
GALAXY_NAME = {"rat": "rat", "bots": "botnet"}
COINS = {"btc": "BTC", "eth": "ETH", "usdt_trc20": "USDT", "xmr": "XMR"}
HANDLE_KINDS = ("qq", "wechat", "telegram")
ATTRIBUTES = {"email": "email", "url": "url", "domain": "domain", "ip": "ip-dst"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(value: str) -> str:
    """JSON-safe as is, but NULs and other C0 controls break MISP's database: drop them."""
    return _CONTROL.sub("", value)


def _uuid(kind: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def offer_tags(offer: Offer) -> list[str]:
    """Taxonomy and galaxy tags of an offer."""
    tags = [f'undersight:category="{c}"' for c in offer.categories]
    bases = {c.split("/", 1)[0] for c in offer.categories}
    tags += [GSMA[b] for b in sorted(bases) if b in GSMA]
    lowered = offer.text.lower()
    for base in sorted(bases & GALAXY.keys()):
        for needle, cluster in GALAXY[base].items():
            if needle in lowered:
                tags.append(f'misp-galaxy:{GALAXY_NAME[base]}="{cluster}"')
    return list(dict.fromkeys(tags))


class _Handles:
    """One object per handle, created on first sight."""

    def __init__(self, event: MISPEvent) -> None:
        self.event = event
        self.by_key: dict[tuple[str, str], MISPObject] = {}

    def get(self, ctype: str, value: str, name: str | None = None) -> MISPObject | None:
        value = _clean(value)
        if not value:
            return None
        found = self.by_key.get((ctype, value))
        if found is not None:
            return found
        if ctype == "telegram":
            obj = MISPObject("telegram-account")
            obj.add_attribute("username" if not value.isdigit() else "id", value=value)
        elif ctype in COINS:
            obj = MISPObject("coin-address")
            field = "address" if ctype == "btc" else "address-xmr" if ctype == "xmr" else None
            obj.add_attribute(field or "address-crypto", value=value)
            obj.add_attribute("symbol", value=COINS[ctype])
        elif ctype == "phone":
            obj = MISPObject("phone-number")
            obj.add_attribute("phone-number", value=value)
        elif ctype in ("qq", "wechat", "author"):
            obj = MISPObject("user-account")
            obj.add_attribute("user-id", value=value)
            if name:
                obj.add_attribute("display-name", value=_clean(name))
        else:
            return None
        if ctype in ("qq", "wechat"):
            obj.add_attribute("account-type", value=ctype)
        obj.uuid = _uuid(ctype, value)
        self.event.add_object(obj)
        self.by_key[(ctype, value)] = obj
        return obj


def _message(offer: Offer, author: Author | None) -> MISPObject:
    obj = MISPObject("chat-message")
    obj.uuid = _uuid("offer", offer.key)
    obj.add_attribute("message-id", value=_clean(offer.key))
    obj.add_attribute("timestamp", value=offer.posted_at or datetime(1970, 1, 1, tzinfo=UTC))
    content = obj.add_attribute("content", value=_clean(offer.text) or "(empty)")
    for tag in offer_tags(offer):
        content.add_tag(tag)
    obj.add_attribute("chat-id", value=_clean(offer.source_id))
    if offer.platform:
        obj.add_attribute("network", value=_clean(offer.platform))
    if author is not None:
        obj.add_attribute("user-account-id", value=_clean(author.author_id or author.key))
    prices = "; ".join(
        f"{p['amount']} {p['currency']}"
        + (f" per {p['quantity']:g} {p.get('unit') or ''}".rstrip() if p.get("quantity") else "")
        + (f" per {p['period']}" if p.get("period") else "")
        + (f" (USD {p['usd']})" if p.get("usd") is not None else "")
        for p in offer.prices
    )
    obj.comment = _clean(
        f"intent={offer.intent or ''}; categories={','.join(offer.categories)}; prices={prices}"
    )
    return obj


def build_event(
    store: Store, since: datetime | None = None, category: str | None = None
) -> MISPEvent:
    """The MISP event of every offer (``since``, ``category`` narrow it)."""
    event = MISPEvent()
    event.info = "Undersight: underground-market offers"
    event.date = date.today()
    event.uuid = str(uuid.uuid4())
    event.add_tag("tlp:amber")
    people = authors(store)
    handles = _Handles(event)
    tags: set[str] = set()
    for offer in iter_offers(store, since, category):
        author = people.get(offer.author_key or "")
        message = _message(offer, author)
        event.add_object(message)
        tags.update(t for t in offer_tags(offer) if not t.startswith("undersight:"))
        if author is not None and (author.author_id or author.name):
            kind = author.platform if author.platform in HANDLE_KINDS else "author"
            acc = handles.get(kind, author.author_id or author.name or "", author.name)
            if acc is not None:
                message.add_reference(acc.uuid, "authored-by")
        for ctype, value in offer.contacts:
            if ctype in ATTRIBUTES:
                event.add_attribute(
                    ATTRIBUTES[ctype], _clean(value) or "(empty)", comment=offer.key, to_ids=False
                )
                continue
            obj = handles.get(ctype, value)
            if obj is not None:
                message.add_reference(obj.uuid, "mentions")
    for tag in sorted(tags):
        event.add_tag(tag)
    return event


def write_event(
    store: Store, out: IO[str], since: datetime | None = None, category: str | None = None
) -> int:
    """Write the event as MISP JSON to ``out``; returns the number of objects."""
    event = build_event(store, since, category)
    out.write(event.to_json(indent=2))
    out.write("\n")
    return len(event.objects)
