"""The shared vocabulary: immutable records every stage passes along.

An extraction's parts (:class:`Evidence`, :class:`Price`, :class:`Contact`,
:class:`Extraction`) are named tuples: immutable, hashable, picklable and
cheap to build, as one is built per fact of every message.

Spans are ``(start, end)`` character offsets into the ORIGINAL message text,
end exclusive, so ``text[start:end]`` is the evidence for a field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any, NamedTuple

Span = tuple[int, int]

CATEGORY_IDS: tuple[str, ...] = (
    "sms_spam",
    "fake_base_station",
    "premium_number",
    "phone_numbers",
    "ddos",
    "bots",
    "rat",
    "malware",
    "dns_attack",
    "phishing",
    "web_intrusion",
    "stolen_data",
    "carding",
    "accounts",
    "money_laundering",
    "traffic_seo",
    "fraud",
    "hosting",
    "gambling",
    "drugs",
    "tutorials",
    "other",
)
INTENTS: tuple[str, ...] = ("sell", "buy", "exchange", "other")
PLATFORMS: tuple[str, ...] = ("android", "ios", "mobile", "windows", "linux", "macos", "web")
PERIODS: tuple[str, ...] = ("hour", "day", "week", "month", "quarter", "year", "lifetime")
CONTACT_TYPES: tuple[str, ...] = (
    "qq",
    "wechat",
    "telegram",
    "email",
    "phone",
    "url",
    "domain",
    "btc",
    "eth",
    "usdt_trc20",
    "xmr",
    "ip",
    "icq",
    "jabber",
    "skype",
    "wickr",
    "session",
    "potato",
    "threema",
)


class Evidence(NamedTuple):
    """A label together with the span of text that produced it."""

    label: str
    span: Span


class Price(NamedTuple):
    """One stated price of what a message offers or seeks."""

    amount: float
    currency: str
    span: Span
    amount_max: float | None = None
    quantity: float | None = None
    unit: str | None = None
    period: str | None = None
    usd: float | None = None
    usd_note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        from undersight.extract.records import price_fields

        return price_fields(self)


class Contact(NamedTuple):
    """A contact handle or indicator, normalized, with where it was written."""

    type: str
    value: str
    span: Span

    def to_dict(self) -> dict[str, Any]:
        from undersight.extract.records import contact_fields

        return contact_fields(self)


class Extraction(NamedTuple):
    """Everything extracted from one message."""

    offer: bool
    intent: str | None
    categories: tuple[Evidence, ...] = ()
    platforms: tuple[Evidence, ...] = ()
    prices: tuple[Price, ...] = ()
    contacts: tuple[Contact, ...] = ()
    offer_evidence: tuple[Evidence, ...] = ()
    # How sure the offer decision is (0.5-1.0), and each category (0-1), in
    # the order of ``categories``; None where nothing scored it.
    confidence: float | None = None
    category_confidence: tuple[float, ...] = ()

    @property
    def category_ids(self) -> list[str]:
        return [c.label for c in self.categories]

    @property
    def platform_ids(self) -> list[str]:
        return [p.label for p in self.platforms]

    def to_dict(self) -> dict[str, Any]:
        """The fields of the ``undersight extract`` JSONL contract (without ``id``)."""
        from undersight.extract.records import output_fields

        return output_fields(self)


@dataclass(frozen=True, slots=True)
class Message:
    """One message as read from an export, before extraction.

    ``key`` is stable across re-reads and overlapping exports: the platform,
    channel and native message id, or a content hash where a format has no id.
    ``position`` says where in ``source`` it was read (a line number or a JSON
    path), for error reports.
    """

    platform: str  # telegram, qq, discord, forum, market, ...
    channel_id: str
    text: str
    date: dt.datetime | None = None  # UTC, timezone-aware
    message_id: str | None = None
    channel_name: str | None = None
    author_id: str | None = None
    author_name: str | None = None
    reply_to: str | None = None
    forwarded_from: str | None = None
    edited: dt.datetime | None = None
    source: str = ""
    position: str = ""

    @property
    def key(self) -> str:
        if self.message_id:
            return f"{self.platform}:{self.channel_id}:{self.message_id}"
        stamp = self.date.isoformat() if self.date else ""
        digest = hashlib.sha256(
            "\x1f".join((self.author_id or self.author_name or "", stamp, self.text)).encode()
        ).hexdigest()[:24]
        return f"{self.platform}:{self.channel_id}:h{digest}"
