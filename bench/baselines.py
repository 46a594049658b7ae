"""Undersight against the obvious alternatives, on the same labelled messages.

Prices: Undersight vs the generic ``price-parser`` package and a regex
baseline in the manner of Portnoff et al. (every number written next to a
currency word or sign). Contacts: Undersight vs the generic IOC extractors
``ioc-finder`` and ``iocextract``. Each system is wrapped to answer in the
``undersight extract`` shape and scored by the same code (undersight.evaluation)
on the development and held-out sets; speed is CPU time over the same texts.

A fair-play note: the generic tools know nothing of QQ, WeChat or Telegram
handles, so contacts are also scored on the IOC types they do cover.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

ROOT = Path(__file__).resolve().parents[1]
GOLD = (ROOT / "tests" / "data" / "dev", ROOT / "tests" / "data" / "holdout3")
IOC_TYPES = {"url", "domain", "email", "ip", "btc", "eth", "xmr"}

_CJK = re.compile(r"[\u3400-\u9fff]")
_CURRENCY = {
    "$": "USD", "us$": "USD", "usd": "USD", "美元": "USD", "美金": "USD", "刀": "USD",
    "dollar": "USD", "dollars": "USD", "bucks": "USD",
    "¥": "CNY", "￥": "CNY", "元": "CNY", "块": "CNY", "rmb": "CNY", "cny": "CNY",
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "£": "GBP", "gbp": "GBP",
    "₽": "RUB", "rub": "RUB", "руб": "RUB", "btc": "BTC", "₿": "BTC", "eth": "ETH",
    "usdt": "USDT", "u": "USDT", "ltc": "LTC", "xmr": "XMR",
}  # fmt: skip


def default_currency(text: str) -> str:
    """The spec's rule for a bare amount: CNY in a Chinese message, else USD."""
    return "CNY" if _CJK.search(text) else "USD"


@dataclass
class Answer:
    """A baseline's answer in the shape the scorer reads (``to_dict``)."""

    prices: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "offer": False,
            "intent": None,
            "categories": [],
            "platforms": [],
            "prices": self.prices,
            "contacts": self.contacts,
        }


def _price(amount: float, currency: str) -> dict[str, Any]:
    return {"amount": amount, "amount_max": None, "currency": currency}


class PriceParserBaseline:
    """``price_parser.Price.fromstring``: one price per text, its currency sign mapped."""

    name = "price-parser 0.5"

    def __init__(self) -> None:
        from price_parser import Price

        self._parse = Price.fromstring

    def extract(self, text: str, date: Any = None) -> Answer:
        found = self._parse(text)
        if found.amount is None:
            return Answer()
        sign = (found.currency or "").strip().lower()
        currency = _CURRENCY.get(sign, default_currency(text))
        return Answer(prices=[_price(float(found.amount), currency)])


class RegexBaseline:
    """Every number written next to a currency word or sign (Portnoff et al.'s baseline)."""

    name = "regex: numbers + currency words"
    _words = "|".join(sorted(map(re.escape, _CURRENCY), key=len, reverse=True))
    _number = r"\d+(?:[.,]\d+)*(?:\s?[kK])?"
    _pattern = re.compile(
        rf"(?P<pre>{_words})\s?(?P<a>{_number})|(?P<b>{_number})\s?(?P<post>{_words})(?![a-z])",
        re.IGNORECASE,
    )

    def extract(self, text: str, date: Any = None) -> Answer:
        prices = []
        for m in self._pattern.finditer(text):
            raw = (m.group("a") or m.group("b")).replace(",", "").replace(" ", "")
            scale = 1000.0 if raw[-1:] in "kK" else 1.0
            try:
                amount = float(raw.rstrip("kK")) * scale
            except ValueError:
                continue
            word = (m.group("pre") or m.group("post")).lower()
            prices.append(_price(amount, _CURRENCY[word]))
        return Answer(prices=prices)


def _dedupe_domains(contacts: list[dict[str, str]]) -> list[dict[str, str]]:
    """The spec's rule, applied to the baselines too: no domain already inside a url/email."""
    hosts = set()
    for c in contacts:
        if c["type"] == "url":
            hosts.add(re.sub(r"^[a-z]+://", "", c["value"]).split("/")[0].split(":")[0])
        elif c["type"] == "email":
            hosts.add(c["value"].rsplit("@", 1)[-1])
    seen, out = set(), []
    for c in contacts:
        key = (c["type"], c["value"])
        if key in seen or (c["type"] == "domain" and c["value"] in hosts):
            continue
        seen.add(key)
        out.append(c)
    return out


def _lower_host(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url.lower()
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}://{host.lower()}{slash}{path}"


class IocFinderBaseline:
    """``ioc_finder.find_iocs`` with its IOC kinds mapped to contact types."""

    name = "ioc-finder 9.4"
    _kinds: ClassVar[dict[str, str]] = {
        "urls": "url",
        "domains": "domain",
        "email_addresses": "email",
        "ipv4s": "ip",
        "bitcoin_addresses": "btc",
        "monero_addresses": "xmr",
        "ethereum_addresses": "eth",
        "phone_numbers": "phone",
    }

    def __init__(self) -> None:
        from ioc_finder import find_iocs

        self._find = find_iocs

    def extract(self, text: str, date: Any = None) -> Answer:
        found = self._find(text)
        contacts = []
        for kind, ctype in self._kinds.items():
            for value in found.get(kind) or ():
                value = _lower_host(value) if ctype == "url" else value.lower()
                contacts.append({"type": ctype, "value": value})
        return Answer(contacts=_dedupe_domains(contacts))


