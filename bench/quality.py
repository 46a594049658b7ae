"""Extraction quality on the written and the real labelled sets, the trained
model beside the lexicon alone, in one run (part of `make bench`).

Sets: the written development set (tests/data/dev) and its never-tuned
held-out part (tests/data/holdout3); the real development part
(tests/data/real/dev), the first real held-out part (tests/data/real/heldout,
scored twice, then used for development) and the second, fresh one
(tests/data/real/heldout2, never tuned on); the real sets need
../shared/data/real for their texts (skipped without it).
Writes bench/results/quality.json.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
REAL = ROOT.parent / "shared" / "data" / "real"
SETS = (
    ("written development", ROOT / "tests" / "data" / "dev"),
    ("written held-out (holdout3)", ROOT / "tests" / "data" / "holdout3"),
    ("real development", ROOT / "tests" / "data" / "real" / "dev"),
    ("real held-out 1 (then development)", ROOT / "tests" / "data" / "real" / "heldout"),
    ("real held-out 2 (never tuned on)", ROOT / "tests" / "data" / "real" / "heldout2"),
)


def _scores(report: Any) -> dict[str, Any]:
    s = report.summary()
    return {
        "offer_f1": s["offer"]["f1"],
        "intent_accuracy": s["intent_accuracy"],
        "categories_macro_f1": s["categories_macro_f1"],
        "prices_f1": s["prices"]["f1"],
        "contacts_f1": s["contacts"]["f1"],
    }


def measure() -> dict[str, Any]:
    from undersight.evaluation import load_gold, score, score_groups
    from undersight.extract.pipeline import Extractor, model_choice

    model = model_choice()
    out: dict[str, Any] = {"date": time.strftime("%Y-%m-%d"), "sets": [], "per_corpus": {}}
    for name, path in SETS:
        if "real" in name and not REAL.is_dir():
            continue
        gold = load_gold([path], real_root=REAL)
        with_model, alone = Extractor(cache_size=0, model=model), Extractor(cache_size=0)
        out["sets"].append(
            {
                "set": name,
                "messages": len(gold),
                "model": _scores(score(gold, with_model)),
                "lexicon": _scores(score(gold, alone)),
            }
        )
        if name.startswith("real held-out 2"):
            out["per_corpus"] = {
                group: _scores(r) for group, r in score_groups(gold, with_model).items()
            }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "quality.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return out


def print_table(result: dict[str, Any]) -> None:
    print(f"\n{'set':32s} {'n':>5s}  {'offer F1':>16s} {'cat. macro-F1':>16s} {'prices F1':>16s}")
    pair = f"{'model | lexicon':>16s}"
    print(f"{'':32s} {'':5s}  {pair} {pair} {pair}")
    for q in result["sets"]:
        m, x = q["model"], q["lexicon"]
        print(
            f"{q['set']:32s} {q['messages']:5d}  {m['offer_f1']:7.3f} | {x['offer_f1']:6.3f}"
            f" {m['categories_macro_f1']:7.3f} | {x['categories_macro_f1']:6.3f}"
            f" {m['prices_f1']:7.3f} | {x['prices_f1']:6.3f}"
        )


if __name__ == "__main__":
    print_table(measure())
