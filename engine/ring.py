"""A ring of the latest doubles, its memory all taken when it is made."""

from __future__ import annotations

from array import array
from collections.abc import Iterator


class Ring:
    """The latest `size` doubles appended, oldest first when read.

    A deque of floats costs a Python object per value and keeps growing until full, hours into
    a run for a slow series; here the memory (8 bytes a value) is all taken at the start, so a
    long-running engine's footprint is the same at its first hour as at its last.
    """

    __slots__ = ("_count", "_ring")

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a ring holds at least one value")
        self._ring = array("d", bytes(8 * size))
        self._count = 0

    def append(self, value: float) -> None:
        self._ring[self._count % len(self._ring)] = value
        self._count += 1

    def __len__(self) -> int:
        return min(self._count, len(self._ring))

    def __iter__(self) -> Iterator[float]:
        size = len(self._ring)
        if self._count <= size:
            return iter(self._ring[: self._count])
        cut = self._count % size
        return iter(self._ring[cut:] + self._ring[:cut])
