"""Off-boarding simulation: treat some people as gone and show what that does to ownership. Pure: no I/O,
and nothing is written.

The people are marked inactive (end date: today) in a copy of the roster; every number is then computed the
same way the audit computes it, before and after, so the two sides compare like for like. The "before" side
is the audit's own Assessment of the snapshot (analysis/assessment.py): an `Offboarding` holds it, and the
indexes of the unchanged snapshot, so simulating every person of an org (the site) derives each once.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ownership.analysis.assessment import Assessment
from ownership.analysis.impact import build_graph, dependents
from ownership.analysis.people import activity_of, employed, employed_people, person_of, resolver
from ownership.audit import GROUPS
from ownership.model import Activity, Finding, Roster, Snapshot, System
from ownership.roster.identity import register_variant
from ownership.rules import engine


@dataclass(frozen=True)
class SystemChange:
    """How one system fares when the people leave."""

    system: str
    tier: int
    orphaned: bool  # had an active owner before, none after
    lost_last_maintainer: bool  # had an employed named maintainer before, none after
    maintainers_before: tuple[str, ...]  # employed maintainer labels
    maintainers_after: tuple[str, ...]
    owners_before: int  # active owners (employed team members and maintainers)
    owners_after: int
    truck_factor_before: int | None  # among employed authors; None without git activity
    truck_factor_after: int | None
    knowledge_loss_before: float | None  # share of files whose every author has left
    knowledge_loss_after: float | None
    dependents: Sequence[str] = ()  # blast radius when it becomes orphaned (impact.Listed: listed on use)
    tier1_dependents: int = 0

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self) | {"dependents": list(self.dependents),
                                           "maintainers_before": list(self.maintainers_before),
                                           "maintainers_after": list(self.maintainers_after)}


@dataclass(frozen=True)
class OffboardResult:
    people: tuple[str, ...]  # roster person ids treated as gone
    labels: Mapping[str, str]  # person id -> label (email)
    unknown: tuple[str, ...]  # references that matched nobody in the roster
    already_gone: tuple[str, ...]  # person ids that had already left
    changes: tuple[SystemChange, ...]  # only systems where something changes, riskiest first
    teams_emptied: tuple[str, ...] = ()  # teams left with no employed member
    blast_radius: tuple[str, ...] = field(default=())  # every system depending on something orphaned
    new_findings: tuple[Finding, ...] = ()  # audit findings after that were not there before

    @property
    def orphaned(self) -> tuple[str, ...]:
        return tuple(c.system for c in self.changes if c.orphaned)


def without(snap: Snapshot, person_ids: Sequence[str], positions: Mapping[str, int] | None = None) -> Snapshot:
    """The same snapshot with those people inactive as of `snap.today`. `positions`: roster id -> index in
    the roster's people (worked out when not given)."""
    assert snap.roster is not None
    res = resolver(snap)
    assert res is not None
    replaced = {pid: dataclasses.replace(p, active=False, end_date=min(p.end_date or snap.today, snap.today))
                for pid in dict.fromkeys(person_ids) if (p := res.person(pid)) is not None}
    people = list(snap.roster.people)
    where = positions if positions is not None else _positions(snap.roster)
    for pid, p in replaced.items():
        people[where[pid]] = p
    roster: Roster = dataclasses.replace(snap.roster, people=tuple(people))
    register_variant(snap.roster, roster, replaced)  # identities are unchanged: no need to index them again
    return dataclasses.replace(snap, roster=roster)


def _positions(roster: Roster) -> dict[str, int]:
    return {p.id: i for i, p in enumerate(roster.people)}


def _involved(snap: Snapshot) -> dict[str, tuple[set[str], set[str]]]:
    """Roster id -> (teams they are a member or manager of, systems they maintain or committed to).

    Leaving can only change findings about these teams, these systems and the systems those teams own; the
    index is built once per Offboarding, so simulating every person of a large org stays cheap.
    """
    res = resolver(snap)
    assert res is not None
    out: dict[str, tuple[set[str], set[str]]] = {}
    for r in snap.catalog.person_refs():
        if r.role not in ("member", "manager", "maintainer"):
            continue
        p = res.resolve(r.ref)
        if p is not None:
            teams, systems = out.setdefault(p.id, (set(), set()))
            (systems if r.role == "maintainer" else teams).add(r.name)
    act = snap.activity
    if isinstance(act, Activity):
        for sa in act.systems.values():
            for c in sa.contributors:
                if c.person is not None and sa.system in snap.catalog.systems:
                    out.setdefault(c.person, (set(), set()))[1].add(sa.system)
    return out


