"""The generator: walks groups and days, writes each message as it is made.

Groups are written one after the other (both export formats are grouped by
chat), each group's days in order and each day's messages in time order.
Every group draws from its own random stream seeded by ``(seed, group)``,
and a seller's standard ad from ``(seed, seller, version)``, so a corpus is
a pure function of its parameters. Memory holds the population, one day of
one group and the running statistics, never the corpus.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from random import Random
from typing import Any, Protocol

from undersight.fx import usd_rate
from undersight.synth.market import Market, Post
from undersight.synth.params import Params
from undersight.synth.people import Person, subseed
from undersight.synth.population import Group
from undersight.synth.stats import Stats, write_summary
from undersight.synth.writers import QQWriter, TelegramWriter, TruthWriter

CHINA_OFFSET = 8 * 3600
EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
ANALYST = {
    "user_id": 5_800_000_100,
    "first_name": "Analyst",
    "last_name": "",
    "phone_number": "+1 555 0100",
    "username": "@analyst_demo",
    "bio": "",
}


class Generator:
    """A corpus generator for one set of parameters."""

    def __init__(self, params: Params) -> None:
        params.validate()
        self.p = params
        self.market = Market(params)
        self.groups = self.market.groups
        self.sellers = self.market.sellers
        self.stats = Stats(params, self.market.catalog)

    def run(self, out: Path) -> dict[str, Any]:
        """Write the exports, the truth and the summary under ``out``."""
        out.mkdir(parents=True, exist_ok=True)
        files = {"truth": "truth.jsonl"}
        truth = TruthWriter(out / "truth.jsonl")
        try:
            for platform, rel in (("qq", "qq/qq-groups.txt"), ("telegram", "telegram/result.json")):
                groups = [g for g in self.groups if g.platform == platform]
                if not groups:
                    continue
                (out / platform).mkdir(exist_ok=True)
                files[platform] = rel
                sink: _Sink = (
                    _QQSink(QQWriter(out / rel, self.p.qq_encoding))
                    if platform == "qq"
                    else _TelegramSink(TelegramWriter(out / rel, ANALYST))
                )
                try:
                    for g in groups:
                        self._write_group(g, sink, truth)
                finally:
                    sink.close()
        finally:
            truth.close()
        files["summary"] = "summary.json"
        summary = self.stats.summary(self.groups, self.sellers, files)
        write_summary(out / "summary.json", summary)
        return summary

    def _write_group(self, g: Group, sink: _Sink, truth: TruthWriter) -> None:
        rng = Random(subseed(self.p.seed, "group", g.index))
        members = self.market.members(rng, g)
        cache: dict[int, Person] = {}
        sink.begin(rng, g)
        for ordinal in range(g.first, g.last + 1):
            if rng.random() >= g.activity:
                continue
            posts = self.market.day(rng, g, ordinal, members, cache)
            day = dt.date.fromordinal(ordinal)
            ymd = day.isoformat()
            sink.day(ymd, (ordinal - EPOCH_ORDINAL) * 86400 - CHINA_OFFSET)
            authors: set[str] = set()
            for post in posts:
                h, rem = divmod(post.second, 3600)
                mi, se = divmod(rem, 60)
                record = sink.write(rng, post, h, mi, se)
                authors.add(record["author_id"])
                record.update(self._truth(post, g, sink.channel_id(g), ymd, h, mi, se, day))
                truth.write(record)
                self.stats.message(g, day, post, record)
            self.stats.group_day(g, day, len(posts), len(authors))
        sink.end()

    def _truth(
        self,
        post: Post,
        g: Group,
        channel_id: str,
        ymd: str,
        h: int,
        mi: int,
        se: int,
        day: dt.date,
    ) -> dict[str, Any]:
        offer = post.kind in ("ad", "buy")
        prices = []
        for price in post.prices:
            row = price.to_dict()
            rate = usd_rate(price.currency, day)[0]
            row["usd"] = round(price.amount * rate, 2) if rate is not None else None
            prices.append(row)
        return {
            "channel": g.name,
            "channel_id": channel_id,
            "time": f"{ymd}T{h:02d}:{mi:02d}:{se:02d}+08:00",
            "date": ymd,
            "lang": g.lang,
            "text": post.text,
            "kind": post.kind,
            "seller": post.seller.sid if post.seller else None,
            "ad_id": post.ad_id,
            "offer": offer,
            "intent": {"ad": "sell", "buy": "buy"}.get(post.kind),
            "category": post.category if offer else None,
            "categories": [post.category] if offer else [],
            "price": prices[0] if prices else None,
            "prices": prices,
            "mobile": post.mobile,
            "platforms": list(post.platforms),
            "contacts": [{"type": c.type, "value": c.value} for c in post.contacts],
            "tricky": post.tricky,
        }


class _Sink(Protocol):
    """One export format, fed the posts of one group after another."""

    def begin(self, rng: Random, g: Group) -> None: ...
    def day(self, ymd: str, day_epoch: int) -> None: ...
    def write(self, rng: Random, post: Post, h: int, mi: int, se: int) -> dict[str, Any]: ...
    def channel_id(self, g: Group) -> str: ...
    def end(self) -> None: ...
    def close(self) -> None: ...


class _QQSink:
    """QQ: the group is its name, an author their QQ number; no message ids."""

    def __init__(self, writer: QQWriter) -> None:
        self.writer = writer
        self.seq = 0
        self.ymd = ""
        self.prefix = ""

    def begin(self, rng: Random, g: Group) -> None:
        self.writer.begin_group(g.name)
        self.seq, self.prefix = 0, f"qq:{g.index}:"

    def day(self, ymd: str, day_epoch: int) -> None:
        self.ymd = ymd

    def write(self, rng: Random, post: Post, h: int, mi: int, se: int) -> dict[str, Any]:
        who = post.author
        self.writer.message(f"{self.ymd} {h}:{mi:02d}:{se:02d}", who.nick, who.qq, post.text)
        self.seq += 1
        return {
            "platform": "qq",
            "id": f"{self.prefix}{self.seq}",
            "message_id": None,
            "author": who.nick,
            "author_id": who.qq,
            "author_handle": who.qq,
        }

    def channel_id(self, g: Group) -> str:
        return g.name

    def end(self) -> None:
        self.writer.end_group()

    def close(self) -> None:
        self.writer.close()


class _TelegramSink:
    """Telegram: increasing message ids (with gaps), replies, photos, a join notice."""

    def __init__(self, writer: TelegramWriter) -> None:
        self.writer = writer
        self.msg_id = 0
        self.chat_id = 0
        self.recent: list[int] = []
        self.started = False
        self.ymd = ""
        self.day_epoch = 0

    def begin(self, rng: Random, g: Group) -> None:
        self.writer.begin_group(g.name, g.chat_id)
        self.msg_id, self.chat_id = rng.randrange(1000, 90000), g.chat_id
        self.recent, self.started = [], False

    def day(self, ymd: str, day_epoch: int) -> None:
        self.ymd, self.day_epoch = ymd, day_epoch
        if not self.started:
            analyst = f"user{ANALYST['user_id']}"
            self.writer.service(self.msg_id - 1, f"{ymd}T00:00:00", day_epoch, "Analyst", analyst)
            self.started = True

    def write(self, rng: Random, post: Post, h: int, mi: int, se: int) -> dict[str, Any]:
        self.msg_id += 1 if rng.random() < 0.95 else rng.randrange(2, 5)  # deleted messages
        reply = None
        if post.kind != "ad" and self.recent and rng.random() < 0.1:
            reply = rng.choice(self.recent)
        who, ad = post.author, post.kind == "ad"
        self.writer.message(
            self.msg_id,
            f"{self.ymd}T{h:02d}:{mi:02d}:{se:02d}",
            self.day_epoch + post.second,
            who.tg_name,
            who.tg_id,
            post.text,
            reply,
            photo=ad and rng.random() < 0.1,
            bold=ad and rng.random() < 0.3,
        )
        self.recent = [*self.recent[-9:], self.msg_id]
        return {
            "platform": "telegram",
            "id": f"telegram:{self.chat_id}:{self.msg_id}",
            "message_id": self.msg_id,
            "author": who.tg_name,
            "author_id": f"user{who.tg_id}",
            "author_handle": who.handle,
        }

    def channel_id(self, g: Group) -> str:
        return str(g.chat_id)

    def end(self) -> None:
        self.writer.end_group()

    def close(self) -> None:
        self.writer.close()


def generate(params: Params, out: str | Path) -> dict[str, Any]:
    """Write the corpus of ``params`` under ``out``; the summary of the planted truth."""
    return Generator(params).run(Path(out))
