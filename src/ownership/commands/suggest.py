"""`ownership suggest SYSTEM`: who should own a system now, and `--write` to name the best as maintainer."""
from __future__ import annotations

import difflib
from pathlib import Path

from ownership.catalog.edit import EditError, add_maintainer
from ownership.errors import OwnershipError
from ownership.model import Snapshot
from ownership.analysis.successors import Suggested, suggest


class SuggestError(OwnershipError):
    """The suggestion cannot be made or written (exit code 2)."""


def check(snap: Snapshot, system: str) -> None:
    """What can be refused before the git history is read: an unknown system, no roster."""
    if system not in snap.catalog.systems:
        close = difflib.get_close_matches(system, list(snap.catalog.systems), n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise SuggestError(f"no system '{system}' in the catalog ({len(snap.catalog.systems)} systems){hint}")
    if snap.roster is None:
        raise SuggestError("suggest needs a roster to know who is employed: pass --roster SOURCE or set roster: "
                           "in ownership.yaml")


def run(snap: Snapshot, system: str, limit: int, write: bool) -> Suggested:
    check(snap, system)
    s = snap.catalog.systems[system]
    found = suggest(snap, system, limit)
    if not write or not found:
        return Suggested(system, s.owner, found)
    if s.location is None or not s.location.file:
        raise SuggestError(f"{system}: the catalog file it comes from is unknown; cannot write")
    path = Path(s.location.file)
    try:
        changed = add_maintainer(path, system, found[0].label,
                                 source=f"the suggested maintainer (roster person {found[0].person!r})")
    except EditError as exc:
        raise SuggestError(str(exc)) from exc
    except OSError as exc:
        raise SuggestError(f"{exc.filename or path}: cannot write ({exc.strerror or exc})") from exc
    return Suggested(system, s.owner, found, str(path), already=not changed)
