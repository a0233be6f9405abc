"""Commands about people: roster pull|show, audit, suggest, offboard."""
from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Sequence

import click

from ownership import render
from ownership.cli.group import (
    _auto_format, _colour, _emit, _warn, _write_step_summary, cli, EXIT_FINDINGS, EXIT_OK, Failure,
)
from ownership.cli.options import (
    _catalog_paths, _complete, _config, _Renaming, _roster, _today, ALLOW_SHRINK_OPTION, CATALOG_OPTION,
    CONFIG_OPTION, DEFAULT_CATALOG, EXCLUDE_OPTION, FAIL_ON_OPTION, FINDINGS_FORMAT_OPTION, format_option,
    LEGACY_PATHS, OUTPUT_OPTION, ROSTER_OPTION, STATE_OPTION, STRICT_ROSTER_OPTION, TODAY_OPTION,
)
from ownership.config import Config
from ownership.model import Finding, Snapshot
from ownership.render import terminal


@cli.group("roster")
def roster_group() -> None:
    """The HR roster: save a snapshot of it, or look someone up."""


@roster_group.command("pull", cls=_Renaming, renamed={"--out": "--output"})
@click.option("--output", "-o", "out", required=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="Write the snapshot (JSON) here; an existing FILE is also compared by the shrink guard.")
@ROSTER_OPTION
@ALLOW_SHRINK_OPTION
@STRICT_ROSTER_OPTION
@CONFIG_OPTION
@TODAY_OPTION
def roster_pull(out: str, roster: str | None, allow_roster_shrink: bool, strict_roster: bool,
                config_path: str | None, today: str | None) -> None:
    """Read the roster (a SCIM server or an HR export) and save it as a JSON snapshot.

    Nothing is written unless the whole roster was read: a SCIM pull that ends early or fails after its
    retries, or a roster that shrank by more than roster_shrink_limit, stops with exit code 2.
    """
    from ownership.commands import roster as command

    config = _config([DEFAULT_CATALOG], config_path)
    pulled = command.pull(roster, config, _today(today), out, allow_roster_shrink, strict=strict_roster,
                          warn=lambda line: _warn([line]))
    _warn(pulled.warnings)
    terminal.out(f"saved {pulled.people} people ({pulled.active} active) from {pulled.source} to {pulled.out}")


@roster_group.command("show")
@click.argument("who", shell_complete=_complete("person"))
@CATALOG_OPTION
@format_option(render.PERSON)
@ROSTER_OPTION
@ALLOW_SHRINK_OPTION
@EXCLUDE_OPTION
@CONFIG_OPTION
@TODAY_OPTION
def roster_show(who: str, catalog_paths: tuple[str, ...], fmt: str, roster: str | None,
                allow_roster_shrink: bool, config_path: str | None, today: str | None) -> None:
    """Print one person (WHO: an email, username, GitHub noreply address, roster id or alias) and what they
    own in the catalog: teams, managed teams, maintained systems, stakeholder groups, rotations."""
    from ownership.commands import roster as command

    paths, config = _catalog_paths(catalog_paths, config_path)
    day = _today(today)
    people = _roster(roster, config, day, allow_roster_shrink)
    if people is None:
        raise Failure(command.NO_SOURCE)
    _warn(command.warnings(people))
    info = command.describe(who, people, command.catalog_for_show(paths), day)
    terminal.out(render.PERSON[fmt](info), nl=False)


def _audit_snapshot(paths: Sequence[str], config: Config, day: dt.date, roster: str | None, allow_shrink: bool,
                    jobs: int | None = None, scan: bool = True,
                    before_scan: Callable[[Snapshot], None] | None = None,
                    states: Sequence[str] = ()) -> tuple[Snapshot, list[Finding]]:
    """The Snapshot (catalog, roster, scanned activity) shared by audit, suggest and offboard."""
    from ownership.inputs import prepare
    from ownership.history.progress import bar

    with bar() as progress:
        return prepare(paths, config, today=day, roster_source=roster, allow_roster_shrink=allow_shrink,
                       jobs=jobs, scan=scan, warn=lambda line: _warn([line]), progress=progress,
                       before_scan=before_scan, states=states)


