"""A MISP event of a store's offers, written with PyMISP as a stream (flat memory).

Each offer is a ``chat-message`` object (content, timestamp, channel, author);
each handle becomes one object shared by every offer naming it
(``user-account`` for QQ/WeChat and authors, ``telegram-account``,
``coin-address``, ``phone-number``) referenced by the message as ``mentions``;
e-mails, URLs, domains and IPs are attributes of the event, commented with the
offer's key. Values are real. Tags are MISP taxonomy machine tags:
``gsma-fraud`` (checked against the taxonomy's ``machinetag.json``; PyMISP
bundles no taxonomies), ``dark-web`` and ``misp-galaxy:rat`` /
``misp-galaxy:botnet`` clusters for a named RAT or botnet (values checked
against MISP/misp-galaxy, see ``GALAXY``).

The event is written incrementally: the envelope, then each object as it is
produced (serialized by PyMISP's own ``to_json``), then the event attributes
(spooled to a temporary file meanwhile), the event tags and the closing
brackets. Only the uuids of the handles already written stay in memory.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import IO

from pymisp import MISPAttribute, MISPEvent, MISPObject, MISPTag

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
# Galaxy clusters: needle in the lowered text -> (cluster value, cluster uuid), the value and
# uuid exactly as in https://github.com/MISP/misp-galaxy clusters/rat.json (galaxy uuid
# 312f8714-45cb-11e7-b898-135207cdceb9, read at commit 07145a4759334054ac8e626251804a8a26cdeaf1)
# and clusters/botnet.json (galaxy uuid a91732f4-164a-11e8-924a-ffd4097eb03f, read at commit
# 7daede8894162b84076dd9a8bc5826d20d4d7cf7). Note the galaxy's spellings: "NJRat",
# "PoisonIvy", "Blackshades". No "Necurs" cluster was found in botnet.json: not tagged.
GALAXY: dict[str, dict[str, tuple[str, str]]] = {
    "rat": {
        "njrat": ("NJRat", "7fb493bb-756b-42a2-8f6d-59e254f4f2cc"),
        "darkcomet": ("DarkComet", "8a21ae06-d257-48a0-989b-1c9aebedabc2"),
        "dark comet": ("DarkComet", "8a21ae06-d257-48a0-989b-1c9aebedabc2"),
        "nanocore": ("NanoCore", "6c3c111a-93af-428a-bee0-feacbee0237d"),
        "remcos": ("Remcos", "f647cca0-7416-47e9-8342-94b84dd436cc"),
        "gh0st": ("Gh0st RAT", "255a59a7-db2d-44fc-9ca9-5859b65817c3"),
        "poison ivy": ("PoisonIvy", "4e104fef-8a2c-4679-b497-6e86d7d47db0"),
        "poisonivy": ("PoisonIvy", "4e104fef-8a2c-4679-b497-6e86d7d47db0"),
        "blackshades": ("Blackshades", "3a1fc564-3705-4cc0-8f80-13c58d470d34"),
        "quasar": ("Quasar RAT", "6efa425c-3731-44fd-9224-2a62df061a2d"),
        "asyncrat": ("AsyncRAT", "1b6a065c-40ba-4aa5-a46b-813e74e010fe"),
    },
    "bots": {
        "mirai": ("Mirai", "fcdfd4af-da35-49a8-9610-19be8a487185"),
        "gafgyt": ("Gafgyt", "40795af6-b721-11e8-9fcb-570c0b384135"),
        "bashlite": ("Gafgyt", "40795af6-b721-11e8-9fcb-570c0b384135"),  # a listed synonym
        "zeus": ("Zeus", "e878d24d-f122-48c4-930c-f6b6d5f0ee28"),
        "zbot": ("Zeus", "e878d24d-f122-48c4-930c-f6b6d5f0ee28"),  # a listed synonym
    },
}
# Predicates and values exactly as in MISP/misp-taxonomies dark-web/machinetag.json (version 3,
# commit 0808fe7f142287aa365aed98aac6978c8508f9ee): every offer is "Services/goods for sale".
DARK_WEB_EVENT = 'dark-web:motivation="marketplace-for-sale"'
DARK_WEB = {
    "carding": 'dark-web:topic="credit-card"',
    "rat": 'dark-web:topic="hacking"',
    "bots": 'dark-web:topic="hacking"',
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
    tags += [DARK_WEB[b] for b in sorted(bases) if b in DARK_WEB]
    lowered = offer.text.lower()
    for base in sorted(bases & GALAXY.keys()):
        for needle, (cluster, _) in GALAXY[base].items():
            if needle in lowered:
                tags.append(f'misp-galaxy:{GALAXY_NAME[base]}="{cluster}"')
    return list(dict.fromkeys(tags))


class _Handles:
    """One object per handle: built and written on first sight; afterwards only its uuid
    (deterministic from type and value) is remembered."""

    def __init__(self, emit: Callable[[MISPObject], None]) -> None:
        self.emit = emit
        self.seen: set[str] = set()

    def get(self, ctype: str, value: str, name: str | None = None) -> str | None:
        """The uuid of the handle's object, or ``None`` for no object."""
        value = _clean(value)
        if not value:
            return None
        key = _uuid(ctype, value)
        if key in self.seen:
            return key
        if ctype == "telegram":
            obj = MISPObject("telegram-account", standalone=False)
            obj.add_attribute("username" if not value.isdigit() else "id", value=value)
        elif ctype in COINS:
            obj = MISPObject("coin-address", standalone=False)
            field = "address" if ctype == "btc" else "address-xmr" if ctype == "xmr" else None
            obj.add_attribute(field or "address-crypto", value=value)
            obj.add_attribute("symbol", value=COINS[ctype])
        elif ctype == "phone":
            obj = MISPObject("phone-number", standalone=False)
            obj.add_attribute("phone-number", value=value)
        elif ctype in ("qq", "wechat", "author"):
            obj = MISPObject("user-account", standalone=False)
            obj.add_attribute("user-id", value=value)
            if name:
                obj.add_attribute("display-name", value=_clean(name))
        else:
            return None
        if ctype in ("qq", "wechat"):
            obj.add_attribute("account-type", value=ctype)
        obj.uuid = key
        self.seen.add(key)
        self.emit(obj)
        return key


