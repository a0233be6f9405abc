"""`ownership audit`: compose the catalog, the roster and the git activity into one Snapshot, then audit it."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence

from ownership.audit import AuditResult, audit
from ownership.catalog.load import load_paths
from ownership.config import Config
from ownership.history import settings as history_settings
from ownership.history.scan import Progress, catalog_sources, scan_catalog
from ownership.model import Finding, Snapshot

Warn = Callable[[str], None]
AUDIT_WINDOW = 180  # ownership-drift and successors count commits of the last 180 days


def prepare(paths: Sequence[str], config: Config, *, today: dt.date, roster_source: str | None,
            allow_roster_shrink: bool = False, jobs: int | None = None, scan: bool = True,
            warn: Warn = lambda _: None, progress: Progress | None = None,
            before_scan: Callable[[Snapshot], None] | None = None, roster_compare_with: Sequence[str] = (),
            ) -> tuple[Snapshot, list[Finding]]:
    """The catalog (+ loader findings), the roster when a source is given or configured, and the git activity
    through the incremental scan (windows always include 180 days).

    `before_scan` sees the snapshot without activity first, so a command can refuse bad arguments (an
    unknown person, no roster) before any repository is read. `roster_compare_with`: snapshots the roster
    shrink guard compares with besides its cache (for `report`: the newest earlier report's).

    Raises CatalogError (unreadable catalog path), RosterError (roster cannot be read) and GitError (git
    missing): the CLI turns each into one line and exit code 2.
    """
    from ownership.commands.roster import load_roster

    catalog, loaded = load_paths(paths)
    roster = load_roster(roster_source, config, today, allow_roster_shrink, roster_compare_with)
    if before_scan is not None:
        before_scan(Snapshot(catalog=catalog, today=today, roster=roster, options=config.rules))
    activity = None
    if scan:
        hs = history_settings.from_values(config.get("history"), config.relative)
        hs = dataclasses.replace(hs, windows=tuple(sorted({*hs.windows, AUDIT_WINDOW})))
        if catalog_sources(catalog, hs.rewrite):
            activity, scans = scan_catalog(catalog, hs, today, roster, jobs, warn, progress)
            for scanned in scans.values():
                if scanned.problem:
                    warn(scanned.problem)
    snap = Snapshot(catalog=catalog, today=today, roster=roster, activity=activity, options=config.rules)
    return snap, loaded


def run(paths: Sequence[str], config: Config, *, today: dt.date, roster_source: str | None,
        allow_roster_shrink: bool = False, jobs: int | None = None, scan: bool = True,
        warn: Warn = lambda _: None, progress: Progress | None = None) -> AuditResult:
    snap, loaded = prepare(paths, config, today=today, roster_source=roster_source,
                           allow_roster_shrink=allow_roster_shrink, jobs=jobs, scan=scan, warn=warn,
                           progress=progress)
    if snap.roster is None:
        warn("no roster given (--roster or roster: in ownership.yaml): people, orphaned, knowledge-loss and "
             "bus-factor checks are skipped")
    return audit(snap, loaded)
