"""`ownership incident`: who belongs in the room. Pure: composes page lists, the graph and the catalog.

- roles: commander, deputy, communications lead, scribe, operations lead, customer liaison, each from its
  `incident_roles:` source (the commander and deputy default to the `incident-commander` rotation, passing
  over members of the affected systems' owning teams when someone else can take it: they are busy fixing);
  one person holds one role whenever the candidates allow it;
- responders: the first non-empty page level of each affected system, else the org fallback;
- severity: SEV1-4 from the catalog's rules or the default ones (routing/severity.py), or `--sev`;
- status: the status channel's messages and a public status page draft (routing/status.py);
- suspects: the owners of what the affected systems depend on, direct dependencies first, then by tier;
- stakeholders: the non-engineering groups of the affected and the impacted customer-facing systems, and
  each group whose `when:` condition holds;
- channels: where to talk (incident channel) and where to read (status channel), per system;
- impact: the blast radius of all affected systems together.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ownership.analysis import rotation as rot
from ownership.analysis.people import Contact, Skip
from ownership.model import ROLE_TITLES, ROLES, System, Target, owned_by
from ownership.roster.identity import normalize
from ownership.analysis.impact import Impact, blast_radius, dependencies
from ownership.routing.page import LEVEL_NAMES, Context, Level, Page, Collector, page, reachable
from ownership.routing.severity import Severity, holds, severity
from ownership.routing.status import StatusMessages, status_messages

if TYPE_CHECKING:
    import networkx as nx

COMMANDER_ROTATION = "incident-commander"
NOT_CONFIGURED = "no source: add it to incident_roles: in the catalog"
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
    condition: str | None = None  # the `when:` that holds, as words ("an affected system is customer-facing")


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
    roles: tuple[Role, ...] = ()
    severity: Severity | None = None
    pages: tuple[Page, ...] = ()  # each affected system's page (runbook, links, fallback)
    status: StatusMessages | None = None
    tz: dt.tzinfo = dt.timezone.utc
    webs: Mapping[str, str] = field(default_factory=dict)  # on-call provider -> its web address (user links)


def room(ctx: Context, g: nx.DiGraph, systems: Sequence[System], sev: int | None = None) -> Room:
    """The room for an incident on `systems`; `sev` overrides the severity rules (`--sev`)."""
    names = tuple(dict.fromkeys(s.name for s in systems))
    pages = [page(ctx, s) for s in systems]
    notes: list[str] = []
    skipped: list[Skip] = []
    for p in pages:
        # what each page list had to say (a provider down, rotation not started...), once per system
        notes += [f"{p.system}: {n}" for n in p.notes if not n.startswith("roster not checked")]
        # the people who would have been responders: skipped at or before the first level that has anyone
        upto = LEVEL_NAMES.index(p.first.name) if p.first else len(LEVEL_NAMES)
        skipped += [sk for sk in p.skipped if sk.level == "fallback" or LEVEL_NAMES.index(sk.level) <= upto]
    responders = tuple(Responders(p.system, p.team, p.reach, p.gap) for p in pages)
    if COMMANDER_ROTATION not in ctx.catalog.rotations and "commander" not in ctx.catalog.incident.roles:
        notes.append(f"no '{COMMANDER_ROTATION}' rotation in the catalog: the first responder leads")
    roles = _roles(ctx, systems, responders, skipped, notes)
    by_role = {r.role: r for r in roles}
    commander = by_role["commander"].contact
    deputy = by_role["deputy"].contact
    backup = deputy.but(why="backup incident commander") if deputy is not None and deputy != commander else None
    impact = blast_radius(ctx.catalog, g, names)
    level = severity(ctx.catalog, systems, impact, sev)
    if not ctx.people.checked:
        notes.append("roster not checked" + (f" ({ctx.people.roster_problem})" if ctx.people.roster_problem
                                             else ": everyone listed is assumed to be employed"))
    stakeholders = _stakeholders(ctx, systems, impact, skipped, level.level)
    channels = _channels(ctx, systems)
    result = Room(names, ctx.at, commander, backup, responders, _suspects(ctx, g, names), stakeholders, channels,
                  impact, tuple(_unique(skipped)), tuple(notes), ctx.people.checked, roles=roles, severity=level,
                  pages=tuple(pages), tz=ctx.tz, webs=ctx.webs)
    comms = next((r.contact for r in roles if r.role == "communications" and r.contact), None)
    named = [f"{c.name or c.label} ({x.team or x.system})" for x in responders if x.level
             for c in x.level.contacts[:2]]
    status = status_messages(ctx.catalog, systems, impact, level, commander, comms, named,
                             [c.incident for c in channels if c.incident], rot.shown(ctx.at, ctx.tz))
    return dataclasses.replace(result, status=status)


@dataclass(frozen=True)
class Role:
    """One incident role and who holds it; `source` says where the person came from."""

    role: str  # ROLES: commander, deputy, communications, scribe, operations, customer_liaison
    contact: Contact | None
    source: str  # "rotation incident-commander", "the first responder", "not configured"
    note: str | None = None  # doubled up, passed over an owning-team member, nobody available...

    @property
    def title(self) -> str:
        return ROLE_TITLES[self.role]


@dataclass(frozen=True)
class RoleSources:
    """What the roles' people are before any incident picks among them: each role's source and, for a role
    with a catalog target, everyone it names who can be paged (person key, contact), best first. The same for
    every incident at one moment (`ownership drill` works it out once per hand-over)."""

    sources: Mapping[str, str]
    found: Mapping[str, tuple[tuple[str, Contact], ...]]
    skipped: tuple[Skip, ...]
    notes: tuple[str, ...]


def role_sources(ctx: Context) -> RoleSources:
    """Each role's `incident_roles:` source (the commander and deputy default to rotation incident-commander;
    operations is the first responder) and the people it names who can be paged."""
    policy = ctx.catalog.incident.roles
    sources: dict[str, str] = {}
    found: dict[str, tuple[tuple[str, Contact], ...]] = {}
    skipped: list[Skip] = []
    notes: list[str] = []
    asked: dict[Target, tuple[tuple[str, Contact], ...]] = {}
    for role in ROLES:
        target = policy.get(role)
        if target is None and role in ("commander", "deputy") and COMMANDER_ROTATION in ctx.catalog.rotations:
            target = Target(rotation=COMMANDER_ROTATION)
        if target is not None:
            sources[role] = target.describe()
            if target not in asked:  # commander and deputy share their rotation: asked (and noted) once
                said: list[str] = []
                asked[target] = tuple(_candidates(ctx, target, target.describe(), skipped, said))
                notes += [f"incident roles from {target.describe()}: {n}" for n in said]
            found[role] = asked[target]
        else:
            sources[role] = "the first responder" if role == "operations" else NOT_CONFIGURED
    return RoleSources(sources, found, tuple(skipped), tuple(notes))


def roles(ctx: Context, systems: Sequence[System], pages: Sequence[Page],
          given: RoleSources | None = None) -> tuple[Role, ...]:
    """The room's roles for an incident on `systems` whose pages are `pages`, without the rest of the room
    (no blast radius): what `room()` assigns. `given`: role_sources(ctx), when already worked out."""
    responders = [Responders(p.system, p.team, p.reach, p.gap) for p in pages]
    return _roles(ctx, systems, responders, [], [], given)


def _roles(ctx: Context, systems: Sequence[System], responders: Sequence[Responders], skipped: list[Skip],
           notes: list[str], given: RoleSources | None = None) -> tuple[Role, ...]:
    """Each role from its `incident_roles:` source (defaults: the commander and deputy from rotation
    `incident-commander`, operations from the first responder). People who cannot be paged (left, inactive,
    transferred) are never candidates; commanders are best not on an affected system's owning team; and the
    assignment gives every role a different person whenever the candidates allow it (a maximum matching that
    keeps each role's own order of preference)."""
    given = given or role_sources(ctx)
    skipped += given.skipped
    notes += given.notes
    owning = _owning_keys(ctx, systems)
    # whoever is paged for an affected system (its first level, or the org fallback) is needed on the fix too
    owning |= {ctx.people.key(c.ref, ctx.people.resolve(c.ref)) for x in responders if x.level
               for c in x.level.contacts}
    candidates: dict[str, list[tuple[str, Contact]]] = {}  # role -> (person key, contact), best first
    sources = given.sources
    scheduled: dict[str, tuple[str, Contact] | None] = {}  # each role's first candidate, before reordering
    for role in ROLES:
        if role in given.found:
            found = list(given.found[role])
        elif role == "operations":
            found = [(ctx.people.key(c.ref, ctx.people.resolve(c.ref)), c) for x in responders if x.level
                     for c in x.level.contacts]
        else:
            found = []
        scheduled[role] = found[0] if found else None
        if role in ("commander", "deputy"):  # needed on the fix: owning-team people last
            found = [c for c in found if c[0] not in owning] + [c for c in found if c[0] in owning]
        candidates[role] = found
    holder = _match(candidates)
    out: list[Role] = []
    taken: dict[str, str] = {}
    for role in ROLES:
        found = candidates[role]
        pick = holder.get(role)
        note = None
        if pick is None and found:
            pick = found[0]  # everyone it could have is holding another role
            note = f"also {ROLE_TITLES[taken[pick[0]]]}: nobody else is available" if pick[0] in taken else None
        if pick is None:
            why = None if sources[role] == NOT_CONFIGURED else f"nobody in {sources[role]} can be paged"
            out.append(Role(role, None, sources[role], why))
            continue
        key, contact = pick
        first = scheduled[role]
        if first is not None and pick[0] != first[0] and note is None and role in ("commander", "deputy") \
                and first[0] in owning:
            note = f"{first[1].label} is on an affected system's owning team or paged for it, and is needed there"
            if role == "commander":
                notes.append(f"{note}; {contact.label} commands")
        if role in ("commander", "deputy") and key in owning and note is None:
            note = "also on an affected system's owning team or paged for it: nobody else is available"
        taken.setdefault(key, role)
        why = f"{ROLE_TITLES[role]} ({contact.why})"
        if role == "commander" and first is not None:
            if pick[0] == first[0] and contact.why.startswith("on call in rotation"):
                why = "incident commander on call"
            elif pick[0] != first[0] and first[0] in owning:
                why = "incident commander (covering: the scheduled one owns an affected system)"
        out.append(Role(role, contact.but(why=why), sources[role], note))
    return tuple(out)


def _candidates(ctx: Context, target: Target, level: str, skipped: list[Skip],
                notes: list[str]) -> list[tuple[str, Contact]]:
    """Everyone `target` names who can be paged, best first, with their person key (page.reachable). Someone
    HR moved to another team than the catalog lists them in (People.moved_away) holds no role either: a
    transfer is never assigned, whichever source names them."""
    people = ctx.people
    col = Collector(people)
    out = []
    for c in reachable(ctx, target, col, level, notes):
        person = people.resolve(c.ref)
        moved = people.moved_away(person)
        if moved is not None:
            col.skipped.append(people.skip(c.ref, person, level, f"transferred to team {moved}"))
            continue
        out.append((people.key(c.ref, person), c))
    skipped += col.skipped
    return out


def _match(candidates: dict[str, list[tuple[str, Contact]]]) -> dict[str, tuple[str, Contact]]:
    """Roles -> distinct people: a maximum matching (Kuhn's augmenting paths), roles in ROLES order each
    trying its candidates best first, so an earlier role keeps its first choice unless that leaves a later
    role without anyone."""
    owner: dict[str, str] = {}  # person key -> role

    def place(role: str, seen: set[str]) -> bool:
        free = next((key for key, _ in candidates[role] if key not in owner and key not in seen), None)
        if free is not None:  # a free candidate first: nobody is moved while a role has one
            owner[free] = role
            return True
        for key, _ in candidates[role]:
            if key in seen:
                continue
            seen.add(key)
            if place(owner[key], seen):
                owner[key] = role
                return True
        return False

    for role in ROLES:
        place(role, set())
    by_role = {role: key for key, role in owner.items()}
    return {role: next(c for c in candidates[role] if c[0] == key) for role, key in by_role.items()}


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


def _stakeholders(ctx: Context, systems: Sequence[System], impact: Impact, skipped: list[Skip],
                  sev: int) -> tuple[StakeholderGroup, ...]:
    """The groups the affected and the impacted customer-facing systems list, and every group whose `when:`
    holds for this incident; each says what pulled it in."""
    catalog, people = ctx.catalog, ctx.people
    because: dict[str, list[str]] = {}
    pulled = [*systems, *(catalog.systems[h.name] for h in impact.hits if h.customer_facing)]
    for s in pulled:
        for group_name in s.stakeholders:
            because.setdefault(group_name, []).append(s.name)
    conditions: dict[str, str] = {}
    for group in catalog.stakeholders.values():
        met = next((c for c in group.when if holds(c, systems, impact, sev)), None)
        if met is not None:
            conditions[group.name] = met.describe()
    out = []
    for name in sorted({*because, *conditions}):
        found = catalog.stakeholders.get(name)
        contacts = []
        for ref in found.contacts if found else ():
            person = people.resolve(ref)
            reason = people.cannot_page(person)
            if reason:
                skipped.append(people.skip(ref, person, f"stakeholder {name}", reason))
            else:
                contacts.append(people.contact(ref, person, f"stakeholder: {name}"))
        out.append(StakeholderGroup(name, found.channel if found else None, tuple(contacts),
                                    tuple(dict.fromkeys(because.get(name, ()))), conditions.get(name)))
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
