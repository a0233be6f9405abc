"""Activity rules: what the git history says about each system. They need a scan (`Snapshot.activity`)."""
from __future__ import annotations

from collections.abc import Iterator

from ownership.support import redact
from ownership.model import Snapshot
from ownership.rules.registry import Hit, Rule, rule


@rule("shallow-history", "warning", "activity", needs=("activity",))
def shallow_history(snap: Snapshot) -> Iterator[Hit]:
    """A repository of the system is a shallow clone, so its activity numbers are partial.

    The history is cut off at the clone's depth: the last touch may still be right, but contributors,
    authorship (the oldest commit seems to create every file) and truck factor are not. Shallow clones
    are the default in many CI systems (`actions/checkout` fetches one commit). Fetch the full history
    (`fetch-depth: 0`, or `git fetch --unshallow`) before scanning.
    """
    activity = snap.activity
    if activity is None:
        return
    for name, sa in sorted(activity.systems.items()):
        if not sa.partial:
            continue
        system = snap.catalog.systems.get(name)
        where = system.loc("repos") if system else None
        repos = ", ".join(sa.shallow_repos)
        what = system.label if system else f"system '{name}'"
        yield Hit(f"system:{name}", f"{what} is scanned from a shallow clone ({repos}); its activity numbers are "
                  "partial", where, {"repos": list(sa.shallow_repos)})


@rule("history-unavailable", "warning", "activity", needs=("activity",))
def history_unavailable(snap: Snapshot) -> Iterator[Hit]:
    """The git history of a repository of the system could not be read (the clone or fetch failed, the folder
    is missing, the remote refused), so what the history would say about the system is unknown.

    The finding carries git's own reason. While no repository of a system is read, its activity numbers
    (last touch, truck factor, knowledge held by leavers) are unknown, not 0, and the other activity rules
    (`dormant`, `bus-factor`, `knowledge-loss`, `ownership-drift`) say nothing about it; with some of its
    repositories read, they judge it on those. Fix the access (a deploy key, `history.rewrite` to a
    mirror) or the URL in the catalog.
    """
    activity = snap.activity
    if activity is None:
        return
    for name, sa in sorted(activity.systems.items()):
        if not sa.unread:
            continue
        system = snap.catalog.systems.get(name)
        where = system.loc("repos") if system else None
        failed = "; ".join(f"{redact.text(url)} ({why})" for url, why in sa.unread)
        read = len(sa.repos) - len(sa.unread)
        head = (f"the history of {name} could not be read" if not sa.read else
                f"the history of {name} was read for {read} of {len(sa.repos)} repositories")
        yield Hit(f"system:{name}", f"{head}: {failed}", where,
                  {"repos": [{"repo": redact.text(url), "reason": why} for url, why in sa.unread],
                   "read": read, "repositories": len(sa.repos)})


RULES: tuple[Rule, ...] = (shallow_history, history_unavailable)
