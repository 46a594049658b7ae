"""What the model sees of a message: its character n-grams (matched by an
automaton over the model's vocabulary) and the lexicon's signals, a short
dense vector built here from what the extractor already computed."""

from __future__ import annotations

from typing import Final

from undersight.model import CATEGORY_IDS as CATEGORIES

# n-gram lengths the vocabulary is drawn from (over the normalized, lower-case
# text, spaces between Chinese characters already removed)
NGRAM_SIZES: Final = (1, 2, 3, 4)
CUE_KINDS: Final = ("sell", "buy", "exchange", "other", "chatter")
DENSE_NAMES: Final = (
    *(f"cue:{k}" for k in CUE_KINDS),
    "lexicon:best_category",
    "has_price",
    "structured_price",
    "has_contact",
    "chinese",
    "length",
    "request_question",
    "listing",
    *(f"lexicon:{c}" for c in CATEGORIES),
)
PRICE_INDEX: Final = DENSE_NAMES.index("has_price")
STRUCTURED_INDEX: Final = DENSE_NAMES.index("structured_price")


def dense_features(
    totals: dict[str, float],
    category_scores: dict[str, float],
    has_price: bool,
    structured: bool,
    has_contact: bool,
    chinese: bool,
    length: int,
    request: bool = False,
    listing: bool = False,
) -> list[float]:
    """The lexicon's signals as numbers, each capped so one long message
    cannot dominate: cue totals, category scores, price, contact, script."""
    out = [min(totals.get(k, 0.0), 4.0) for k in CUE_KINDS]
    out.append(min(max(category_scores.values(), default=0.0), 4.0))
    out.append(1.0 if has_price else 0.0)
    out.append(1.0 if structured else 0.0)
    out.append(1.0 if has_contact else 0.0)
    out.append(1.0 if chinese else 0.0)
    out.append(min(length / 200.0, 3.0))
    out.append(1.0 if request else 0.0)
    out.append(1.0 if listing else 0.0)
    for c in CATEGORIES:
        out.append(min(category_scores.get(c, 0.0), 3.0))
    return out


def ngrams(text: str) -> set[str]:
    """Every character n-gram of the vocabulary's sizes (training side):
    Latin n-grams of three letters or digits and more (shorter ones say
    little and match everywhere), Chinese ones from one character."""
    grams: set[str] = set()
    n = len(text)
    for size in NGRAM_SIZES:
        for i in range(n - size + 1):
            gram = text[i : i + size]
            if useful(gram):
                grams.add(gram)
    return grams


def useful(gram: str) -> bool:
    """Whether an n-gram may enter the vocabulary."""
    if gram.isascii():
        return sum(1 for c in gram if c.isalnum()) >= 2 and len(gram) >= 3
    return any("\u3400" <= c <= "\u9fff" for c in gram)
