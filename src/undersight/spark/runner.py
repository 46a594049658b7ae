"""The Spark job end to end: read the corpus, extract with ``mapInArrow``,
write ``messages/`` and the derived tables, count what was written."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from undersight.extract.jsonl import DEFAULT_MAX_LINE_BYTES
from undersight.spark.columns import spark_ddl
from undersight.spark.inputs import Corpus, read_corpus
from undersight.spark.outputs import write_derived, write_messages
from undersight.spark.session import configure
from undersight.spark.transform import extract_batches, number_lines

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


@dataclass
class JobSummary:
    """What a run read and wrote."""

    input: str
    output: str
    format: str
    files: int
    records: int = 0
    errors: int = 0
    offers: int = 0
    prices: int = 0
    contacts: int = 0
    months: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _lines(
    batches: Iterator[pa.RecordBatch],
    offsets: Mapping[tuple[str, int], int],
    platform: str,
    max_bytes: int,
) -> Iterator[pa.RecordBatch]:
    return extract_batches(number_lines(batches, offsets), platform, max_bytes)


def _records(
    batches: Iterator[pa.RecordBatch], platform: str, max_bytes: int
) -> Iterator[pa.RecordBatch]:
    return extract_batches(batches, platform, max_bytes)


def extract_frame(
    corpus: Corpus, platform: str = "forum", max_bytes: int = DEFAULT_MAX_LINE_BYTES
) -> DataFrame:
    """The result rows of ``corpus`` (lazy): ``mapInArrow`` over its partitions."""
    if corpus.fmt == "jsonl":
        func = partial(_lines, offsets=corpus.offsets, platform=platform, max_bytes=max_bytes)
    else:
        func = partial(_records, platform=platform, max_bytes=max_bytes)
    return corpus.frame.mapInArrow(func, spark_ddl())


def run_job(
    spark: SparkSession,
    source: str,
    output: str,
    fmt: str | None = None,
    partitions: int | None = None,
    platform: str = "forum",
    max_bytes: int = DEFAULT_MAX_LINE_BYTES,
    say: Callable[[str], None] = lambda _: None,
) -> JobSummary:
    """Extract every record of ``source`` into Parquet folders under ``output``."""
    started = time.monotonic()
    configure(spark)
    say(f"reading {source}")
    corpus = read_corpus(spark, source, fmt, partitions)
    partitions_used = corpus.frame.rdd.getNumPartitions()
    say(
        f"extracting {corpus.fmt} ({corpus.files:,} file(s), {partitions_used} partitions) "
        f"into {output}/messages"
    )
    write_messages(extract_frame(corpus, platform, max_bytes), output)
    say("deriving offers, prices and contacts")
    counts = write_derived(spark, output)
    return JobSummary(
        input=source,
        output=output,
        format=corpus.fmt,
        files=corpus.files,
        seconds=round(time.monotonic() - started, 2),
        **{k: int(v or 0) for k, v in counts.items()},
    )
