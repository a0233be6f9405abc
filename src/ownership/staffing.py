"""Who looks after a system, as facts the health rules, successors and off-boarding share.

Employment is always read from the Snapshot's roster on `snap.today`, never from the scan's own
`Contributor.employed`: the off-boarding simulation swaps the roster, and every number here must follow.
Pure: no I/O.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ownership.history import authorship
from ownership.memo import ByIdentity
from ownership.model import Activity, Contributor, Person, Snapshot, System, SystemActivity, Team
from ownership.roster.identity import Resolver, normalize, resolver_for

IDLE_DAYS = 365  # a maintainer in no team with no commit to the system for this long is not really there


def activity_of(snap: Snapshot, system: str) -> SystemActivity | None:
    act = snap.activity
    if not isinstance(act, Activity):
        return None
    found = act.systems.get(system)
    return found if found is not None and found.read else None  # unread history is no evidence (issue 13)


def resolver(snap: Snapshot) -> Resolver | None:
    return resolver_for(snap.roster) if snap.roster is not None else None


def person_of(snap: Snapshot, ref: str) -> Person | None:
    res = resolver(snap)
    return res.resolve(ref) if res is not None else None


def employed(snap: Snapshot, p: Person | None) -> bool:
    return p is not None and p.employed_on(snap.today)


# keyed by the catalog's teams and the roster's identity index (not employment: a simulated roster in which
# some people left shares the index, and so the answer)
_TEAMS_OF: ByIdentity[dict[str, list[str]]] = ByIdentity()


def teams_of(snap: Snapshot) -> dict[str, list[str]]:
    """Roster person id -> the catalog teams that list them as a member (sorted). Cached per catalog teams and
    roster identities: rules ask this for every system and contributor."""
    if snap.roster is None:
        return {}
    res = resolver_for(snap.roster)
    return _TEAMS_OF.get(snap.catalog.teams, res.index, make=lambda: _teams_of(snap.catalog.teams, res))


def _teams_of(teams: Mapping[str, Team], res: Resolver) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name in sorted(teams):
        for ref in teams[name].members:
            p = res.resolve(ref)
            if p is not None and name not in out.setdefault(p.id, []):
                out[p.id].append(name)
    return out


def share_teams(full: Snapshot, part: Snapshot) -> None:
    """Let `part`, whose catalog holds some of `full`'s teams, see every team `full` has: "in no team" is a
    question about the whole catalog."""
    if full.roster is not None and part.roster is not None:
        put = teams_of(full)
        _TEAMS_OF.put(part.catalog.teams, resolver_for(part.roster).index, value=put)


def team_member_ids(snap: Snapshot) -> set[str]:
    """Roster ids of everyone listed as a member of some catalog team."""
    return set(teams_of(snap))


def home_team(snap: Snapshot, person_id: str) -> str | None:
    """The catalog team a person is listed in (the first by name), else None."""
    teams = teams_of(snap).get(person_id)
    return teams[0] if teams else None


# --------------------------------------------------------------------------- owners


@dataclass(frozen=True)
class IdleMaintainer:
    index: int  # position in `maintainers`
    ref: str
    person: Person
    last_commit: dt.datetime | None  # to this system, None: never


def last_commit_by(sa: SystemActivity, person_id: str) -> dt.datetime | None:
    dates = [c.last_commit for c in sa.contributors if c.person == person_id and c.last_commit]
    return max(dates) if dates else None


def idle_maintainers(snap: Snapshot, system: System, slug: str) -> list[IdleMaintainer]:
    """Maintainers employed in HR but in no catalog team and without a commit to the system for `idle_days`.

    Needs the git activity of the system: without it nothing can be said, and nobody is idle.
    """
    sa = activity_of(snap, system.name)
    if sa is None or snap.roster is None or snap.option(slug, "idle_maintainers", True) is False:
        return []
    if sa.problems and sa.last_commit is None:  # the history could not be read: no evidence either way
        return []
    days = int(snap.option(slug, "idle_days", IDLE_DAYS))
    members = teams_of(snap)
    out = []
    for i, ref in enumerate(system.maintainers):
        p = person_of(snap, ref)
        if not employed(snap, p) or p is None or p.id in members:
            continue
        last = last_commit_by(sa, p.id)
        if last is None or (snap.today - last.date()).days > days:
            out.append(IdleMaintainer(i, ref, p, last))
    return out


def active_owners(snap: Snapshot, system: System, slug: str = "orphaned") -> list[Person]:
    """Employed members of the owning team and employed maintainers who are not idle, without repeats."""
    team = snap.catalog.teams.get(system.owner)
    idle = {m.person.id for m in idle_maintainers(snap, system, slug)}
    out: dict[str, Person] = {}
    for ref in (team.members if team else ()):
        p = person_of(snap, ref)
        if employed(snap, p) and p is not None:
            out.setdefault(p.id, p)
    for ref in system.maintainers:
        p = person_of(snap, ref)
        if employed(snap, p) and p is not None and p.id not in idle:
            out.setdefault(p.id, p)
    return list(out.values())


def owner_keys(snap: Snapshot, system: System) -> set[str]:
    """Everything that identifies an owner (team member or maintainer): roster ids and the references as written."""
    team = snap.catalog.teams.get(system.owner)
    keys = set()
    for ref in (team.members if team else ()) + system.maintainers:
        keys.add(normalize(ref))
        p = person_of(snap, ref)
        if p is not None:
            keys.add(p.id)
    return keys


def is_owner(c: Contributor, keys: set[str]) -> bool:
    if c.person is not None and c.person in keys:
        return True
    return any(normalize(e) in keys for e in c.emails) or c.key in keys


# --------------------------------------------------------------------------- authorship


def contributor_employed(snap: Snapshot, c: Contributor) -> bool | None:
    """Employed on snap.today per the snapshot's roster; None when the roster does not know them."""
    res = resolver(snap)
    if res is None or c.person is None:
        return None
    p = res.person(c.person)
    return None if p is None else p.employed_on(snap.today)


