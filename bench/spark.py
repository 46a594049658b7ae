"""Spark local[2] against the local single-process extractor, on one generated file.

    python bench/spark.py [N_MESSAGES]        # default 100000

Both sides are timed end to end as a user runs them, in fresh processes:
``undersight spark extract --master local[2]`` (JVM start, reading, extraction,
partitioned Parquet, derived tables) and one Python process streaming the same
JSONL through the extractor (``undersight.extract.jsonl.run``, what
``undersight extract --jobs 1`` does). ``bench_spark`` returns the numbers;
needs ``pip install 'undersight[spark]'`` and Java 17+.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

EXE = str(Path(sys.executable).with_name("undersight"))
MASTER = "local[2]"
LOCAL = (
    "import sys\n"
    "from undersight.extract.jsonl import run\n"
    "with open(sys.argv[1], 'rb') as src, open(sys.argv[2], 'wb') as out:\n"
    "    run(src, out)\n"
)


def write_corpus(n_messages: int, path: Path) -> int:
    """``n_messages`` generated messages as ``undersight extract`` JSONL input."""
    from undersight.commands.synth import build_parser, params_from_args
    from undersight.synth.engine import generate

    with tempfile.TemporaryDirectory() as tmp:
        ask = n_messages
        while True:
            argv = ["--scenario", "cn-underground-2013", "--seed", "1", "--out", tmp]
            args = build_parser().parse_args([*argv, "--messages", str(ask)])
            generate(params_from_args(args), Path(tmp))
            truth = (Path(tmp) / "truth.jsonl").read_bytes().splitlines()
            if len(truth) >= n_messages:
                break
            ask = int(ask * 1.3) + 1
    with path.open("wb") as out:
        for line in truth[:n_messages]:
            r = orjson.loads(line)
            record = {
                "id": r["id"],
                "text": r["text"],
                "date": r["time"],
                "author": r["author"],
                "author_id": r["author_id"],
                "channel_id": r["channel_id"],
            }
            out.write(orjson.dumps(record) + b"\n")
    return n_messages


def _timed(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    started = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, check=False)
    return time.monotonic() - started, proc


def bench_spark(n_messages: int = 100_000) -> dict[str, Any]:
    """Wall time and messages/s of Spark local[2] and of the local extractor."""
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        count = write_corpus(n_messages, corpus)
        local_s, proc = _timed([sys.executable, "-c", LOCAL, str(corpus), str(Path(tmp) / "o")])
        if proc.returncode != 0:
            raise RuntimeError(f"local extraction failed: {proc.stderr.decode()[-500:]}")
        job_args = ["--input", str(corpus), "--output", str(Path(tmp) / "s"), "--json"]
        spark_s, proc = _timed([EXE, "spark", "extract", *job_args, "--master", MASTER])
        if proc.returncode != 0:
            raise RuntimeError(f"spark extract failed: {proc.stderr.decode()[-800:]}")
        job = json.loads(proc.stdout.splitlines()[-1])
    result = {
        "messages": count,
        "spark_master": MASTER,
        "spark_seconds": round(spark_s, 1),
        "spark_msg_per_s": round(count / spark_s),
        "spark_job_seconds": round(job["seconds"], 1),  # without starting the JVM
        "local_seconds": round(local_s, 1),
        "local_msg_per_s": round(count / local_s),
    }
    print(
        f"{count:,} messages: spark {MASTER} {spark_s:.1f} s ({count / spark_s:,.0f} msg/s, "
        f"job without JVM start {job['seconds']:.1f} s); "
        f"local single process {local_s:.1f} s ({count / local_s:,.0f} msg/s)"
    )
    return result


if __name__ == "__main__":
    bench_spark(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
