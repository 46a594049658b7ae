"""What every export reader shares: the Reader protocol and the read report.

A reader is one class per export format with ``sniff`` (does this file look
like my format?) and ``read`` (stream its messages). Readers never load a
whole file: they stream, and report every malformed record with its file and
position instead of dropping it silently or stopping the run.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from undersight.model import Message


@dataclass(frozen=True, slots=True)
class Problem:
    """A record that could not be read: where, and why."""

    source: str
    position: str  # "line 12", "$.messages[41]"
    reason: str

    def __str__(self) -> str:
        return f"{self.source}:{self.position}: {self.reason}"


@dataclass
class ReadReport:
    """Counts and problems of one read; readers add to it as they go."""

    read: int = 0
    skipped: int = 0  # records that are not messages (service messages, empty)
    failed: int = 0
    problems: list[Problem] = field(default_factory=list)
    max_problems: int = 1000  # keep memory bounded on a badly broken file

    def fail(self, source: str, position: str, reason: str) -> None:
        self.failed += 1
        if len(self.problems) < self.max_problems:
            self.problems.append(Problem(source, position, reason))


class Reader(Protocol):
    """One export format."""

    name: str

    def sniff(self, path: Path, head: bytes) -> bool:
        """Whether ``path`` (whose first bytes are ``head``) is in this format."""
        ...

    def read(self, path: Path, report: ReadReport) -> Iterator[Message]:
        """Stream the messages of ``path``, recording problems in ``report``."""
        ...
