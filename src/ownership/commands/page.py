"""`ownership page SYSTEM`: the page list for one system, from the inputs routing needs (see inputs.py).

Nothing here decides who is paged, and nothing here gathers inputs by itself: inputs.py loads the catalog (its
errors become a warning), the roster and the on-call providers, and turns a source that cannot be used into a note on the
output rather than a failure. Only a catalog that cannot be read, or an unknown system, stops the command.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ownership.config import Config
from ownership.analysis.impact import find_system
from ownership.inputs import activity_for, ask_oncall, load_catalog, load_people, oncall_webs, read_roster
from ownership.oncall.flags import provider_flags
from ownership.model import Roster
from ownership.routing import Context, Page
from ownership.routing import page as build_page


@dataclass(frozen=True)
class Request:
    """The page list asked for: every option of the command, parsed (built by the CLI, cli/)."""

    paths: Sequence[str]
    config: Config
    name: str
    at: dt.datetime
    roster_source: str | None = None
    pagerduty_url: str | None = None
    asked_at: bool = False
    allow_shrink: bool = False
    history: bool = False
    tz: dt.tzinfo = dt.timezone.utc
    pagerduty_wait: float | None = None


def run(request: Request) -> tuple[Page, tuple[str, ...]]:
    """The page list for system `name` at `at`. Raises UnknownSystem (exit 2) or CatalogError."""
    paths, config, name, at = request.paths, request.config, request.name, request.at
    roster_source, pagerduty_url, asked_at = request.roster_source, request.pagerduty_url, request.asked_at
    allow_shrink, history, tz = request.allow_shrink, request.history, request.tz
    pagerduty_wait = request.pagerduty_wait
    roster: list[tuple[Roster | None, str | None]] = []  # read while a second process parses the catalog
    notes: list[str] = []  # the roster shrink guard's (a damaged or missing baseline)
    inputs = load_catalog(paths, meanwhile=lambda: roster.append(read_roster(config, roster_source, at.date(),
                                                                             allow_shrink, notes.append)))
    system = find_system(inputs.catalog, name)
    people = load_people(inputs.catalog, config, roster_source, at.date(), allow_shrink, read=roster[0])
    answers = ask_oncall(inputs.catalog, [system], at if asked_at else None, config,
                         provider_flags(pagerduty_url, pagerduty_wait), teams=inputs.catalog.incident.teams("fallback"))
    warnings = list(inputs.warnings) + notes
    activity = activity_for(inputs.catalog, config, [system.name], people, warnings) if history else None
    ctx = Context(inputs.catalog, at, people, answers, activity, tz, oncall_webs(config))
    return build_page(ctx, system), tuple(warnings)
