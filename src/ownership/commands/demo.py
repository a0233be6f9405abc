"""`ownership demo`: the bundled example org, materialised into a folder, then scanned, audited and reported.

It writes the weekly reports of the last WEEKS weeks, each as of its own day from the same generated history
(`main` of every repository moved to that day's newest commit; the scan cache carries over from week to
week, so each later week reads only its new commits), so the first report opened has a health trend and a
"what changed" section.
"""
from __future__ import annotations

import datetime as dt
import shlex
from pathlib import Path

from ownership.commands import report
from ownership.config import load as load_config
from ownership.demo.history import rewind
from ownership.demo.run import Workspace, materialise

WEEKS = 12  # the health chart's span (report/document.py HEALTH_WEEKS)


def run(out: Path, today: dt.date, *, warn: report.Warn = lambda _: None,
        stage: report.Stage = lambda _: None, progress: report.Progress | None = None,
        ) -> tuple[Workspace, report.Written]:
    """Raises DemoError, ConfigError and whatever report.run raises; the CLI exits 2 on each. Returns the
    workspace and today's report."""
    stage(f"writing the example org (catalog, roster, git repositories) into {out}")
    ws = materialise(out, today)
    config = load_config(ws.config)
    days = [today - dt.timedelta(weeks=k) for k in range(WEEKS - 1, -1, -1)]
    try:
        for n, day in enumerate(days, 1):
            stage(f"weekly report {n} of {WEEKS}: {day.isoformat()}")
            rewind(ws.history, day)
            written = report.run(report.Request([str(ws.catalog)], config, today=day, roster_source=None,
                                                out=ws.reports / day.isoformat(), history=ws.reports, warn=warn,
                                                progress=progress if n == 1 else None))
    finally:
        rewind(ws.history, today)  # where the work trees were checked out
    return ws, written


def next_steps(out: str) -> list[str]:
    """Three commands to try next, exactly as they run from where the demo was started."""
    cd = f"cd {shlex.quote(out)} && "
    return [f"{cd}ownership page payments-api",
            f"{cd}ownership offboard alice.nguyen@acme.test",
            f"{cd}ownership codeowners check --repo repos/monorepo"]
