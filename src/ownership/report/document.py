"""The one data model of the weekly report: built from an AuditResult (with the snapshot's Assessment), the
on-call drill the command ran and the earlier reports, written as report.json, and read by both templates
(report.md, report.html). It formats facts; it derives none of its own. Pure: no I/O.

It is plain JSON data (dicts, lists, strings, numbers) with sorted, stable contents, so the same inputs give
byte-identical files; docs/report.md documents every key.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ownership.analysis.assessment import Assessment
from ownership.audit import AuditResult
from ownership.model import SEVERITY_RANK, Activity, Finding, Person, Snapshot
from ownership.report.diff import changes
from ownership.roster.identity import resolver_for

if TYPE_CHECKING:
    from ownership.routing.drill import Drill

VERSION = 1
HEALTH_WEEKS = 12  # the health chart shows this many weeks back
# rules whose findings make a system a "risk" (besides any error on a system)
RISK_RULES = ("orphaned", "dormant", "knowledge-loss", "bus-factor", "ownership-drift", "owner-left",
              "owner-transferred", "deprecated-dependency", "no-oncall", "team-without-active-members")
# headline key -> the rule whose subjects it counts, and what the rule needs to say anything
HEADLINE_RULES = {"orphaned": ("orphaned", "roster"), "dormant": ("dormant", "activity"),
                  "drifting": ("ownership-drift", "activity"), "knowledge_loss": ("knowledge-loss", "activity"),
                  "bus_factor_1": ("bus-factor", "activity")}
STEWARD_WINDOWS = (180, 365, 90)  # the first of these the scan has is "the period" for legacy stewards
# A steward did real work on one legacy system (deprecated, or flagged by the `dormant` rule) in the period:
# at least STEWARD_MIN_COMMITS human commits to it, or at least STEWARD_SHARE of its human commits when it got
# few (and never fewer than STEWARD_SHARE_MIN). One typo fix is not keeping a system alive. docs/report.md.
STEWARD_MIN_COMMITS = 3
STEWARD_SHARE = 0.5
STEWARD_SHARE_MIN = 2


def plain(value: Any) -> Any:
    """JSON-ready data: dates as ISO text, tuples as lists, mappings with text keys, floats rounded."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, float):
        return round(value, 4)
    return value


def _system_of(subject: str) -> str | None:
    return subject[len("system:"):] if subject.startswith("system:") else None


def _group(rule: str) -> str:
    from ownership.rules import RULES

    found = RULES.get(rule)
    return found.group if found else "catalog"


def _finding(f: Finding) -> dict[str, Any]:
    return plain(f.to_json())


def _has(snap: Snapshot, need: str) -> bool:
    """Whether the report can say anything that needs `need`: for the history, at least one repository read
    (when none could be read, "0 dormant" would be a confident answer from missing data)."""
    if need == "roster":
        return snap.roster is not None
    activity = snap.activity
    return activity is not None and (activity.repositories[0] > 0 or not activity.repositories[1])


def _subjects(findings: Sequence[Finding], rule: str) -> list[str]:
    return sorted({s for f in findings if f.rule == rule and (s := _system_of(f.subject))})


def orphaned(findings: Sequence[Finding]) -> list[str]:
    """The orphaned systems, sorted: those the `orphaned` rule names (the report's and the site's one list)."""
    return _subjects(findings, "orphaned")


# --------------------------------------------------------------------------- people


def _owner_refs(snap: Snapshot) -> dict[str, list[tuple[str, str]]]:
    """Catalog reference -> [(subject, role)] for every place a person is named as an owner."""
    refs: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in snap.catalog.person_refs():
        if r.role in ("member", "manager", "maintainer"):
            refs[r.ref].append((r.subject, r.role))
    return refs


def _person(p: Person) -> dict[str, Any]:
    return {"person": p.id, "label": p.label, "name": p.name, "end_date": plain(p.end_date)}


