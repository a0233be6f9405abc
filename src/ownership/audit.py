"""The audit: validate's rules, the people rules and the activity rules over one Snapshot, plus successors
for the systems that need one and the blast radius of every system. Pure: no I/O.

It builds the snapshot's one Assessment (analysis/assessment.py): the rules, the successors here and then
the report, the site and the off-boarding simulation read the derived facts from it.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ownership.analysis.assessment import Assessment
from ownership.analysis.impact import Impact
from ownership.model import Finding, Snapshot
from ownership.rules import engine
from ownership.analysis.successors import Suggestion

__all__ = ["Assessment", "AuditResult", "Impact", "Suggestion", "audit", "GROUPS"]

GROUPS = ("catalog", "people", "activity")
# findings that mean "this system needs (another) owner": the audit ranks successors for their subjects
NEEDS_SUCCESSOR = ("orphaned", "knowledge-loss", "bus-factor", "ownership-drift", "owner-left")


@dataclass(frozen=True)
class AuditResult:
    snapshot: Snapshot  # catalog, roster (or None), activity (or None), today, options
    findings: tuple[Finding, ...]  # validate's + people + activity rules, sorted, severities stamped
    successors: Mapping[str, tuple[Suggestion, ...]]  # system -> ranked suggestions (systems needing one)
    impact: Mapping[str, Impact]  # every system
    facts: Assessment  # the snapshot's derived facts, for the report, the site and the off-boarding simulation


def audit(snap: Snapshot, loaded: Sequence[Finding] = ()) -> AuditResult:
    """Every applicable rule over `snap` (loader findings in `loaded` included), successors, blast radius."""
    facts = Assessment(snap)
    findings = engine.run(snap, GROUPS, loaded, facts=facts)
    systems = snap.catalog.systems
    reasons: dict[str, set[str]] = {}
    for f in findings:
        if f.rule in NEEDS_SUCCESSOR and f.subject.startswith("system:"):
            reasons.setdefault(f.subject.removeprefix("system:"), set()).add(f.rule)
    found = {}
    if snap.roster is not None:
        for name in sorted(set(reasons) & set(systems)):
            found[name] = facts.successors(name, exclude=_sole_holders(facts, name, reasons[name]))
    return AuditResult(snap, tuple(findings), found, facts.impact, facts)


def _sole_holders(facts: Assessment, system: str, rules: set[str]) -> set[str]:
    """When the only gap is a bus factor of 1, the person the knowledge rests on is not a successor."""
    if rules != {"bus-factor"}:
        return set()
    sa = facts.history(system)
    truck = facts.truck(system)
    if sa is None or not sa.read or truck is None:
        return set()
    ids = {c.key: c.person for c in sa.contributors}
    return {p for key in truck.removed[:truck.factor] if (p := ids.get(key)) is not None}
