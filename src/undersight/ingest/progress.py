"""Bytes read so far, for a progress bar with an ETA: inputs are wrapped in a
stand-in whose streams count what they deliver."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import IO, Any


class _CountingRaw(io.RawIOBase):
    def __init__(self, stream: IO[bytes], on_read: Callable[[int], None]):
        self._stream = stream
        self._on_read = on_read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._stream.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self._on_read(n)
        return n

    def close(self) -> None:
        self._stream.close()
        super().close()


class CountedInput:
    """An input whose ``open`` streams report progress; the rest is delegated.

    Probes (encoding detection, sniffing) open the file too: progress is the
    furthest any one stream of the file got, not their sum.
    """

    def __init__(self, item: Any, advance: Callable[[int], None]):
        self._item = item
        self._advance = advance
        self._furthest = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._item, name)

    def __str__(self) -> str:
        return str(self._item)

    def __fspath__(self) -> str:
        return str(self._item)

    def open(self, mode: str = "rb") -> IO[bytes]:
        position = 0

        def on_read(n: int) -> None:
            nonlocal position
            position += n
            if position > self._furthest:
                self._advance(position - self._furthest)
                self._furthest = position

        return io.BufferedReader(_CountingRaw(self._item.open(mode), on_read), buffer_size=1 << 16)