class IocExtractBaseline:
    """``iocextract`` (urls, emails, ips; refanged)."""

    name = "iocextract 1.16"

    def __init__(self) -> None:
        import iocextract

        self._lib = iocextract

    def extract(self, text: str, date: Any = None) -> Answer:
        lib = self._lib
        contacts = [
            {"type": "url", "value": _lower_host(v)} for v in lib.extract_urls(text, refang=True)
        ]
        contacts += [
            {"type": "email", "value": v.lower()} for v in lib.extract_emails(text, refang=True)
        ]
        contacts += [{"type": "ip", "value": v} for v in lib.extract_ips(text, refang=True)]
        return Answer(contacts=_dedupe_domains(contacts))


class UndersightSystem:
    name = "Undersight"

    def __init__(self) -> None:
        from undersight.extract.pipeline import Extractor

        self._ex = Extractor(cache_size=0)

    def extract(self, text: str, date: Any = None) -> Any:
        return self._ex.extract(text, date)


def _ioc_only(gold: list[dict[str, Any]], system: Any) -> Any:
    """Score contacts on the IOC types the generic tools cover, for gold and answers alike."""

    class Filtered:
        def extract(self, text: str, date: Any = None) -> Answer:
            d = system.extract(text, date).to_dict()
            return Answer(contacts=[c for c in d["contacts"] if c["type"] in IOC_TYPES])

    records = [
        {**g, "contacts": [c for c in g.get("contacts") or [] if c["type"] in IOC_TYPES]}
        for g in gold
    ]
    return records, Filtered()


def _cpu_per_message(extract: Callable[[str, Any], Any], gold: list[dict[str, Any]]) -> float:
    started = time.process_time()
    for g in gold:
        extract(g["text"], g.get("date"))
    return (time.process_time() - started) / len(gold)


def compare() -> dict[str, Any]:
    """Prices and contacts, every system, one table each."""
    from undersight.evaluation import load_gold, score

    gold = load_gold(GOLD)
    held_out = load_gold(GOLD[1:])
    undersight = UndersightSystem()
    undersight.extract("出售 肉鸡 100元", "2013-01-01")  # loads the lexicon and FX rates
    out: dict[str, Any] = {
        "messages": len(gold),
        "held_out_messages": len(held_out),
        "prices": [],
        "contacts": [],
    }
    for system in (undersight, PriceParserBaseline(), RegexBaseline()):
        report = score(gold, system)  # type: ignore[arg-type]
        per_msg = _cpu_per_message(system.extract, gold)
        out["prices"].append(
            {
                "system": system.name,
                **{k: report.prices.as_dict()[k] for k in ("precision", "recall", "f1")},
                "held_out_f1": score(held_out, system).prices.as_dict()["f1"],  # type: ignore[arg-type]
                "msg_per_cpu_s": round(1 / per_msg),
            }
        )
    for system in (undersight, IocFinderBaseline(), IocExtractBaseline()):
        report = score(gold, system)  # type: ignore[arg-type]
        ioc_gold, ioc_system = _ioc_only(gold, system)
        ioc_report = score(ioc_gold, ioc_system)  # type: ignore[arg-type]
        per_msg = _cpu_per_message(system.extract, gold)
        out["contacts"].append(
            {
                "system": system.name,
                **{k: report.contacts.as_dict()[k] for k in ("precision", "recall", "f1")},
                "ioc_types_f1": ioc_report.contacts.as_dict()["f1"],
                "held_out_f1": score(held_out, system).contacts.as_dict()["f1"],  # type: ignore[arg-type]
                "msg_per_cpu_s": round(1 / per_msg),
            }
        )
    return out


def print_comparison(result: dict[str, Any]) -> None:
    print(
        f"\nPrices and contacts on {result['messages']} labelled messages (development +"
        f" held-out); 'held-out F1' on the {result['held_out_messages']} never tuned on\n"
    )
    head = f"{'P':>6s} {'R':>6s} {'F1':>6s} {'held-out F1':>12s}"
    print(f"{'prices':34s} {head} {'msg/CPU-s':>10s}")
    for r in result["prices"]:
        print(
            f"{r['system']:34s} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f}"
            f" {r['held_out_f1']:12.3f} {r['msg_per_cpu_s']:10,}"
        )
    print(f"\n{'contacts':34s} {head} {'IOC-type F1':>12s} {'msg/CPU-s':>10s}")
    for r in result["contacts"]:
        print(
            f"{r['system']:34s} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f}"
            f" {r['held_out_f1']:12.3f} {r['ioc_types_f1']:12.3f} {r['msg_per_cpu_s']:10,}"
        )


if __name__ == "__main__":
    print_comparison(compare())
