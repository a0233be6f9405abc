"""The cyclic garbage collector held back while hundreds of thousands of long-lived objects are made."""
from __future__ import annotations

import atexit
import gc
from collections.abc import Iterator
from contextlib import contextmanager

_AT_EXIT: list[bool] = []


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


def no_final_collection() -> None:
    """At exit, skip the interpreter's last full collection: it walks every object still alive once more
    (after a scan of 500 repositories, 0.3 s of a 5 s command spent looking for garbage in objects the
    operating system is about to take back whole). An exit handler freezes everything, so that collection
    finds nothing to walk; buffered output is still flushed, and the other exit handlers still run.
    Registered once per process (ownership.cli.main)."""
    if not _AT_EXIT:
        _AT_EXIT.append(True)
        atexit.register(gc.freeze)