def leavers(snap: Snapshot) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(people who left and are still named as owners, people with a future end date who are), by label."""
    if snap.roster is None:
        return [], []
    resolver = resolver_for(snap.roster)
    gone: dict[str, dict[str, Any]] = {}
    soon: dict[str, dict[str, Any]] = {}
    for ref, places in _owner_refs(snap).items():
        p = resolver.resolve(ref)
        if p is None or (p.active and p.end_date is None):
            continue
        bucket = soon if p.employed_on(snap.today) else gone
        entry = bucket.setdefault(p.id, {**_person(p), "owns": []})
        entry["owns"] += [{"subject": s, "role": r} for s, r in places]
    for entry in (*gone.values(), *soon.values()):
        entry["owns"] = sorted({(o["subject"], o["role"]): o for o in entry["owns"]}.values(),
                               key=lambda o: (o["subject"], o["role"]))
    return ([gone[k] for k in sorted(gone, key=lambda k: gone[k]["label"])],
            [soon[k] for k in sorted(soon, key=lambda k: soon[k]["label"])])


# --------------------------------------------------------------------------- sections


def headline(result: AuditResult, leaving: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    snap, findings = result.snapshot, result.findings
    total = len(snap.catalog.systems)
    owned = result.facts.has_employed_owner()  # the `orphaned` rule's answer
    activity = snap.activity
    # first: how much history the numbers below stand on ("history read for N of M repositories")
    read, named = activity.repositories if activity is not None else (None, None)
    out: dict[str, Any] = {"history_read": read, "history_repositories": named,
                           "systems": total, "teams": len(snap.catalog.teams)}
    if owned is None:
        out["employed_owner"] = out["employed_owner_pct"] = None
    else:
        n = sum(owned.values())
        out["employed_owner"] = n
        out["employed_owner_pct"] = round(100.0 * n / total, 1) if total else 100.0
    for key, (rule, need) in HEADLINE_RULES.items():
        out[key] = len(_subjects(findings, rule)) if _has(snap, need) else None
    out["leavers_owning"] = len(leaving) if snap.roster is not None else None
    if activity is not None and snap.roster is not None and _has(snap, "activity"):
        seen = [name for name, a in activity.systems.items() if a.read]  # the systems whose history was read
        files = sum(len(activity.systems[name].files) for name in seen)
        held = sum(k.held for name in seen if (k := result.facts.knowledge(name)) is not None)
        out["knowledge_held_by_leavers_pct"] = round(100.0 * held / files, 1) if files else 0.0
    else:
        out["knowledge_held_by_leavers_pct"] = None
    out["catalog_findings"] = sum(1 for f in findings if _group(f.rule) == "catalog")
    out["findings"] = {sev: sum(1 for f in findings if f.severity == sev) for sev in ("error", "warning", "info")}
    return out


def _evidence(facts: Assessment, activity: Activity | None, name: str) -> dict[str, Any]:
    sa = activity.systems.get(name) if activity else None
    if sa is None:
        return {}
    human = sa.last_human_commit
    known = sa.read  # an unread history is unknown (null), never 0
    truck, knowledge = (facts.truck(name), facts.knowledge(name)) if known else (None, None)
    return {"history_read": known,
            "last_human_commit": plain(human.when.date()) if human else None,
            "last_human_author": human.name if human else None,
            "truck_factor": sa.truck_factor if known else None,
            "truck_factor_pruned": sa.truck_factor_pruned if known else None,
            "truck_factor_employed": truck.factor if truck is not None else None,
            "leavers_share": plain(knowledge.share) if knowledge is not None else None, "partial": sa.partial}


def _suggestion(s: Any) -> dict[str, Any]:
    return {"person": s.person, "label": s.label, "name": s.name, "score": plain(s.score),
            "reason": s.reason, "evidence": plain(dict(s.evidence))}


def risks(result: AuditResult) -> list[dict[str, Any]]:
    """Systems with an error or a risk finding, riskiest first: tier x blast radius (Impact.score)."""
    snap = result.snapshot
    by_system: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        name = _system_of(f.subject)
        if name is not None and name in snap.catalog.systems and (f.rule in RISK_RULES or f.severity == "error"):
            by_system[name].append(f)
    activity = snap.activity
    rows: list[dict[str, Any]] = []
    for name, found in by_system.items():
        s, impact = snap.catalog.systems[name], result.impact.get(name)
        worst = max(SEVERITY_RANK[f.severity] for f in found)
        suggestions = [_suggestion(x) for x in result.successors.get(name, ())]
        rows.append({
            "system": name, "tier": s.tier, "lifecycle": s.lifecycle, "owner": s.owner,
            "owner_person": s.owner_person, "owner_label": s.owner_label, "kind": s.kind,
            "customer_facing": s.customer_facing, "description": s.description,
            "score": plain(impact.score) if impact else 0.0,
            "dependents": len(impact.dependents) if impact else 0,
            "tier1_dependents": impact.tier1 if impact else 0,
            "customer_facing_dependents": impact.customer_facing if impact else 0,
            "severity": {2: "error", 1: "warning", 0: "info"}[worst],
            "problems": [{"rule": f.rule, "severity": f.severity, "message": f.message,
                          "file": f.location.file if f.location else None,
                          "line": f.location.line if f.location and f.location.line else None}
                         for f in sorted(found, key=lambda f: (-SEVERITY_RANK[f.severity], f.rule, f.message))],
            "successor": suggestions[0] if suggestions else None,
            "successors": suggestions,
            "evidence": _evidence(result.facts, activity, name),
        })
    rows.sort(key=lambda r: (-r["score"], -SEVERITY_RANK[r["severity"]], r["tier"], r["system"]))
    return rows


def teams(result: AuditResult) -> list[dict[str, Any]]:
    snap = result.snapshot
    resolver = resolver_for(snap.roster) if snap.roster is not None else None
    owned: dict[str, list[str]] = defaultdict(list)
    for s in snap.catalog.systems.values():
        if s.owner:  # a system a person owns (a Backstage User) is in no team's row
            owned[s.owner].append(s.name)
    rows = []
    for name in sorted(set(snap.catalog.teams) | set(owned)):
        t = snap.catalog.teams.get(name)
        systems = sorted(owned.get(name, ()))
        subjects = {f"team:{name}", *(f"system:{n}" for n in systems)}
        mine = [f for f in result.findings if f.subject in subjects]
        employed = None
        if resolver is not None and t is not None:
            employed = sum(1 for m in t.members if (p := resolver.resolve(m)) and p.employed_on(snap.today))
        rows.append({
            "team": name, "systems": len(systems), "system_names": systems,
            "tier1": sum(1 for n in systems if snap.catalog.systems[n].tier == 1),
            "members": len(t.members) if t else 0, "members_employed": employed,
            "oncall": bool(t and t.oncall and t.oncall.configured),
            "findings": {sev: sum(1 for f in mine if f.severity == sev) for sev in ("error", "warning", "info")},
            **{key: sum(1 for f in mine if f.rule == rule) for key, (rule, _) in HEADLINE_RULES.items()},
        })
    return rows


def stewards(result: AuditResult) -> tuple[int | None, list[dict[str, Any]]]:
    """(the window in days, employed people who kept deprecated or dormant systems alive in it): each with
    the systems where their commits pass the thresholds above (a steward's "legacy" work)."""
    snap, activity = result.snapshot, result.snapshot.activity
    if activity is None or snap.roster is None:
        return None, []
    window = next((w for w in STEWARD_WINDOWS if w in activity.windows), max(activity.windows))
    dormant = set(_subjects(result.findings, "dormant"))
    resolver = resolver_for(snap.roster)
    people: dict[str, dict[str, Any]] = {}
    for name in sorted(activity.systems):
        s = snap.catalog.systems.get(name)
        if s is None:
            continue
        why = [w for w, yes in (("deprecated", s.lifecycle == "deprecated"), ("dormant", name in dormant),
                                ("tier 1", s.tier == 1)) if yes]
        if "deprecated" not in why and "dormant" not in why:
            continue  # a tier-1 system in production is product work, not keeping an old system alive
        humans = activity.systems[name].active(window)
        total = sum(c.commits.get(window, 0) for c in humans)
        for c in humans:
            n = c.commits.get(window, 0)
            if not c.employed or c.person is None or not _stewarded(n, total):
                continue
            p = resolver.person(c.person)
            entry = people.setdefault(c.person, {
                "person": c.person, "label": p.label if p else c.key, "name": (p.name if p else None) or c.name,
                "team": p.team if p else None, "legacy": 0, "commits": 0, "systems": []})
            entry["systems"].append({"system": name, "why": why, "commits": n,
                                     "last_commit": plain(c.last_commit.date()) if c.last_commit else None})
            entry["commits"] += n
            entry["legacy"] += 1
    rows = sorted(people.values(), key=lambda e: (-e["legacy"], -e["commits"], e["label"]))
    return window, rows


def _stewarded(commits: int, total: int) -> bool:
    """Whether `commits` of a legacy system's `total` human commits in the period are real work on it."""
    return commits >= STEWARD_MIN_COMMITS or (commits >= STEWARD_SHARE_MIN and commits >= STEWARD_SHARE * total)


def hygiene(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    """Catalog findings grouped by rule, most severe first."""
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if _group(f.rule) == "catalog":
            groups[f.rule].append(f)
    rows = [{"rule": rule, "severity": max((f.severity for f in fs), key=SEVERITY_RANK.__getitem__),
             "count": len(fs), "findings": [_finding(f) for f in fs]} for rule, fs in groups.items()]
    return sorted(rows, key=lambda r: (-SEVERITY_RANK[r["severity"]], r["rule"]))


def health(today: dt.date, current: Mapping[str, Any], previous: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One point per earlier report within HEALTH_WEEKS weeks, then today's, oldest first."""
    first = today - dt.timedelta(weeks=HEALTH_WEEKS)
    points = []
    for doc in previous:
        day = dt.date.fromisoformat(doc["date"])
        if first <= day < today:
            h = doc.get("headline", {})
            points.append({"date": doc["date"], "employed_owner_pct": h.get("employed_owner_pct"),
                           "orphaned": h.get("orphaned"),
                           "problems": sum((h.get("findings") or {}).get(k, 0) for k in ("error", "warning"))})
    points.sort(key=lambda p: p["date"])
    points.append({"date": today.isoformat(), "employed_owner_pct": current["employed_owner_pct"],
                   "orphaned": current["orphaned"],
                   "problems": current["findings"]["error"] + current["findings"]["warning"]})
    return points


COVERAGE_LIMIT = 50  # gaps listed per week; the counts are always complete
WEEK = dt.timedelta(weeks=1)


def coverage_window(today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The window of the drill the report's coverage section shows: this week and next, from today 00:00 UTC
    (the command runs `ownership drill` over it from the catalog rotations: the report does not ask
    the on-call providers, so what they would say is unknown)."""
    start = dt.datetime(today.year, today.month, today.day, tzinfo=dt.timezone.utc)
    return start, start + 2 * WEEK


def coverage(found: Drill) -> dict[str, Any]:
    """The on-call coverage section from the drill of `coverage_window`: its gaps this week and next."""
    start, week = found.start, WEEK
    out: dict[str, Any] = {"notes": list(found.notes)}
    for key, begins in (("this_week", start), ("next_week", start + week)):
        gaps = found.between(begins, begins + week)
        counts: dict[str, int] = defaultdict(int)
        for g in gaps:
            counts[g.kind] += 1
        out[key] = {"start": begins.date().isoformat(), "counts": dict(sorted(counts.items())),
                    "gaps": [g.to_json() for g in gaps[:COVERAGE_LIMIT]], "total": len(gaps)}
    return out


def build(result: AuditResult, drilled: Drill, previous: Sequence[Mapping[str, Any]] = (),
          roster_label: str | None = None) -> dict[str, Any]:
    """The report data. `drilled`: the drill of `coverage_window(today)`; `previous`: earlier report.json
    documents (any order; only older ones are used)."""
    snap = result.snapshot
    gone, soon = leavers(snap)
    head = headline(result, gone)
    window, kept = stewards(result)
    older = sorted((d for d in previous if d.get("date", "") < snap.today.isoformat()), key=lambda d: d["date"])
    activity = snap.activity
    doc: dict[str, Any] = {
        "version": VERSION,
        "date": snap.today.isoformat(),
        "inputs": {"catalog_files": len(snap.catalog.files), "roster": roster_label if snap.roster else None,
                   "roster_active": snap.roster.active_count(snap.today) if snap.roster else None,
                   "activity": activity is not None,
                   "repositories": activity.repositories[1] if activity else 0,
                   "repositories_read": activity.repositories[0] if activity else None},
        "headline": head,
        "orphaned": orphaned(result.findings),
        "leavers": gone,
        "leaving_soon": soon,
        "risks": risks(result),
        "teams": teams(result),
        "stewards": {"window_days": window, "people": kept,
                     "thresholds": {"min_commits": STEWARD_MIN_COMMITS, "share": STEWARD_SHARE,
                                    "share_min": STEWARD_SHARE_MIN}},
        "hygiene": hygiene(result.findings),
        "coverage": coverage(drilled),
        "findings": [_finding(f) for f in result.findings],
    }
    doc["health"] = health(snap.today, head, older)
    doc["changes"] = changes(doc, older[-1] if older else None)
    return doc
