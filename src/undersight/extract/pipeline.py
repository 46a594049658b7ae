"""The extractor: one pure function from a message to an :class:`Extraction`.

``Extractor`` compiles a lexicon once (automata and patterns); ``extract``
is then deterministic, free of I/O and of shared mutable state, so the CLI,
the store, the web API and Spark all get identical results.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.machinery
import re
from bisect import bisect_right
from collections.abc import Callable
from functools import lru_cache
from typing import Final

from undersight.extract.contacts import find_contacts
from undersight.extract.matcher import NEUTRAL, Hit, Matcher
from undersight.extract.offer import CueScore, score_cues
from undersight.extract.prices import (
    FoundPrice,
    PriceFinder,
    could_state_price,
    listing_price_line,
)
from undersight.extract.records import evidence, extraction, price
from undersight.fx import in_usd, usd_rate
from undersight.learn.classifier import THRESHOLD, Classifier
from undersight.learn.features import PRICE_INDEX, STRUCTURED_INDEX, dense_features
from undersight.lexicon import Lexicon, default_lexicon
from undersight.model import Contact, Evidence, Extraction
from undersight.text.normalize import Normalized, normalize

_CJK: Final = re.compile(r"[\u3400-\u9fff]")

# What a counted thing is, when the message's category says so.
CATEGORY_UNITS: Final = {
    "sms_spam": "message",
    "bots": "host",
    "accounts": "account",
    "stolen_data": "record",
    "carding": "card",
    "phone_numbers": "number",
    "fake_base_station": "device",
    "traffic_seo": "follower",
}


# An offer with prices, before currency conversion: offer, intent, categories,
# platforms, the prices found (with their original spans), contacts and offer
# evidence.
_Priced = tuple[
    bool,
    str | None,
    tuple[Evidence, ...],
    tuple[Evidence, ...],
    tuple[FoundPrice, ...],
    tuple[Contact, ...],
    tuple[Evidence, ...],
    float | None,
    tuple[float, ...],
]

# (currency, day) rates an extractor keeps at most.
_RATE_MEMO: Final = 65536
# A secondary category must reach this share of the strongest one's score.
RELATIVE_FLOOR: Final = 0.4
# Words that deny what follows: "不做贷款/菠菜内容", "no gambling".
_NEGATED: Final = re.compile(
    r"(?:不做|不接|不收|不要|不卖|不出|勿|禁止|拒绝|非(?!常)|不是|\bno|\bnot|\bnever|don't|dont)"
    r"[^。!！?？\n;；]{0,6}$"
)
# Words one of which a message must hold for _NEGATED / _TARGETED to be tried.
_NEGATION_WORDS: Final = re.compile("不|勿|禁|拒|非|免谈|别来|no|not|never|don")
_TARGET_WORDS: Final = re.compile("打|攻击|黑|入侵|渗透|劫持|污染|hit|attack")
_NEGATED_AFTER: Final = re.compile(r"[\s/、]{0,2}(?:勿扰|免谈|勿来|不做|不接|别来|\bnot accepted)")
# Verbs whose object is a target, not the product: "打一个菠菜站", "hit any casino".
_TARGETED: Final = re.compile(
    r"(?:打|攻击|黑|入侵|渗透|劫持|污染|\bhit|\battack)\s?(?:一个|个|掉|死|下)?\s?$"
)


class Reading:
    """What the first stages read in a message (:meth:`Extractor.read`)."""

    __slots__ = (
        "chinese",
        "contact_spans",
        "contacts",
        "cues",
        "denied",
        "first_hit",
        "listing",
        "lower",
        "norm",
        "platform_hits",
        "scores",
        "vocab_hits",
    )

    def __init__(
        self,
        norm: Normalized,
        chinese: bool,
        contacts: tuple[Contact, ...],
        contact_spans: tuple[tuple[int, int], ...],
        platform_hits: list[Hit],
        vocab_hits: list[Hit],
        scores: dict[str, float],
        first_hit: dict[str, tuple[int, int]],
        denied: set[str],
        listing: bool,
        cues: CueScore,
    ) -> None:
        self.norm = norm
        self.lower = norm.lower
        self.chinese = chinese
        self.contacts = contacts
        self.contact_spans = contact_spans
        self.platform_hits = platform_hits
        self.vocab_hits = vocab_hits
        self.scores = scores
        self.first_hit = first_hit
        self.denied = denied
        self.listing = listing
        self.cues = cues

    def dense(self, has_price: bool, structured: bool) -> list[float]:
        """The lexicon's signals as the model sees them, given the price evidence."""
        cues = self.cues
        return dense_features(
            cues.totals,
            self.scores,
            has_price,
            structured,
            bool(self.contacts),
            self.chinese,
            len(self.lower),
            cues.request,
            self.listing,
        )


