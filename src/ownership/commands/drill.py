"""`ownership drill`: the inputs of a game-day drill (catalog, roster, the on-call providers over the window),
then routing/drill.py. Nothing here judges a gap.

Unlike `page` at 3 a.m., a drill that cannot see the roster it was told to use cannot run (exit 2): leavers
are half of what it looks for. A provider that cannot be asked, or does not answer within its wait (as `page`
waits, inputs.ask_oncall), is no reason to stop: the systems it would have answered for get an
`oncall-unknown` gap with the reason.
"""
from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ownership.config import Config
from ownership.errors import OwnershipError
from ownership.inputs import ask_oncall, load_catalog, load_roster
from ownership.oncall.flags import provider_flags
from ownership.routing.drill import SOLE_RESPONDER_THRESHOLD, Drill, drill, in_scope
from ownership.support.words import plural


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
    answers = ask_oncall(catalog, in_scope(catalog, tier, team), start, config, provider_flags(pagerduty_url),
                         env, catalog.incident.teams("fallback", "incident_roles"), until=end)
    return drill(catalog, roster, start, end, tier=tier, oncall=answers, tz=tz, threshold=threshold,
                 team=team), (*inputs.warnings, *notes)
