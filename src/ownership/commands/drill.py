"""`ownership drill`: the inputs of a game-day drill (catalog, roster, PagerDuty over the window), then
routing/drill.py. Nothing here judges a gap.

Unlike `page` at 3 a.m., a drill that cannot see the roster it was told to use cannot run (exit 2): leavers
are half of what it looks for. PagerDuty that cannot be asked is no reason to stop: the systems it would
have answered for get an `oncall-unknown` gap with the reason.
"""
from __future__ import annotations

import datetime as dt
import difflib
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ownership.config import Config
from ownership.errors import OwnershipError
from ownership.inputs import load_catalog, load_roster, pagerduty_ids
from ownership.model import Catalog, System
from ownership.routing.drill import SOLE_RESPONDER_THRESHOLD, Drill, PagerDutyWindow, drill, in_scope
from ownership.words import plural


class DrillError(OwnershipError):
    """A drill that cannot run: --team names no team of the catalog (exit 2)."""


@dataclass(frozen=True)
class Request:
    """The drill asked for: every option of the command, parsed (built by the CLI, cli/)."""

    paths: Sequence[str]
    config: Config
    start: dt.datetime
    weeks: int
    tier: int | None = None
    roster_source: str | None = None
    pagerduty_url: str | None = None
    allow_shrink: bool = False
    tz: dt.tzinfo = dt.timezone.utc
    threshold: int = SOLE_RESPONDER_THRESHOLD
    env: Mapping[str, str] | None = None
    team: str | None = None


def run(request: Request) -> tuple[Drill, tuple[str, ...]]:
    """The drill of [start, start + weeks). Raises CatalogError, RosterError or DrillError (exit 2)."""
    paths, config, start, weeks, tier = request.paths, request.config, request.start, request.weeks, request.tier
    roster_source, pagerduty_url, allow_shrink = request.roster_source, request.pagerduty_url, request.allow_shrink
    tz, threshold, env, team = request.tz, request.threshold, request.env, request.team
    inputs = load_catalog(paths)
    catalog = inputs.catalog
    if team is not None and team not in catalog.teams:
        close = difflib.get_close_matches(team, list(catalog.teams), n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise DrillError(f"--team: no team '{team}' in the catalog ({plural(len(catalog.teams), 'team')}){hint}")
    end = start + dt.timedelta(weeks=weeks)
    notes: list[str] = []  # the roster shrink guard's (a damaged or missing baseline)
    roster = load_roster(roster_source, config, start.date(), allow_shrink, warn=notes.append)
    window = ask_pagerduty(catalog, in_scope(catalog, tier, team), start, end, config, pagerduty_url, env)
    return drill(catalog, roster, start, end, tier=tier, pagerduty=window, tz=tz, threshold=threshold,
                 team=team), (*inputs.warnings, *notes)


def ask_pagerduty(catalog: Catalog, systems: Iterable[System], start: dt.datetime, end: dt.datetime,
                  config: Config, base_url: str | None,
                  env: Mapping[str, str] | None = None) -> PagerDutyWindow | None:
    """PagerDuty's `GET /oncalls` from `start` to `end` for every policy and service that reaches `systems`,
    the org fallback and the incident roles (their teams' on-call); None when none uses PagerDuty."""
    policies, services = pagerduty_ids(catalog, systems, catalog.incident.teams("fallback", "incident_roles"))
    if not policies and not services:
        return None
    from ownership.oncall import pagerduty

    try:
        settings = pagerduty.PagerDutySettings.from_values(config.get("pagerduty"), config.relative, base_url)
        found = pagerduty.lookup(policies, services, start, settings, env=env if env is not None else os.environ,
                                 until=end)
    except pagerduty.PagerDutyError as exc:
        return PagerDutyWindow(error=str(exc))
    return PagerDutyWindow(found.entries, found.services, found.unknown_services)
