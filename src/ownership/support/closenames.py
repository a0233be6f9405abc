""""Did you mean ...?": difflib's close matches over a fixed set of names, without comparing with every name.

`difflib.get_close_matches(word, names, n, cutoff)` scores every name with `SequenceMatcher.ratio()`; a
catalog PR naming 300 unknown systems in a 10,000-system catalog made `validate` compare 3 million pairs
(issue 24, point 7). `CloseNames(names).matches(word, n, cutoff)` returns exactly what difflib returns (same
names, same order, ties included), but scores only the names that can still make the list:

- difflib's ratio is 2*M/(len(a)+len(b)), where M (the characters in matching blocks) is at most the size of
  the multiset intersection I of the two strings' characters (that bound is difflib's own `quick_ratio`);
- I is computed for every name at once: each (character, k-th occurrence) of the word has a bitset of the
  names holding that character at least k times, and their sum is kept as a bit-sliced counter (a handful of
  big-integer operations per character of the word, whatever the number of names);
- names are grouped by (length, I), whose bound 2*I/(len+len(word)) is computed with difflib's own float
  expression, and the groups are scored best bound first; scoring stops when the next bound is below the
  cutoff, or below the n-th best ratio found so far (an equal bound is still scored: a tie on the ratio is
  broken by the name, as difflib's `heapq.nlargest` over (ratio, name) does).

The result is difflib's because a name skipped has ratio <= bound < what it would have to beat, and the
names scored are scored by difflib itself (a SequenceMatcher with the word as its second sequence).
"""
from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable
from difflib import SequenceMatcher

from ownership.support.bits import bitset, members


def _ratio(matches: int, length: int) -> float:
    """difflib's `_calculate_ratio`, the float every one of its ratios is."""
    return 2.0 * matches / length if length else 1.0


class CloseNames:
    """An index of names for repeated `matches()`; built on the first call (most runs never ask)."""

    def __init__(self, names: Iterable[str]) -> None:
        self._names = list(names)  # duplicates kept: difflib lists a name as often as it is given
        self._by_length: dict[int, int] = {}
        self._postings: dict[tuple[str, int], list[int]] = {}
        self._holding: dict[tuple[str, int], int] = {}
        self._built = False

    def _build(self) -> None:
        by_length: dict[int, list[int]] = {}
        holding: dict[tuple[str, int], list[int]] = {}
        for i, name in enumerate(self._names):
            by_length.setdefault(len(name), []).append(i)
            for ch, count in Counter(name).items():
                for k in range(1, count + 1):
                    holding.setdefault((ch, k), []).append(i)
        self._by_length = {length: bitset(ids, len(self._names)) for length, ids in by_length.items()}
        self._postings = holding
        self._built = True

    def _holders(self, token: tuple[str, int]) -> int:
        """The names holding character token[0] at least token[1] times, as a bitset made when first asked:
        as many bitsets as the words asked about have characters, not as the names have (an index of
        10,000 names in distinct scripts would otherwise hold a bitset per character of every name)."""
        bits = self._holding.get(token)
        if bits is None:
            bits = self._holding[token] = bitset(self._postings.get(token, ()), len(self._names))
        return bits

    def matches(self, word: str, n: int = 3, cutoff: float = 0.6) -> list[str]:
        """`difflib.get_close_matches(word, names, n, cutoff)`, to the name and order."""
        if not n > 0:
            raise ValueError(f"n must be > 0: {n!r}")
        if not 0.0 <= cutoff <= 1.0:
            raise ValueError(f"cutoff must be in [0.0, 1.0]: {cutoff!r}")
        if not self._built:
            self._build()
        shared = self._shared_counts(word)
        size = len(word)
        bounds = sorted(((_ratio(i, size + length), length, i) for length in self._by_length
                         for i in range(min(size, length) + 1)), reverse=True)
        best: list[tuple[float, str]] = []  # a min-heap of the n best (ratio, name)
        matcher = SequenceMatcher()
        matcher.set_seq2(word)
        for bound, length, i in bounds:
            if bound < cutoff or (len(best) == n and bound < best[0][0]):
                break
            group = self._by_length[length] & _equal(shared, i)
            for index in members(group):
                name = self._names[index]
                matcher.set_seq1(name)
                score = matcher.ratio()
                if score < cutoff:
                    continue
                if len(best) < n:
                    heapq.heappush(best, (score, name))
                elif (score, name) > best[0]:
                    heapq.heapreplace(best, (score, name))
        return [name for _, name in sorted(best, reverse=True)]

    def _shared_counts(self, word: str) -> list[int]:
        """A bit-sliced counter: bit j of name i's count of characters shared with `word` (the size of the
        multiset intersection) is bit i of element j."""
        slices: list[int] = []
        for ch, count in Counter(word).items():
            for k in range(1, count + 1):
                carry = self._holders((ch, k))
                if not carry:
                    break  # no name holds ch k times, nor k + 1
                for j, bits in enumerate(slices):
                    if not carry:
                        break
                    slices[j], carry = bits ^ carry, bits & carry
                if carry:
                    slices.append(carry)
        return slices


def _equal(slices: list[int], value: int) -> int:
    """The names whose count in the bit-sliced counter is `value` (as bits; may be negative: ~0 is "all")."""
    if value >> len(slices):
        return 0
    out = -1
    for j, bits in enumerate(slices):
        out &= bits if value >> j & 1 else ~bits
    return out
