#!/usr/bin/env python3
"""Turn labelling batches into the repository's real-corpus label files.

    scripts/real-labels.py LABEL_DIR [--real ../shared/data/real]

LABEL_DIR holds the labellers' ``labels-*.jsonl`` (corpus, key and the
contract's fields, no text). Each label gets the hash of its message's text;
a random third of each corpus (seeded, so re-running gives the same split)
goes to ``tests/data/real/heldout/``, the rest to ``tests/data/real/dev/``.
The text itself stays in shared/data/real.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import defaultdict
from pathlib import Path

from undersight.corpora import index, text_hash
from undersight.extract.contacts import CASELESS_TYPES

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "real"
FIELDS = ("offer", "intent", "categories", "platforms", "prices", "contacts")
PRICE_FIELDS = ("amount", "amount_max", "currency", "quantity", "unit", "period")


def clean(label: dict) -> dict:
    out = {"corpus": label["corpus"], "key": label["key"]}
    for name in FIELDS:
        out[name] = label.get(name) or ([] if name not in ("offer", "intent") else None)
    out["offer"] = bool(label.get("offer"))
    out["prices"] = [{f: p.get(f) for f in PRICE_FIELDS} for p in out["prices"]]
    contacts, seen = [], set()
    for c in out["contacts"]:
        value = c["value"].strip()
        if c["type"] in CASELESS_TYPES:
            value = value.lower().lstrip("@")
        if (c["type"], value) not in seen:
            seen.add((c["type"], value))
            contacts.append({"type": c["type"], "value": value})
    out["contacts"] = contacts
    if label.get("note"):
        out["note"] = label["note"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("labels", type=Path)
    parser.add_argument("--real", type=Path, default=Path("../shared/data/real"))
    parser.add_argument(
        "--all-to",
        metavar="FOLDER",
        help="write every label to tests/data/real/FOLDER (a fresh held-out set), no split",
    )
    args = parser.parse_args()
    texts = index(args.real)
    by_corpus: dict[str, list[dict]] = defaultdict(list)
    for path in sorted(args.labels.glob("labels-*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                label = clean(json.loads(line))
                message = texts[(label["corpus"], label["key"])]
                label = {
                    "corpus": label["corpus"],
                    "key": label["key"],
                    "sha": text_hash(message.text),
                    **{k: v for k, v in label.items() if k not in ("corpus", "key")},
                }
                by_corpus[label["corpus"]].append(label)
    for corpus, labels in sorted(by_corpus.items()):
        labels.sort(key=lambda r: r["key"])
        if args.all_to:
            folder = OUT / args.all_to
            folder.mkdir(parents=True, exist_ok=True)
            with (folder / f"{corpus}.jsonl").open("w", encoding="utf-8") as fh:
                for r in labels:
                    fh.write(json.dumps(r, ensure_ascii=False) + "\n")
            print(f"{args.all_to}/{corpus}.jsonl: {len(labels)}")
            continue
        rng = random.Random(f"heldout:{corpus}")
        heldout = set(rng.sample(range(len(labels)), len(labels) // 3))
        for split in ("dev", "heldout"):
            folder = OUT / split
            folder.mkdir(parents=True, exist_ok=True)
            rows = [r for i, r in enumerate(labels) if (i in heldout) == (split == "heldout")]
            with (folder / f"{corpus}.jsonl").open("w", encoding="utf-8") as fh:
                for r in rows:
                    fh.write(json.dumps(r, ensure_ascii=False) + "\n")
            print(f"{split}/{corpus}.jsonl: {len(rows)}")


if __name__ == "__main__":
    main()
