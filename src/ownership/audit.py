"""The audit: validate's rules, the people rules and the activity rules over one Snapshot, plus successors
for the systems that need one and the blast radius of every system. Pure: no I/O.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ownership.impact import Impact, impacts
from ownership.model import Finding, Snapshot
from ownership.rules import engine
from ownership.successors import Suggestion, suggest

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
    need = sorted({f.subject.removeprefix("system:") for f in findings
                   if f.rule in NEEDS_SUCCESSOR and f.subject.startswith("system:")} & set(systems))
    found = {name: suggest(snap, name) for name in need} if snap.roster is not None else {}
    return AuditResult(snap, tuple(findings), found, dict(impacts(snap.catalog)))