class Extractor:
    """A compiled lexicon; call :meth:`extract` on messages."""

    def __init__(
        self,
        lexicon: Lexicon | None = None,
        cache_size: int = 8192,
        model: Classifier | None = None,
    ):
        self.lexicon = lex = lexicon or default_lexicon()
        self.model = model
        neutral = [(t, NEUTRAL, "", 0.0) for t in lex.neutral]
        self.matcher = Matcher(
            [
                [(t, kind, kind, w) for kind, terms in lex.cues.items() for t, w in terms.items()]
                + neutral,
                [
                    (t, "category", cid, w)
                    for cid, terms in lex.categories.items()
                    for t, w in terms.items()
                ]
                + neutral,
                [(t, "platform", pid, 1.0) for pid, terms in lex.platforms.items() for t in terms]
                + neutral,
                [(t, "period", p, 1.0) for t, p in lex.periods.items()]
                + [(t, "not_price", "", 1.0) for t in lex.not_price]
                + [(t, "price_word", "", 1.0) for t in lex.price_words]
                + [(t, "unit_noun", u, 1.0) for t, u in lex.unit_nouns.items()],
            ]
        )
        self.prices = PriceFinder(lex)
        # Ads are reposted verbatim across groups and days: the date-free part
        # of an extraction is memoized by text (a pure function, so safe).
        self._memo: Callable[[str], Extraction | _Priced] | None = (
            lru_cache(maxsize=cache_size)(self._extract_undated) if cache_size else None
        )
        # USD rates by (currency, posting day), as fx.usd_rate gives them
        self._rates: dict[tuple[str, dt.date], tuple[float | None, str | None]] = {}

    def extract(self, text: str, date: dt.date | dt.datetime | str | None = None) -> Extraction:
        """Extract offer, intent, categories, platforms, prices and contacts."""
        day = parse_date(date)
        memo = self._memo
        result = memo(text) if memo is not None else self._extract_undated(text)
        if isinstance(result, Extraction):
            return result  # no prices: nothing depends on the date
        offer, intent, categories, platforms, found, contacts, offer_evidence, conf, cat_conf = (
            result
        )
        prices = []
        rates = self._rates
        on = day or dt.date.today()  # without a date, today's rate
        for p in found:
            amount, currency = p.amount, p.currency
            key = (currency, on)
            known = rates.get(key)
            if known is None:
                if len(rates) >= _RATE_MEMO:
                    rates.clear()
                known = rates[key] = usd_rate(currency, on)
            rate, note = known
            usd = in_usd(amount, rate)
            span, amount_max, quantity, unit, period = (
                p.span, p.amount_max, p.quantity, p.unit, p.period
            )  # fmt: skip
            prices.append(
                price(amount, currency, span, amount_max, quantity, unit, period, usd, note)
            )
        return extraction(
            offer,
            intent,
            categories,
            platforms,
            tuple(prices),
            contacts,
            offer_evidence,
            conf,
            cat_conf,
        )

    def _extract_undated(self, text: str) -> Extraction | _Priced:
        """Everything but the currency conversion, which depends on the date: an
        :class:`Extraction` when the message states no price, else its parts
        with the prices still to convert (``extract`` builds the result once)."""
        r = self.read(text)
        norm, lower, chinese = r.norm, r.lower, r.chinese
        contacts, contact_spans = r.contacts, r.contact_spans
        platform_hits, vocab_hits = r.platform_hits, r.vocab_hits
        scores, first_hit, denied = r.scores, r.first_hit, r.denied
        cues = r.cues
        model = self.model
        rows: list[int] = []
        if model is None:
            if not cues.could_be_offer():
                return extraction(False, None, (), (), (), contacts, cues.evidence)
        else:
            dense = r.dense(False, False)
            rows = model.rows(lower)
            ceiling = model.offer_ceiling(
                model.offer_logit(rows, dense), dense, could_state_price(lower)
            )
            # rule request-question: asking who sells a product the lexicon
            # knows ("问 大佬 有没有 卖 春药 的") is a buy request
            asks_for = cues.request and bool(scores)
            if ceiling < THRESHOLD and not asks_for:
                return extraction(
                    False, None, (), (), (), contacts, cues.evidence, round(1.0 - ceiling, 3)
                )
        top = self._ranked_categories(scores)
        unit = CATEGORY_UNITS.get(top[0]) if top else None
        found = self.prices.find(norm, chinese, vocab_hits, unit, contact_spans)

        structured = False
        for p in found:
            if p.quantity or p.period:
                structured = True
                break
        confidence: float | None = None
        category_confidence: tuple[float, ...] = ()
        if model is None:
            intent = cues.intent(bool(found), structured)
            if intent is None:
                return extraction(False, None, (), (), (), contacts, cues.evidence)
        else:
            logits = model.logits(rows, dense)
            if found:
                model.add_feature(logits, PRICE_INDEX)
                if structured:
                    model.add_feature(logits, STRUCTURED_INDEX)
            p_offer, intent, chosen = model.decide(logits)
            # rule unsure-model-needs-lexicon: a model in doubt does not make
            # an offer of a message the lexicon sees no offer in ("交易走担保
            # 别私下转账" is advice, "刚从红客那收到货 推荐" a vouch)
            unsure = p_offer < UNSURE and cues.score(bool(found), structured) < LEXICON_SUPPORT
            if (p_offer < THRESHOLD or unsure) and not asks_for:
                return extraction(
                    False, None, (), (), (), contacts, cues.evidence, round(1.0 - p_offer, 3)
                )
            if cues.request:
                intent = "buy"  # rule request-question: "有卖叶子的吗" asks for a seller
            confidence = round(max(p_offer, THRESHOLD), 3)
            top, category_confidence = _combine_categories(top, chosen, model, logits, denied)

        if len(top) > 1:
            top, category_confidence = _drop_implied(top, category_confidence, lower)
        if intent == "exchange" and "money_laundering" not in top:
            top = ["money_laundering", *top]  # currency exchange and OTC
            if category_confidence:
                category_confidence = (confidence or 1.0, *category_confidence)
        to_original = norm.to_original
        categories = tuple(
            evidence(cid, to_original(first_hit[cid][0], first_hit[cid][1]))
            if cid in first_hit
            else evidence(cid, (0, 0))
            for cid in (top or ["other"])
        )
        platforms = (
            self._platforms(norm, _outside(platform_hits, contact_spans)) if platform_hits else ()
        )
        if not found:
            return extraction(
                True,
                intent,
                categories,
                platforms,
                (),
                contacts,
                cues.evidence,
                confidence,
                category_confidence,
            )
        for p in found:
            p.span = to_original(p.start, p.end)
        return (
            True,
            intent,
            categories,
            platforms,
            tuple(found),
            contacts,
            cues.evidence,
            confidence,
            category_confidence,
        )

    def signals(self, text: str) -> tuple[str, list[float]]:
        """What the model sees of a message: its normalized lower-case text
        and the lexicon's signals, its prices found whether or not it is an
        offer (for training)."""
        r = self.read(text)
        top = self._ranked_categories(r.scores)
        unit = CATEGORY_UNITS.get(top[0]) if top else None
        found = self.prices.find(r.norm, r.chinese, r.vocab_hits, unit, r.contact_spans)
        structured = any(p.quantity or p.period for p in found)
        return r.lower, r.dense(bool(found), structured)

    def read(self, text: str) -> Reading:
        """The stages every decision starts from: normalization, contacts,
        the term matches outside contacts, category scores and cue scores."""
        norm = normalize(text)
        lower = norm.lower
        cased = norm.cased
        chinese = not cased.isascii() and _CJK.search(cased) is not None
        contacts, contact_spans = find_contacts(norm, chinese)
        cue_hits, category_hits, platform_hits, vocab_hits = self.matcher.scan(lower)
        if contact_spans:
            cue_hits = _outside(cue_hits, contact_spans)
            category_hits = _outside(category_hits, contact_spans)
        scores, first_hit, denied = _category_scores(category_hits, lower)
        listing = "\n" in lower and listing_price_line(lower) is not None
        cues = score_cues(norm, cue_hits, scores, bool(contacts), listing)
        return Reading(
            norm,
            chinese,
            contacts,
            contact_spans,
            platform_hits,
            vocab_hits,
            scores,
            first_hit,
            denied,
            listing,
            cues,
        )

    def _ranked_categories(self, scores: dict[str, float]) -> list[str]:
        """Categories reaching 1.0 and a share of the strongest, strongest
        (then most specific) first: a DDoS ad naming its gambling-site
        target is not a gambling offer."""
        if len(scores) < 2:
            # one category: reaching the floor (at least 1.0) or 0.5 is reaching 0.5
            return [c for c, score in scores.items() if score >= 0.5]
        rank = self.lexicon.category_rank
        ordered = sorted(scores, key=lambda c: (-scores[c], rank.get(c, 50)))
        floor = max(1.0, RELATIVE_FLOOR * scores[ordered[0]]) if ordered else 1.0
        chosen = [c for c in ordered if scores[c] >= floor]
        if not chosen and ordered and scores[ordered[0]] >= 0.5:
            chosen = [ordered[0]]
        return chosen

    @staticmethod
    def _platforms(norm: Normalized, hits: list[Hit]) -> tuple[Evidence, ...]:
        seen: dict[str, Evidence] = {}
        for start, end, entries in hits:
            for _, pid, _ in entries:
                if pid not in seen:
                    seen[pid] = evidence(pid, norm.to_original(start, end))
        if "mobile" in seen and ("android" in seen or "ios" in seen):
            del seen["mobile"]
        return tuple(seen.values())


