"""What is written for people to read: report, site, demo."""
from __future__ import annotations

from pathlib import Path

import click

from ownership.cli.group import _warn, cli
from ownership.cli.options import (
    _at, _catalog_paths, _today, ALLOW_SHRINK_OPTION, CATALOG_OPTION, CONFIG_OPTION, EXCLUDE_OPTION, LEGACY_PATHS,
    ROSTER_OPTION, STATE_OPTION, STRICT_ROSTER_OPTION, TODAY_OPTION,
)
from ownership.render import terminal
from ownership.support.words import plural


@cli.command()
@LEGACY_PATHS
@CATALOG_OPTION
@click.option("--out", type=click.Path(file_okay=False), metavar="DIR",
              help="Folder for report.md, report.html, report.json [default: reports/YYYY-MM-DD/].")
@click.option("--history", type=click.Path(file_okay=False), metavar="DIR",
              help="Earlier reports as DIR/YYYY-MM-DD/report.json, for 'what changed' and the health chart "
                   "[default: the folder that holds --out].")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Repositories scanned at once [default: history.jobs in ownership.yaml, else CPU count].")
@STATE_OPTION
@ROSTER_OPTION
@ALLOW_SHRINK_OPTION
@STRICT_ROSTER_OPTION
@EXCLUDE_OPTION
@CONFIG_OPTION
@TODAY_OPTION
def report(catalog_paths: tuple[str, ...], out: str | None, history: str | None, jobs: int | None,
           states: tuple[str, ...], roster: str | None, allow_roster_shrink: bool, strict_roster: bool,
           config_path: str | None, today: str | None) -> None:
    """The weekly ownership report of the catalog (--catalog; default: catalog/): headline numbers, what changed
    since the last report, top risks with suggested successors, teams, legacy stewards, catalog hygiene.
    Writes report.md, report.html (self-contained) and report.json (docs/report.md). Exit 0 once written."""
    from ownership.commands import report as command
    from ownership.history.progress import bar

    selected, config = _catalog_paths(catalog_paths, config_path)
    written = command.run(command.Request(selected, config, today=_today(today), roster_source=roster,
                                          out=Path(out) if out else None,
                                          history=Path(history) if history else None,
                                          allow_roster_shrink=allow_roster_shrink, jobs=jobs,
                                          warn=lambda line: _warn([line]), stage=command.terminal_stage(),
                                          progress=bar, states=states, strict_roster=strict_roster))
    terminal.out(f"wrote {', '.join(str(p) for p in written.files.values())}")


@cli.command()
@click.option("--out", default="ownership-demo", show_default=True, type=click.Path(file_okay=False),
              metavar="DIR", help="Working folder for the example org; re-running re-creates its repositories.")
@TODAY_OPTION
def demo(out: str, today: str | None) -> None:
    """Try it on the bundled example org: writes its catalog, HR roster and git repositories (several years
    of generated history) into DIR, then scans, audits and reports, and prints where report.html is."""
    from ownership.commands import demo as command
    from ownership.commands.report import terminal_stage
    from ownership.history.progress import bar

    ws, written = command.run(Path(out), _today(today), warn=lambda line: _warn([line]),
                              stage=terminal_stage(), progress=bar)
    h = written.doc["headline"]
    terminal.out(f"example org in {ws.root}: {h['systems']} systems, {h['orphaned']} orphaned, {h['dormant']} dormant, "
               f"{h['findings']['error']} errors and {h['findings']['warning']} warnings")
    terminal.out(f"report: {written.files['report.html'].resolve()}")
    terminal.out("try next:")
    for line in command.next_steps(out):
        terminal.out(f"  {line}")


@cli.command()
@LEGACY_PATHS
@CATALOG_OPTION
@click.option("--out", required=True, type=click.Path(file_okay=False), metavar="DIR",
              help="Folder to write the site into (replaced as a whole; must be new, empty or an earlier build).")
@click.option("--report", "report_dir", type=click.Path(file_okay=False), metavar="DIR",
              help="The weekly report to link: a report folder, or one of dated report folders (the newest "
                   "is copied into the site) [default: reports/ when it holds one].")
@click.option("--at", "at", metavar="TIME",
              help="The moment page lists and rotations are answered for: ISO date-time or date [default: now]. "
                   "The same inputs and --at give byte-identical output.")
@click.option("--no-scan", is_flag=True, help="Do not read git history (pages say \"no scan\").")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Repositories scanned at once [default: history.jobs in ownership.yaml, else CPU count].")
@click.option("--offboard-limit", type=click.IntRange(min=0), default=None,
              help="Run the off-boarding simulation on person pages only up to this many people "
                   "[default: site.offboard_limit in ownership.yaml, else no limit].")
@click.option("--pagerduty-web", metavar="URL",
              help="Your PagerDuty web address, for escalation-policy links [default: site.pagerduty_web in "
                   "ownership.yaml, else https://app.pagerduty.com].")
@click.option("--title", metavar="TEXT", help="Site title [default: site.title in ownership.yaml, else "
                                              "Ownership catalog].")
@STATE_OPTION
@ROSTER_OPTION
@ALLOW_SHRINK_OPTION
@EXCLUDE_OPTION
@CONFIG_OPTION
def site(catalog_paths: tuple[str, ...], out: str, report_dir: str | None, at: str | None, no_scan: bool,
         jobs: int | None, offboard_limit: int | None, pagerduty_web: str | None, title: str | None,
         states: tuple[str, ...], roster: str | None, allow_roster_shrink: bool, config_path: str | None) -> None:
    """Write the catalog (--catalog; default: catalog/) as a static website into DIR: search, a page per system
    (who to page, blast radius, findings, git activity), team and person. No server needed (docs/site.md)."""
    from ownership.commands import site as command
    from ownership.history.progress import bar

    selected, config = _catalog_paths(catalog_paths, config_path)
    moment = _at(at)
    with bar() as progress:
        outcome = command.run(command.Request(selected, config, out, at=moment, roster_source=roster,
                                              allow_roster_shrink=allow_roster_shrink, scan=not no_scan, jobs=jobs,
                                              report_dir=report_dir, pagerduty_web=pagerduty_web, title=title,
                                              offboard_limit=offboard_limit, warn=lambda line: _warn([line]),
                                              progress=progress, states=states))
    if outcome.catalog_errors:
        _warn([f"the catalog has {plural(outcome.catalog_errors, 'error')} (see `ownership validate`); the site "
               "shows what could be read"])
    terminal.out(f"wrote {plural(outcome.files, 'file')} to {outcome.out}: {plural(outcome.systems, 'system')}, "
               f"{plural(outcome.teams, 'team')}, {plural(outcome.people, 'person')}"
               + (f", report {outcome.report.day}" if outcome.report else ""))
