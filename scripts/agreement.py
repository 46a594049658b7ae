"""How far two labellings of the same real messages agree (docs/evaluation.md).

    python scripts/agreement.py [tests/data/agreement/second-labelling.jsonl]

Scores the second labelling (offer, intent, categories) against the committed
labels in tests/data/real, overall and per corpus, the way `undersight eval`
scores the extractor.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "data" / "real"


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def agreement(first: list[dict], second: list[dict]) -> dict[str, float]:
    """Offer F1, intent accuracy and category macro/micro-F1 of ``second`` against ``first``."""
    offer = [0, 0, 0]
    intents = [0, 0]
    cats: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for a, b in zip(first, second, strict=True):
        offer[0] += a["offer"] and b["offer"]
        offer[1] += b["offer"] and not a["offer"]
        offer[2] += a["offer"] and not b["offer"]
        if a["offer"] and b["offer"]:
            intents[0] += a["intent"] == b["intent"]
            intents[1] += 1
        gold, got = set(a["categories"]), set(b["categories"])
        for c in gold | got:
            cats[c][0] += c in gold and c in got
            cats[c][1] += c in got and c not in gold
            cats[c][2] += c in gold and c not in got
    totals = [sum(v[k] for v in cats.values()) for k in range(3)]
    return {
        "n": len(first),
        "offer_f1": round(_f1(*offer), 3),
        "intent": round(intents[0] / max(intents[1], 1), 3),
        "cat_macro_f1": round(sum(_f1(*v) for v in cats.values()) / max(len(cats), 1), 3),
        "cat_micro_f1": round(_f1(*totals), 3),
    }


def main(argv: list[str]) -> int:
    path = (
        Path(argv[0]) if argv else ROOT / "tests" / "data" / "agreement" / "second-labelling.jsonl"
    )
    committed = {}
    for file in REAL.rglob("*.jsonl"):
        for line in file.read_text("utf-8").splitlines():
            label = json.loads(line)
            committed[(label["corpus"], label["key"])] = label
    second = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    first = [committed[(s["corpus"], s["key"])] for s in second]
    print("all", agreement(first, second))
    for corpus in sorted({s["corpus"] for s in second}):
        pairs = [(a, b) for a, b in zip(first, second, strict=True) if b["corpus"] == corpus]
        print(corpus, agreement([a for a, _ in pairs], [b for _, b in pairs]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
