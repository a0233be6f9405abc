"""`ownership page`: the ordered escalation list for a system's owning team. Pure: no I/O.

Levels, in order: (1) who is on call (routing/oncall.py): the system's own on-call first, then its owning
team's, each from its on-call providers when they answered, else from the catalog rotation at the asked moment
(what a provider cannot ask is shown as a note); (2) named maintainers; (3) the other team
members, most recently active in the system's history first when scan data is given; (4) the team manager,
then the manager's manager; (5) for a Backstage Group with a parent, the parent group's people (members,
then manager), then its parent's, up the hierarchy. Each person appears once, at their first level. Everyone who would have been
listed but cannot be paged is under `skipped` with the reason. An all-empty list is a `gap` naming what is
missing: never a silent "nobody"; then the org's `fallback:` steps (an SRE rotation, the incident commanders)
give the people to page first, and the gap still says why they are needed.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from ownership.analysis import rotation as rot
from ownership.analysis.people import Contact, People, Skip
from ownership.model import Activity, Catalog, Link, Person, System, Target, Team
from ownership.routing.context import Collector, Context
from ownership.routing.oncall import cannot_say, level_one, setup

LEVEL_NAMES = ("on-call", "maintainers", "team", "management", "parent team")
MAX_MANAGER_HOPS = 6  # walking up past people who left; also stops a manager cycle in bad HR data


@dataclass(frozen=True, slots=True)
class Level:
    number: int
    name: str
    source: str | None
    contacts: tuple[Contact, ...]


@dataclass(frozen=True)
class Page:
    system: str
    team: str | None
    at: dt.datetime
    levels: tuple[Level, ...]
    skipped: tuple[Skip, ...]
    notes: tuple[str, ...]
    roster_checked: bool
    gap: str | None = None
    successor: Contact | None = None
    # when nobody of the system's own levels can be paged: the org's `fallback:` people, paged first
    fallback: Level | None = None
    runbook: str | None = None
    links: tuple[Link, ...] = ()
    channels: Mapping[str, str] = field(default_factory=dict)  # incident, status, team (the owning team's)
    tz: dt.tzinfo = rot.UTC
    webs: Mapping[str, str] = field(default_factory=dict)  # on-call provider -> its web address (user links)

    @property
    def first(self) -> Level | None:
        """The first level that has anyone in it."""
        return next((lv for lv in self.levels if lv.contacts), None)

    @property
    def reach(self) -> Level | None:
        """Whom to page first: the first level with anyone in it, else the org fallback when it has anyone."""
        return self.first or (self.fallback if self.fallback is not None and self.fallback.contacts else None)


def page(ctx: Context, system: System) -> Page:
    catalog, people = ctx.catalog, ctx.people
    team = catalog.teams.get(system.owner)
    col = Collector(people)
    notes: list[str] = []
    if not people.checked:
        notes.append("roster not checked" + (f" ({people.roster_problem})" if people.roster_problem else
                                             ": everyone listed is assumed to be employed"))
    if team is None:
        notes.append(_no_team(system))
    source, oncall = level_one(ctx, system, team, col, notes)
    maintainers = [c for ref in system.maintainers if (c := col.consider(ref, "maintainers", "maintainer"))]
    members = _members(ctx, system, team, col)
    management = _management(team, col) if team else []
    levels: tuple[Level, ...] = (Level(1, "on-call", source, tuple(oncall)), Level(2, "maintainers", None, tuple(maintainers)),
              Level(3, "team", team.name if team else None, tuple(members)),
              Level(4, "management", None, tuple(management)))
    ancestors = parent_teams(catalog, team)
    if ancestors:  # only a team with a parent has this level: native pages keep their four
        levels += (Level(5, "parent team", ancestors[0].name, tuple(_parents(team, ancestors, col))),)
    channels = {**system.channels, **({"team": team.channel} if team is not None and team.channel else {})}
    result = Page(system.name, team.name if team else None, ctx.at, levels, tuple(col.skipped), tuple(notes),
                  people.checked, runbook=system.runbook, links=system.links, channels=channels, tz=ctx.tz,
                  webs=ctx.webs)
    if result.first is None:
        successor = _successor(ctx, system, col)
        fallback = _fallback(ctx, col, notes)
        skipped = len(col.skipped)
        return dataclasses.replace(result, skipped=tuple(col.skipped), notes=tuple(notes), successor=successor,
                                   fallback=fallback, gap=_gap(system, team, skipped, successor,
                                                               cannot_say(ctx, system), fallback))
    return result


def _fallback(ctx: Context, col: Collector, notes: list[str]) -> Level | None:
    """The org's `fallback:` steps, each giving its first person who can be paged; None when the catalog has
    none. Each person says which step brought them in."""
    steps = ctx.catalog.incident.fallback
    if not steps:
        return None
    out: list[Contact] = []
    for i, step in enumerate(steps, 1):
        found = next(reachable(ctx, step, col, "fallback", notes), None)
        if found is None:
            notes.append(f"fallback step {i} ({step.describe()}) has nobody who can be paged")
        else:
            out.append(found.but(why=f"org fallback step {i}: {found.why}"))
    return Level(0, "fallback", "fallback: in the catalog", tuple(out))


def reachable(ctx: Context, target: Target, col: Collector, level: str,
              notes: list[str]) -> Iterator[Contact]:
    """The people a Target names who can be paged, best first: a rotation's on-call then the next members; a
    team's on-call (its providers or its rotation), then its members, then its manager; a stakeholder group's
    contacts; named people. Each person once (the collector's); who cannot be paged is skipped with why."""
    catalog = ctx.catalog
    if target.rotation:
        rotation = catalog.rotations.get(target.rotation)
        if rotation is None:
            notes.append(f"rotation '{target.rotation}' is not in the catalog")
            return
        current = rot.shift_at(rotation, ctx.at)
        for k, shift in enumerate(rot.upcoming(rotation, ctx.at)):
            if k == 0 and not isinstance(current, rot.NotStarted):
                why = f"on call in rotation {rotation.name} until {ctx.when(shift.end)}"
            elif isinstance(current, rot.Shift):
                why = (f"next in rotation {rotation.name} (shift from {ctx.when(shift.start)}), covering for "
                       f"{current.member}")
            else:
                why = f"next in rotation {rotation.name} (shift from {ctx.when(shift.start)})"
            if (c := col.consider(shift.member, level, why)) is not None:
                yield c
    elif target.team:
        team = catalog.teams.get(target.team)
        if team is None:
            notes.append(f"team '{target.team}' is not in the catalog")
            return
        if team.oncall is not None and team.oncall.configured:
            yield from setup(ctx, f"team {team.name}", team.oncall, col, notes, None)[1]
        for ref in team.members:
            if (c := col.consider(ref, level, f"member of team {team.name}", team=team.name)) is not None:
                yield c
        if team.manager and (c := col.consider(team.manager, level, f"manager of team {team.name}")) is not None:
            yield c
    elif target.stakeholder:
        group = catalog.stakeholders.get(target.stakeholder)
        for ref in group.contacts if group else ():
            if (c := col.consider(ref, level, f"contact of {group.name}" if group else "")) is not None:
                yield c
    else:
        for ref in target.people:
            if (c := col.consider(ref, level, "named in the catalog")) is not None:
                yield c


def _members(ctx: Context, system: System, team: Team | None, col: Collector) -> list[Contact]:
    if team is None:
        return []
    activity = (ctx.activity or {}).get(system.name) or {}
    order = list(team.members)
    last: dict[str, dt.datetime] = {}
    if activity:
        last = {ref: t for ref in order if (t := _last_active(ctx.people, ref, activity)) is not None}
        # most recent first; people with no commits keep catalog order after them (sorted() is stable)
        order.sort(key=lambda r: (r not in last, -last[r].timestamp() if r in last else 0.0))
    out = []
    for ref in order:
        note = f"last commit here {last[ref].date().isoformat()}" if ref in last else None
        contact = col.consider(ref, "team", f"member of team {team.name}", team=team.name, note=note)
        if contact:
            out.append(contact)
    return out


def parent_teams(catalog: Catalog, team: Team | None) -> list[Team]:
    """The teams above `team` in the Group hierarchy, nearest first (a cycle or a missing parent ends it)."""
    out: list[Team] = []
    seen = {team.name} if team else set()
    while team is not None and team.parent and team.parent not in seen and len(out) < MAX_MANAGER_HOPS:
        seen.add(team.parent)
        team = catalog.teams.get(team.parent)
        if team is not None:
            out.append(team)
    return out


def _parents(team: Team | None, ancestors: list[Team], col: Collector) -> list[Contact]:
    """The people of each parent team, nearest first: its members, then its manager."""
    out: list[Contact] = []
    below = team.name if team else ""
    for parent in ancestors:
        why = f"member of team {parent.name}, the parent of team {below}"
        for ref in parent.members:
            if (c := col.consider(ref, "parent team", why, team=parent.name)) is not None:
                out.append(c)
        if parent.manager and (c := col.consider(parent.manager, "parent team",
                                                 f"manager of team {parent.name}, the parent of team {below}")):
            out.append(c)
        below = parent.name
    return out


def _last_active(people: People, ref: str, activity: Mapping[str, dt.datetime]) -> dt.datetime | None:
    from ownership.roster.identity import normalize

    person = people.resolve(ref)
    keys = {normalize(ref)}
    if person is not None:
        keys |= {normalize(k) for k in (*person.emails, *person.usernames, person.id)}
    times = [t for k, t in activity.items() if normalize(k) in keys]
    return max(times) if times else None


def _management(team: Team, col: Collector) -> list[Contact]:
    """The team manager, then up the roster's manager chain until two employed managers are listed."""
    if not team.manager:
        return []
    people = col.people
    out: list[Contact] = []
    ref: str = team.manager
    person: Person | None = people.resolve(ref)
    whys = (f"manager of team {team.name}", "manager's manager", "next manager up")
    for hop in range(MAX_MANAGER_HOPS):
        contact = col.consider(ref, "management", whys[min(hop, 2)])
        if contact is not None:
            out.append(contact)
        nxt = people.manager_of(person)
        if len(out) == 2 or nxt is None or (person is not None and nxt.id == person.id):
            break
        person, ref = nxt, nxt.email or nxt.id
    return out


def _successor(ctx: Context, system: System, col: Collector) -> Contact | None:
    """The most recently active employed committer of the system, when scan data exists; never someone HR
    moved to another team (`People.moved_away`), as `suggest` never names them either."""
    activity = (ctx.activity or {}).get(system.name) or {}
    for ident, when in sorted(activity.items(), key=lambda kv: (-kv[1].timestamp(), kv[0])):
        person = col.people.resolve(ident)
        if col.people.cannot_page(person) is None and col.people.moved_away(person) is None:
            return col.people.contact(ident, person, "suggested successor (most recent committer)",
                                      f"last commit here {when.date().isoformat()}")
    return None


def _no_team(system: System) -> str:
    if not system.owner and system.owner_person:
        return f"{system.label} is owned by a person ({system.owner_person}), not a team"
    return f"owning team '{system.owner}' is not in the catalog"


def _gap(system: System, team: Team | None, skipped: int, successor: Contact | None,
         unknown: tuple[str, str] | None = None, fallback: Level | None = None) -> str:
    parts = []
    if unknown is not None:
        parts.append(f"who is on call is unknown ({unknown[0]} could not say, see the notes)")
    if team is None:
        parts.append(_no_team(system))
    else:
        if unknown is None:
            parts.append(f"team {team.name} has no one on call who can be paged")
        parts.append("no employed maintainer" if system.maintainers else "no named maintainers")
        parts.append("no employed team member" if team.members else "no team members listed")
        parts.append("no employed manager" if team.manager else "no manager listed")
    msg = f"nobody to page for {system.name}: " + ", ".join(parts)
    if skipped:
        msg += f" ({skipped} skipped, see above)"
    if successor is not None:
        msg += f"; suggested successor from git history: {successor.label}"
    if fallback is not None and fallback.contacts:
        msg += "; paging the org fallback: " + ", ".join(c.label for c in fallback.contacts)
    elif fallback is not None:
        msg += "; the org fallback has nobody who can be paged either"
    if successor is None:
        msg += (f"; add an owner who can be paged to {system.name}'s team"
                + ("" if fallback is not None else ", or an org fallback (fallback:),") + " in the catalog")
    return msg


def last_commits(activity: Activity) -> dict[str, dict[str, dt.datetime]]:
    """The scanner's Activity as routing reads it: system -> identity -> last commit (bots left out).

    Each contributor is entered under every identity they have (roster id, commit emails), so a look-up by
    any catalog reference that resolves to them finds them.
    """
    out: dict[str, dict[str, dt.datetime]] = {}
    for name, sa in activity.systems.items():
        times: dict[str, dt.datetime] = {}
        for c in sa.contributors:
            if c.bot or c.last_commit is None:
                continue
            for ident in {c.key, *c.emails, *((c.person,) if c.person else ())}:
                if ident not in times or times[ident] < c.last_commit:
                    times[ident] = c.last_commit
        out[name] = times
    return out

