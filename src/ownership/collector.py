"""The cyclic garbage collector held back while hundreds of thousands of long-lived objects are made."""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """Loading a catalog or a scan state, and deriving the systems' activity from the states, make hundreds of
    thousands of small, long-lived objects and no garbage cycles; the cyclic collector would rescan them again
    and again (a third of a 10,000-system catalog load; 40 % of 2,000 systems' activity over 500 states), so
    it waits until the work is done. They then go straight to the oldest generation (freeze + unfreeze moves
    without scanning), where a later full collection still sees them, instead of all being scanned by the next
    young collection. Nests: only the outermost pause re-enables the collector."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if was:
            gc.enable()