# Below this offer probability the model is unsure: the lexicon's offer score
# must then reach LEXICON_SUPPORT (cross-validated on the real development
# sets; it also keeps advice and vouches out of the generated QQ corpus).
UNSURE: Final = 0.7
LEXICON_SUPPORT: Final = 1.0
# The probability a model-only category needs beside the lexicon's (the
# class-balanced category outputs overrate rare categories: 0.7 was best in
# cross-validation on the real development sets, 0.5-0.85 tried).
EXTRA_CATEGORY: Final = 0.7
# Words that say a message sells data (a list, a dump, records).
_DATA_WORDS: Final = re.compile(
    r"数据|库|名单|信息|资料|客户|会员|database|leads|records|\bdb\b|dump|combo"
)
# What a data listing's other categories usually name: whose data it is
# ("博彩客户数据" is gambling customers' data, not gambling; "身份证" records
# are not fake documents; "手机号" a column, not SIM cards).
_SUBJECTS_OF_DATA: Final = frozenset({"gambling", "fraud", "phone_numbers"})


def _drop_implied(
    top: list[str], confidence: tuple[float, ...], lower: str
) -> tuple[list[str], tuple[float, ...]]:
    """Categories that describe rather than sell: "other" beside a category
    that fits (it means "fits none"; a course on an other topic keeps it),
    and, in a data listing, the subjects of the data."""
    drop: set[str] = set()
    if "other" in top and "tutorials" not in top:
        drop.add("other")
    if "stolen_data" in top and _DATA_WORDS.search(lower) is not None:
        drop.update(c for c in top if c in _SUBJECTS_OF_DATA)
    if not drop:
        return top, confidence
    kept = [i for i, c in enumerate(top) if c not in drop]
    return [top[i] for i in kept], tuple(confidence[i] for i in kept if i < len(confidence))


