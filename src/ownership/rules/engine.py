"""Runs rules over a Snapshot and stamps their findings: slug, severity (rule default < rule's own < config)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from ownership.support import collector
from ownership.analysis.assessment import Assessment
from ownership.model import Finding, Severity, Snapshot
from ownership.rules import RULES
from ownership.rules.registry import Rule


def applicable(snap: Snapshot, groups: Iterable[str]) -> list[Rule]:
    wanted = set(groups)
    out = []
    for r in RULES.values():
        if not r.runs or r.group not in wanted:
            continue
        if "roster" in r.needs and snap.roster is None:
            continue
        if "activity" in r.needs and snap.activity is None:
            continue
        if snap.option(r.slug, "enabled", True) is False:
            continue
        out.append(r)
    return out


def run(snap: Snapshot, groups: Iterable[str], loaded: Iterable[Finding] = (),
        needing: str | None = None, facts: Assessment | None = None) -> list[Finding]:
    """Findings of the loader plus every applicable rule, with configured severities, sorted.

    `needing` keeps only the rules that read that input (e.g. "roster": what a change of roster can change).
    `facts`: the snapshot's derived facts, shared with the caller (audit); made here when not given.
    """
    # the rules build long-lived indexes of a whole catalog (the dependency graph: three dicts per system;
    # the assessment's facts); counted as new by the collector, they set off a full collection of every
    # object of the catalog just loaded (a third of a second at 50,000 systems), which finds nothing
    with collector.paused():
        if facts is None:
            facts = Assessment(snap)
        assert facts.snapshot is snap
        findings: list[Finding] = []
        for f in loaded:
            if snap.option(f.rule, "enabled", True) is not False:
                findings.append(_stamp(f, snap.options))
        for r in applicable(snap, groups):
            if needing is not None and needing not in r.needs:
                continue
            hits = r.assessed(facts) if r.assessed is not None else r.check(snap) if r.check is not None else ()
            for hit in hits:
                f = Finding(r.slug, hit.severity or r.severity, hit.subject, hit.message, hit.location,
                            dict(hit.evidence))
                findings.append(_stamp(f, snap.options))
    findings = note_unparsed(findings)
    # a file that did not parse explains other findings: it comes first, where a reader starts
    findings.sort(key=lambda f: (f.rule not in UNPARSED, *f.sort_key()))
    return findings


UNPARSED = ("yaml-syntax", "file-too-large")  # the loader read nothing of the file
# findings that name something the catalog does not define: rule → (evidence key, what the file's names are)
_NAMES_MISSING = {"unknown-team": ("team", "teams"), "unknown-system": ("system", "systems"),
                  "unknown-stakeholder": ("stakeholder", "stakeholder groups"),
                  "unknown-rotation": ("rotation", "rotations"), "dangling-reference": ("target", "entities")}


def note_unparsed(findings: list[Finding]) -> list[Finding]:
    """Findings that follow only from a name written in a file that did not parse, saying so: "... unknown
    team 'payments' (catalog/teams.yaml did not parse, so its teams are unknown)", with evidence `unparsed`
    (that file). The loader puts the names such a file appears to write in its finding's evidence `names`."""
    written: dict[str, str] = {}
    for f in findings:
        if f.rule in UNPARSED and f.location is not None:
            for name in f.evidence.get("names", ()):
                written.setdefault(name, f.location.file)
    if not written:
        return findings
    out = []
    for f in findings:
        key, what = _NAMES_MISSING.get(f.rule, (None, ""))
        name = f.evidence.get(key) if key else None
        file = written.get(name) or written.get(name.rpartition("/")[2]) if isinstance(name, str) else None
        if file is not None:
            f = f.replace(message=f"{f.message} ({file} did not parse, so its {what} are unknown)",
                          evidence={**f.evidence, "unparsed": file})
        out.append(f)
    return out


def _stamp(f: Finding, options: Mapping[str, Mapping[str, object]]) -> Finding:
    configured = options.get(f.rule, {}).get("severity")
    if configured and configured != f.severity:
        sev: Severity = configured  # type: ignore[assignment]
        return f.replace(severity=sev)
    return f


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    c = {"error": 0, "warning": 0, "info": 0}
    for f in findings:
        c[f.severity] += 1
    return c
