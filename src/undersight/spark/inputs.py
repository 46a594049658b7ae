"""Reading a message corpus (JSONL or Parquet, a file or a folder, any Hadoop
file system: local, ``s3a://``, ``gs://``, ``abfss://``) into a DataFrame of
input records that :func:`~undersight.spark.transform.extract_batches` takes.

JSONL is read as raw lines (``lineSep`` ``\\n``, so a bad line stays a line
and gets its error row) and numbered per file like ``undersight extract``
numbers them: a first, cheap pass counts the lines of every file split, and
the extraction pass counts on from there. Parquet rows are numbered by their
index in the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from undersight.ingest.tabular import DEFAULT_COLUMNS
from undersight.spark.transform import BLOCK, LINE, RAW, SOURCE

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

FORMATS = ("jsonl", "parquet")
_PARQUET_SUFFIXES = (".parquet", ".pq")
_JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
_COMPRESSED = (".gz", ".bz2", ".zst", ".lz4", ".snappy", ".deflate")
# Record columns extraction reads; any other column of a Parquet corpus stays behind.
RECORD_COLUMNS = tuple(
    dict.fromkeys(
        ["id", "text", "date", "source", *(c for cs in DEFAULT_COLUMNS.values() for c in cs)]
    )
)


class InputError(Exception):
    """An input that cannot be read: ``str`` is one line."""


@dataclass(frozen=True)
class Corpus:
    """Input records ready for extraction, and how they were read."""

    frame: DataFrame
    fmt: str
    files: int
    offsets: dict[tuple[str, int], int]  # JSONL: lines before each file split


def format_of(name: str) -> str | None:
    """``jsonl`` or ``parquet`` judged by a file name's extension, else None."""
    lower = name.lower()
    for ext in _COMPRESSED:
        if lower.endswith(ext) and not lower.endswith(".snappy.parquet"):
            lower = lower[: -len(ext)]
            break
    if lower.endswith(_PARQUET_SUFFIXES):
        return "parquet"
    if lower.endswith(_JSONL_SUFFIXES):
        return "jsonl"
    return None


def detect_format(path: str, names: Iterable[str]) -> str:
    """The format of ``path`` from its own name or the names of its files."""
    own = format_of(path.rstrip("/"))
    if own:
        return own
    found = {format_of(n) for n in names} - {None}
    if "parquet" in found:
        return "parquet"
    if "jsonl" in found:
        return "jsonl"
    raise InputError(f"{path}: no .jsonl or .parquet files found; give --format jsonl|parquet")


def _hadoop(spark: SparkSession, path: str) -> tuple[Any, Any]:
    """The Hadoop file system and path object of ``path`` (any scheme)."""
    jvm = spark.sparkContext._jvm  # the driver's JVM gateway
    hpath = jvm.org.apache.hadoop.fs.Path(path)  # type: ignore[union-attr]
    fs = hpath.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    return fs, hpath


def list_files(spark: SparkSession, path: str, limit: int = 100_000) -> list[str]:
    """Names of the data files at ``path`` (itself, or those under it, hidden
    ``_``/``.`` files left out, as Spark leaves them); InputError when missing."""
    fs, hpath = _hadoop(spark, path)
    try:
        exists = fs.exists(hpath)
    except Exception as exc:  # py4j wraps the file system's IOException
        raise InputError(f"{path}: cannot access: {str(exc).splitlines()[0]}") from None
    if not exists:
        raise InputError(f"{path}: no such file or folder")
    if fs.getFileStatus(hpath).isFile():
        return [hpath.getName()]
    names: list[str] = []
    files = fs.listFiles(hpath, True)
    while files.hasNext() and len(names) < limit:
        status = files.next()
        relative = str(status.getPath().toUri().getPath())[len(str(hpath.toUri().getPath())) :]
        if not any(part.startswith(("_", ".")) for part in relative.split("/") if part):
            names.append(status.getPath().getName())
    return names


def read_corpus(
    spark: SparkSession, path: str, fmt: str | None = None, partitions: int | None = None
) -> Corpus:
    """The records of ``path`` in about ``partitions`` partitions (default:
    four per core, more for a large input)."""
    names = list_files(spark, path)
    if not names:
        raise InputError(f"{path}: no data files")
    fmt = fmt or detect_format(path, names)
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r} (jsonl or parquet)")
    wanted = partitions or 4 * spark.sparkContext.defaultParallelism
    if fmt == "jsonl":
        frame, offsets = _jsonl(spark, path, wanted)
    else:
        frame, offsets = _parquet(spark, path, wanted), {}
    return Corpus(frame, fmt, len(names), offsets)


def _jsonl(spark: SparkSession, path: str, partitions: int) -> tuple[DataFrame, dict]:
    from pyspark.sql import functions as F

    # Splits of about total/partitions bytes (Spark caps them at maxPartitionBytes):
    # the extraction is CPU-bound, so even a small file is spread over every core.
    spark.conf.set("spark.sql.files.minPartitionNum", str(partitions))
    spark.conf.set("spark.sql.files.openCostInBytes", "8192")
    lines = (
        spark.read.option("lineSep", "\n")
        .option("recursiveFileLookup", "true")
        .text(path)
        .select(
            F.col("value").cast("binary").alias(RAW),
            F.col("_metadata.file_path").alias(SOURCE),
            F.col("_metadata.file_block_start").alias(BLOCK),
        )
    )
    counts = lines.groupBy(SOURCE, BLOCK).count().collect()
    return lines, split_offsets((r[SOURCE], r[BLOCK], r["count"]) for r in counts)


def split_offsets(counts: Iterable[tuple[str, int, int]]) -> dict[tuple[str, int], int]:
    """Lines before each ``(file, split start)``, from the line count of every split."""
    by_file: dict[str, list[tuple[int, int]]] = {}
    for file, start, count in counts:
        by_file.setdefault(file, []).append((start, count))
    offsets: dict[tuple[str, int], int] = {}
    for file, splits in by_file.items():
        before = 0
        for start, count in sorted(splits):
            offsets[(file, start)] = before
            before += count
    return offsets


def _parquet(spark: SparkSession, path: str, partitions: int) -> DataFrame:
    from pyspark.sql import functions as F

    frame = spark.read.parquet(path)
    present = [c for c in RECORD_COLUMNS if c in frame.columns]
    if "text" not in present:
        raise InputError(f"{path}: the Parquet corpus has no 'text' column")
    frame = frame.select(
        *present,
        F.col("_metadata.file_path").alias(SOURCE),
        (F.col("_metadata.row_index") + 1).alias(LINE),
    )
    if frame.rdd.getNumPartitions() < partitions:
        frame = frame.repartition(partitions)
    return frame
