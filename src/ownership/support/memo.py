"""Results derived from an immutable input object (a Catalog, a Roster, a Snapshot), remembered per object.

The records are frozen dataclasses holding dicts, so they cannot be hashed; they are keyed by id() instead,
and the cache keeps the object alive next to its result so an id is never reused while cached. Least
recently used entries go first: the off-boarding simulation derives one short-lived snapshot per person from
one long-lived catalog, and the catalog's graph must not be evicted by them.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

R = TypeVar("R")


class ByIdentity(Generic[R]):
    def __init__(self, size: int = 16) -> None:
        self._size = size
        self._entries: OrderedDict[Hashable, tuple[tuple[Any, ...], R]] = OrderedDict()

    def get(self, *objs: Any, make: Callable[[], R]) -> R:
        """The result for exactly these objects, computed with `make()` on a miss."""
        key = tuple(map(id, objs))
        hit = self._entries.get(key)
        if hit is not None:
            held = hit[0]
            if held[0] is objs[0] and (len(objs) == 1 or all(a is b for a, b in zip(held, objs, strict=True))):
                self._entries.move_to_end(key)
                return hit[1]
        value = make()
        self.put(*objs, value=value)
        return value

    def put(self, *objs: Any, value: R) -> None:
        key = tuple(id(o) for o in objs)
        self._entries[key] = (objs, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)
