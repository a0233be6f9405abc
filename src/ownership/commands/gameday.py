"""`ownership drill --scenario SYSTEM [--at TIME]`: the game-day card for a simulated failure of SYSTEM.

It composes the `incident` command (the same catalog, roster and on-call provider inputs, the same Room) with the
card renderer; it gathers nothing of its own.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ownership.commands import incident
from ownership.config import Config
from ownership.render.gameday import card


@dataclass(frozen=True)
class Request:
    """The game-day card asked for: every option of the command, parsed (built by the CLI, cli/)."""

    paths: Sequence[str]
    config: Config
    system: str
    at: dt.datetime
    tz: dt.tzinfo
    roster_source: str | None = None
    allow_shrink: bool = False
    pagerduty_url: str | None = None


def run(request: Request) -> tuple[str, tuple[str, ...]]:
    """(the card's Markdown, warnings). The on-call providers are asked about `at`, the drill's moment. Raises UnknownSystem
    (exit 2, with the closest names) or CatalogError, as `incident` does."""
    paths, config, system, at, tz = request.paths, request.config, request.system, request.at, request.tz
    roster_source, allow_shrink, pagerduty_url = request.roster_source, request.allow_shrink, request.pagerduty_url
    room, warnings = incident.run(incident.Request(paths, config, [system], at, roster_source, pagerduty_url,
                                                   asked_at=True, allow_shrink=allow_shrink, tz=tz))
    return card(room), warnings
