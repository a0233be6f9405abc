"""Who a person is to us now, and who looks after a system: the one place these are judged.

Every command asks this module (rules, routing, audit, off-boarding, report, site, scan): a person's status
on a day (`status`, with the one phrasing of each), a transfer (`moved_to`), who the employed and active
owners of a system are (`active_owners`), the employed truck factor and the knowledge held by leavers.
`People` is the same look-ups for routing, which also works without a roster. The audit asks the per-system
ones once per snapshot through its Assessment (analysis/assessment.py), which every later reader shares.

Employment is always read from the Snapshot's roster on `snap.today`, never from the scan's own
`Contributor.employed`: the off-boarding simulation swaps the roster, and every number here must follow.
Pure: no I/O.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ownership.history import authorship
from ownership.support.memo import ByIdentity
from ownership.reach import HANDLE_KINDS
from ownership.model import (
    Activity, Catalog, Contributor, Finding, Person, Reach, Roster, Snapshot, System, SystemActivity, Team,
)
from ownership.roster.identity import Resolver, catalog_team, normalize, resolver_for

IDLE_DAYS = 365  # a maintainer in no team with no commit to the system for this long is not really there

# --------------------------------------------------------------------------- status: the one phrasing

State = Literal["employed", "leaving", "transferred", "idle", "left", "inactive", "unknown"]
EMPLOYED_STATES = ("employed", "leaving", "transferred", "idle")


@dataclass(frozen=True, slots=True)
class Status:
    """Who a person is to us on a day: a stable `state` and the one way every output phrases it."""

    state: State
    phrase: str  # "employed", "employed, leaves on D", "left on D", "inactive in HR (...)", "transferred to team X"

    @property
    def employed(self) -> bool:
        """Employed in HR on the day (transferred and idle people still are)."""
        return self.state in EMPLOYED_STATES

    @property
    def available(self) -> bool:
        """Someone who can be paged and counted as an owner: employed, and neither transferred nor idle."""
        return self.state in ("employed", "leaving")


def status(person: Person | None, day: dt.date, moved_to: str | None = None, idle: bool = False) -> Status:
    """The status of `person` on `day`. `moved_to`: the catalog team HR now places them in, when that is
    another team than the one asked about (see `moved_to()`); `idle`: an idle maintainer (`idle_maintainers`).
    Leaving HR outranks a transfer, a transfer outranks being idle."""
    if person is None:
        return Status("unknown", "not found in the roster")
    end = person.end_date
    if not person.employed_on(day):
        if end is not None and end <= day:
            return Status("left", f"left on {end.isoformat()}")
        if end is not None:
            return Status("inactive", f"inactive in HR (end date {end.isoformat()})")
        return Status("inactive", "inactive in HR (no end date recorded: on leave or left)")
    if moved_to:
        return Status("transferred", f"transferred to team {moved_to}")
    if idle:
        return Status("idle", "employed but in no team and idle")
    if end is not None:
        return Status("leaving", f"employed, leaves on {end.isoformat()}")
    return Status("employed", "employed")


def departure(person: Person, day: dt.date) -> str | None:
    """How a finding message ends about someone leaving ("left on D", "leaves on D"), or None.

    The same facts as `status()`; only inactive people read "is no longer active in HR", the wording finding
    messages have always had (a message is part of a finding's identity for `--base` and the report diff)."""
    st = status(person, day)
    if st.state == "left":
        return st.phrase
    if st.state == "inactive":
        return "is no longer active in HR"
    if st.state == "leaving" and person.end_date is not None:
        return f"leaves on {person.end_date.isoformat()}"
    return None


def moved_to(person: Person | None, team: str, teams: Iterable[str],
             team_map: Mapping[str, str] | None) -> str | None:
    """The catalog team HR now places `person` in when that is not `team`, else None.

    The one transfer matcher (roster/identity.py `catalog_team`: `team_map` first, else the same name with case,
    spaces and underscores folded, so HR "Data Platform" is team `data-platform`). HR teams the catalog does not
    have say nothing about a transfer."""
    if person is None:
        return None
    now_in = catalog_team(person.team, teams, team_map)
    return None if now_in is None or now_in == team else now_in


def transferred(snap: Snapshot, person: Person | None, team: str) -> str | None:
    """`moved_to` with the snapshot's catalog teams and `team_map`; only employed people transfer."""
    if snap.roster is None or person is None or not person.employed_on(snap.today):
        return None
    return moved_to(person, team, snap.catalog.teams, snap.roster.team_map)


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


# `teams` below: the answer of `teams_of` to use instead of the snapshot's own. An Assessment of a catalog
# narrowed to some systems (the off-boarding simulation) passes the whole catalog's: "in no team" is a question
# about the whole catalog.
TeamsOf = Mapping[str, Sequence[str]]


def home_team(snap: Snapshot, person_id: str, teams: TeamsOf | None = None) -> str | None:
    """The catalog team a person is listed in (the first by name), else None."""
    found = (teams if teams is not None else teams_of(snap)).get(person_id)
    return found[0] if found else None


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


def idle_maintainers(snap: Snapshot, system: System, slug: str, teams: TeamsOf | None = None) -> list[IdleMaintainer]:
    """Maintainers employed in HR but in no catalog team and without a commit to the system for `idle_days`.

    Needs the git activity of the system: without it nothing can be said, and nobody is idle.
    """
    sa = activity_of(snap, system.name)
    if sa is None or snap.roster is None or snap.option(slug, "idle_maintainers", True) is False:
        return []
    if sa.problems and sa.last_commit is None:  # the history could not be read: no evidence either way
        return []
    days = int(snap.option(slug, "idle_days", IDLE_DAYS))
    members = teams if teams is not None else teams_of(snap)
    out = []
    for i, ref in enumerate(system.maintainers):
        p = person_of(snap, ref)
        if not employed(snap, p) or p is None or p.id in members:
            continue
        last = last_commit_by(sa, p.id)
        if last is None or (snap.today - last.date()).days > days:
            out.append(IdleMaintainer(i, ref, p, last))
    return out


def employed_people(snap: Snapshot, refs: Iterable[str]) -> list[Person]:
    """The people `refs` name who are employed on snap.today, each once, in order."""
    out: dict[str, Person] = {}
    for ref in refs:
        p = person_of(snap, ref)
        if p is not None and p.employed_on(snap.today):
            out.setdefault(p.id, p)
    return list(out.values())


def active_owners(snap: Snapshot, system: System, slug: str = "orphaned", teams: TeamsOf | None = None,
                  ) -> list[Person]:
    """Employed members of the owning team whom HR has not moved to another team, and employed maintainers who
    are not idle, without repeats.

    The one answer to "does this system have an employed owner": the `orphaned` rule, the report headline and
    the off-boarding simulation all ask it; `page` skips the same transferred members."""
    team = snap.catalog.teams.get(system.owner)
    idle = {m.person.id for m in idle_maintainers(snap, system, slug, teams)}
    out = {p.id: p for p in employed_people(snap, team.members if team else ())
           if transferred(snap, p, system.owner) is None}
    for p in employed_people(snap, system.maintainers):
        if p.id not in idle:
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
    """Truck factor over authors still employed (the files of everyone else count as already uncovered).

    0 means the employed authors already cover less than half of the files. The greedy removal takes the
    author of the most files first; of authors with equal counts, the key that sorts first (TIE_RULE)."""
    keep = employed_keys(snap, sa)
    return authorship.truck_factor([[k for k in f.authors if k in keep] for f in sa.files])


TIE_RULE = ("the author of the most files goes first; equal counts are broken by the contributor key "
            "(roster id, else commit email) in alphabetical order")


def tied_with(snap: Snapshot, sa: SystemActivity, key: str) -> list[str]:
    """Other employed authors of exactly as many files as `key`: the ones TIE_RULE passed over."""
    keep = employed_keys(snap, sa)
    n = files_authored(sa, key)
    return sorted(k for k in keep if k != key and files_authored(sa, k) == n)


def files_covered(snap: Snapshot, sa: SystemActivity) -> int:
    """Files with at least one employed author."""
    keep = employed_keys(snap, sa)
    return sum(1 for f in sa.files if any(k in keep for k in f.authors))


def scan_numbers(roster: Roster | None, activity: Activity, sa: SystemActivity) -> tuple[int | None, float | None]:
    """(employed truck factor, knowledge held by leavers) as `scan`, the report and the site show them; None
    for both without a roster."""
    if roster is None:
        return None, None
    snap = Snapshot(Catalog(), activity.today, roster, activity)
    return employed_truck_factor(snap, sa)[0], knowledge_loss(snap, sa)[0]


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


def moved_away(snap: Snapshot, person: Person | None, teams: TeamsOf | None = None) -> str | None:
    """The catalog team HR moved `person` to, when the catalog lists them as a member of teams and none of them
    is that one (a member of payments whom HR places in ledger); else None. Such a person is skipped as
    transferred when their team is paged, so they are never anyone's suggested successor either."""
    if snap.roster is None or person is None or not person.employed_on(snap.today):
        return None
    home = (teams if teams is not None else teams_of(snap)).get(person.id, ())
    return _moved_away(person, home, snap.catalog.teams, snap.roster.team_map)


def _moved_away(person: Person, home: Sequence[str], teams: Iterable[str],
                team_map: Mapping[str, str] | None) -> str | None:
    now_in = catalog_team(person.team, teams, team_map)
    return now_in if now_in is not None and home and now_in not in home else None


# --------------------------------------------------------------------------- findings about people

# evidence keys that name a person (a roster label or id, or a catalog reference), across the rules
_EVIDENCE_PEOPLE = ("person", "person_id", "reference", "owner")
_EVIDENCE_LISTS = ("leavers", "idle_maintainers")


def finding_people(f: Finding) -> list[str]:
    """Every reference to a person in a finding: its `person:` subject and the people its evidence names
    (owner-left, owner-transferred, manager-left, unknown-person, bus-factor, knowledge-loss, orphaned...)."""
    out = [f.subject[len("person:"):]] if f.subject.startswith("person:") else []
    ev = f.evidence or {}
    out += [v for k in _EVIDENCE_PEOPLE if isinstance(v := ev.get(k), str) and v]
    for k in _EVIDENCE_LISTS:
        out += [v for v in ev.get(k) or () if isinstance(v, str)]
    for k in ("owners", "members"):  # orphaned, team-without-active-members: reference -> status
        if isinstance(named := ev.get(k), Mapping):
            out += [str(ref) for ref in named]
    return list(dict.fromkeys(out))


# --------------------------------------------------------------------------- routing's look-ups


@dataclass(frozen=True, slots=True)
class Contact:
    """One person to page, and why they are on the list."""

    ref: str  # as the catalog (or an on-call provider) names them
    why: str
    name: str | None = None
    email: str | None = None
    person_id: str | None = None
    note: str | None = None
    reach: Reach | None = None  # Slack, phone, on-call provider users (roster first, then the catalog)

    @property
    def label(self) -> str:
        return self.email or self.ref

    def to_json(self) -> dict[str, str | None]:
        r = self.reach or Reach()
        return {"ref": self.ref, "name": self.name, "email": self.email, "person_id": self.person_id,
                "why": self.why, "note": self.note, "slack": r.slack, "phone": r.phone,
                **{k: r.handles.get(k) for k in HANDLE_KINDS}}

    def but(self, **changes: Any) -> Contact:
        """This contact with some fields changed (a covering commander's `why`, an on-call provider's name)."""
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True, slots=True)
class Skip:
    """Someone who would have been listed but cannot be paged, and why (blameless: a fact, not a fault)."""

    ref: str
    level: str
    reason: str
    name: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"ref": self.ref, "name": self.name, "level": self.level, "reason": self.reason}


