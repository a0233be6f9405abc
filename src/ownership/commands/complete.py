"""Shell completion of the names a catalog defines: systems, teams and people (docs/cli.md).

Completion runs on every Tab press, so it must be quick and quiet: the catalog is read through the per-file
parse cache (catalog/cache.py), the whole answer is bounded by `BUDGET` seconds, and anything that goes wrong
(no catalog, a broken ownership.yaml, a YAML error, a slow disk) completes nothing rather than printing.
"""
from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator, Sequence

from ownership.model import Catalog

BUDGET = 2.0  # seconds a Tab press may wait for the catalog


class _OutOfTime(Exception):
    pass


@contextlib.contextmanager
def _bounded(seconds: float) -> Iterator[None]:
    """Raise _OutOfTime after `seconds` (SIGALRM, so only in the main thread; elsewhere unbounded)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def names(kind: str, catalog: Catalog) -> list[str]:
    """Every name of `kind` ("system", "team" or "person") the catalog defines, sorted; the people are as it
    names them."""
    if kind == "system":
        return sorted(catalog.systems)
    if kind == "team":
        return sorted(catalog.teams)
    return sorted({ref.ref for ref in catalog.person_refs()})


def candidates(kind: str, incomplete: str, load: Callable[[], Sequence[str]]) -> list[str]:
    """The names of `kind` starting with `incomplete`, from the catalog `load()` returns the paths of; none
    when the catalog cannot be read cleanly within BUDGET."""
    from ownership.inputs import load_catalog

    try:
        with _bounded(BUDGET):
            routed = load_catalog(load())
            if routed.warnings:  # the catalog has errors: a half-read catalog would offer wrong names
                return []
            return [n for n in names(kind, routed.catalog) if n.startswith(incomplete)]
    except (Exception, _OutOfTime):  # completion never prints a traceback nor hangs the shell
        return []
