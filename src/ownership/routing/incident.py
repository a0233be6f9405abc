"""`ownership incident`: who belongs in the room. Pure: composes page lists, the graph and the catalog.

- commander: the current member of the `incident-commander` rotation, passing over members of the affected
  systems' owning teams when someone else can take it (they are busy fixing), with the next one as backup;
- responders: the first non-empty page level of each affected system;
- suspects: the owners of what the affected systems depend on, direct dependencies first, then by tier;
- stakeholders: the non-engineering groups of the affected and the impacted customer-facing systems;
- channels: where to talk (incident channel) and where to read (status channel), per system;
- impact: the blast radius of all affected systems together.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ownership.analysis import rotation as rot
from ownership.analysis.people import Contact, Skip
from ownership.model import System, owned_by
from ownership.roster.identity import normalize
from ownership.analysis.impact import Impact, blast_radius, dependencies
from ownership.routing.page import LEVEL_NAMES, Context, Level, page

if TYPE_CHECKING:
    import networkx as nx

COMMANDER_ROTATION = "incident-commander"
SUSPECT_CONTACT_DEPTH = 1  # page lists are worked out for direct dependencies; deeper ones show the team


@dataclass(frozen=True)
class Responders:
    system: str
    team: str | None
    level: Level | None
    gap: str | None


@dataclass(frozen=True)
class Suspect:
    name: str
    depth: int
    tier: int
    owner: str
    team_channel: str | None
    contacts: tuple[Contact, ...]
    owner_person: str | None = None  # a Backstage User owns it (System.owner_person)

    @property
    def owned_by(self) -> str:
        return owned_by(self.owner, self.owner_person)


@dataclass(frozen=True)
class StakeholderGroup:
    name: str
    channel: str | None
    contacts: tuple[Contact, ...]
    because: tuple[str, ...]  # the systems that bring them in


@dataclass(frozen=True)
class Channels:
    system: str
    incident: str | None
    status: str | None
    note: str | None = None


@dataclass(frozen=True)
class Room:
    systems: tuple[str, ...]
    at: dt.datetime
    commander: Contact | None
    backup: Contact | None
    responders: tuple[Responders, ...]
    suspects: tuple[Suspect, ...]
    stakeholders: tuple[StakeholderGroup, ...]
    channels: tuple[Channels, ...]
    impact: Impact
    skipped: tuple[Skip, ...]
    notes: tuple[str, ...]
    roster_checked: bool


def room(ctx: Context, g: nx.DiGraph, systems: Sequence[System]) -> Room:
    names = tuple(dict.fromkeys(s.name for s in systems))
    pages = [page(ctx, s) for s in systems]
    notes: list[str] = []
    skipped: list[Skip] = []
    for p in pages:
        # what each page list had to say (PagerDuty down, rotation not started...), once per system
        notes += [f"{p.system}: {n}" for n in p.notes if not n.startswith("roster not checked")]
        # the people who would have been responders: skipped at or before the first level that has anyone
        upto = LEVEL_NAMES.index(p.first.name) if p.first else len(LEVEL_NAMES)
        skipped += [sk for sk in p.skipped if LEVEL_NAMES.index(sk.level) <= upto]
    responders = tuple(Responders(p.system, p.team, p.first, p.gap) for p in pages)
    commander, backup = _commander(ctx, systems, skipped, notes)
    impact = blast_radius(ctx.catalog, g, names)
    if not ctx.people.checked:
        notes.append("roster not checked" + (f" ({ctx.people.roster_problem})" if ctx.people.roster_problem
                                             else ": everyone listed is assumed to be employed"))
    return Room(names, ctx.at, commander, backup, responders, _suspects(ctx, g, names),
                _stakeholders(ctx, systems, impact, skipped), _channels(ctx, systems), impact,
                tuple(_unique(skipped)), tuple(notes), ctx.people.checked)


def _commander(ctx: Context, systems: Sequence[System], skipped: list[Skip],
               notes: list[str]) -> tuple[Contact | None, Contact | None]:
    rotation = ctx.catalog.rotations.get(COMMANDER_ROTATION)
    if rotation is None or not rotation.members:
        notes.append(f"no '{COMMANDER_ROTATION}' rotation in the catalog: the first responder leads")
        return None, None
    current = rot.shift_at(rotation, ctx.at)
    if isinstance(current, rot.NotStarted):
        notes.append(f"rotation {COMMANDER_ROTATION} has not started (first shift "
                     f"{current.starts.strftime('%Y-%m-%d %H:%M UTC')}); using its first members")
    people = ctx.people
    owning = _owning_keys(ctx, systems)
    available: list[tuple[Contact, bool]] = []  # (contact, on an owning team)
    seen: set[str] = set()
    for k, shift in enumerate(rot.upcoming(rotation, ctx.at)):
        person = people.resolve(shift.member)
        key = people.key(shift.member, person)
        if key in seen:
            continue
        seen.add(key)
        reason = people.cannot_page(person)
        if reason:
            skipped.append(people.skip(shift.member, person, "incident-commander", reason))
            continue
        why = "incident commander on call" if k == 0 else f"next in rotation {COMMANDER_ROTATION}"
        available.append((people.contact(shift.member, person, why), key in owning))
    if not available:
        notes.append(f"nobody in rotation {COMMANDER_ROTATION} can be paged: the first responder leads")
        return None, None
    outside = [c for c, inside in available if not inside]
    chosen = outside[0] if outside else available[0][0]
    if chosen is not available[0][0]:
        notes.append(f"{available[0][0].label} is on an affected system's owning team and is needed there; "
                     f"{chosen.label} commands")
        chosen = chosen.but(why="incident commander (covering: the scheduled one owns an affected system)")
    elif available[0][1]:
        notes.append(f"the incident commander {chosen.label} is also on an owning team: nobody else is available")
    # the backup, too, is best someone who is not needed on an owning team
    rest = [c for c, _ in available if c.ref != chosen.ref]
    rest_outside = [c for c, inside in available if not inside and c.ref != chosen.ref]
    backup = None
    if rest:
        b = (rest_outside or rest)[0]
        backup = b.but(why="backup incident commander")
    return chosen, backup


def _owning_keys(ctx: Context, systems: Sequence[System]) -> set[str]:
    keys: set[str] = set()
    for s in systems:
        team = ctx.catalog.teams.get(s.owner)
        for ref in (*(team.members if team else ()), *s.maintainers):
            keys.add(ctx.people.key(ref, ctx.people.resolve(ref)))
    return keys


def _suspects(ctx: Context, g: nx.DiGraph, names: tuple[str, ...]) -> tuple[Suspect, ...]:
    distances = dependencies(g, names)
    systems, teams = ctx.catalog.systems, ctx.catalog.teams
    ordered = sorted(distances.items(), key=lambda kv: (kv[1], systems[kv[0]].tier, kv[0]))
    out = []
    for name, depth in ordered:
        s = systems[name]
        team = teams.get(s.owner)
        contacts: tuple[Contact, ...] = ()
        if depth <= SUSPECT_CONTACT_DEPTH:
            first = page(ctx, s).first
            contacts = first.contacts if first else ()
        out.append(Suspect(name, depth, s.tier, s.owner, team.channel if team else None, contacts, s.owner_person))
    return tuple(out)


def _stakeholders(ctx: Context, systems: Sequence[System], impact: Impact,
                  skipped: list[Skip]) -> tuple[StakeholderGroup, ...]:
    catalog, people = ctx.catalog, ctx.people
    because: dict[str, list[str]] = {}
    pulled = [*systems, *(catalog.systems[h.name] for h in impact.hits if h.customer_facing)]
    for s in pulled:
        for group_name in s.stakeholders:
            because.setdefault(group_name, []).append(s.name)
    out = []
    for name in sorted(because):
        group = catalog.stakeholders.get(name)
        contacts = []
        for ref in group.contacts if group else ():
            person = people.resolve(ref)
            reason = people.cannot_page(person)
            if reason:
                skipped.append(people.skip(ref, person, f"stakeholder {name}", reason))
            else:
                contacts.append(people.contact(ref, person, f"stakeholder: {name}"))
        out.append(StakeholderGroup(name, group.channel if group else None, tuple(contacts),
                                    tuple(dict.fromkeys(because[name]))))
    return tuple(out)


def _channels(ctx: Context, systems: Sequence[System]) -> tuple[Channels, ...]:
    out = []
    for s in systems:
        incident, status = s.channels.get("incident"), s.channels.get("status")
        note = None
        if not incident:
            team = ctx.catalog.teams.get(s.owner)
            if team and team.channel:
                incident, note = team.channel, "no incident channel in the catalog: using the team channel"
            else:
                note = "no incident channel and no team channel in the catalog"
        out.append(Channels(s.name, incident, status, note))
    return tuple(out)


def _unique(skips: list[Skip]) -> list[Skip]:
    seen: set[tuple[str, str]] = set()
    out = []
    for sk in skips:
        key = (normalize(sk.ref), sk.level)
        if key not in seen:
            seen.add(key)
            out.append(sk)
    return out
