"""Inference of the trained model: one automaton pass over the message's
n-gram vocabulary, a weight-row sum, logistic outputs.

The model file (``.npz``) holds the vocabulary (``ngrams``), the weights of
each n-gram and of each dense feature per output (``w_ngrams``, ``w_dense``),
the biases, and the output names: ``offer``, ``intent:<id>`` (a softmax over
intents) and ``category:<id>`` (one logistic output each). Deterministic: the
same model and text always give the same numbers.
"""

from __future__ import annotations

import hashlib
import math
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Final

import numpy as np

from undersight.learn.features import DENSE_NAMES, PRICE_INDEX, STRUCTURED_INDEX

try:
    import ahocorasick_rs
except ImportError:  # pragma: no cover - the pure fallback
    ahocorasick_rs = None  # type: ignore[assignment]
import ahocorasick

BUNDLED: Final = "model.npz"
# An offer decision and a category are taken at this probability.
THRESHOLD: Final = 0.5


class ModelError(ValueError):
    """A model file that cannot be used (missing, corrupt, other features)."""


class Classifier:
    """A trained linear model over n-grams and the lexicon's signals."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        try:
            with np.load(path, allow_pickle=False) as data:
                arrays = {name: data[name] for name in data.files}
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"{path}: not a model file ({exc})") from None
        try:
            ngrams = [str(g) for g in arrays["ngrams"]]
            self.outputs: tuple[str, ...] = tuple(str(o) for o in arrays["outputs"])
            dense_names = tuple(str(d) for d in arrays["dense_names"])
            self.w_ngrams = np.ascontiguousarray(arrays["w_ngrams"], dtype=np.float64)
            self.w_dense = np.ascontiguousarray(arrays["w_dense"], dtype=np.float64)
            self.bias = np.asarray(arrays["bias"], dtype=np.float64)
        except KeyError as exc:
            raise ModelError(f"{path}: model file lacks {exc}") from None
        if dense_names != DENSE_NAMES:
            raise ModelError(f"{path}: built for other lexicon features; retrain it")
        self.version = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
        self.intents = [o.split(":", 1)[1] for o in self.outputs if o.startswith("intent:")]
        self.categories = [o.split(":", 1)[1] for o in self.outputs if o.startswith("category:")]
        self._intent_at = self.outputs.index(f"intent:{self.intents[0]}")
        self._category_at = self.outputs.index(f"category:{self.categories[0]}")
        self._w_price = float(self.w_dense[PRICE_INDEX, 0])
        self._w_structured = float(self.w_dense[STRUCTURED_INDEX, 0])
        self._ngrams = ngrams
        self._py: ahocorasick.Automaton | None = None
        if ahocorasick_rs is not None:
            self._automaton = ahocorasick_rs.AhoCorasick(
                ngrams, matchkind=ahocorasick_rs.MatchKind.Standard
            )
        else:  # pragma: no cover - the pure fallback
            self._py = _automaton(ngrams)

    def _ngram_rows(self, lower: str) -> list[int]:
        if self._py is None:
            try:
                found = self._automaton.find_matches_as_indexes(lower, overlapping=True)
                return list({i for i, _, _ in found})
            except (ValueError, UnicodeError):  # a lone surrogate: the pure automaton
                pass
        if self._py is None:
            self._py = _automaton(self._ngrams)
        automaton = self._py
        return list({i for _, i in automaton.iter(lower)})

    def logits(self, lower: str, dense: list[float]) -> np.ndarray:
        """Every output's logit for a message (normalized lower-case text)."""
        rows = self._ngram_rows(lower)
        total = self.bias + np.asarray(dense, dtype=np.float64) @ self.w_dense
        if rows:
            total = total + self.w_ngrams[rows].sum(axis=0)
        return total

    def offer_ceiling(self, logits: np.ndarray, dense: list[float]) -> float:
        """The offer probability the message would reach with the most
        favourable price evidence: below the threshold, no price is looked for."""
        base = float(logits[0]) - dense[PRICE_INDEX] * self._w_price
        base -= dense[STRUCTURED_INDEX] * self._w_structured
        best = max(0.0, self._w_price, self._w_price + self._w_structured)
        return _sigmoid(base + best)

    def decide(self, logits: np.ndarray) -> tuple[float, str, list[tuple[str, float]]]:
        """Offer probability, the likeliest intent, and the categories taken
        (probability at least the threshold, else the likeliest one), most
        probable first, each with its probability."""
        p_offer = _sigmoid(float(logits[0]))
        at = self._intent_at
        intent_logits = logits[at : at + len(self.intents)]
        intent = self.intents[int(np.argmax(intent_logits))]
        at = self._category_at
        probs = [_sigmoid(float(x)) for x in logits[at : at + len(self.categories)]]
        ranked = sorted(zip(self.categories, probs, strict=True), key=lambda cp: -cp[1])
        chosen = [(c, p) for c, p in ranked if p >= THRESHOLD] or ranked[:1]
        return p_offer, intent, chosen

    def category_probability(self, logits: np.ndarray, category: str) -> float:
        return _sigmoid(float(logits[self._category_at + self.categories.index(category)]))


def _automaton(ngrams: list[str]) -> ahocorasick.Automaton:
    """The pure-Python automaton (for texts ahocorasick_rs refuses)."""
    automaton = ahocorasick.Automaton()
    for i, g in enumerate(ngrams):
        automaton.add_word(g, i)
    automaton.make_automaton()
    return automaton


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def bundled_path() -> Path | None:
    """The model shipped inside the package, if there is one."""
    path = Path(str(resources.files("undersight.learn").joinpath(BUNDLED)))
    return path if path.exists() else None


@lru_cache(maxsize=8)
def load(path: str) -> Classifier:
    """A model file, loaded once per process."""
    return Classifier(path)
