"""Fit the model from labelled messages (``undersight train``).

Each message is seen as the extractor's lexicon sees it (``Extractor.signals``)
plus its character n-grams. Outputs: ``offer`` (logistic, every message),
``intent:<id>`` (multinomial, over offers) and ``category:<id>`` (one
logistic each, over offers). The n-gram vocabulary is the n-grams seen in at
least ``min_df`` messages, then pruned to the ``max_ngrams`` with the largest
weights and refitted. Solvers are deterministic: the same labels give the
same model.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from undersight.learn.features import DENSE_NAMES, ngrams
from undersight.model import CATEGORY_IDS, INTENTS

OUTPUTS = ("offer", *(f"intent:{i}" for i in INTENTS), *(f"category:{c}" for c in CATEGORY_IDS))


def _design(texts: Sequence[str], dense: np.ndarray, vocab: dict[str, int]) -> Any:
    from scipy import sparse

    rows, cols = [], []
    for r, text in enumerate(texts):
        for gram in ngrams(text):
            c = vocab.get(gram)
            if c is not None:
                rows.append(r)
                cols.append(c)
    grams = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(texts), len(vocab)))
    return sparse.hstack([grams, sparse.csr_matrix(dense)], format="csr")


def _logistic(c: float, balanced: bool = False) -> Any:
    """An L1-regularized logistic regression (sparse weights: few n-grams
    matter per output, which keeps inference cheap); liblinear is
    deterministic."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(
        C=c,
        solver="liblinear",
        l1_ratio=1.0,
        random_state=0,
        max_iter=5000,
        class_weight="balanced" if balanced else None,
    )


def _fit(x: Any, records: list[dict[str, Any]], c: float) -> tuple[np.ndarray, np.ndarray]:
    """Weights (features x outputs) and biases (outputs)."""
    weights = np.zeros((x.shape[1], len(OUTPUTS)))
    bias = np.zeros(len(OUTPUTS))

    def fit(at: int, rows: Any, y: np.ndarray, balanced: bool) -> None:
        if y.sum() == 0 or y.sum() == len(y):
            bias[at] = -20.0 if y.sum() == 0 else 20.0
            return
        model = _logistic(c, balanced)
        model.fit(rows, y)
        weights[:, at], bias[at] = model.coef_[0], model.intercept_[0]

    offer = np.array([bool(r.get("offer")) for r in records])
    fit(0, x, offer, False)
    offers = np.flatnonzero(offer)
    xo = x[offers]
    for name in INTENTS:  # one-vs-rest: the likeliest intent wins
        y = np.array([(records[i].get("intent") or "sell") == name for i in offers])
        fit(OUTPUTS.index(f"intent:{name}"), xo, y, False)
    for cid in CATEGORY_IDS:
        y = np.array([cid in (records[i].get("categories") or []) for i in offers])
        fit(OUTPUTS.index(f"category:{cid}"), xo, y, True)
    return weights, bias


def train(
    records: list[dict[str, Any]],
    *,
    min_df: int = 2,
    max_ngrams: int = 3000,
    c: float = 1.0,
) -> dict[str, np.ndarray]:
    """The model's arrays, fitted on gold records (with ``text``)."""
    from undersight.extract.pipeline import Extractor

    lexicon_only = Extractor(cache_size=0)
    texts, dense_rows = [], []
    for r in records:
        lower, dense = lexicon_only.signals(r["text"])
        texts.append(lower)
        dense_rows.append(dense)
    dense = np.array(dense_rows, dtype=np.float64)
    df: Counter[str] = Counter()
    for text in texts:
        df.update(ngrams(text))
    candidates = sorted(g for g, n in df.items() if n >= min_df)
    vocab = {g: i for i, g in enumerate(candidates)}
    weights, _ = _fit(_design(texts, dense, vocab), records, c)
    strength = np.abs(weights[: len(candidates)]).max(axis=1)
    keep = sorted(
        sorted(range(len(candidates)), key=lambda i: (-strength[i], candidates[i]))[:max_ngrams]
    )
    kept = [candidates[i] for i in keep if strength[i] > 0]
    vocab = {g: i for i, g in enumerate(kept)}
    weights, bias = _fit(_design(texts, dense, vocab), records, c)
    used = [i for i in range(len(kept)) if np.any(weights[i] != 0.0)]  # all-zero rows say nothing
    kept = [kept[i] for i in used]
    weights = np.vstack([weights[used], weights[len(vocab) :]])
    return {
        "ngrams": np.array(kept),
        "outputs": np.array(OUTPUTS),
        "dense_names": np.array(DENSE_NAMES),
        "w_ngrams": weights[: len(kept)].astype(np.float32),
        "w_dense": weights[len(kept) :].astype(np.float32),
        "bias": bias.astype(np.float32),
    }


def save(arrays: dict[str, np.ndarray], path: str | Path) -> None:
    """Write a model file (numpy's compressed archive)."""
    with open(path, "wb") as fh:
        np.savez_compressed(fh, **arrays)