def _message(offer: Offer, author: Author | None) -> MISPObject:
    obj = MISPObject("chat-message", standalone=False)
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


def _envelope() -> dict[str, object]:
    """The event's own fields (no objects, attributes or tags), as PyMISP writes them."""
    event = MISPEvent()
    event.info = "Undersight: underground-market offers"
    event.date = date.today()
    event.uuid = str(uuid.uuid4())
    fields = json.loads(event.to_json())
    for key in ("Object", "Attribute", "Tag"):
        fields.pop(key, None)
    return fields


def _tag_json(name: str) -> str:
    tag = MISPTag()
    tag.from_dict(name=name)
    return tag.to_json()


def write_event(
    store: Store, out: IO[str], since: datetime | None = None, category: str | None = None
) -> int:
    """Stream the event as MISP JSON to ``out``; returns the number of objects.

    Memory stays flat: one offer's objects at a time, the uuids of the handles
    written so far, the authors, and the (bounded) set of event tags.
    """
    fields = _envelope()
    out.write("{" + json.dumps(fields, ensure_ascii=False)[1:-1] + ',\n"Object": [')
    count = 0

    def emit(obj: MISPObject) -> None:
        nonlocal count
        out.write(",\n" if count else "\n")
        out.write(obj.to_json())
        count += 1

    people = authors(store)
    handles = _Handles(emit)
    tags: set[str] = {DARK_WEB_EVENT}
    n_attributes = 0
    with tempfile.TemporaryFile("w+", encoding="utf-8") as spool:
        for offer in iter_offers(store, since, category):
            author = people.get(offer.author_key or "")
            message = _message(offer, author)
            tags.update(t for t in offer_tags(offer) if not t.startswith("undersight:"))
            if author is not None and (author.author_id or author.name):
                kind = author.platform if author.platform in HANDLE_KINDS else "author"
                acc = handles.get(kind, author.author_id or author.name or "", author.name)
                if acc is not None:
                    message.add_reference(acc, "authored-by")
            for ctype, value in offer.contacts:
                if ctype in ATTRIBUTES:
                    attr = MISPAttribute()
                    attr.from_dict(
                        type=ATTRIBUTES[ctype],
                        value=_clean(value) or "(empty)",
                        comment=offer.key,
                        to_ids=False,
                    )
                    spool.write(",\n" if n_attributes else "\n")
                    spool.write(attr.to_json())
                    n_attributes += 1
                    continue
                ref = handles.get(ctype, value)
                if ref is not None:
                    message.add_reference(ref, "mentions")
            emit(message)
        out.write('\n],\n"Attribute": [')
        spool.seek(0)
        shutil.copyfileobj(spool, out)
    out.write('\n],\n"Tag": [')
    out.write(",".join(_tag_json(t) for t in ["tlp:amber", *sorted(tags)]))
    out.write("]}\n")
    return count


def build_event(
    store: Store, since: datetime | None = None, category: str | None = None
) -> MISPEvent:
    """The event as a ``MISPEvent`` in memory (small stores only: use ``write_event``)."""
    buffer = io.StringIO()
    write_event(store, buffer, since, category)
    event = MISPEvent()
    event.load(buffer.getvalue())
    return event
