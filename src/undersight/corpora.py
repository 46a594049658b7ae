"""Readers for the real public corpora of ``shared/data/real``, one message a row.

Each corpus yields ``RealMessage(corpus, key, text, date)``: ``key`` names the
row stably (a line number, an upstream id, a file name) so label files can hold
the key and a hash of the text instead of the text itself (the corpora's terms
are research use; they are never copied into the repository). A listing's
scraped price is part of its text, on a line of its own, as the market showed it.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple


class RealMessage(NamedTuple):
    corpus: str
    key: str
    text: str
    date: str | None


def text_hash(text: str) -> str:
    """The short hash a label file keeps to prove it still labels the same text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _rows(path: Path) -> Iterator[dict[str, str]]:
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8-sig", newline="", errors="replace") as fh:
        yield from csv.DictReader(fh)


def tumcc(root: Path) -> Iterator[RealMessage]:
    """TUMCC lines as the authors published them (words separated by spaces, digits stripped)."""
    path = root / "tumcc" / "TUMCC-clean.txt"
    with path.open(encoding="utf-8", errors="replace") as fh:
        for number, line in enumerate(fh, 1):
            if line.strip():
                yield RealMessage("tumcc", f"L{number}", line.strip(), None)


def cn_darkweb(root: Path) -> Iterator[RealMessage]:
    """Chinese Tor-market listing titles (2018) with the price the site showed."""
    folder = root / "cn-darkweb-market-2018"
    for row in _rows(folder / "listings.csv"):
        crawl = (row.get("crawl_time") or "")[:10] or None
        text = row["title"].strip()
        if (row.get("price_usd_raw") or "").strip():
            text += "\n" + row["price_usd_raw"].strip()
        yield RealMessage("cn-darkweb", row["id"], text, crawl)
    posts = folder / "full_posts_3.jsonl"
    if posts.exists():
        for line in posts.read_text("utf-8").splitlines():
            post = json.loads(line)
            text = f"{post['title']}\n{post['body']}\n单价: {post['unit_price']}"
            key = "post-" + Path(post["source_file"]).stem[:12]
            yield RealMessage("cn-darkweb", key, text, "2018-11-16")


def darkgram(root: Path) -> Iterator[RealMessage]:
    """DarkGram Telegram channel posts (2024)."""
    for row in _rows(root / "darkgram-telegram" / "posts.csv"):
        if (row.get("message") or "").strip():
            key = f"{row['channel']}/{row['post_id']}"
            yield RealMessage("darkgram", key, row["message"], (row.get("date") or "")[:10] or None)


def dwdata(root: Path) -> Iterator[RealMessage]:
    """DWData darknet listing titles (2020-2024) with the price as scraped."""
    path = root / "dwdata-darknet-listings" / "listings.csv"
    for number, row in enumerate(_rows(path), 1):
        text = row["title"].strip()
        if (row.get("price_raw") or "").strip():
            text += "\n" + row["price_raw"].strip()
        yield RealMessage("dwdata", f"r{number}", text, row.get("scrape_date") or None)


_FORUM_FILES = ("D1CrackingArena", "D3DreamMarket", "D5CrackingFire")


def hacker_forums(root: Path) -> Iterator[RealMessage]:
    """CrackingArena and CrackingFire forum posts and Dream Market listings."""
    for stem in _FORUM_FILES:
        for number, row in enumerate(_rows(root / "hacker-forums" / f"{stem}.csv"), 1):
            if (row.get("content") or "").strip():
                yield RealMessage("hacker-forums", f"{stem}/{number}", row["content"], None)


def kl4mvp(root: Path) -> Iterator[RealMessage]:
    """The 23 Chinese darknet-forum posts of the KL4MVP jargon study (title and body)."""
    path = root / "chinese-jargon-detection" / "sample.csv"
    for number, row in enumerate(_rows(path), 1):
        yield RealMessage("kl4mvp", f"s{number}", f"{row['title']}\n{row['content']}", None)


def ugforum(root: Path) -> Iterator[RealMessage]:
    """The 40 English currency-exchange posts of the ugforum study (raw text)."""
    folder = root / "ugforum-currency-exchange" / "raw"
    for path in sorted(folder.iterdir()):
        text = path.read_text("utf-8", errors="replace").strip()
        yield RealMessage("ugforum", path.name, text, None)


CORPORA: dict[str, Callable[[Path], Iterator[RealMessage]]] = {
    "tumcc": tumcc,
    "cn-darkweb": cn_darkweb,
    "darkgram": darkgram,
    "dwdata": dwdata,
    "hacker-forums": hacker_forums,
    "kl4mvp": kl4mvp,
    "ugforum": ugforum,
}

LANGUAGE = {
    "tumcc": "zh",
    "cn-darkweb": "zh",
    "darkgram": "en",
    "dwdata": "en",
    "hacker-forums": "en",
    "kl4mvp": "zh",
    "ugforum": "en",
}


def messages(root: Path, corpus: str) -> Iterator[RealMessage]:
    """Every message of one corpus, in file order."""
    return CORPORA[corpus](root)


def index(root: Path, corpora: list[str] | None = None) -> dict[tuple[str, str], RealMessage]:
    """(corpus, key) -> message for the named corpora (all by default)."""
    return {
        (m.corpus, m.key): m for name in (corpora or list(CORPORA)) for m in messages(root, name)
    }
