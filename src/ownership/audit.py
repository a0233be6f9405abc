"""The audit: validate's rules, the people rules and the activity rules over one Snapshot, plus successors
for the systems that need one and the blast radius of every system. Pure: no I/O.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ownership.analysis import people
from ownership.analysis.impact import Impact, impacts
from ownership.model import Finding, Snapshot
from ownership.rules import engine
from ownership.analysis.successors import Suggestion, suggest

__all__ = ["AuditResult", "Impact", "Suggestion", "audit", "GROUPS"]

GROUPS = ("catalog", "people", "activity")
# findings that mean "this system needs (another) owner": the audit ranks successors for their subjects
NEEDS_SUCCESSOR = ("orphaned", "knowledge-loss", "bus-factor", "ownership-drift", "owner-left")


@dataclass(frozen=True)
class AuditResult:
    snapshot: Snapshot  # catalog, roster (or None), activity (or None), today, options
    findings: tuple[Finding, ...]  # validate's + people + activity rules, sorted, severities stamped
    successors: Mapping[str, tuple[Suggestion, ...]]  # system -> ranked suggestions (systems needing one)
    impact: Mapping[str, Impact]  # every system


def audit(snap: Snapshot, loaded: Sequence[Finding] = ()) -> AuditResult:
    """Every applicable rule over `snap` (loader findings in `loaded` included), successors, blast radius."""
    findings = engine.run(snap, GROUPS, loaded)
    systems = snap.catalog.systems
    reasons: dict[str, set[str]] = {}
    for f in findings:
        if f.rule in NEEDS_SUCCESSOR and f.subject.startswith("system:"):
            reasons.setdefault(f.subject.removeprefix("system:"), set()).add(f.rule)
    found = {}
    if snap.roster is not None:
        for name in sorted(set(reasons) & set(systems)):
            found[name] = suggest(snap, name, exclude=_sole_holders(snap, name, reasons[name]))
    return AuditResult(snap, tuple(findings), found, impacts(snap.catalog))


def _sole_holders(snap: Snapshot, system: str, rules: set[str]) -> set[str]:
    """When the only gap is a bus factor of 1, the person the knowledge rests on is not a successor."""
    if rules != {"bus-factor"}:
        return set()
    sa = people.activity_of(snap, system)
    if sa is None:
        return set()
    tf, removed = people.employed_truck_factor(snap, sa)
    ids = {c.key: c.person for c in sa.contributors}
    return {p for key in removed[:tf] if (p := ids.get(key)) is not None}
