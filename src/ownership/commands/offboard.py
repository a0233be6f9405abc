"""`ownership offboard PERSON...`: what ownership would look like if these people left. Nothing is written."""
from __future__ import annotations

from collections.abc import Sequence

from ownership.analysis.people import person_of
from ownership.errors import OwnershipError
from ownership.model import Snapshot
from ownership.offboard import OffboardResult, offboard


class OffboardError(OwnershipError):
    """The simulation cannot run (exit code 2)."""


def check(snap: Snapshot, people: Sequence[str]) -> None:
    """What can be refused before the git history is read: no roster, people the roster does not know."""
    if snap.roster is None:
        raise OffboardError("offboard needs a roster: pass --roster SOURCE or set roster: in ownership.yaml")
    unknown = [ref for ref in people if person_of(snap, ref) is None]
    if unknown:
        raise OffboardError(f"not in the roster: {', '.join(unknown)} (use an email, username, roster id or alias)")


def run(snap: Snapshot, people: Sequence[str]) -> OffboardResult:
    check(snap, people)
    return offboard(snap, people)
