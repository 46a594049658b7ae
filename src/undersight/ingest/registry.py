"""Which reader reads what: sniffing, input expansion (folders, zip archives), ``read_all``.

``sniff`` looks at the first 64 KB only; readers are tried in ``READERS``
order (the specific JSON shapes before generic JSON Lines and CSV). A
``--format`` name overrides it (``reader_for``).

``iter_inputs`` expands folders (recursively, in sorted order, data files
only: .json .jsonl .ndjson .txt .csv .tsv, hidden files left out) and ``.zip``
archives. Archives are hostile input: one with a member that has an absolute
path or ``..``, is encrypted, expands more than ``max_ratio``:1 (members of
1 MiB and more), or whose members expand to more than ``max_total`` bytes
together, is refused whole before anything is read. Members are streamed
from the archive (``ZipFile.open``), never extracted to disk; the sizes
checked are the ones the decompressor is held to. Nested archives are
reported, not opened.

``read_all`` streams the messages of every input. An input that cannot be
read (missing, unreadable, refused archive, unknown format) is recorded in the
report with position ``file`` and a one-line reason, and the run goes on.
"""

from __future__ import annotations

import csv
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from undersight.ingest.base import HEAD_BYTES, Reader, ReadReport, short
from undersight.ingest.discord import DiscordReader
from undersight.ingest.qq import QQReader
from undersight.ingest.tabular import CsvReader, JsonlReader
from undersight.ingest.telegram import TelegramReader
from undersight.ingest.text import TextReader
from undersight.model import Message

MAX_TOTAL_BYTES = 2 * 1024**3  # all members of one archive, expanded
MAX_RATIO = 200  # expanded : compressed, per member
RATIO_MIN_BYTES = 1024 * 1024  # small members compress freely (a run of spaces) and are harmless
MAX_MEMBERS = 100_000
DATA_SUFFIXES = frozenset({".json", ".jsonl", ".ndjson", ".txt", ".csv", ".tsv"})
_DRIVE = re.compile(r"^[A-Za-z]:")
_READ_ERRORS = (OSError, EOFError, zipfile.BadZipFile, zlib.error, UnicodeError)

READERS: dict[str, Reader] = {
    reader.name: reader
    for reader in (
        TelegramReader(),
        DiscordReader(),
        QQReader(),
        JsonlReader(),
        CsvReader(),
        TextReader(),  # never sniffed: only as --format text
    )
}

OnError = Callable[[str, str], None]  # (source, reason)
# What `undersight synth` writes beside the exports: its record of every message
# and of what was planted. Not messages: a folder holding both is read without them.
SYNTH_TRUTH = ("truth.jsonl", "summary.json")


