"""What every page of the site shows, as plain data for the templates. Pure: no I/O.

Nothing is decided here that another part of the tool already decides: the page list is routing's `page()`,
the blast radius is analysis/impact.py's `blast_radius()` drawn by render/routing.py's `svg()`, findings,
successors and impact come from the audit, the off-boarding simulation from `offboard()`, rotations from
analysis/rotation.py. This module only looks those answers up per page and shapes them for display.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ownership.analysis.assessment import Assessment
from ownership.analysis.impact import Impact, blast_radius, build_graph
from ownership.audit import AuditResult
from ownership.model import Finding, Snapshot, System
from ownership.oncall import PROVIDERS
from ownership.render.routing import svg
from ownership.analysis.people import People, finding_people
from ownership.report import document as report_document
from ownership.report.render import TOP_RISKS
from ownership.routing import Context, Page, last_commits, page
from ownership.site import index, views
from ownership.site.directory import Directory, Entry, file_name

AT_RISK = TOP_RISKS  # the home page lists as many systems at risk as the weekly report's table
SVG_DEPTH = 3  # the picture shows three hops; the page states the full count from the audit's impact
# off-boarding simulations against the audit's Assessment (offboard.Offboarding): made once per build, then
# called with the people to simulate leaving
Offboard = Callable[[Assessment], Callable[[Sequence[str]], Any]]


@dataclass(frozen=True)
class ReportLink:
    """The latest weekly report, copied into the site under `href` (relative to the site root)."""

    day: str
    href: str


@dataclass(frozen=True)
class SiteInputs:
    result: AuditResult
    at: dt.datetime  # the moment page lists and rotations are answered for
    offboard: Offboard | None = None  # offboard.Offboarding; None: no simulations
    # Past this many people, person pages point at `ownership offboard` instead of simulating (the home page
    # says so). None: no limit (a simulation costs ~1-3 ms: only what the person touches is re-judged).
    offboard_limit: int | None = None
    report: ReportLink | None = None
    webs: Mapping[str, str] = field(default_factory=dict)  # on-call provider -> its web address (links)
    title: str = "Ownership catalog"
    notes: tuple[str, ...] = ()  # shown on the home page: what this build could not use, and why
    # catalog file -> its web (blob) URL at HEAD, from history/weblinks.py: findings link to their line
    sources: Mapping[str, str] = field(default_factory=dict)
    draw: Callable[[Impact], str] = svg  # blast-radius pictures: ownership/render/pictures.py's Drawer, or built-in


@dataclass(frozen=True)
class SitePage:
    path: str  # relative to the site root, e.g. systems/payments-api.html
    template: str
    context: Mapping[str, Any]


@dataclass
class Site:
    pages: list[SitePage] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # path -> text (SVG pictures)


@dataclass(frozen=True)
class _Shared:
    """What every page builder reads."""

    inputs: SiteInputs
    snap: Snapshot
    links: views.Links
    findings: Mapping[str, list[Finding]]
    common: Mapping[str, Any]


def build(inputs: SiteInputs) -> Site:
    snap = inputs.result.snapshot
    catalog = snap.catalog
    directory = Directory(catalog, People(catalog, snap.roster, snap.today))
    team_url = {name: f"teams/{file_name(name)}.html" for name in catalog.teams}
    system_url = {name: f"systems/{file_name(name)}.html" for name in catalog.systems}
    links = views.Links(directory, team_url, system_url, inputs.sources)
    common = {"title": inputs.title, "generated": views.when(inputs.at), "roster": snap.roster is not None,
              "scanned": snap.activity is not None, "report": inputs.report, "links": links}
    shared = _Shared(inputs, snap, links, _by_subject(inputs.result.findings, directory), common)
    site = Site()
    _systems(shared, directory.people, site)
    _teams(shared, site)
    notes = _people(shared, directory, site)
    orphaned = report_document.orphaned(inputs.result.findings)
    site.pages.append(SitePage("index.html", "index.html", {
        **common, "root": "", "notes": notes, "orphaned": orphaned,
        # the weekly report's "top risks" (one ranking: tier x blast radius), the orphaned ones listed above
        "at_risk": [r for r in report_document.risks(inputs.result) if r["system"] not in orphaned][:AT_RISK],
        "health": report_document.headline(inputs.result, report_document.leavers(snap)[0]),
        "rules": index.rule_counts(inputs.result.findings), "teams": sorted(catalog.teams),
        "search_index": index.embed(index.entries(catalog, directory, team_url, system_url)),
    }))
    return site


def _systems(shared: _Shared, people: People, site: Site) -> None:
    inputs, snap = shared.inputs, shared.snap
    catalog = snap.catalog
    ctx = Context(catalog, inputs.at, people, {},
                  last_commits(snap.activity) if snap.activity is not None else None)
    g = build_graph(catalog)
    for name, system in catalog.systems.items():
        url = shared.links.systems[name]
        picture = impact = None
        if g.in_degree(name):
            impact = blast_radius(catalog, g, [name], SVG_DEPTH, with_edges=True)
            picture = url.removesuffix(".html") + ".blast.svg"
            site.files[picture] = inputs.draw(impact)
        team = catalog.teams.get(system.owner)
        site.pages.append(SitePage(url, "system.html", {
            **shared.common, "root": "../", "system": system, "team": team, "page": _page(ctx, system),
            "oncall": views.oncall(catalog, team, inputs.at, inputs.webs),
            "stakeholders": [catalog.stakeholders.get(s) or s for s in system.stakeholders],
            "dependencies": sorted(g.successors(name)), "dependents": sorted(g.predecessors(name)),
            "impact": inputs.result.impact.get(name), "picture": picture and picture.rsplit("/", 1)[1],
            "picture_impact": impact, "svg_depth": SVG_DEPTH,
            "findings": shared.findings.get(f"system:{name}", []),
            "activity": views.activity(inputs.result.facts, name),
            "successors": inputs.result.successors.get(name, ()),
        }))


def _teams(shared: _Shared, site: Site) -> None:
    catalog = shared.snap.catalog
    owned: dict[str, list[System]] = {}
    for system in catalog.systems.values():
        if system.owner:  # a system a person owns (a Backstage User) is on their page, not a team's
            owned.setdefault(system.owner, []).append(system)
    for name, team in catalog.teams.items():
        systems = sorted(owned.get(name, []), key=lambda s: (s.tier, s.name))
        site.pages.append(SitePage(shared.links.teams[name], "team.html", {
            **shared.common, "root": "../", "team": team, "systems": systems,
            "findings": shared.findings.get(f"team:{name}", []),
            "system_findings": {s.name: len(shared.findings.get(f"system:{s.name}", [])) for s in systems},
            "oncall": views.oncall(catalog, team, shared.inputs.at, shared.inputs.webs),
        }))


def _people(shared: _Shared, directory: Directory, site: Site) -> list[str]:
    """Person pages; returns the home page's notes (with one more when the simulations were not run)."""
    inputs = shared.inputs
    notes = list(inputs.notes)
    simulate = inputs.offboard(inputs.result.facts) if inputs.offboard is not None and shared.snap.roster else None
    simulations = sum(1 for e in directory.by_key.values() if e.person is not None)
    if simulate is not None and inputs.offboard_limit is not None and simulations > inputs.offboard_limit:
        notes.append(f"Off-boarding simulations were not run: {simulations} people, more than the limit of "
                     f"{inputs.offboard_limit} (--offboard-limit). `ownership offboard EMAIL` runs one.")
        simulate = None
    for entry in directory.entries():
        about = shared.findings.get(f"person:{entry.key}", [])
        site.pages.append(SitePage(entry.url, "person.html", {
            **shared.common, "root": "../", "entry": entry, "findings": about,
            "owned_findings": _owned_findings(shared, entry, about),
            "offboard": _offboard(simulate, shared.snap, entry),
        }))
    return notes


