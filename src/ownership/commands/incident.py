"""`ownership incident SYSTEM...`: who belongs in the room for an incident touching these systems."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ownership.analysis.impact import build_graph, dependencies, find_system
from ownership.inputs import activity_for, ask_oncall, load_catalog, load_people, oncall_webs
from ownership.oncall.flags import provider_flags
from ownership.config import Config
from ownership.routing import Context, Room, room
from ownership.routing.incident import SUSPECT_CONTACT_DEPTH

if TYPE_CHECKING:
    from ownership.chat.slack import PostResult, Plan


@dataclass(frozen=True)
class Request:
    """The room asked for: every option of the command, parsed (built by the CLI, cli/)."""

    paths: Sequence[str]
    config: Config
    names: Sequence[str]
    at: dt.datetime
    roster_source: str | None = None
    pagerduty_url: str | None = None
    asked_at: bool = False
    allow_shrink: bool = False
    history: bool = False
    tz: dt.tzinfo = dt.timezone.utc
    sev: int | None = None
    pagerduty_wait: float | None = None


def run(request: Request) -> tuple[Room, tuple[str, ...]]:
    """Raises UnknownSystem (exit 2, naming the first unknown system) or CatalogError."""
    paths, config, names, at = request.paths, request.config, request.names, request.at
    roster_source, pagerduty_url, asked_at = request.roster_source, request.pagerduty_url, request.asked_at
    allow_shrink, history, tz, sev = request.allow_shrink, request.history, request.tz, request.sev
    pagerduty_wait = request.pagerduty_wait
    inputs = load_catalog(paths)
    catalog = inputs.catalog
    systems = [find_system(catalog, n) for n in dict.fromkeys(names)]
    g = build_graph(catalog)
    warnings = list(inputs.warnings)
    people = load_people(catalog, config, roster_source, at.date(), allow_shrink, warn=warnings.append)
    # one question to each on-call provider covers the responders and the owners of the direct dependencies (suspects)
    near = dependencies(g, [s.name for s in systems], SUSPECT_CONTACT_DEPTH)
    asked = [*systems, *(catalog.systems[n] for n in sorted(near))]
    answers = ask_oncall(catalog, asked, at if asked_at else None, config,
                         provider_flags(pagerduty_url, pagerduty_wait),
                         teams=catalog.incident.teams("fallback", "incident_roles"))
    activity = activity_for(catalog, config, [s.name for s in systems], people, warnings) if history else None
    ctx = Context(catalog, at, people, answers, activity, tz, oncall_webs(config))
    return room(ctx, g, systems, sev), tuple(warnings)


def slack_plan(result: Room, create_channel: bool = False) -> Plan:
    """What `--post` does: the first affected system's incident and status channels (catalog order), the
    commander, backup and responders invited by Slack member id."""
    from ownership.chat.slack import Invitee, Plan
    from ownership.render.slack import messages as slack_messages

    messages = slack_messages(result)
    people = [result.commander, result.backup,
              *(c for x in result.responders if x.level for c in x.level.contacts)]
    invitees: dict[str, Invitee] = {}
    for c in people:
        if c is not None and c.ref not in invitees:
            invitees[c.ref] = Invitee(c.name or c.label, c.reach.slack_id if c.reach else None)
    return Plan(incident_channel=next((c.incident for c in result.channels if c.incident), None),
                status_channel=next((c.status for c in result.channels if c.status), None),
                room=messages["room"], declaration=messages["status"]["declared"],
                invitees=tuple(invitees.values()), create_channel=create_channel)


def post(result: Room, config: Config, slack_url: str | None = None, create_channel: bool = False,
         env: Mapping[str, str] | None = None) -> PostResult:
    """Post the room and the declaration (chat.slack.post). Raises SlackError when nothing could be sent."""
    from ownership.chat import slack

    settings = slack.SlackSettings.from_values(config.get("slack"), slack_url)
    return slack.post(slack_plan(result, create_channel), settings, env)


def outcome_text(outcome: PostResult) -> str:
    """What --post did, one line a step: `posted`/`created`/`invited` lines, then every `not done` line."""
    lines = [f"slack: {line}" for line in outcome.done]
    lines += [f"slack: {line}" for line in outcome.not_invited]
    lines += [f"slack: NOT DONE: {line}" for line in outcome.not_done]
    return "\n".join(lines or ["slack: nothing to do"]) + "\n"
