"""`make bench`: extraction throughput, measured side by side in one run.

Builds a corpus of typical underground-market messages (50-300 characters,
Chinese, English and mixed, ads and chatter) from the labelled development
set, writes it as JSONL, then measures on the same file and in the same run:

- reading + JSON-decoding it (the floor any extractor pays),
- extraction alone, per message, cold (no memo cache: every message costs),
- the whole `undersight extract` contract (decode + extract + encode),
- extraction with the memo cache on a stream that repeats ads as real groups do.

CPU time (process_time) on one core. Prints a table and writes
bench/results/extract.json.
"""

from __future__ import annotations

import io
import json
import platform
import random
import sys
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
TARGET_MESSAGES = 20_000


def build_corpus(path: Path, count: int, repeat_share: float = 0.0, seed: int = 7) -> int:
    """Typical messages from the dev set, 50-300 characters, shuffled; returns bytes."""
    texts = []
    for f in sorted((ROOT / "tests" / "data" / "dev").glob("*.jsonl")):
        for line in f.open(encoding="utf-8"):
            record = json.loads(line)
            if 50 <= len(record["text"]) <= 300:
                texts.append((record["text"], record.get("date")))
    rng = random.Random(seed)
    with path.open("wb") as fh:
        for i in range(count):
            text, date = rng.choice(texts)
            if rng.random() >= repeat_share:
                text = f"{text} {_tag(i)}"  # unique: defeats the memo cache
            fh.write(orjson.dumps({"id": str(i), "text": text, "date": date}) + b"\n")
    return path.stat().st_size


_EMOJI = "🔥💰✅⚡🚀💯📩🛒🎯⭐🍀🌟💎🔔📢🆕🎁👍🤝📌"


def _tag(i: int) -> str:
    """A unique, meaningless emoji tag (Telegram ads carry them): no digits, no words."""
    out = ""
    while True:
        i, r = divmod(i, len(_EMOJI))
        out += _EMOJI[r]
        if not i:
            return out


def machine_description() -> str:
    """CPU model, core count and Python version: where a figure was measured."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os

    return f"{model}, {os.cpu_count()} cores, Python {sys.version.split()[0]}"


def cpu(fn) -> float:  # type: ignore[no-untyped-def]
    start = time.process_time()
    fn()
    return time.process_time() - start


def measure(count: int = TARGET_MESSAGES) -> dict:
    """Every extraction measure on one corpus; the result that extract.json holds."""
    from undersight.extract.jsonl import run
    from undersight.extract.pipeline import Extractor

    RESULTS.mkdir(parents=True, exist_ok=True)
    corpus = RESULTS / "corpus.jsonl.tmp"
    size = build_corpus(corpus, count)
    records = [orjson.loads(line) for line in corpus.open("rb")]
    n = len(records)
    mean_len = sum(len(r["text"]) for r in records) / n

    decode_s = cpu(lambda: [orjson.loads(line) for line in corpus.open("rb")])

    cold = Extractor(cache_size=0)
    cold.extract("出售 肉鸡 100元 QQ 12345678", "2013-01-01")  # loads FX rates
    extract_s = cpu(lambda: [cold.extract(r["text"], r.get("date")) for r in records])

    def contract() -> None:
        with corpus.open("rb") as src:
            run(src, io.BytesIO(), extractor=Extractor(cache_size=0))

    contract_s = cpu(contract)

    repeated = RESULTS / "corpus-repeats.jsonl.tmp"
    build_corpus(repeated, count, repeat_share=0.33)  # TUMCC repeats 33% of lines
    rep_records = [orjson.loads(line) for line in repeated.open("rb")]
    warm = Extractor()
    cached_s = cpu(lambda: [warm.extract(r["text"], r.get("date")) for r in rep_records])

    rows = [
        ("read + JSON-decode", decode_s),
        ("extract (cold, every message)", extract_s),
        ("undersight extract contract", contract_s),
        ("extract, 33% reposted ads (memo)", cached_s),
    ]
    corpus.unlink()
    repeated.unlink()
    return {
        "date": time.strftime("%Y-%m-%d"),
        "machine": machine_description(),
        "messages": n,
        "mean_chars": round(mean_len, 1),
        "megabytes": round(size / 1e6, 1),
        "measures": {
            name: {"cpu_s": round(s, 4), "msg_per_cpu_s": round(n / s)} for name, s in rows
        },
    }


def print_table(result: dict) -> None:
    n, measures = result["messages"], result["measures"]
    decode_s = measures["read + JSON-decode"]["cpu_s"]
    print(
        f"\n{n} messages, mean {result['mean_chars']:.0f} chars, {result['megabytes']} MB,"
        " one core (CPU time)\n"
    )
    print(f"{'measure':36s} {'CPU s':>8s} {'msg/CPU-s':>12s} {'x decode time':>14s}")
    for name, m in measures.items():
        seconds = m["cpu_s"]
        print(f"{name:36s} {seconds:8.3f} {n / seconds:12,.0f} {seconds / decode_s:14.1f}")


def main() -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    result = measure()
    print_table(result)
    (RESULTS / "extract.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten {RESULTS / 'extract.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
