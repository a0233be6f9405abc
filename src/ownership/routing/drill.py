"""`ownership drill`: the page and the room of every system at every hand-over of a window, and the gaps they
show. Pure: the catalog, the roster and what the on-call providers said about the window in, a `Drill` out.

A hand-over is any moment an answer can change: a catalog rotation's shift change (and its first shift), the
start or end of an on-call provider's entry, and a day someone in the roster leaves (00:00 UTC of their end
date). Between two hand-overs every answer stays the same, so the drill asks `page()` and `roles()` (routing/
page.py, routing/incident.py: the judgement stays there) once per stretch.

Two ways to get the same answer: the plain one asks every system at every hand-over of every rotation; the
fast one (the default) asks each system only at the hand-overs of what it depends on: its own and its team's
on-call (rotation, providers), the people its page names (their leaving days), and the role sources and the
org fallback for the moments those matter. tests/routing/test_drill.py checks that both are equal.

Gap kinds are a contract (docs/drill.md): add, never rename.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ownership.analysis import rotation as rot
from ownership.analysis.people import People, status
from ownership.model import Catalog, OnCall, Person, Roster, Rotation, System, Target
from ownership.oncall.provider import OnCallAnswer
from ownership.routing.context import Context
from ownership.routing.incident import COMMANDER_ROTATION, RoleSources, role_sources, roles
from ownership.routing.oncall import oncall_unknown
from ownership.routing.page import MAX_MANAGER_HOPS, Page, page, parent_teams
from ownership.support.words import plural

UTC = rot.UTC
SOLE_RESPONDER_THRESHOLD = 3

KINDS: dict[str, str] = {
    "nobody-reachable": "a stretch of time in which the system's own page (on-call, maintainers, team, "
                        "management) has nobody who can be paged; says whether the org fallback covers it",
    "oncall-unknown": "an on-call provider could not say who is on call for the system (unavailable, or a "
                      "target it does not know): unknown, not fine",
    "level-all-left": "a page level whose people all left, are inactive in HR, or transferred",
    "sole-responder": "one person is the only one the page can reach for several tier-1 systems at once "
                      "(the threshold, default 3)",
    "commander-is-responder": "the incident commander the room would get is also a responder of the system",
    "rotation-leaver": "a rotation lists a member who left, is inactive in HR, or leaves within the window",
    "stakeholder-no-contact": "a stakeholder group an incident can pull in has no contact who can be reached",
    "tier1-no-runbook": "a tier-1 system without a runbook",
    "tier1-no-status-channel": "a tier-1 system without a status channel",
}


@dataclass(frozen=True, slots=True)
class Gap:
    """One gap: what (`kind`), when (`start`-`end`), which systems and people, in words (`message`)."""

    kind: str
    start: dt.datetime
    end: dt.datetime
    message: str
    systems: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    rotation: str | None = None
    stakeholder: str | None = None
    fallback: bool | None = None  # nobody-reachable: whether the org fallback has someone to page

    # the shape every problem record has (analysis/problems.py Problem): kind, subject, message, when, evidence

    @property
    def subject(self) -> str:
        """What the gap is about, by name: its stakeholder group or rotation, else its (first) system, else
        its (first) person."""
        return self.stakeholder or self.rotation or next(iter(self.systems + self.people), "")

    @property
    def when(self) -> tuple[dt.datetime, dt.datetime]:
        return self.start, self.end

    @property
    def evidence(self) -> dict[str, Any]:
        """Everything the JSON says besides the kind, the time and the message."""
        out: dict[str, Any] = {"systems": list(self.systems), "people": list(self.people)}
        for key in ("rotation", "stakeholder", "fallback"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out

    def to_json(self) -> dict[str, Any]:
        evidence = self.evidence
        out: dict[str, Any] = {"kind": self.kind, "start": _iso(self.start), "end": _iso(self.end),
                               "systems": evidence.pop("systems"), "people": evidence.pop("people"),
                               "message": self.message}
        return out | evidence


@dataclass(frozen=True)
class Drill:
    start: dt.datetime
    end: dt.datetime
    tz: dt.tzinfo
    gaps: tuple[Gap, ...]
    systems: int  # systems in scope
    hand_overs: int  # distinct moments in the window at which some answer can change
    asked: int  # page() calls made
    roster_checked: bool
    notes: tuple[str, ...] = ()
    tier: int | None = None
    threshold: int = SOLE_RESPONDER_THRESHOLD
    team: str | None = None  # --team: only the systems this team owns

    def when(self, t: dt.datetime) -> str:
        return rot.shown(t, self.tz)

    def between(self, start: dt.datetime, end: dt.datetime) -> tuple[Gap, ...]:
        """The gaps that overlap [start, end) (the weekly report's "this week", "next week")."""
        return tuple(g for g in self.gaps if g.start < end and start < g.end)


Fact = tuple[str, tuple[str, ...], str, bool | None]  # kind, people, message, fallback
Asked = tuple[str, str]  # (on-call provider, target)


def in_scope(catalog: Catalog, tier: int | None = None, team: str | None = None) -> list[System]:
    """The systems a drill covers: of tier <= `tier` (all when None), owned by `team` (any when None)."""
    owned = set(catalog.owned_by(team)) if team is not None else None
    return [s for s in catalog.systems.values()
            if (tier is None or s.tier <= tier) and (owned is None or s.name in owned)]


def drill(catalog: Catalog, roster: Roster | None, start: dt.datetime, end: dt.datetime, *,
          tier: int | None = None, oncall: Mapping[str, OnCallAnswer] | None = None, tz: dt.tzinfo = UTC,
          threshold: int = SOLE_RESPONDER_THRESHOLD, roster_problem: str | None = None,
          plain: bool = False, team: str | None = None) -> Drill:
    """The drill of [start, end) for the systems `in_scope`. `plain`: ask every system at every hand-over (the
    slow reference the fast path is tested against). `oncall`: each asked provider's answer over the window."""
    run = _Run(catalog, roster, start, end, oncall or {}, tz, roster_problem)
    scope = in_scope(catalog, tier, team)
    timelines = {s.name: (run.plain(s) if plain else run.fast(s)) for s in sorted(scope, key=lambda s: s.name)}
    same: dict[tuple[Any, ...], list[str]] = {}  # one gap for the systems that share it word for word
    for name, samples in timelines.items():
        for g in _system_gaps(name, samples, end):
            same.setdefault((g.kind, g.start, g.end, g.message, g.people, g.fallback), []).append(name)
    gaps = [Gap(kind, s0, e0, msg, tuple(names), who, fallback=fb)
            for (kind, s0, e0, msg, who, fb), names in same.items()]
    tier1 = {s.name for s in scope if s.tier == 1}
    gaps += _sole_responders({n: t for n, t in timelines.items() if n in tier1}, end, threshold)
    gaps += run.rotation_leavers(scope)
    gaps += run.stakeholders(scope)
    for s in sorted(scope, key=lambda s: s.name):
        if s.tier == 1 and not s.runbook:
            gaps.append(Gap("tier1-no-runbook", start, end, f"{s.name} is tier 1 and has no runbook", (s.name,)))
        if s.tier == 1 and not s.channels.get("status"):
            gaps.append(Gap("tier1-no-status-channel", start, end,
                            f"{s.name} is tier 1 and has no status channel", (s.name,)))
    notes = []
    if roster is None:
        notes.append("roster not checked" + (f" ({roster_problem})" if roster_problem else
                                             ": everyone listed is assumed to be employed, leavers are not found"))
    notes += [f"{a.title} unavailable ({a.error}): on-calls it would say are unknown"
              for a in (oncall or {}).values() if a.error]
    gaps.sort(key=lambda g: (g.start, g.kind, g.systems, g.people, g.message))
    return Drill(start, end, tz, tuple(gaps), len(scope), len(run.all_moments()), run.asked, roster is not None,
                 tuple(notes), tier, threshold, team)


# --------------------------------------------------------------------------- one system over the window


@dataclass(frozen=True, slots=True)
class Sample:
    """What one system's page and room say from `at` until the next sample."""

    at: dt.datetime
    facts: tuple[Fact, ...]
    sole: str | None  # the one person the page can reach, when it reaches exactly one


class _Run:
    def __init__(self, catalog: Catalog, roster: Roster | None, start: dt.datetime, end: dt.datetime,
                 oncall: Mapping[str, OnCallAnswer], tz: dt.tzinfo, roster_problem: str | None) -> None:
        self.catalog, self.roster, self.start, self.end = catalog, roster, start, end
        self.oncall, self.tz, self.roster_problem = oncall, tz, roster_problem
        self._people: dict[dt.date, People] = {}
        self._ctx: dict[dt.datetime, Context] = {}
        self._roles: dict[dt.datetime, RoleSources] = {}
        self.asked = 0
        any_people = self.people(start.date())
        self.resolve: Callable[[str], Person | None] = any_people.resolve
        self.manager_of = any_people.manager_of
        self.fallback_deps = self._targets(catalog.incident.fallback)
        self.role_deps = self._targets(role_targets(catalog))
        self.fallback_moments = sorted(self.fallback_deps)
        self.role_moments = sorted(self.role_deps)

    # ----- inputs at a moment

    def people(self, day: dt.date) -> People:
        found = self._people.get(day)
        if found is None:
            found = self._people[day] = People(self.catalog, self.roster, day, roster_problem=self.roster_problem)
        return found

    def ctx(self, at: dt.datetime) -> Context:
        found = self._ctx.get(at)
        if found is None:
            answers = {name: a.at(at) for name, a in self.oncall.items()}
            found = self._ctx[at] = Context(self.catalog, at, self.people(at.date()), answers, None, self.tz)
        return found

    def role_sources(self, at: dt.datetime) -> RoleSources:
        found = self._roles.get(at)
        if found is None:
            found = self._roles[at] = role_sources(self.ctx(at))
        return found

    # ----- what a system depends on: the moments its answers can change

    def _moments(self, rotations: Iterable[str], targets: Iterable[Asked], refs: Iterable[str]) -> set[dt.datetime]:
        out: set[dt.datetime] = set()
        for name in rotations:
            r = self.catalog.rotations.get(name)
            if r is not None:
                out |= set(hand_overs(r, self.start, self.end))
        refs = list(refs)
        for name, target in targets:
            if (a := self.oncall.get(name)) is not None:
                out |= a.changes([target])
                refs += a.people([target])
        out |= self._leaving(refs)
        return {t for t in out if self.start < t < self.end}

    def _leaving(self, refs: Iterable[str]) -> set[dt.datetime]:
        out = set()
        for ref in refs:
            p = self.resolve(ref)
            if p is not None and p.end_date is not None:
                out.add(dt.datetime(p.end_date.year, p.end_date.month, p.end_date.day, tzinfo=UTC))
        return out

    def _setups(self, oncalls: Iterable[OnCall]) -> tuple[list[str], list[Asked]]:
        """(rotations, (provider, target) pairs) of on-call set-ups."""
        rotations: list[str] = []
        targets: list[Asked] = []
        for oc in oncalls:
            rotations += [oc.rotation] if oc.rotation else []
            targets += [(name, t) for name, ts in oc.providers.items() for t in ts]
        return rotations, targets

    def _targets(self, targets: Iterable[Target]) -> set[dt.datetime]:
        rotations: list[str] = []
        policies: list[Asked] = []
        refs: list[str] = []
        for t in targets:
            if t.rotation:
                rotations.append(t.rotation)
                r = self.catalog.rotations.get(t.rotation)
                refs += r.members if r else ()
            elif t.team:
                team = self.catalog.teams.get(t.team)
                if team is not None:
                    rs, ps = self._setups([team.oncall] if team.oncall else [])
                    rotations += rs
                    policies += ps
                    refs += [*team.members, *([team.manager] if team.manager else [])]
                    refs += [m for name in rs if (r := self.catalog.rotations.get(name)) for m in r.members]
            elif t.stakeholder:
                group = self.catalog.stakeholders.get(t.stakeholder)
                refs += group.contacts if group else ()
            else:
                refs += t.people
        return self._moments(rotations, policies, refs)

    def own_moments(self, system: System) -> set[dt.datetime]:
        """The moments the system's own page levels can change."""
        catalog = self.catalog
        team = catalog.teams.get(system.owner)
        rotations, policies = self._setups(oc for _, oc in catalog.oncalls(system))
        refs: list[str] = [*system.maintainers]
        if team is not None:
            refs += team.members
            if team.manager:
                refs.append(team.manager)
                person = self.resolve(team.manager)
                for _ in range(MAX_MANAGER_HOPS):
                    person = self.manager_of(person)
                    if person is None:
                        break
                    refs.append(person.email or person.id)
            for parent in parent_teams(catalog, team):
                refs += [*parent.members, *([parent.manager] if parent.manager else [])]
        refs += [m for name in rotations if (r := catalog.rotations.get(name)) for m in r.members]
        return self._moments(rotations, policies, refs)

    def all_moments(self) -> list[dt.datetime]:
        """Every hand-over of the window: each rotation's, each provider's and each leaving day (plain path)."""
        out = {self.start}
        for r in self.catalog.rotations.values():
            out |= set(hand_overs(r, self.start, self.end))
        for a in self.oncall.values():
            out |= a.changes(a.targets)
        if self.roster is not None:
            out |= self._leaving(p.email or p.id for p in self.roster.people)
        return sorted(t for t in out if self.start <= t < self.end)

    # ----- sampling

    def sample(self, system: System, at: dt.datetime, p: Page | None = None, always_roles: bool = False) -> tuple[
            Page, Sample]:
        ctx = self.ctx(at)
        if p is None:
            p = page(ctx, system)
            self.asked += 1
        people = ctx.people
        reach = p.reach.contacts if p.reach is not None else ()
        responders = {people.key(c.ref, people.resolve(c.ref)): c for c in reach}
        facts: list[Fact] = []
        if p.first is None:
            covered = p.reach is not None
            facts.append(("nobody-reachable", tuple(c.label for c in reach), p.gap or "", covered))
        unknown = oncall_unknown(ctx, system)
        if unknown is not None:
            facts.append(("oncall-unknown", (), unknown, None))
        for lv in p.levels:
            named = self.named(system, lv.name, lv.source) if not lv.contacts else []
            gone = [(ref, why) for ref, team in named
                    if (person := people.resolve(ref)) is not None and (why := people.cannot_page(person, team))]
            if named and len(gone) == len(named):
                who = ", ".join(f"{ref} ({why})" for ref, why in gone)
                facts.append(("level-all-left", tuple(ref for ref, _ in gone),
                              f"{system.name}: nobody at the {lv.name} level can be paged: {who}", None))
        given = self.role_sources(at)
        commanders = {key for key, _ in given.found.get("commander", ())}
        if always_roles or commanders & responders.keys():  # a commander who is no responder cannot be one
            commander = roles(ctx, [system], [p], given)[0]
            c = commander.contact
            key = people.key(c.ref, people.resolve(c.ref)) if c is not None else None
            if c is not None and key in responders:
                facts.append(("commander-is-responder", (c.label,),
                              f"{c.label} would be the incident commander of {system.name} and is also its "
                              f"responder ({responders[key].why})" + (f"; {commander.note}" if commander.note
                                                                       else ""), None))
        everyone = {people.key(c.ref, people.resolve(c.ref)): c.label
                    for lv in (p.levels if p.first is not None else (p.fallback,) if p.fallback else ())
                    for c in lv.contacts}
        return p, Sample(at, tuple(facts), next(iter(everyone.values())) if len(everyone) == 1 else None)

    def named(self, system: System, level: str, source: str | None) -> list[tuple[str, str | None]]:
        """The people the catalog names at a page level, each with the team a transfer is judged for."""
        team = self.catalog.teams.get(system.owner)
        if level == "on-call" and source and source.startswith("rotation "):
            r = self.catalog.rotations.get(source.removeprefix("rotation "))
            return [(ref, None) for ref in dict.fromkeys(r.members)] if r else []
        if level == "maintainers":
            return [(ref, None) for ref in dict.fromkeys(system.maintainers)]
        if level == "team" and team is not None:
            return [(ref, team.name) for ref in dict.fromkeys(team.members)]
        if level == "management" and team is not None and team.manager:
            return [(team.manager, None)]
        if level == "parent team":
            return [(ref, parent.name) for parent in parent_teams(self.catalog, team)
                    for ref in (*parent.members, *([parent.manager] if parent.manager else []))]
        return []

    def plain(self, system: System) -> list[Sample]:
        return [self.sample(system, t, always_roles=True)[1] for t in self.all_moments()]

    def fast(self, system: System) -> list[Sample]:
        own = sorted({self.start, *self.own_moments(system)})
        out: list[Sample] = []
        for i, t in enumerate(own):
            upto = own[i + 1] if i + 1 < len(own) else self.end
            p, first = self.sample(system, t)
            out.append(first)
            # inside this stretch only the org fallback (when paged) and the role sources can change
            extra = set(_inside(self.role_moments, t, upto))
            if p.first is None:
                extra |= set(_inside(self.fallback_moments, t, upto))
            for u in sorted(extra):
                if p.first is None and u in self.fallback_deps:
                    p, now = self.sample(system, u)  # the fallback's people changed: page again
                else:
                    now = self.sample(system, u, p)[1]  # the same page; the roles may differ
                out.append(now)
        return out

    # ----- the catalog-wide checks

    def rotation_leavers(self, scope: Sequence[System]) -> list[Gap]:
        if self.roster is None:
            return []
        used: dict[str, list[str]] = {}
        for s in scope:
            for _, oc in self.catalog.oncalls(s):
                if oc.rotation:
                    used.setdefault(oc.rotation, []).append(s.name)
        org = {t.rotation for t in (*self.catalog.incident.fallback, *role_targets(self.catalog)) if t.rotation}
        out = []
        day = self.start.date()
        for r in sorted(self.catalog.rotations.values(), key=lambda r: r.name):
            if r.name not in used and r.name not in org and len(scope) < len(self.catalog.systems):
                continue  # --tier: only the rotations the systems in scope and the org's incident practice use
            systems = tuple(sorted(set(used.get(r.name, ()))))
            for ref in dict.fromkeys(r.members):
                p = self.resolve(ref)
                if p is None:
                    continue
                st = status(p, day)
                if st.state in ("left", "inactive"):
                    since = self.start
                elif p.end_date is not None and day < p.end_date and _midnight(p.end_date) < self.end:
                    since = _midnight(p.end_date)
                else:
                    continue
                turns = [sh for sh in _shifts(r, self.start, self.end) if sh.member == ref and sh.end > since]
                when = (f"; scheduled for {plural(len(turns), 'shift')} in the window, first {rot.shown(turns[0].start, self.tz)}"
                        if turns else "")
                out.append(Gap("rotation-leaver", since, self.end,
                               f"rotation {r.name} lists {ref}, who {_phrase(st.phrase)}{when}", systems, (ref,),
                               rotation=r.name))
        return out

    def stakeholders(self, scope: Sequence[System]) -> list[Gap]:
        listed: dict[str, list[str]] = {}
        for s in scope:
            for name in s.stakeholders:
                listed.setdefault(name, []).append(s.name)
        out = []
        for group in sorted(self.catalog.stakeholders.values(), key=lambda g: g.name):
            if group.name not in listed and not group.when:
                continue  # no incident pulls it in
            moments = sorted({self.start, *(t for t in self._leaving(group.contacts) if self.start < t < self.end)})
            since: dt.datetime | None = None
            why = ""
            for t in moments:
                people = self.people(t.date())
                reasons = [(ref, people.cannot_page(people.resolve(ref))) for ref in group.contacts]
                if all(r is not None for _, r in reasons):
                    since = since or t
                    why = ", ".join(f"{ref} ({r})" for ref, r in reasons) or "no contacts listed"
                    break
            if since is not None:
                out.append(Gap("stakeholder-no-contact", since, self.end,
                               f"stakeholder group {group.name} has no contact who can be reached: {why}",
                               tuple(sorted(set(listed.get(group.name, ())))), tuple(group.contacts),
                               stakeholder=group.name))
        return out


def role_targets(catalog: Catalog) -> list[Target]:
    out = list(catalog.incident.roles.values())
    if COMMANDER_ROTATION in catalog.rotations and not {"commander", "deputy"} <= catalog.incident.roles.keys():
        out.append(Target(rotation=COMMANDER_ROTATION))
    return out


def _inside(moments: Sequence[dt.datetime], start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    return [t for t in moments if start < t < end]


# --------------------------------------------------------------------------- samples -> gaps


def _system_gaps(name: str, samples: Sequence[Sample], end: dt.datetime) -> list[Gap]:
    """Each fact over consecutive samples as one gap, from its first sample to the sample that drops it."""
    out: list[Gap] = []
    open_: dict[Fact, dt.datetime] = {}
    for s in [*samples, Sample(end, (), None)]:
        now = set(s.facts)
        for fact in [f for f in open_ if f not in now]:
            out.append(_gap(fact, open_.pop(fact), s.at, (name,)))
        for fact in s.facts:
            open_.setdefault(fact, s.at)
    return out


def _gap(fact: Fact, start: dt.datetime, end: dt.datetime, systems: tuple[str, ...]) -> Gap:
    kind, people, message, fallback = fact
    return Gap(kind, start, end, message, systems, people, fallback=fallback)


def _sole_responders(timelines: Mapping[str, Sequence[Sample]], end: dt.datetime, threshold: int) -> list[Gap]:
    """Stretches in which one person is the only one the page reaches for `threshold` or more tier-1 systems."""
    changes: dict[str, dict[dt.datetime, dict[str, bool]]] = {}  # person -> moment -> system -> sole from then
    for name, samples in timelines.items():
        before: str | None = None
        for s in [*samples, Sample(end, (), None)]:
            if s.sole != before:
                if before is not None:
                    changes.setdefault(before, {}).setdefault(s.at, {})[name] = False
                if s.sole is not None:
                    changes.setdefault(s.sole, {}).setdefault(s.at, {})[name] = True
                before = s.sole
    out: list[Gap] = []
    for person in sorted(changes):
        active: set[str] = set()
        since: dt.datetime | None = None
        held: tuple[str, ...] = ()
        for t in sorted(changes[person]):
            for name, on in changes[person][t].items():
                (active.add if on else active.discard)(name)
            now = tuple(sorted(active)) if len(active) >= threshold else ()
            if now != held:
                if held and since is not None:
                    out.append(_sole(person, since, t, held))
                since, held = t, now
    return out


def _sole(person: str, start: dt.datetime, end: dt.datetime, systems: tuple[str, ...]) -> Gap:
    return Gap("sole-responder", start, end, f"{person} is the only person the page reaches for {len(systems)} "
               f"tier-1 systems: {', '.join(systems)}", systems, (person,))


# --------------------------------------------------------------------------- time


def hand_overs(rotation: Rotation, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """The shift changes of `rotation` in (start, end), its first shift's start included."""
    return [sh.start for sh in _shifts(rotation, start, end) if start < sh.start]


def _shifts(rotation: Rotation, start: dt.datetime, end: dt.datetime) -> list[rot.Shift]:
    """The shifts of `rotation` that overlap [start, end), in order."""
    if not rotation.members or rotation.shift <= dt.timedelta(0):
        return []
    first = rot.shift_at(rotation, start)
    if first is None:
        return []
    if isinstance(first, rot.NotStarted):
        if first.starts >= end:
            return []
        first = rot.shift_at(rotation, first.starts)
    out: list[rot.Shift] = []
    at = first.start if isinstance(first, rot.Shift) else start
    while at < end:
        sh = rot.shift_at(rotation, at)
        if not isinstance(sh, rot.Shift):
            break
        out.append(sh)
        at = sh.end
    return out


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=UTC)


def _iso(t: dt.datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _phrase(phrase: str) -> str:
    """A status phrase after "who": "left on D", "is inactive in HR (...)", "leaves on D"."""
    if phrase.startswith("employed, leaves"):
        return phrase.removeprefix("employed, ")
    return phrase if phrase.startswith("left") else f"is {phrase}"
