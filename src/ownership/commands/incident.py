"""`ownership incident SYSTEM...`: who belongs in the room for an incident touching these systems."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ownership.analysis.impact import build_graph, dependencies, find_system
from ownership.inputs import activity_for, ask_pagerduty, load_catalog, load_people, pagerduty_web
from ownership.config import Config
from ownership.routing import Context, Room, room
from ownership.routing.incident import SUSPECT_CONTACT_DEPTH


def run(paths: Sequence[str], config: Config, names: Sequence[str], at: dt.datetime,
        roster_source: str | None = None, pagerduty_url: str | None = None,
        asked_at: bool = False, allow_shrink: bool = False, history: bool = False, tz: dt.tzinfo = dt.timezone.utc,
        sev: int | None = None, pagerduty_wait: float | None = None) -> tuple[Room, tuple[str, ...]]:
    """Raises UnknownSystem (exit 2, naming the first unknown system) or CatalogError."""
    inputs = load_catalog(paths)
    catalog = inputs.catalog
    systems = [find_system(catalog, n) for n in dict.fromkeys(names)]
    g = build_graph(catalog)
    people = load_people(catalog, config, roster_source, at.date(), allow_shrink)
    # one PagerDuty question covers the responders and the owners of the direct dependencies (suspects)
    near = dependencies(g, [s.name for s in systems], SUSPECT_CONTACT_DEPTH)
    asked = [*systems, *(catalog.systems[n] for n in sorted(near))]
    answer = ask_pagerduty(catalog, asked, at if asked_at else None, config, pagerduty_url, wait=pagerduty_wait,
                           teams=catalog.incident.teams("fallback", "incident_roles"))
    warnings = list(inputs.warnings)
    activity = activity_for(catalog, config, [s.name for s in systems], people, warnings) if history else None
    ctx = Context(catalog, at, people, answer, activity, tz, pagerduty_web(config))
    return room(ctx, g, systems, sev), tuple(warnings)