def employed_keys(snap: Snapshot, sa: SystemActivity) -> set[str]:
    return {c.key for c in sa.contributors if not c.bot and contributor_employed(snap, c)}


def gone_keys(snap: Snapshot, sa: SystemActivity) -> set[str]:
    return {c.key for c in sa.contributors if contributor_employed(snap, c) is False}


def knowledge_loss(snap: Snapshot, sa: SystemActivity) -> tuple[float, int, list[str]]:
    """(share of files whose every author has left, how many such files, those authors by files held)."""
    gone = gone_keys(snap, sa)
    file_authors = [f.authors for f in sa.files]
    share = authorship.orphaned_share(file_authors, gone)
    held = [f.authors for f in sa.files if f.authors and all(k in gone for k in f.authors)]
    tally: dict[str, int] = {}
    for keys in held:
        for k in keys:
            tally[k] = tally.get(k, 0) + 1
    return share, len(held), sorted(tally, key=lambda k: (-tally[k], k))


def employed_truck_factor(snap: Snapshot, sa: SystemActivity) -> tuple[int, list[str]]:
    """Truck factor over authors still employed (the files of everyone else count as already uncovered)."""
    keep = employed_keys(snap, sa)
    return authorship.truck_factor([[k for k in f.authors if k in keep] for f in sa.files])


def files_authored(sa: SystemActivity, key: str) -> int:
    return sum(1 for f in sa.files if key in f.authors)


def label_of(snap: Snapshot, sa: SystemActivity | None, key: str) -> str:
    """How messages name a contributor: the roster email, else the commit email, else the key."""
    res = resolver(snap)
    if res is not None:
        p = res.person(key)
        if p is not None:
            return p.label
    for c in (sa.contributors if sa else ()):
        if c.key == key:
            return c.emails[0] if c.emails else c.name
    return key


def labels(snap: Snapshot, sa: SystemActivity | None, keys: Iterable[str]) -> list[str]:
    return [label_of(snap, sa, k) for k in keys]


def human(contributors: Sequence[Contributor]) -> list[Contributor]:
    return [c for c in contributors if not c.bot]