@cli.command()
@LEGACY_PATHS
@CATALOG_OPTION
@FINDINGS_FORMAT_OPTION
@FAIL_ON_OPTION
@OUTPUT_OPTION
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Repositories scanned at once [default: history.jobs in ownership.yaml, else CPU count].")
@click.option("--no-scan", is_flag=True, help="Skip the git history (catalog and people rules only).")
@STATE_OPTION
@ROSTER_OPTION
@ALLOW_SHRINK_OPTION
@EXCLUDE_OPTION
@CONFIG_OPTION
@TODAY_OPTION
def audit(catalog_paths: tuple[str, ...], fmt: str, fail_on: str | None, output: str | None, jobs: int | None,
          no_scan: bool, states: tuple[str, ...], roster: str | None, allow_roster_shrink: bool,
          config_path: str | None, today: str | None) -> None:
    """Audit the catalog (--catalog; default: catalog/) against the roster and the git history.

    Runs validate's rules, the people rules and the health rules: orphaned, dormant, ownership-drift,
    knowledge-loss, bus-factor, deprecated-dependency, no-oncall (docs/audit.md). The git history comes from
    the incremental scan cache (scanned when needed). Same formats and exit codes as validate.
    """
    from ownership.audit import audit as run_audit
    from ownership.commands.validate import failing

    selected, config = _catalog_paths(catalog_paths, config_path)
    fmt = _auto_format(fmt)
    day = _today(today)
    snap, loaded = _audit_snapshot(selected, config, day, roster, allow_roster_shrink, jobs, not no_scan,
                                   states=states)
    if snap.roster is None:
        _warn(["no roster (--roster or roster: in ownership.yaml): people, orphaned, knowledge-loss and "
               "bus-factor checks are skipped"])
    result = run_audit(snap, loaded)
    coloured = _colour(fmt, output)
    body, summary = render.FINDINGS[fmt](result.findings, title="Ownership audit", colour=coloured)
    _emit(body, output, coloured)
    _write_step_summary(summary)
    sys.exit(EXIT_FINDINGS if failing(result.findings, fail_on or config.get("fail_on", "error")) else EXIT_OK)


@cli.command()
@click.argument("system", shell_complete=_complete("system"))
@click.option("--limit", type=click.IntRange(min=1), default=3, show_default=True, help="How many to show.")
@click.option("--write", is_flag=True,
              help="Add the top suggestion to the system's maintainers in its catalog file (comments, key order "
                   "and formatting are kept).")
@format_option(render.SUGGEST)
@CATALOG_OPTION
@ROSTER_OPTION
@ALLOW_SHRINK_OPTION
@EXCLUDE_OPTION
@CONFIG_OPTION
@TODAY_OPTION
def suggest(system: str, limit: int, write: bool, fmt: str, catalog_paths: tuple[str, ...], roster: str | None,
            allow_roster_shrink: bool, config_path: str | None, today: str | None) -> None:
    """Who should own SYSTEM now: employed people ranked by recency-weighted authorship of its files and
    its commits of the last 180 days, team members first on ties, with the evidence. Exit 1 when --write
    finds nobody to suggest."""
    from ownership.commands import suggest as command

    paths, config = _catalog_paths(catalog_paths, config_path)
    snap, _ = _audit_snapshot(paths, config, _today(today), roster, allow_roster_shrink,
                              before_scan=lambda s: command.check(s, system))
    outcome = command.run(snap, system, limit, write)
    terminal.out(render.SUGGEST[fmt](outcome), nl=False)
    if write and not outcome.suggestions:
        sys.exit(EXIT_FINDINGS)


@cli.command()
@click.argument("people", nargs=-1, required=True, shell_complete=_complete("person"))
@format_option(render.OFFBOARD)
@CATALOG_OPTION
@ROSTER_OPTION
@ALLOW_SHRINK_OPTION
@EXCLUDE_OPTION
@CONFIG_OPTION
@TODAY_OPTION
def offboard(people: tuple[str, ...], fmt: str, catalog_paths: tuple[str, ...], roster: str | None,
             allow_roster_shrink: bool, config_path: str | None, today: str | None) -> None:
    """Simulate PEOPLE (emails, usernames or roster ids) leaving today: what becomes orphaned, what loses its
    last employed maintainer, how truck factors and knowledge held by leavers change, and the blast radius
    of what becomes orphaned. Nothing is written."""
    from ownership.commands import offboard as command

    paths, config = _catalog_paths(catalog_paths, config_path)
    snap, _ = _audit_snapshot(paths, config, _today(today), roster, allow_roster_shrink,
                              before_scan=lambda s: command.check(s, people))
    result = command.run(snap, people)
    coloured = _colour(fmt)
    terminal.out(render.OFFBOARD[fmt](result, coloured), nl=False, colour=coloured)
