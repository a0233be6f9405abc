"""`ownership report`: scan, roster, audit, then report.md, report.html and report.json into one folder.

The history folder holds earlier reports as `<DIR>/<YYYY-MM-DD>/report.json` (the weekly workflow keeps them
on a branch); the newest one older than today is "last week", the last 12 weeks draw the health chart.
With a roster, the report folder also gets `roster-snapshot.json` (the roster used, its source without
credentials); the roster shrink guard compares with the newest earlier one in the history folder, so a fresh
runner whose cache is empty still refuses a roster that shrank.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ownership.audit import audit
from ownership.config import Config
from ownership.render.pictures import Drawer
from ownership.errors import OwnershipError
from ownership.history.git import redact
from ownership.history.scan import Progress as ScanProgress
from ownership.history.weblinks import blob_urls
from ownership.net.httpget import redact_url
from ownership.inputs import prepare, source_of
from ownership.report import document, earlier, render
from ownership.render import terminal
from ownership.roster import files as roster_files
from ownership.roster import is_url
from ownership.roster.guard import REPORT_SNAPSHOT
from ownership.routing.drill import drill

Warn = Callable[[str], None]
Stage = Callable[[str], None]
Progress = Callable[[], Any]  # -> a context manager yielding a per-repository callback (history.progress.bar)
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ReportError(OwnershipError):
    """The report cannot be written (an unwritable folder); one line, exit code 2."""


@dataclass(frozen=True)
class Written:
    out: Path
    files: dict[str, Path]
    doc: dict[str, Any]


def default_out(today: dt.date) -> Path:
    return Path("reports") / today.isoformat()


def check_out(out: Path, today: dt.date) -> None:
    """A report folder named for a day holds that day's report: the history reads `<DIR>/<YYYY-MM-DD>/` as
    the report of that day, so a mismatch would be skipped or misdated next week. Raises ReportError."""
    if _DAY.match(out.name) and out.name != today.isoformat():
        raise ReportError(f"{out}: the folder is named for {out.name} but the report is of {today.isoformat()}; "
                          f"pass --today {out.name} to report as of that day, or --out {out.parent / today.isoformat()}")


def load_history(folder: Path, today: dt.date, warn: Warn) -> list[dict[str, Any]]:
    """Earlier report.json documents under `folder/<YYYY-MM-DD>/`, older than `today`, oldest first. A report
    that cannot be read, or whose keys have the wrong types (report/earlier.py), is skipped with a warning
    naming the file and the key: one bad week must not stop this week's report."""
    docs = []
    for sub in _earlier_days(folder, today):
        path = sub / "report.json"
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            warn(f"{path}: skipped, not a readable report.json ({exc})")
            continue
        if not isinstance(doc, dict) or doc.get("version") != document.VERSION or doc.get("date") != sub.name:
            warn(f"{path}: skipped, not a version-{document.VERSION} report of {sub.name}")
            continue
        bad = earlier.problem(doc)
        if bad is not None:
            warn(f"{path}: skipped, `{bad}` has the wrong type for a report.json (docs/report.md)")
            continue
        docs.append(doc)
    return docs


def _earlier_days(folder: Path, today: dt.date) -> list[Path]:
    """The `folder/<YYYY-MM-DD>/` folders older than `today` that hold a report.json, oldest first."""
    if not folder.is_dir():
        return []
    return [sub for sub in sorted(folder.iterdir())
            if _DAY.match(sub.name) and sub.name < today.isoformat() and (sub / "report.json").is_file()]


def roster_label(flag: str | None, config: Config) -> str | None:
    """How the report names the roster: a URL without credentials, or a file's name (not its full path, so
    the same roster gives the same report on any machine)."""
    source = source_of(flag, config)
    if not source:
        return None
    return redact(source) if is_url(source) else Path(source).name


def terminal_stage() -> Stage:
    """Progress lines (scan, audit, render) on a terminal only; quiet in CI and when stderr is redirected."""
    from ownership.history.progress import CI_VARIABLES

    if sys.stderr.isatty() and not any(os.environ.get(v) for v in CI_VARIABLES):
        return lambda line: terminal.err(f"ownership: {line}…")
    return lambda _: None


@dataclass(frozen=True)
class Request:
    """The report asked for: every option of the command, parsed (built by the CLI, cli/)."""

    paths: Sequence[str]
    config: Config
    today: dt.date
    roster_source: str | None
    out: Path | None = None
    history: Path | None = None
    allow_roster_shrink: bool = False
    jobs: int | None = None
    warn: Warn = lambda _: None
    stage: Stage = lambda _: None
    progress: Progress | None = None
    states: Sequence[str] = ()
    strict_roster: bool = False


def run(request: Request) -> Written:
    """Raises CatalogError, RosterError, GitError (from prepare) and ReportError; the CLI exits 2 on each.
    `strict_roster`: a damaged roster baseline, or a missing one while the history has earlier reports, is
    an error (roster/guard.py check)."""
    paths, config, today, roster_source = request.paths, request.config, request.today, request.roster_source
    out, history, allow_roster_shrink, jobs = request.out, request.history, request.allow_roster_shrink, request.jobs
    warn, stage, progress, states = request.warn, request.stage, request.progress, request.states
    strict_roster = request.strict_roster
    out = out or default_out(today)
    check_out(out, today)
    history = history if history is not None else out.parent
    stage("reading the roster and scanning the repositories")
    earlier = [str(p) for p in [previous_roster_snapshot(history, today)] if p is not None]
    gather = functools.partial(prepare, paths, config, today=today, roster_source=roster_source,
                               allow_roster_shrink=allow_roster_shrink, jobs=jobs, warn=warn, states=states,
                               roster_compare_with=earlier, strict_roster=strict_roster,
                               expect_roster_baseline=bool(_earlier_days(history, today)))
    if progress is None:
        snap, loaded = gather()
    else:
        with progress() as tick:
            callback: ScanProgress | None = tick
            snap, loaded = gather(progress=callback)
    if snap.roster is None:
        warn("no roster (--roster or roster: in ownership.yaml): employed owners, leavers, orphaned systems "
             "and successors are not in the report")
    stage("auditing")
    result = audit(snap, loaded)
    drilled = drill(snap.catalog, snap.roster, *document.coverage_window(snap.today))  # the coverage section
    previous = load_history(history, today, warn)
    stage("writing the report")
    doc = document.build(result, drilled, previous, roster_label(roster_source, config))
    extra = {}
    if snap.roster is not None:
        # next week's shrink guard compares with it, even on a runner whose cache is empty
        label = roster_label(roster_source, config) or ""
        kept = dataclasses.replace(snap.roster, source=redact_url(label, keep_query=False) if is_url(label)
                                   else label)
        extra[REPORT_SNAPSHOT] = roster_files.snapshot_text(kept).encode("utf-8")
    try:
        files = render.write(doc, snap.catalog, out, blob_urls(f.location.file for f in result.findings if f.location),
                             Drawer(config.get("pictures", "auto"), warn), extra)
    except OSError as exc:
        raise ReportError(f"{out}: cannot write the report ({exc.strerror or exc})") from exc
    return Written(out, files, doc)


def previous_roster_snapshot(folder: Path, today: dt.date) -> Path | None:
    """`folder/<YYYY-MM-DD>/roster-snapshot.json` of the newest earlier report that has one."""
    if not folder.is_dir():
        return None
    for sub in sorted(folder.iterdir(), reverse=True):
        if _DAY.match(sub.name) and sub.name < today.isoformat() and (sub / REPORT_SNAPSHOT).is_file():
            return sub / REPORT_SNAPSHOT
    return None
