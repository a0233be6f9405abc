"""Who to call: page, blast-radius, incident, drill (and its game-day card, --scenario)."""
from __future__ import annotations

import sys

import click

from ownership.support import redact
from ownership import render
from ownership.cli.group import _emit, _note, _say, _warn, cli, EXIT_FINDINGS, EXIT_OK, Failure
from ownership.cli.options import (
    _at, _catalog_paths, _complete, _Renaming, _tz, ALLOW_SHRINK_OPTION, AT_OPTION, CATALOG_OPTION, CONFIG_OPTION,
    EXCLUDE_OPTION, format_option, HISTORY_OPTION, OUTPUT_OPTION, PAGERDUTY_URL_OPTION, PAGERDUTY_WAIT_OPTION,
    ROSTER_OPTION, TZ_OPTION,
)
from ownership.errors import EXIT_CANNOT_RUN
from ownership.render import terminal


@cli.command(cls=_Renaming, renamed={"--history": "--scan"})
@click.argument("system", shell_complete=_complete("system"))
@format_option(render.PAGE)
@AT_OPTION
@TZ_OPTION
@CATALOG_OPTION
@PAGERDUTY_URL_OPTION
@PAGERDUTY_WAIT_OPTION
@HISTORY_OPTION
@ROSTER_OPTION
@ALLOW_SHRINK_OPTION
@EXCLUDE_OPTION
@CONFIG_OPTION
def page(system: str, fmt: str, at: str | None, tz: str, catalog_paths: tuple[str, ...], pagerduty_url: str | None,
         pagerduty_wait: float | None, history: bool, roster: str | None, allow_roster_shrink: bool,
         config_path: str | None) -> None:
    """Who to page for SYSTEM, in order: on call (PagerDuty, else the catalog rotation), maintainers, the
    team, the team manager and their manager. People who left, are inactive in HR or moved team are listed
    under skipped with the reason. Exit 1 when nobody at all can be paged, 2 for an unknown system."""
    from ownership.commands import page as command

    paths, config = _catalog_paths(catalog_paths, config_path)
    when, zone = _at(at), _tz(tz)
    result, warnings = command.run(command.Request(paths, config, system, when, roster, pagerduty_url,
                                                   asked_at=at is not None, allow_shrink=allow_roster_shrink,
                                                   history=history, tz=zone, pagerduty_wait=pagerduty_wait))
    _warn(warnings)
    terminal.out(render.PAGE[fmt](result), nl=False)
    if result.gap:
        _note(result.gap)
        sys.exit(EXIT_FINDINGS)


@cli.command("blast-radius")
@click.argument("system", shell_complete=_complete("system"))
@click.option("--depth", type=click.IntRange(min=1), default=None, help="Stop after N hops [default: all].")
@format_option(render.IMPACT, help="svg: drawn by Graphviz when installed, else a built-in layout.")
@OUTPUT_OPTION
@CATALOG_OPTION
@EXCLUDE_OPTION
@CONFIG_OPTION
def blast_radius(system: str, depth: int | None, fmt: str, output: str | None, catalog_paths: tuple[str, ...],
                 config_path: str | None) -> None:
    """What breaks when SYSTEM breaks: every system that depends on it, directly or not, by depth, with
    tier, customer-facing flag and owning team, and how many tier-1 and customer-facing systems are hit."""
    from ownership.commands import blast_radius as command

    paths, _ = _catalog_paths(catalog_paths, config_path)
    impact, warnings = command.run(paths, system, depth, with_edges=fmt in ("dot", "svg"))
    _warn(warnings)
    _emit(render.IMPACT[fmt](impact), output)


@cli.command(cls=_Renaming, renamed={"--history": "--scan"})
@click.argument("systems", nargs=-1, required=True, shell_complete=_complete("system"))
@format_option(render.ROOM, help="markdown is ready to paste into Slack or an incident document; slack is "
                                 "Block Kit JSON for the room and the status messages.")
@click.option("--post", is_flag=True, help="Post the room to the incident channel and the declaration to the "
                                           "status channel through Slack's Web API (token from "
                                           "$OWNERSHIP_SLACK_TOKEN); prints what was and was not posted.")
@click.option("--create-channel", is_flag=True, help="With --post: create the incident channel first (an "
                                                     "existing one is used) and invite the responders.")
@click.option("--slack-url", metavar="URL", help="Slack Web API base URL [default: slack.base_url in "
                                                 "ownership.yaml, else https://slack.com/api/].")
@AT_OPTION
@TZ_OPTION
@click.option("--sev", type=click.IntRange(1, 4), default=None, metavar="N",
              help="The severity of this incident (1-4), instead of the catalog's severity rules.")