def _owned_findings(shared: _Shared, entry: Entry, about: Sequence[Finding]) -> list[tuple[str, list[Finding]]]:
    """(system, its findings) for each system the person owns as `roster show` says (directory.py: maintains
    it, or is a member of its owning team), those already listed as about them left out; systems in name
    order."""
    shown = {id(f) for f in about}
    out = []
    for name in sorted({*entry.maintains, *entry.owns_via_team}):
        found = [f for f in shared.findings.get(f"system:{name}", []) if id(f) not in shown]
        if found:
            out.append((name, found))
    return out


def _page(ctx: Context, system: System) -> Page:
    """routing's page list; its "<provider> unavailable (not asked)" notes are dropped because the site never
    asks an on-call provider (a weekly page would be stale) and links to their targets instead."""
    result = page(ctx, system)
    unasked = tuple(f"{p.title} unavailable (not asked)" for p in PROVIDERS.values())
    notes = tuple(n for n in result.notes if not n.startswith(unasked))
    return dataclasses.replace(result, notes=notes)


def _by_subject(findings: Sequence[Finding], directory: Directory) -> dict[str, list[Finding]]:
    """Findings per page subject. A finding also goes to the page of every person it is about: a `person:`
    subject, or a person its evidence names (owner-left, owner-transferred, manager-left, ...)."""
    out: dict[str, list[Finding]] = {}
    for f in findings:
        if not f.subject.startswith("person:"):
            out.setdefault(f.subject, []).append(f)
        entries = {e.key: e for ref in finding_people(f) if (e := directory.find(ref)) is not None}
        for key in entries:
            out.setdefault(f"person:{key}", []).append(f)
    return out


def _offboard(simulate: Callable[[Sequence[str]], Any] | None, snap: Snapshot, entry: Entry) -> Mapping[str, Any]:
    """The simulation for one person, or why there is none (no roster; not in it; not available)."""
    if snap.roster is None:
        return {"skipped": "roster not checked: the simulation needs the HR roster"}
    if entry.person is None:
        return {"skipped": "not found in the roster, so there is nobody to simulate"}
    if simulate is None:
        return {"skipped": f"not run in this build; run `ownership offboard {entry.label}`"}
    return {"skipped": None, "result": simulate([entry.person.id])}
