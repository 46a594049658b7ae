"""Parallel speed-up: `undersight extract --jobs N` wall time for N = 1, 2, ...

The same file, unique messages (no memo hits), the real console script; the
outputs must be byte-identical or the measurement is refused.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import build_corpus

EXE = str(Path(sys.executable).with_name("undersight"))


def _wall(path: Path, jobs: int) -> tuple[float, str]:
    started = time.monotonic()
    proc = subprocess.run(
        [EXE, "extract", str(path), "--jobs", str(jobs)], capture_output=True, check=False
    )
    wall = time.monotonic() - started
    if proc.returncode not in (0, 1):
        raise RuntimeError(proc.stderr.decode()[-500:])
    return wall, hashlib.sha256(proc.stdout).hexdigest()


def speedup(count: int = 60_000, jobs: tuple[int, ...] = (1, 2), repeats: int = 2) -> dict:
    """Best-of-``repeats`` wall time per job count, and the ratio to one process."""
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        build_corpus(corpus, count, seed=11)
        walls: dict[int, float] = {}
        digests = set()
        for n in jobs:
            best = float("inf")
            for _ in range(repeats):
                wall, digest = _wall(corpus, n)
                best = min(best, wall)
                digests.add(digest)
            walls[n] = best
    if len(digests) != 1:
        raise RuntimeError("outputs differ between job counts")
    base = walls[jobs[0]]
    return {
        "messages": count,
        "cores": os.cpu_count(),
        "runs": [
            {"jobs": n, "seconds": round(w, 2), "msg_per_s": round(count / w),
             "speedup": round(base / w, 2)}
            for n, w in walls.items()
        ],
        "identical_output": True,
    }  # fmt: skip


def print_table(result: dict) -> None:
    print(f"\nParallel extraction, {result['messages']:,} messages, {result['cores']} cores\n")
    print(f"{'jobs':>5s} {'wall s':>8s} {'msg/s':>9s} {'speed-up':>9s}")
    for r in result["runs"]:
        print(f"{r['jobs']:5d} {r['seconds']:8.2f} {r['msg_per_s']:9,} {r['speedup']:8.2f}x")


if __name__ == "__main__":
    print_table(speedup())
