"""Activity rules: what the git history says about each system. They need a scan (`Snapshot.activity`)."""
from __future__ import annotations

from collections.abc import Iterator

from ownership.model import Activity, Snapshot
from ownership.rules.registry import Hit, Rule, rule


def _activity(snap: Snapshot) -> Activity | None:
    return snap.activity if isinstance(snap.activity, Activity) else None


@rule("shallow-history", "warning", "activity", needs=("activity",))
def shallow_history(snap: Snapshot) -> Iterator[Hit]:
    """A repository of the system is a shallow clone, so its activity numbers are partial.

    The history is cut off at the clone's depth: the last touch may still be right, but contributors,
    authorship (the oldest commit seems to create every file) and truck factor are not. Shallow clones
    are the default in many CI systems (`actions/checkout` fetches one commit). Fetch the full history
    (`fetch-depth: 0`, or `git fetch --unshallow`) before scanning.
    """
    activity = _activity(snap)
    if activity is None:
        return
    for name, sa in sorted(activity.systems.items()):
        if not sa.partial:
            continue
        system = snap.catalog.systems.get(name)
        where = system.loc("repos") if system else None
        repos = ", ".join(sa.shallow_repos)
        yield Hit(f"system:{name}", f"system '{name}' is scanned from a shallow clone ({repos}); its activity "
                  "numbers are partial", where, {"repos": list(sa.shallow_repos)})


RULES: tuple[Rule, ...] = (shallow_history,)
