"""`ownership page`: the ordered escalation list for a system's owning team. Pure: no I/O.

Levels, in order: (1) who is on call: the system's own on-call first (a PagerDuty service's escalation policy
from Backstage's `pagerduty.com/service-id`), then its owning team's, each from PagerDuty when it answered,
else from the catalog rotation at the asked moment (an Opsgenie team or a PagerDuty integration key is shown
as a note: neither says who is on call); (2) named maintainers; (3) the other team
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

from ownership import redact
from ownership.analysis import rotation as rot
from ownership.analysis.people import Contact, People, Skip
from ownership.model import Activity, Catalog, Link, OnCall, Person, System, Target, Team
from ownership.oncall.pagerduty import OnCallEntry

LEVEL_NAMES = ("on-call", "maintainers", "team", "management", "parent team")
MAX_MANAGER_HOPS = 6  # walking up past people who left; also stops a manager cycle in bad HR data


@dataclass(frozen=True, slots=True)
class PagerDutyAnswer:
    """What PagerDuty said, by escalation policy id; `error` is set when it could not be asked."""

    entries: Mapping[str, tuple[OnCallEntry, ...]] = field(default_factory=dict)
    error: str | None = None
    services: Mapping[str, str] = field(default_factory=dict)  # service id -> its escalation policy id
    unknown_services: Mapping[str, str] = field(default_factory=dict)  # service id -> why it is unknown


@dataclass(frozen=True)
class Context:
    """Everything routing reads. `activity`: system -> person identity (email/username/id) -> last commit."""

    catalog: Catalog
    at: dt.datetime
    people: People
    pagerduty: PagerDutyAnswer | None = None  # None: PagerDuty was not asked
    activity: Mapping[str, Mapping[str, dt.datetime]] | None = None
    tz: dt.tzinfo = rot.UTC  # every time shown is in this zone (`--tz`), with the zone written
    pagerduty_web: str = "https://app.pagerduty.com"  # PagerDuty user links point here (site.pagerduty_web)

    def when(self, t: dt.datetime) -> str:
        return rot.shown(t, self.tz)


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
    pagerduty_web: str = "https://app.pagerduty.com"

    @property
    def first(self) -> Level | None:
        """The first level that has anyone in it."""
        return next((lv for lv in self.levels if lv.contacts), None)

    @property
    def reach(self) -> Level | None:
        """Whom to page first: the first level with anyone in it, else the org fallback when it has anyone."""
        return self.first or (self.fallback if self.fallback is not None and self.fallback.contacts else None)


class Collector:
    """Builds the levels, listing each person once and each skipped person once."""

    def __init__(self, people: People) -> None:
        self.people = people
        self.seen: set[str] = set()
        self.skipped: list[Skip] = []
        self.skipped_keys: set[str] = set()

    def consider(self, ref: str, level: str, why: str, team: str | None = None, note: str | None = None,
                 listed_elsewhere: bool = False) -> Contact | None:
        """The contact for `ref`, or None (skipped, or already listed). `listed_elsewhere`: someone PagerDuty
        pages anyway is listed even when the roster does not know them (with a note saying so)."""
        person = self.people.resolve(ref)
        key = self.people.key(ref, person)
        if key in self.seen:
            return None
        reason = self.people.cannot_page(person, team)
        if person is None and listed_elsewhere:
            reason = None
        if reason:
            if key not in self.skipped_keys:
                self.skipped_keys.add(key)
                self.skipped.append(self.people.skip(ref, person, level, reason))
            return None
        self.seen.add(key)
        return self.people.contact(ref, person, why, note)


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
    source, oncall = _oncall(ctx, system, team, col, notes)
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
                  pagerduty_web=ctx.pagerduty_web)
    if result.first is None:
        successor = _successor(ctx, system, col)
        fallback = _fallback(ctx, col, notes)
        skipped = len(col.skipped)
        return dataclasses.replace(result, skipped=tuple(col.skipped), notes=tuple(notes), successor=successor,
                                   fallback=fallback, gap=_gap(system, team, skipped, successor,
                                                               _unknown_oncall(ctx, system), fallback))
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
    team's on-call (PagerDuty or its rotation), then its members, then its manager; a stakeholder group's
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
            yield from _setup(ctx, f"team {team.name}", team.oncall, col, notes, None)[1]
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


def _oncall(ctx: Context, system: System, team: Team | None, col: Collector,
            notes: list[str]) -> tuple[str | None, list[Contact]]:
    """Level 1: each on-call set-up that reaches the system (Catalog.oncalls: its own, then its team's) in
    turn, until one has someone who can be paged."""
    setups = ctx.catalog.oncalls(system)
    if not setups:
        if team is not None:
            notes.append(f"team {team.name} has no on-call (no PagerDuty escalation policy or catalog rotation)")
        return None, []
    source: str | None = None
    for i, (whose, oc) in enumerate(setups):
        then = f"trying the on-call of {setups[i + 1][0]}" if i + 1 < len(setups) else None
        found, contacts = _setup(ctx, whose, oc, col, notes, then)
        if contacts:
            return found, contacts
        source = source or found
    return source, []


def _setup(ctx: Context, whose: str, oc: OnCall, col: Collector, notes: list[str],
           then: str | None) -> tuple[str | None, list[Contact]]:
    """Who one on-call set-up says is on call: its PagerDuty service's policy, its escalation policy, then its
    rotation. What cannot be asked (Opsgenie, an integration key) or could not be answered is a note."""
    notes += shown(whose, oc)
    rest = f"using the catalog rotation {oc.rotation}" if oc.rotation else then
    answer = ctx.pagerduty
    if oc.pagerduty_service or oc.pagerduty_escalation_policy:
        if answer is not None and answer.error is None:
            for label, policy in _policies(whose, oc, answer, notes, rest):
                entries = answer.entries.get(policy, ())
                contacts = [c for e in entries if (c := _pd_contact(e, col))]
                if contacts:
                    return label, contacts
                why = "nobody employed is" if entries else "nobody is"
                notes.append(f"PagerDuty says {why} on call for {label.removeprefix('PagerDuty ')}"
                             + (f"; {rest}" if rest else ""))
        else:
            problem = (answer.error if answer is not None else None) or "not asked"
            notes.append(f"PagerDuty unavailable ({problem}); {rest or 'no catalog rotation to fall back on'}")
    if not oc.rotation:
        return None, []
    return _rotation(ctx, oc.rotation, col, notes, whose)


def _policies(whose: str, oc: OnCall, answer: PagerDutyAnswer, notes: list[str],
              rest: str | None) -> list[tuple[str, str]]:
    """(how the level names it, escalation policy id) to ask, the service's first; a service PagerDuty does
    not know is a note saying why its on-call is unknown."""
    out: list[tuple[str, str]] = []
    service = oc.pagerduty_service
    if service:
        policy = answer.services.get(service)
        if policy:
            out.append((f"PagerDuty service {service} (escalation policy {policy})", policy))
        else:
            why = answer.unknown_services.get(service) or "not asked"
            notes.append(f"on-call of {whose} unknown ({why})" + (f"; {rest}" if rest else ""))
    if oc.pagerduty_escalation_policy:
        out.append((f"PagerDuty escalation policy {oc.pagerduty_escalation_policy}", oc.pagerduty_escalation_policy))
    return out


def shown(whose: str, oc: OnCall) -> list[str]:
    """What an on-call set-up names that ownership cannot ask, one line each: an Opsgenie team, and a PagerDuty
    integration key (an Events API routing key: only its last characters are shown)."""
    out = []
    if oc.opsgenie_team:
        out.append(f"{whose} is on call through Opsgenie team '{oc.opsgenie_team}' (not asked: page it in Opsgenie)")
    if oc.pagerduty_integration_key:
        out.append(f"{whose} sends PagerDuty events with integration key {redact.masked(oc.pagerduty_integration_key)}"
                   + ("" if oc.pagerduty_service else " (a routing key does not say who is on call: add "
                      "pagerduty.com/service-id)"))
    return out


def _pd_contact(entry: OnCallEntry, col: Collector) -> Contact | None:
    ref = entry.email or entry.name or entry.user_id or "unknown PagerDuty user"
    why = f"on call in PagerDuty (escalation level {entry.level}"
    why += f", {entry.schedule})" if entry.schedule else ")"
    contact = col.consider(ref, "on-call", why, listed_elsewhere=True)
    if contact is not None and contact.name is None and entry.name:
        contact = contact.but(name=entry.name)
    return contact


def _rotation(ctx: Context, name: str, col: Collector, notes: list[str], whose: str) -> tuple[str | None,
                                                                                              list[Contact]]:
    rotation = ctx.catalog.rotations.get(name)
    if rotation is None:
        notes.append(f"{whose} names rotation '{name}', which is not in the catalog")
        return None, []
    current = rot.shift_at(rotation, ctx.at)
    if current is None:
        notes.append(f"rotation {name} has no members")
        return None, []
    if isinstance(current, rot.NotStarted):
        notes.append(f"rotation {name} has not started (first shift begins {ctx.when(current.starts)})")
        return None, []
    source = f"rotation {name}"
    for k, shift in enumerate(rot.upcoming(rotation, ctx.at)):
        if k == 0:
            why = f"on call until {ctx.when(shift.end)}"
        else:
            why = f"next in rotation {name} (shift from {ctx.when(shift.start)}), covering for {current.member}"
        contact = col.consider(shift.member, "on-call", why)
        if contact is not None:
            if k:
                notes.append(f"the scheduled on-call {current.member} cannot be paged; "
                             f"{shift.member} is next in rotation {name}")
            return source, [contact]
    notes.append(f"nobody in rotation {name} can be paged")
    return source, []


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


def _unknown_oncall(ctx: Context, system: System) -> bool:
    """Whether PagerDuty would have said who is on call but could not (unavailable, or a service it does not
    know): then the on-call is unknown, which a gap must not call "no one on call"."""
    return oncall_unknown(ctx, system) is not None


def oncall_unknown(ctx: Context, system: System) -> str | None:
    """Why PagerDuty could not say who is on call for `system` (`_unknown_oncall`), else None."""
    answer = ctx.pagerduty
    for whose, oc in ctx.catalog.oncalls(system):
        if not (oc.pagerduty_service or oc.pagerduty_escalation_policy):
            continue
        if answer is None or answer.error is not None:
            return f"PagerDuty unavailable for {whose} ({(answer.error if answer else None) or 'not asked'})"
        service = oc.pagerduty_service
        if service is not None and service in answer.unknown_services:
            return f"on-call of {whose} unknown ({answer.unknown_services[service]})"
    return None


def _no_team(system: System) -> str:
    if not system.owner and system.owner_person:
        return f"{system.label} is owned by a person ({system.owner_person}), not a team"
    return f"owning team '{system.owner}' is not in the catalog"


def _gap(system: System, team: Team | None, skipped: int, successor: Contact | None,
         oncall_unknown: bool = False, fallback: Level | None = None) -> str:
    parts = []
    if oncall_unknown:
        parts.append("who is on call is unknown (PagerDuty could not say, see the notes)")
    if team is None:
        parts.append(_no_team(system))
    else:
        if not oncall_unknown:
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

