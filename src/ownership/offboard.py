"""Off-boarding simulation: treat some people as gone and show what that does to ownership. Pure: no I/O,
and nothing is written.

The people are marked inactive (end date: today) in a copy of the roster; every number is then computed the
same way the audit computes it, before and after, so the two sides compare like for like.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ownership import graph, staffing
from ownership.audit import GROUPS
from ownership.impact import impacts
from ownership.model import Finding, Roster, Snapshot, System
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
    dependents: tuple[str, ...] = ()  # blast radius when it becomes orphaned
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


def without(snap: Snapshot, person_ids: Sequence[str]) -> Snapshot:
    """The same snapshot with those people inactive as of `snap.today`."""
    assert snap.roster is not None
    gone = set(person_ids)
    people = tuple(dataclasses.replace(p, active=False, end_date=min(p.end_date or snap.today, snap.today))
                   if p.id in gone else p for p in snap.roster.people)
    roster: Roster = dataclasses.replace(snap.roster, people=people)
    return dataclasses.replace(snap, roster=roster)


def offboard(snap: Snapshot, people: Sequence[str]) -> OffboardResult:
    """What happens to ownership if `people` (roster references: emails, usernames, ids) left on `snap.today`."""
    if snap.roster is None:
        raise ValueError("the off-boarding simulation needs a roster")
    ids, labels, unknown, gone_already = [], {}, [], []
    for ref in people:
        p = staffing.person_of(snap, ref)
        if p is None:
            unknown.append(ref)
            continue
        if p.id not in ids:
            ids.append(p.id)
            labels[p.id] = p.label
            if not staffing.employed(snap, p):
                gone_already.append(p.id)
    after = without(snap, ids)
    changes = [c for s in snap.catalog.systems.values() if (c := _change(snap, after, s)) is not None]
    imp = impacts(snap.catalog)
    changes.sort(key=lambda c: (not c.orphaned, not c.lost_last_maintainer, -imp[c.system].score, c.system))
    emptied = sorted(t.name for t in snap.catalog.teams.values() if _members(snap, t.members)
                     and not _members(after, t.members))
    orphaned = [c.system for c in changes if c.orphaned]
    radius = sorted(set(graph.dependents(graph.build(snap.catalog), orphaned)) - set(orphaned))
    before_ids = _findings_before(snap)
    new = tuple(f for f in engine.run(after, GROUPS) if f.identity not in before_ids)
    return OffboardResult(tuple(ids), labels, tuple(unknown), tuple(gone_already), tuple(changes),
                          tuple(emptied), tuple(radius), new)


_BEFORE: dict[int, tuple[Snapshot, set[tuple[str, str, str]]]] = {}


def _findings_before(snap: Snapshot) -> set[tuple[str, str, str]]:
    """The audit findings of the unchanged snapshot, cached: the site simulates every person against one."""
    hit = _BEFORE.get(id(snap))
    if hit is not None and hit[0] is snap:
        return hit[1]
    found = {f.identity for f in engine.run(snap, GROUPS)}
    if len(_BEFORE) > 4:
        _BEFORE.clear()
    _BEFORE[id(snap)] = (snap, found)
    return found


def _members(snap: Snapshot, refs: Sequence[str]) -> list[str]:
    return [ref for ref in refs if staffing.employed(snap, staffing.person_of(snap, ref))]


def _maintainers(snap: Snapshot, s: System) -> tuple[str, ...]:
    out = []
    for ref in s.maintainers:
        p = staffing.person_of(snap, ref)
        if p is not None and staffing.employed(snap, p):
            out.append(p.label)
    return tuple(out)


def _change(before: Snapshot, after: Snapshot, s: System) -> SystemChange | None:
    owners_before = len(staffing.active_owners(before, s))
    owners_after = len(staffing.active_owners(after, s))
    m_before, m_after = _maintainers(before, s), _maintainers(after, s)
    sa = staffing.activity_of(before, s.name)
    tf_b = tf_a = None
    kl_b = kl_a = None
    if sa is not None and sa.files:
        tf_b, tf_a = staffing.employed_truck_factor(before, sa)[0], staffing.employed_truck_factor(after, sa)[0]
        kl_b, kl_a = staffing.knowledge_loss(before, sa)[0], staffing.knowledge_loss(after, sa)[0]
    if (owners_before, m_before, tf_b, kl_b) == (owners_after, m_after, tf_a, kl_a):
        return None
    orphaned = owners_before > 0 and owners_after == 0
    imp = impacts(before.catalog)[s.name]
    return SystemChange(
        s.name, s.tier, orphaned, bool(m_before) and not m_after, m_before, m_after, owners_before, owners_after,
        tf_b, tf_a, round(kl_b, 3) if kl_b is not None else None, round(kl_a, 3) if kl_a is not None else None,
        imp.dependents if orphaned else (), imp.tier1 if orphaned else 0)