@CATALOG_OPTION
@PAGERDUTY_URL_OPTION
@PAGERDUTY_WAIT_OPTION
@HISTORY_OPTION
@ROSTER_OPTION
@ALLOW_SHRINK_OPTION
@EXCLUDE_OPTION
@CONFIG_OPTION
def incident(systems: tuple[str, ...], fmt: str, post: bool, create_channel: bool, slack_url: str | None,
             at: str | None, tz: str, sev: int | None, catalog_paths: tuple[str, ...], pagerduty_url: str | None,
             pagerduty_wait: float | None, history: bool,
             roster: str | None, allow_roster_shrink: bool, config_path: str | None) -> None:
    """Who belongs in the room for an incident touching SYSTEMS: incident commander and backup, responders,
    suspects (owners of upstream dependencies), stakeholders, where to talk, and the blast radius. Exit 1
    when an affected system has nobody at all to page, 2 for an unknown system or when --post could not post
    everything."""
    from ownership.commands import incident as command

    if (create_channel or slack_url) and not post:
        raise Failure("--create-channel and --slack-url go with --post")
    paths, config = _catalog_paths(catalog_paths, config_path)
    when, zone = _at(at), _tz(tz)
    result, warnings = command.run(command.Request(paths, config, systems, when, roster, pagerduty_url,
                                                   asked_at=at is not None, allow_shrink=allow_roster_shrink,
                                                   history=history, tz=zone, sev=sev, pagerduty_wait=pagerduty_wait))
    _warn(warnings)
    posted = True
    if post:
        outcome = command.post(result, config, slack_url, create_channel)
        terminal.out(redact.text(command.outcome_text(outcome)), nl=False)
        for line in outcome.errors:
            _say("error", line)
        posted = outcome.ok
    else:
        terminal.out(render.ROOM[fmt](result), nl=False)
    gaps = [x.gap for x in result.responders if x.gap]
    for gap in gaps:
        _note(gap)
    if not posted:
        sys.exit(EXIT_CANNOT_RUN)
    if gaps:
        sys.exit(EXIT_FINDINGS)


@cli.command()
@click.option("--weeks", type=click.IntRange(1, 12), default=4, show_default=True,
              help="Length of the window (PagerDuty answers up to 90 days).")
@click.option("--tier", type=click.IntRange(1, 4), default=None, metavar="N",
              help="Only systems of tier N or more critical [default: all].")
@click.option("--team", metavar="TEAM", shell_complete=_complete("team"),
              help="Only the systems TEAM owns (a team's own game day) [default: every team].")
@click.option("--from", "start", metavar="TIME",
              help="Start of the window: ISO date-time or date (UTC without an offset) [default: now].")
@format_option(render.DRILL)
@click.option("--sole-responder", "threshold", type=click.IntRange(min=1), default=3, show_default=True,
              metavar="N", help="Report a person who is the only one the page reaches for N or more tier-1 "
                                "systems at once.")
@click.option("--scenario", metavar="SYSTEM", shell_complete=_complete("system"),
              help="Instead: write the game-day card for an incident on SYSTEM (Markdown).")
@click.option("--at", "at", metavar="TIME", help="With --scenario: the moment the incident is rehearsed for "
                                                  "[default: now].")
@OUTPUT_OPTION
@TZ_OPTION
@CATALOG_OPTION
@PAGERDUTY_URL_OPTION
@ROSTER_OPTION
@ALLOW_SHRINK_OPTION
@EXCLUDE_OPTION
@CONFIG_OPTION
def drill(weeks: int, tier: int | None, team: str | None, start: str | None, fmt: str, threshold: int,
          scenario: str | None,
          at: str | None, output: str | None, tz: str, catalog_paths: tuple[str, ...], pagerduty_url: str | None, roster: str | None,
          allow_roster_shrink: bool, config_path: str | None) -> None:
    """Game day: the page and the incident room of every system at every on-call hand-over of the next
    --weeks, and every gap they show: nobody reachable, a page level whose people all left, one person as
    the only responder for many tier-1 systems, the commander also a responder, rotations with leavers,
    stakeholder groups nobody can reach, tier-1 systems without runbook or status channel (docs/drill.md).
    Exit 1 on any gap, 0 when there is none, 2 when the drill cannot run."""
    paths, config = _catalog_paths(catalog_paths, config_path)
    zone = _tz(tz)
    if scenario is not None:
        from ownership.commands import gameday

        card, notes = gameday.run(gameday.Request(paths, config, scenario, _at(at), zone, roster,
                                                  allow_roster_shrink, pagerduty_url))
        _warn(notes)
        _emit(card, output)
        return
    if output is not None:
        raise Failure("-o/--output goes with --scenario (the drill's report is printed)")
    from ownership.commands import drill as command

    result, warnings = command.run(command.Request(paths, config, _at(start), weeks, tier, roster, pagerduty_url,
                                                   allow_roster_shrink, zone, threshold, team=team))
    _warn(warnings)
    terminal.out(render.DRILL[fmt](result), nl=False)
    sys.exit(EXIT_FINDINGS if result.gaps else EXIT_OK)
