"""`ownership site --out DIR`: gather what the audit gathers, build the pages, write the folder.

The I/O side of the site: the catalog, roster and git activity come from `inputs.prepare()`, findings,
successors and impact from `audit()`, the off-boarding simulation from `offboard()`. The latest weekly report
found under `--report DIR` (default: reports/) is copied into the site so the link works wherever it is hosted.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ownership.support import confine
from ownership.audit import audit
from ownership.config import Config
from ownership.render.pictures import Drawer
from ownership.history.scan import Progress
from ownership.history.weblinks import blob_urls
from ownership.inputs import oncall_webs, prepare
from ownership.oncall.flags import provider_webs
from ownership.offboard import Offboarding
from ownership.site.build import ReportLink, SiteInputs, build
from ownership.site.settings import from_values
from ownership.site.writer import SiteError, write

Warn = Callable[[str], None]
DEFAULT_REPORTS = "reports"
REPORT_FILES = ("report.html", "report.md", "report.json")  # what a weekly report folder holds (issue 7)

__all__ = ["Outcome", "SiteError", "latest_report", "run"]


@dataclass(frozen=True)
class Outcome:
    out: Path
    files: int
    systems: int
    teams: int
    people: int
    catalog_errors: int
    report: ReportLink | None


@dataclass(frozen=True)
class Request:
    """The site asked for: every option of the command, parsed (built by the CLI, cli/)."""

    paths: Sequence[str]
    config: Config
    out: str
    at: dt.datetime
    roster_source: str | None
    allow_roster_shrink: bool = False
    scan: bool = True
    jobs: int | None = None
    report_dir: str | None = None
    offboard_limit: int | None = None
    pagerduty_web: str | None = None
    title: str | None = None
    warn: Warn = lambda _: None
    progress: Progress | None = None
    states: Sequence[str] = ()


def run(request: Request) -> Outcome:
    """Build the site into `out`. Raises CatalogError, RosterError or SiteError (the CLI exits 2)."""
    paths, config, out, at = request.paths, request.config, request.out, request.at
    roster_source, allow_roster_shrink, scan = request.roster_source, request.allow_roster_shrink, request.scan
    jobs, report_dir, offboard_limit = request.jobs, request.report_dir, request.offboard_limit
    pagerduty_web, title, warn, progress = request.pagerduty_web, request.title, request.warn, request.progress
    states = request.states
    snap, loaded = prepare(paths, config, today=at.date(), roster_source=roster_source,
                           allow_roster_shrink=allow_roster_shrink, jobs=jobs, scan=scan, warn=warn,
                           progress=progress, states=states)
    result = audit(snap, loaded)
    report, copies = latest_report(report_dir if report_dir is not None else DEFAULT_REPORTS,
                                   explicit=report_dir is not None)
    settings = from_values(config.get("site"), config.relative)
    inputs = SiteInputs(result, at, offboard=lambda facts: Offboarding(facts).run,
                    offboard_limit=settings.offboard_limit if offboard_limit is None else offboard_limit,
                    report=report, webs=provider_webs(oncall_webs(config), pagerduty_web),
                    title=title or settings.title, draw=Drawer(config.get("pictures", "auto"), warn),
                    sources=blob_urls(f.location.file for f in result.findings if f.location))
    site = build(inputs)
    site.files.update(copies)
    written = write(site, Path(out))
    errors = sum(1 for f in result.findings if f.severity == "error" and _group(f.rule) == "catalog")
    people = sum(1 for p in site.pages if p.template == "person.html")
    return Outcome(Path(out), written, len(snap.catalog.systems), len(snap.catalog.teams), people, errors, report)


def latest_report(folder: str, explicit: bool = False) -> tuple[ReportLink | None, dict[str, str]]:
    """The newest weekly report under `folder` (itself a report folder, or one holding dated report folders)
    and its files to copy into the site under report/. A missing default folder is no report; a missing
    `--report DIR` is an error."""
    root = Path(folder)
    if not root.is_dir():
        if explicit:
            raise SiteError(f"--report {folder}: no such folder")
        return None, {}
    candidates = [root] + sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: p.name, reverse=True)
    for candidate in candidates:
        present = [name for name in REPORT_FILES if (candidate / name).is_file()]
        if not present:
            continue
        copies = {}
        for name in present:
            try:
                # a report file that is a symlink (or under a symlinked folder) resolving out of the report
                # folder is refused: the site publishes nothing read from elsewhere on the machine
                real = confine.inside(root, candidate / name)
                copies[f"report/{name}"] = real.read_text(encoding="utf-8", errors="replace")
            except confine.OutsideRoot as exc:
                raise SiteError(f"{exc} (a weekly report file must be a file inside the --report folder)") from exc
            except OSError as exc:
                raise SiteError(f"{candidate / name}: cannot read the report ({exc.strerror or exc})") from exc
        day = candidate.name if candidate is not root else root.resolve().name
        return ReportLink(day, f"report/{present[0]}"), copies
    if explicit:
        raise SiteError(f"--report {folder}: holds no weekly report ({', '.join(REPORT_FILES)})")
    return None, {}


def _group(rule: str) -> str:
    """The rule's group; loader findings (yaml-syntax, duplicate-key...) count as catalog ones."""
    from ownership.rules import RULES

    found = RULES.get(rule)
    return found.group if found else "catalog"
