"""Pickling the model's records quickly, for what a forked child of this process sends back through a pipe
(forked.py, and the catalog files catalog/cache.py's prefetch parses on a second core). Never for anything
kept on disk: a cache folder may be restored by CI or written by someone else, and loading a pickle runs
code, so the caches are JSON read as checked data (catalog/cachefmt.py, roster/guard.py; cachedir.py).

Locations, findings, people and their contacts (Reach) are frozen dataclasses with slots, whose default pickling goes through a
Python __setstate__ per object; rebuilt by calling the class with their fields they load several times faster
(a 6,000-person roster has 12,000 such objects). Every field of these classes is an __init__ argument that
__init__ stores unchanged, so the object loaded equals the object stored.
"""
from __future__ import annotations

import copyreg
import dataclasses
import io
import operator
import pickle
from typing import Any

from ownership.model import (CommitRef, Contributor, FileAuthorship, Finding, Location, Person, Reach,
                             SystemActivity)

# the activity of systems crosses a pipe from a forked child (history/scan.py): 170,000 contributors at 2,000
# systems
_FAST = (Location, Finding, Person, Reach, CommitRef, Contributor, FileAuthorship, SystemActivity)


def _by_fields(cls: type) -> Any:
    names = tuple(f.name for f in dataclasses.fields(cls))
    assert all(f.init for f in dataclasses.fields(cls)), cls
    fields = operator.attrgetter(*names)  # all of them in one C call (a tuple when there are several)
    if len(names) == 1:
        return lambda obj: (cls, (fields(obj),))
    return lambda obj: (cls, fields(obj))


_TABLE: dict[type, Any] = {**copyreg.dispatch_table, **{cls: _by_fields(cls) for cls in _FAST}}


def dumps(value: object) -> bytes:
    """pickle.dumps(value) at the highest protocol, with the model's records stored by their fields."""
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _TABLE
    pickler.dump(value)
    return out.getvalue()