def _combine_categories(
    lexicon_top: list[str],
    chosen: list[tuple[str, float]],
    model: Classifier,
    logits: list[float],
    denied: set[str],
) -> tuple[list[str], tuple[float, ...]]:
    """The categories of an offer: the lexicon's (a term read in the message
    is evidence), then the model's, most probable first: beside the lexicon's
    at :data:`EXTRA_CATEGORY` probability, alone at the threshold, and the
    likeliest one where neither has any."""
    taken = list(lexicon_top)
    for c, p in chosen:
        if c in taken or c in denied:
            continue
        if p >= (EXTRA_CATEGORY if taken else THRESHOLD) or not taken:
            taken.append(c)
    return taken, tuple(round(model.category_probability(logits, c), 3) for c in taken)


def _outside(hits: list[Hit], masked: tuple[tuple[int, int], ...]) -> list[Hit]:
    """Hits not inside a contact (a domain's words are not the message's words)."""
    if not masked or not hits:
        return hits
    spans = sorted(masked)
    starts = [s for s, _ in spans]
    kept = []
    for hit in hits:
        i = bisect_right(starts, hit[0]) - 1
        if i >= 0 and spans[i][1] > hit[0]:
            continue
        if i + 1 < len(spans) and spans[i + 1][0] < hit[1]:
            continue
        kept.append(hit)
    return kept


