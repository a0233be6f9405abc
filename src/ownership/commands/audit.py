"""`ownership audit`: the Snapshot from inputs.prepare (catalog, roster, git activity), audited."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ownership.audit import AuditResult, audit
from ownership.config import Config
from ownership.history.scan import Progress
from ownership.inputs import Warn, prepare


def run(paths: Sequence[str], config: Config, *, today: dt.date, roster_source: str | None,
        allow_roster_shrink: bool = False, jobs: int | None = None, scan: bool = True,
        warn: Warn = lambda _: None, progress: Progress | None = None, states: Sequence[str] = ()) -> AuditResult:
    snap, loaded = prepare(paths, config, today=today, roster_source=roster_source,
                           allow_roster_shrink=allow_roster_shrink, jobs=jobs, scan=scan, warn=warn,
                           progress=progress, states=states)
    if snap.roster is None:
        warn("no roster given (--roster or roster: in ownership.yaml): people, orphaned, knowledge-loss and "
             "bus-factor checks are skipped")
    return audit(snap, loaded)
