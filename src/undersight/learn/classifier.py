"""Inference of the trained model: one automaton pass over the message's
n-gram vocabulary, a weight-row sum, logistic outputs.

The model file (``.npz``) holds the vocabulary (``ngrams``), the weights of
each n-gram and of each dense feature per output (``w_ngrams``, ``w_dense``),
the biases, and the output names: ``offer``, ``intent:<id>`` (one-vs-rest,
the likeliest wins) and ``category:<id>`` (one logistic output each). Deterministic: the
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
    """A trained linear model over n-grams and the lexicon's signals.

    Weights are sparse (L1): each n-gram row keeps only its non-zero
    (output, weight) pairs, so scoring a message is a few plain additions."""

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
            w_ngrams = np.asarray(arrays["w_ngrams"], dtype=np.float64)
            w_dense = np.asarray(arrays["w_dense"], dtype=np.float64)
            bias = np.asarray(arrays["bias"], dtype=np.float64)
        except KeyError as exc:
            raise ModelError(f"{path}: model file lacks {exc}") from None
        if dense_names != DENSE_NAMES:
            raise ModelError(f"{path}: built for other lexicon features; retrain it")
        if w_ngrams.shape != (len(ngrams), len(self.outputs)) or w_dense.shape != (
            len(DENSE_NAMES),
            len(self.outputs),
        ):
            raise ModelError(f"{path}: weights do not match the vocabulary and outputs")
        self.version = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
        self.size = len(ngrams)
        self.intents = [o.split(":", 1)[1] for o in self.outputs if o.startswith("intent:")]
        self.categories = [o.split(":", 1)[1] for o in self.outputs if o.startswith("category:")]
        self._intent_at = self.outputs.index(f"intent:{self.intents[0]}")
        self._category_at = self.outputs.index(f"category:{self.categories[0]}")
        self._category_index = {c: i for i, c in enumerate(self.categories)}
        self._bias: list[float] = [float(b) for b in bias]
        self._row_outputs, self._row_weights = _sparse_rows(w_ngrams)
        self._dense_outputs, self._dense_weights = _sparse_rows(w_dense)
        self._offer_ngrams: list[float] = [float(w) for w in w_ngrams[:, 0]]
        self._offer_dense: list[float] = [float(w) for w in w_dense[:, 0]]
        self._w_price = float(w_dense[PRICE_INDEX, 0])
        self._w_structured = float(w_dense[STRUCTURED_INDEX, 0])
        self._ngrams = ngrams
        self._py: ahocorasick.Automaton | None = None
        if ahocorasick_rs is not None:
            self._automaton = ahocorasick_rs.AhoCorasick(
                ngrams, matchkind=ahocorasick_rs.MatchKind.Standard
            )
        else:  # pragma: no cover - the pure fallback
            self._py = _automaton(ngrams)

    def rows(self, lower: str) -> list[int]:
        """The vocabulary rows of the n-grams a message (normalized lower-case
        text) holds, each once."""
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

    def offer_logit(self, rows: list[int], dense: list[float]) -> float:
        """The offer output's logit (the only one most messages need)."""
        total = self._bias[0]
        weights = self._offer_ngrams
        for i in rows:
            total += weights[i]
        offer_dense = self._offer_dense
        for j in range(len(dense)):
            x = dense[j]
            if x != 0.0:
                total += x * offer_dense[j]
        return total

    def logits(self, rows: list[int], dense: list[float]) -> list[float]:
        """Every output's logit for a message."""
        out = list(self._bias)
        row_outputs, row_weights = self._row_outputs, self._row_weights
        for i in rows:
            outputs = row_outputs[i]
            weights = row_weights[i]
            for k in range(len(outputs)):
                out[outputs[k]] += weights[k]
        for j in range(len(dense)):
            x = dense[j]
            if x != 0.0:
                self.add_feature(out, j, x)
        return out

    def add_feature(self, logits: list[float], feature: int, value: float = 1.0) -> None:
        """Add a dense feature's contribution to every output (a price found later)."""
        outputs = self._dense_outputs[feature]
        weights = self._dense_weights[feature]
        for k in range(len(outputs)):
            logits[outputs[k]] += value * weights[k]

    def offer_ceiling(self, offer_logit: float, dense: list[float], could_price: bool) -> float:
        """The offer probability the message would reach with the most
        favourable price evidence (none where it holds no number): below the
        threshold, no price is looked for."""
        base = offer_logit - dense[PRICE_INDEX] * self._w_price
        base -= dense[STRUCTURED_INDEX] * self._w_structured
        if could_price:
            base += max(0.0, self._w_price, self._w_price + self._w_structured)
        return _sigmoid(base)

    def decide(self, logits: list[float]) -> tuple[float, str, list[tuple[str, float]]]:
        """Offer probability, the likeliest intent, and the categories taken
        (probability at least the threshold, else the likeliest one), most
        probable first, each with its probability."""
        p_offer = _sigmoid(logits[0])
        at = self._intent_at
        best = at
        for k in range(at, at + len(self.intents)):
            if logits[k] > logits[best]:
                best = k
        intent = self.intents[best - at]
        at = self._category_at
        chosen: list[tuple[str, float]] = []
        top = at
        for k in range(at, at + len(self.categories)):
            z = logits[k]
            if z > logits[top]:
                top = k
            if z >= 0.0:  # probability >= 0.5
                chosen.append((self.categories[k - at], _sigmoid(z)))
        if not chosen:
            chosen.append((self.categories[top - at], _sigmoid(logits[top])))
        chosen.sort(key=_minus_probability)
        return p_offer, intent, chosen

    def category_probability(self, logits: list[float], category: str) -> float:
        return _sigmoid(logits[self._category_at + self._category_index[category]])


def _minus_probability(pair: tuple[str, float]) -> float:
    return -pair[1]


def _sparse_rows(weights: np.ndarray) -> tuple[list[list[int]], list[list[float]]]:
    """Each row's non-zero (output, weight) pairs."""
    outputs: list[list[int]] = []
    values: list[list[float]] = []
    for row in weights:
        nz = np.flatnonzero(row)
        outputs.append([int(k) for k in nz])
        values.append([float(row[k]) for k in nz])
    return outputs, values


def _automaton(ngrams: list[str]) -> ahocorasick.Automaton:
    """The pure-Python automaton (for texts ahocorasick_rs refuses)."""
    automaton = ahocorasick.Automaton()
    for i, g in enumerate(ngrams):
        automaton.add_word(g, i)
    automaton.make_automaton()
    return automaton


def _sigmoid(x: float) -> float:
    """The logistic function, stable for large negative and positive x."""
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