class InputError(Exception):
    """An input that cannot be read at all; ``str`` is one line naming it."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


@dataclass(frozen=True)
class ZipMember:
    """A file inside a zip archive, opened as a stream from the archive.

    Quacks like the ``Path`` readers take: ``open("rb")``, ``name``, ``suffix``,
    ``stem`` and ``str()`` (``archive.zip!inner/path.json``).
    """

    archive: Path
    info: zipfile.ZipInfo

    @property
    def name(self) -> str:
        return PurePosixPath(self.info.filename).name

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.info.filename).suffix

    @property
    def stem(self) -> str:
        return PurePosixPath(self.info.filename).stem

    def open(self, mode: str = "rb") -> IO[bytes]:
        if mode != "rb":
            raise ValueError("zip members open as 'rb' only")
        with zipfile.ZipFile(self.archive) as archive:
            return archive.open(self.info)  # the member stream keeps the file open

    def __str__(self) -> str:
        return f"{self.archive}!{self.info.filename}"


Input = Path | ZipMember


# --------------------------------------------------------------------------- sniffing


def read_head(path: Input) -> bytes:
    """The first 64 KB of ``path``; InputError when it cannot be read."""
    try:
        with path.open("rb") as stream:
            return stream.read(HEAD_BYTES)
    except _READ_ERRORS as exc:
        raise InputError(str(path), f"cannot read: {_describe(exc)}") from None


def sniff(path: Input, readers: Mapping[str, Reader] | None = None) -> Reader:
    """The reader whose format ``path`` is in, judged by its first 64 KB."""
    table = READERS if readers is None else readers
    head = read_head(path)
    if not head.strip():
        raise InputError(str(path), "empty file")
    for reader in table.values():
        try:
            fits = reader.sniff(path, head)  # type: ignore[arg-type]
        except (ValueError, UnicodeError, csv.Error):  # a third-party reader choking on bytes
            fits = False
        if fits:
            return reader
    raise InputError(str(path), f"unrecognized format; name one with --format ({', '.join(table)})")


def reader_for(path: Input, fmt: str | None, readers: Mapping[str, Reader] | None = None) -> Reader:
    """The reader named ``fmt`` (``--format``), else the sniffed one."""
    table = READERS if readers is None else readers
    if fmt is None:
        return sniff(path, table)
    try:
        return table[fmt]
    except KeyError:
        raise InputError(str(path), f"unknown format {fmt!r}; known: {', '.join(table)}") from None


# --------------------------------------------------------------------------- inputs


def _unsafe(info: zipfile.ZipInfo, max_ratio: float) -> str | None:
    """Why a member makes its archive unsafe, or None."""
    name = info.filename
    if name.startswith(("/", "\\")) or _DRIVE.match(name) or ".." in re.split(r"[\\/]", name):
        return f"member {short(name)} has an absolute path or '..' (path traversal)"
    if info.flag_bits & 0x1:
        return f"member {short(name)} is encrypted"
    if info.file_size >= RATIO_MIN_BYTES:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > max_ratio:
            return (
                f"member {short(name)} expands {ratio:,.0f}:1, over the {max_ratio:,.0f}:1 "
                "limit (possible zip bomb)"
            )
    return None


def _hidden(name: str) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in name.split("/") if part)


def zip_members(
    archive: Path, max_total: int = MAX_TOTAL_BYTES, max_ratio: float = MAX_RATIO
) -> list[ZipMember]:
    """The files in ``archive``, sorted, after checking the whole archive is safe."""
    try:
        with zipfile.ZipFile(archive) as opened:
            infos = opened.infolist()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise InputError(str(archive), f"not a readable zip archive ({_describe(exc)})") from None
    if len(infos) > MAX_MEMBERS:
        raise InputError(str(archive), f"refused: over {MAX_MEMBERS:,} members")
    total = 0
    for info in infos:
        reason = _unsafe(info, max_ratio)
        if reason:
            raise InputError(str(archive), f"refused: {reason}")
        total += info.file_size
    if total > max_total:
        raise InputError(
            str(archive),
            f"refused: members expand to {total:,} bytes, over the {max_total:,}-byte limit "
            "(possible zip bomb)",
        )
    files = [i for i in infos if not i.is_dir() and not _hidden(i.filename)]
    return [ZipMember(archive, info) for info in sorted(files, key=lambda i: i.filename)]


def _walk(folder: Path) -> list[Path]:
    """Files under ``folder``, sorted by relative path; hidden ones and symlinked folders out."""
    found: list[tuple[tuple[str, ...], Path]] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith("."):
                path = Path(root, name)
                found.append((path.relative_to(folder).parts, path))
    return [path for _, path in sorted(found)]


def _expand(
    path: Path, explicit: bool, fail: OnError, max_total: int, max_ratio: float
) -> Iterator[Input]:
    if path.suffix.lower() != ".zip":
        if explicit or path.suffix.lower() in DATA_SUFFIXES:
            yield path
        return
    try:
        members = zip_members(path, max_total, max_ratio)
    except InputError as exc:
        fail(exc.source, exc.reason)
        return
    for member in members:
        suffix = member.suffix.lower()
        if suffix == ".zip":
            fail(str(member), "nested archive not read; unpack it first")
        elif suffix in DATA_SUFFIXES:
            yield member


def iter_inputs(
    paths: Iterable[str | os.PathLike[str]],
    *,
    max_total: int = MAX_TOTAL_BYTES,
    max_ratio: float = MAX_RATIO,
    on_error: OnError | None = None,
    on_skip: Callable[[str], None] | None = None,
) -> Iterator[Input]:
    """Every file to read: folders expanded, zip archives checked and opened.

    Without ``on_error`` the first unreadable input raises ``InputError``;
    with it, ``on_error(source, reason)`` is called and the expansion goes on.
    A folder written by ``undersight synth`` is read without its ground truth
    (:data:`SYNTH_TRUTH`); ``on_skip`` hears each file left out, with why.
    """

    def fail(source: str, reason: str) -> None:
        if on_error is None:
            raise InputError(source, reason)
        on_error(source, reason)

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            truth = synth_truth(path)
            for file in _walk(path):
                if file in truth:
                    if on_skip is not None:
                        on_skip(f"{file}: the ground truth `undersight synth` wrote, not messages")
                    continue
                yield from _expand(file, False, fail, max_total, max_ratio)
        elif path.is_file():
            yield from _expand(path, True, fail, max_total, max_ratio)
        elif path.exists():
            fail(str(path), "not a regular file or folder")
        else:
            fail(str(path), "no such file or folder")


def synth_truth(folder: Path) -> frozenset[Path]:
    """The ground-truth files of a folder ``undersight synth`` wrote, else none."""
    files = [folder / name for name in SYNTH_TRUTH]
    if not all(f.is_file() for f in files):
        return frozenset()
    try:
        with files[1].open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return frozenset()
    return frozenset(files) if b'"scenario"' in head else frozenset()


def read_all(
    paths: Iterable[str | os.PathLike[str]],
    fmt: str | None = None,
    report: ReadReport | None = None,
    *,
    mapping: Mapping[str, str] | None = None,
    platform: str | None = None,
    readers: Mapping[str, Reader] | None = None,
    max_total: int = MAX_TOTAL_BYTES,
    max_ratio: float = MAX_RATIO,
    wrap: Callable[[Input], Input] | None = None,
) -> Iterator[Message]:
    """Stream the messages of every input; problems go to ``report`` (required).

    ``wrap`` may replace each input by a stand-in with the same ``open``/``name``
    interface (the ingest progress bar counts bytes that way).

    ``mapping`` (Message field -> column) and ``platform`` (default ``forum``)
    configure the JSONL and CSV readers; ``readers`` adds or replaces readers by
    name, e.g. ``{"csv": CsvReader(mapping, platform="market")}``. An unknown
    mapping field raises ``ValueError``, an unknown ``fmt`` ``InputError``.
    """
    if report is None:
        raise TypeError("read_all needs a ReadReport to record problems in")
    table = dict(READERS)
    if mapping or platform:
        table["jsonl"] = JsonlReader(mapping, platform or "forum")
        table["csv"] = CsvReader(mapping, platform or "forum")
        table["text"] = TextReader(platform=platform)
    table.update(readers or {})
    if fmt is not None and fmt not in table:
        raise InputError("--format", f"unknown format {fmt!r}; known: {', '.join(table)}")

    def on_error(source: str, reason: str) -> None:
        report.fail(source, "file", reason)

    inputs = iter_inputs(
        paths,
        max_total=max_total,
        max_ratio=max_ratio,
        on_error=on_error,
        on_skip=report.notes.append,
    )
    for item in inputs:
        if wrap is not None:
            item = wrap(item)
        try:
            reader = reader_for(item, fmt, table)
        except InputError as exc:
            report.fail(exc.source, "file", exc.reason)
            continue
        try:
            yield from reader.read(item, report)  # type: ignore[arg-type]
        except _READ_ERRORS as exc:
            report.fail(str(item), "file", f"cannot read: {_describe(exc)}")


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__