class People:
    """The look-ups above for one day, for routing and the site. `roster` None means "not checked": everyone
    counts as employed, and the page says so.

    With a roster, a reference is paged only when it resolves to a person employed on the day (and, for a
    team, not transferred to another); everyone else is skipped with their `status()` phrase."""

    def __init__(self, catalog: Catalog, roster: Roster | None, day: dt.date,
                 roster_problem: str | None = None) -> None:
        self.catalog = catalog
        self.roster = roster
        self.day = day
        self.roster_problem = roster_problem  # why a configured roster could not be used
        self.resolver = resolver_for(roster) if roster else None

    @property
    def checked(self) -> bool:
        return self.resolver is not None

    def resolve(self, ref: str) -> Person | None:
        return self.resolver.resolve(ref) if self.resolver else None

    def key(self, ref: str, person: Person | None) -> str:
        """What makes two references the same person (for listing each person once)."""
        return f"id:{person.id}" if person is not None else f"ref:{normalize(ref)}"

    def status(self, person: Person | None, team: str | None = None) -> Status | None:
        """`status()` on the day, judging a transfer when `team` is given; None when the roster is not checked."""
        if self.roster is None:
            return None
        moved = moved_to(person, team, self.catalog.teams, self.roster.team_map) if team else None
        return status(person, self.day, moved_to=moved)

    def now(self, person: Person | None) -> Status | None:
        """Who `person` is to us on the day, not about one team: a catalog member whom HR places in another
        team is transferred (`moved_away`). What person pages and `roster show` say; None without a roster."""
        if self.roster is None:
            return None
        return status(person, self.day, moved_to=self.moved_away(person))

    def moved_away(self, person: Person | None) -> str | None:
        """`moved_away()` for routing: the team HR moved a catalog team member to, else None."""
        res, teams = self.resolver, self.catalog.teams
        if self.roster is None or res is None or person is None or not person.employed_on(self.day):
            return None
        home = _TEAMS_OF.get(teams, res.index, make=lambda: _teams_of(teams, res))
        return _moved_away(person, home.get(person.id, ()), teams, self.roster.team_map)

    def cannot_page(self, person: Person | None, team: str | None = None) -> str | None:
        """The status phrase when `person` cannot be paged today (for `team`: transferred counts), else None."""
        st = self.status(person, team)
        return None if st is None or st.available else st.phrase

    def note(self, person: Person | None) -> str | None:
        """A heads-up about someone who can be paged (e.g. they leave soon)."""
        if person is not None and person.end_date is not None and person.end_date > self.day:
            return f"leaves on {person.end_date.isoformat()}"
        if self.resolver is not None and person is None:
            return "not found in the roster"
        return None

    def manager_of(self, person: Person | None) -> Person | None:
        if person is None or not person.manager or self.resolver is None:
            return None
        return self.resolver.person(person.manager) or self.resolver.resolve(person.manager)

    def contact(self, ref: str, person: Person | None, why: str, note: str | None = None) -> Contact:
        notes = [n for n in (note, self.note(person)) if n]
        name, email = named(self.catalog, ref, person)
        return Contact(ref=ref, why=why, name=name, email=email, person_id=person.id if person else None,
                       note="; ".join(notes) or None, reach=reach(self.catalog, ref, person))

    def skip(self, ref: str, person: Person | None, level: str, reason: str) -> Skip:
        return Skip(ref=ref, level=level, reason=reason, name=named(self.catalog, ref, person)[0])


def reach(catalog: Catalog, ref: str, person: Person | None) -> Reach | None:
    """How to reach the person `ref` names: the roster's contact columns, each missing one from the catalog
    (a native `people:` entry, Catalog.contacts, then the Backstage User, Catalog.profiles; by the reference
    or by the roster email)."""
    keys = (ref, *(person.emails if person is not None else ()))
    profile = next((p for k in keys if (p := catalog.profiles.get(k)) is not None), None)
    written = next((c for k in keys if (c := catalog.contacts.get(k)) is not None), None)
    own = person.reach if person is not None else None
    found = (own or Reach()).over(written).over(profile.reach if profile else None)
    return found or None


def named(catalog: Catalog, ref: str, person: Person | None) -> tuple[str | None, str | None]:
    """(name, email) of the person `ref` names: the roster's, else the Backstage User's `displayName` and
    `email` (Catalog.profiles), else the reference itself when it is an email."""
    profile = catalog.profiles.get(ref)
    name = (person.name if person else None) or (profile.display_name if profile else None)
    email = (person.email if person else None) or (profile.email if profile else None) or (
        ref if "@" in ref else None)
    return name, email
