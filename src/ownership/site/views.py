"""Small shaping helpers shared by the page builder and the templates: links, times, on-call, git activity.

Pure. They look answers up (analysis/rotation.py's shifts, the scan's SystemActivity, the audit's Assessment) and arrange them for display.
"""
from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup

from ownership.analysis.assessment import Assessment
from ownership.analysis import rotation as rot
from ownership.history.weblinks import line_url
from ownership.model import Activity, Catalog, Contributor, Finding, Team
from ownership.oncall import PROVIDERS
from ownership.site.directory import Directory, Entry


class Links:
    """Where the page of a person, team or system is (relative to the site root; None: it has none), and the
    link to it as escaped HTML. The HTML is made here, once per name, rather than by a template macro per
    mention: a 10,000-system site mentions people and systems hundreds of thousands of times."""

    def __init__(self, directory: Directory, teams: Mapping[str, str], systems: Mapping[str, str],
                 sources: Mapping[str, str] | None = None) -> None:
        self.directory = directory
        self.teams = teams
        self.systems = systems
        self.sources = sources or {}  # catalog file -> its web (blob) URL at HEAD (history/weblinks.py)
        self._html: dict[tuple[str, str, str], Markup] = {}

    def entry_html(self, e: Entry, root: str) -> Markup:
        key = ("e", e.key, root)
        hit = self._html.get(key)
        if hit is None:
            hit = Markup('<a href="{}">{}</a>').format(root + e.url, e.name or e.label)
            if e.name:
                hit += Markup(' <span class="muted">{}</span>').format(e.label)
            hit += Markup(' <span class="state {}">{}</span>').format(e.state, e.status)
            self._html[key] = hit
        return hit

    def person_html(self, ref: str, root: str) -> Markup:
        e = self.person(ref)
        return self.entry_html(e, root) if e is not None else Markup("<span>{}</span>").format(ref)

    def team_html(self, name: str, root: str) -> Markup:
        return self._named("t", name, self.team(name), root)

    def system_html(self, name: str, root: str) -> Markup:
        return self._named("s", name, self.system(name), root)

    def _named(self, kind: str, name: str, url: str | None, root: str) -> Markup:
        key = (kind, name, root)
        hit = self._html.get(key)
        if hit is None:
            hit = Markup('<a href="{}">{}</a>').format(root + url, name) if url else Markup(
                '<span>{}</span> <span class="state gone">not in the catalog</span>').format(name)
            self._html[key] = hit
        return hit

    def person(self, ref: str | None) -> Entry | None:
        return self.directory.of(ref)

    def source(self, f: Finding) -> str | None:
        """The web address of the catalog line the finding points at; None when it is not known."""
        loc = f.location
        return line_url(self.sources.get(loc.file), loc.line) if loc is not None and loc.file else None

    def contributor(self, c: Contributor) -> Entry | None:
        if c.person:
            hit = self.directory.by_key.get(f"id:{c.person}")
            if hit is not None:
                return hit
        return next((e for e in map(self.directory.of, c.emails) if e is not None), None)

    def team(self, name: str | None) -> str | None:
        return self.teams.get(name) if name else None

    def system(self, name: str | None) -> str | None:
        return self.systems.get(name) if name else None


def when(t: dt.datetime) -> str:
    return rot.shown(t)  # the one way routing writes a moment (UTC here)


def http_url(value: str | None) -> str | None:
    """`value` when it is an http(s) URL, else None: only those become links (no `javascript:` hrefs)."""
    if not value:
        return None
    try:
        scheme = urlsplit(value.strip()).scheme.lower()
    except ValueError:
        return None
    return value.strip() if scheme in ("http", "https") else None


def oncall(catalog: Catalog, team: Team | None, at: dt.datetime, webs: Mapping[str, str]) -> dict[str, Any] | None:
    """The team's on-call provider targets that have a web page (an escalation policy), as links, and
    its catalog rotation's current and next shift."""
    if team is None or team.oncall is None:
        return None
    links = []
    for name, targets in team.oncall.providers.items():
        provider = PROVIDERS.get(name)
        if provider is None:
            continue
        for target in targets:
            found = provider.target_link(target, webs.get(name) or provider.web({}))
            if found is not None:
                links.append({"title": provider.title, "what": found[0], "value": target.partition(":")[2],
                              "url": found[1]})
    return {
        "providers": links,
        "rotation": rotation(catalog, team.oncall.rotation, at) if team.oncall.rotation else None,
    }


def rotation(catalog: Catalog, name: str, at: dt.datetime) -> dict[str, Any]:
    r = catalog.rotations.get(name)
    if r is None:
        return {"name": name, "problem": "is not in the catalog"}
    first = rot.shift_at(r, at)
    if first is None:
        return {"name": name, "problem": "has no members"}
    shifts = list(itertools.islice(rot.upcoming(r, at), 2))
    if isinstance(first, rot.NotStarted):
        return {"name": name, "problem": f"has not started (first shift begins {when(first.starts)})",
                "current": None, "next": shifts[0] if shifts else None}
    return {"name": name, "problem": None, "current": shifts[0], "next": shifts[1] if len(shifts) > 1 else None}


def activity(facts: Assessment, system: str) -> dict[str, Any] | None:
    """The scan's view of one system; None when no scan was made (the page says "no scan"). The employed
    truck factor and the knowledge held by leavers come from the audit's Assessment (None without a roster)."""
    act = facts.snapshot.activity
    if not isinstance(act, Activity):
        return None
    sa = act.systems.get(system)
    if sa is None:
        return {"sa": None}
    window = act.windows[0] if act.windows else 90
    leavers = [c for c in sa.contributors if c.left and not c.bot and c.files_authored]
    truck, knowledge = facts.truck(system), facts.knowledge(system)
    return {"sa": sa, "window": window, "active": sa.active(window), "leavers": leavers,
            "truck_factor_employed": truck.factor if truck is not None else None,
            "leavers_share": None if knowledge is None else round(100 * knowledge.share)}
