"""What changed since the previous report: both sides are report.json documents, so an old report written by
an earlier version of the tool still compares (missing keys count as empty). Pure."""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_NUMBER = re.compile(r"\d+")


def identity(f: Mapping[str, Any]) -> tuple[str, str, str]:
    """The same finding across weeks: rule, subject, and what it is about. A finding about a person (its
    evidence names `person_id` and `role`) is that person in that role, whatever the message says: a manager
    who "leaves on 2026-12-31" one week and "left on 2026-12-31" the next is one finding, not one fixed and
    one new (issue 13, item 6). Otherwise the message with its numbers blanked, so "no human commit for 400
    days" next week is still the same finding."""
    rule, subject = str(f.get("rule", "")), str(f.get("subject", ""))
    evidence = f.get("evidence")
    if isinstance(evidence, Mapping) and evidence.get("person_id") and evidence.get("role"):
        return rule, subject, f"person {evidence['person_id']} as {evidence['role']}"
    return rule, subject, _NUMBER.sub("#", str(f.get("message", "")))


def _short(f: Mapping[str, Any]) -> dict[str, Any]:
    return {"rule": f.get("rule"), "severity": f.get("severity"), "subject": f.get("subject"),
            "message": f.get("message")}


def changes(current: Mapping[str, Any], previous: Mapping[str, Any] | None) -> dict[str, Any]:
    """New leavers who owned something, newly orphaned and no longer orphaned systems, new and fixed findings."""
    if previous is None:
        return {"since": None, "new_leavers": [], "newly_orphaned": [], "resolved_orphans": [],
                "new_findings": [], "fixed_findings": [], "headline": {}}
    known = {p.get("person") for p in previous.get("leavers", ())}
    was_orphaned, now_orphaned = set(previous.get("orphaned", ())), set(current.get("orphaned", ()))
    before = {identity(f): f for f in previous.get("findings", ())}
    now = {identity(f): f for f in current.get("findings", ())}
    # headline deltas: only numbers both reports have
    old_head, new_head = previous.get("headline", {}), current.get("headline", {})
    deltas = {k: round(v - old_head[k], 1) for k, v in new_head.items()
              if isinstance(v, int | float) and isinstance(old_head.get(k), int | float) and not isinstance(v, bool)}
    return {
        "since": previous.get("date"),
        "new_leavers": [p for p in current.get("leavers", ()) if p.get("person") not in known],
        "newly_orphaned": sorted(now_orphaned - was_orphaned),
        "resolved_orphans": sorted(was_orphaned - now_orphaned),
        "new_findings": [_short(now[k]) for k in sorted(now.keys() - before.keys())],
        "fixed_findings": [_short(before[k]) for k in sorted(before.keys() - now.keys())],
        "headline": dict(sorted(deltas.items())),
    }