class Offboarding:
    """Off-boarding simulations against one snapshot, whose facts `before` holds (the audit's Assessment)."""

    def __init__(self, before: Assessment) -> None:
        snap = before.snapshot
        if snap.roster is None:
            raise ValueError("the off-boarding simulation needs a roster")
        self.before = before
        self.snapshot = snap
        self._positions = _positions(snap.roster)
        self._involved = _involved(snap)
        self._findings: set[tuple[str, str, str]] | None = None

    def findings_before(self) -> set[tuple[str, str, str]]:
        """The identities of the unchanged snapshot's audit findings."""
        if self._findings is None:
            self._findings = {f.identity for f in engine.run(self.snapshot, GROUPS, facts=self.before)}
        return self._findings

    def scope(self, ids: Sequence[str]) -> tuple[set[str], set[str]]:
        """(systems, teams) whose findings the departure of `ids` can change."""
        teams: set[str] = set()
        systems: set[str] = set()
        for pid in ids:
            t, s = self._involved.get(pid, (set(), set()))
            teams |= t
            systems |= s
        for team in teams:
            systems.update(self.snapshot.catalog.owned_by(team))
        return systems, teams

    def scoped(self, after: Assessment, systems: set[str], teams: set[str]) -> Assessment:
        """The facts of `after` narrowed to the systems in scope, their direct dependents and the teams that
        own them, answering whole-catalog questions (blast radius, "is this person in any team", owners,
        successors) from the whole catalog."""
        cat = self.snapshot.catalog
        g = build_graph(cat)
        names = set(systems)
        for name in systems:
            names.update(g.predecessors(name))  # "does something in production still depend on it?"
        owners = teams | {cat.systems[n].owner for n in names}
        part = dataclasses.replace(cat, systems={n: cat.systems[n] for n in sorted(names)},
                                   teams={n: cat.teams[n] for n in sorted(owners) if n in cat.teams})
        return after.narrowed(part)

    def run(self, people: Sequence[str]) -> OffboardResult:
        """What happens to ownership if `people` (roster references: emails, usernames, ids) left today."""
        snap, before = self.snapshot, self.before
        ids, labels, unknown, gone_already = [], {}, [], []
        for ref in people:
            p = person_of(snap, ref)
            if p is None:
                unknown.append(ref)
                continue
            if p.id not in ids:
                ids.append(p.id)
                labels[p.id] = p.label
                if not employed(snap, p):
                    gone_already.append(p.id)
        after = Assessment(without(snap, ids, self._positions), impact=before.impact, teams=before.teams)
        systems, teams = self.scope(ids)
        cat = snap.catalog
        changes = [c for name in sorted(systems) if (c := _change(before, after, cat.systems[name])) is not None]
        imp = before.impact
        changes.sort(key=lambda c: (not c.orphaned, not c.lost_last_maintainer, -imp[c.system].score, c.system))
        emptied = sorted(t for t in teams if employed_people(snap, cat.teams[t].members)
                         and not employed_people(after.snapshot, cat.teams[t].members))
        orphaned = [c.system for c in changes if c.orphaned]
        radius = sorted(set(dependents(build_graph(cat), orphaned)) - set(orphaned))
        before_ids = self.findings_before()
        # only the rules that read the roster can judge differently when people leave
        subjects = {f"system:{n}" for n in systems} | {f"team:{n}" for n in teams}
        scoped = self.scoped(after, systems, teams)
        new = tuple(f for f in engine.run(scoped.snapshot, GROUPS, needing="roster", facts=scoped)
                    if f.identity not in before_ids and (f.subject in subjects or f.subject.startswith("person:")))
        return OffboardResult(tuple(ids), labels, tuple(unknown), tuple(gone_already), tuple(changes),
                              tuple(emptied), tuple(radius), new)


def offboard(snap: Snapshot, people: Sequence[str], facts: Assessment | None = None) -> OffboardResult:
    """What happens to ownership if `people` (roster references: emails, usernames, ids) left on `snap.today`.
    `facts`: the snapshot's Assessment when the caller has one (the audit's). Several simulations against one
    snapshot: `Offboarding(facts).run(...)` each."""
    if snap.roster is None:
        raise ValueError("the off-boarding simulation needs a roster")
    return Offboarding(facts if facts is not None else Assessment(snap)).run(people)


def _maintainers(snap: Snapshot, s: System) -> tuple[str, ...]:
    return tuple(p.label for p in employed_people(snap, s.maintainers))


def _change(before: Assessment, after: Assessment, s: System) -> SystemChange | None:
    owners_before = len(before.owners(s.name))
    owners_after = len(after.owners(s.name))
    m_before, m_after = _maintainers(before.snapshot, s), _maintainers(after.snapshot, s)
    sa = activity_of(before.snapshot, s.name)
    tf_b = tf_a = None
    kl_b = kl_a = None
    if sa is not None and sa.files:
        tb, ta, kb, ka = before.truck(s.name), after.truck(s.name), before.knowledge(s.name), after.knowledge(s.name)
        assert tb is not None and ta is not None and kb is not None and ka is not None  # a roster and a scan
        tf_b, tf_a, kl_b, kl_a = tb.factor, ta.factor, kb.share, ka.share
    if (owners_before, m_before, tf_b, kl_b) == (owners_after, m_after, tf_a, kl_a):
        return None
    orphaned = owners_before > 0 and owners_after == 0
    imp = before.impact[s.name]
    return SystemChange(
        s.name, s.tier, orphaned, bool(m_before) and not m_after, m_before, m_after, owners_before, owners_after,
        tf_b, tf_a, round(kl_b, 3) if kl_b is not None else None, round(kl_a, 3) if kl_a is not None else None,
        imp.dependents if orphaned else (), imp.tier1 if orphaned else 0)
