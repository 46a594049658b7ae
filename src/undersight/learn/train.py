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


def _fit(x: Any, records: list[dict[str, Any]], c: float) -> tuple[np.ndarray, np.ndarray]:
    """Weights (features x outputs) and biases (outputs)."""
    from sklearn.linear_model import LogisticRegression

    n_features = x.shape[1]
    weights = np.zeros((n_features, len(OUTPUTS)))
    bias = np.zeros(len(OUTPUTS))
    offer = np.array([bool(r.get("offer")) for r in records])

    model = LogisticRegression(C=c, solver="liblinear", random_state=0, max_iter=2000)
    model.fit(x, offer)
    weights[:, 0], bias[0] = model.coef_[0], model.intercept_[0]

    offers = np.flatnonzero(offer)
    xo = x[offers]
    intents = np.array([records[i].get("intent") or "sell" for i in offers])
    present = sorted(set(intents))
    if len(present) > 1:
        multi = LogisticRegression(C=c, solver="lbfgs", max_iter=5000)
        multi.fit(xo, intents)
        coef = multi.coef_ if len(present) > 2 else np.vstack([-multi.coef_, multi.coef_])
        icpt = (
            multi.intercept_
            if len(present) > 2
            else np.array([-multi.intercept_[0], multi.intercept_[0]])
        )
        for k, name in enumerate(multi.classes_):
            at = OUTPUTS.index(f"intent:{name}")
            weights[:, at], bias[at] = coef[k], icpt[k]
    for name in INTENTS:
        if name not in present:
            bias[OUTPUTS.index(f"intent:{name}")] = -20.0
    for cid in CATEGORY_IDS:
        at = OUTPUTS.index(f"category:{cid}")
        y = np.array([cid in (records[i].get("categories") or []) for i in offers])
        if y.sum() == 0 or y.sum() == len(y):
            bias[at] = -20.0 if y.sum() == 0 else 20.0
            continue
        model = LogisticRegression(
            C=c, solver="liblinear", random_state=0, max_iter=2000, class_weight="balanced"
        )
        model.fit(xo, y)
        weights[:, at], bias[at] = model.coef_[0], model.intercept_[0]
    return weights, bias


def train(
    records: list[dict[str, Any]],
    *,
    min_df: int = 2,
    max_ngrams: int = 20000,
    c: float = 0.3,
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