def _category_scores(
    hits: list[Hit], lower: str
) -> tuple[dict[str, float], dict[str, tuple[int, int]], set[str]]:
    """Summed weight per category (each distinct term once), its first span,
    and the categories whose every term was denied ("非诈骗", "no gambling")."""
    scores: dict[str, float] = {}
    first: dict[str, tuple[int, int]] = {}
    denied: set[str] = set()
    seen_terms: set[tuple[str, str]] = set()
    if not hits:
        return scores, first, denied
    negation = _NEGATION_WORDS.search(lower) is not None
    targeting = _TARGET_WORDS.search(lower) is not None
    for start, end, entries in hits:
        term = lower[start:end]
        if negation and (
            (start and _NEGATED.search(lower, max(0, start - 10), start))
            or _NEGATED_AFTER.match(lower, end)  # "跑分车队勿扰"
        ):
            for _, cid, _ in entries:
                denied.add(cid)
            continue
        targeted = (
            targeting and start and _TARGETED.search(lower, max(0, start - 6), start) is not None
        )
        for _, cid, weight in entries:
            if targeted:
                weight *= 0.3
            key = (cid, term)
            if key in seen_terms:
                continue
            seen_terms.add(key)
            scores[cid] = scores.get(cid, 0.0) + weight
            first.setdefault(cid, (start, end))
    if denied:
        denied.difference_update(scores)
    return scores, first, denied


def parse_date(value: dt.date | dt.datetime | str | None) -> dt.date | None:
    """A posting date from ISO 8601 text, a date or a datetime (UTC date when aware)."""
    if value is None or value == "":
        return None
    if value.__class__ is str:
        return _parse_date_text(value)  # type: ignore[arg-type]
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.date()
    if isinstance(value, dt.date):
        return value
    return _parse_date_text(str(value))


@lru_cache(maxsize=4096)
def _parse_date_text(value: str) -> dt.date | None:
    """:func:`parse_date` of a string (posting dates repeat: memoized)."""
    text = value.strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return parse_date(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        raise ValueError(f"not an ISO 8601 date: {text[:40]!r}") from None


# Which model the default extractor uses: unset or empty = the bundled one,
# "none" = the lexicon alone, else a model file's path (`extract --model`,
# `--no-model`; an environment variable, so worker processes see it too).
MODEL_ENV: Final = "UNDERSIGHT_MODEL"


def model_choice() -> Classifier | None:
    """The model :data:`MODEL_ENV` names (the bundled one by default)."""
    import os

    from undersight.learn.classifier import bundled_path, load

    choice = os.environ.get(MODEL_ENV, "").strip()
    if choice.lower() == "none":
        return None
    if choice:
        return load(choice)
    bundled = bundled_path()
    return load(str(bundled)) if bundled is not None else None


@lru_cache(maxsize=1)
def default_extractor() -> Extractor:
    """The extractor over the bundled lexicon and model, compiled once."""
    return Extractor(model=model_choice())


def extractor_version() -> str:
    """What produces an extraction: package version, lexicon fingerprint and
    model fingerprint (``lexicon`` alone where no model is used), so
    ``reextract`` knows what is stale when any of them changes."""
    from undersight import __version__

    ex = default_extractor()
    model = ex.model.version if ex.model is not None else "lexicon"
    return f"{__version__}+{ex.lexicon.version}+{model}+{_code_fingerprint()}"


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """A hash of the extractor's source (the text and extract packages)."""
    import hashlib
    from importlib import resources

    digest = hashlib.sha256()
    for package in ("undersight.text", "undersight.extract"):
        for entry in sorted(resources.files(package).iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".py"):
                digest.update(entry.name.encode() + b"\0" + entry.read_bytes())
    return digest.hexdigest()[:8]


def extract(text: str, date: dt.date | dt.datetime | str | None = None) -> Extraction:
    """Extract structured, evidenced facts from one message (see :class:`Extraction`)."""
    return default_extractor().extract(text, date)


# The modules every message passes through, compiled to C by mypyc when the
# package is built with it (setup.py): identical results, about 1.5x faster.
def hot_modules() -> tuple[str, ...]:
    """The modules the build compiles (``hot_modules.txt``, which setup.py reads)."""
    from importlib import resources

    text = resources.files("undersight").joinpath("hot_modules.txt").read_text("utf-8")
    return tuple(s for s in (ln.strip() for ln in text.splitlines()) if s and s[0] != "#")


def compiled_modules() -> dict[str, bool]:
    """Whether each of :func:`hot_modules` runs compiled (an extension module
    built by mypyc) rather than from its ``.py`` source."""
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    return {
        name: (getattr(importlib.import_module(name), "__file__", None) or "").endswith(suffixes)
        for name in hot_modules()
    }
