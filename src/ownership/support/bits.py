"""Sets of small integers (indices into a list) as the bits of one Python int: union, intersection and
counting run in C over machine words, which is what the "did you mean" index (closenames.py) and the
blast-radius totals (analysis/impact.py) need over thousands of names at once."""
from __future__ import annotations

from collections.abc import Iterable


def bitset(indices: Iterable[int], size: int) -> int:
    """The int whose bit i is set for each i in `indices` (each below `size`), built in one pass."""
    bits = bytearray(size // 8 + 1)
    for i in indices:
        bits[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(bits, "little")


def members(bits: int) -> list[int]:
    """The positions of the set bits of a non-negative int, lowest first."""
    text = bin(bits)[:1:-1]
    return [i for i, c in enumerate(text) if c == "1"]
