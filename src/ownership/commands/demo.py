"""`ownership demo`: the bundled example org, materialised into a folder, then scanned, audited and reported."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ownership.commands import report
from ownership.config import load as load_config
from ownership.demo.run import Workspace, materialise


def run(out: Path, today: dt.date, *, warn: report.Warn = lambda _: None,
        stage: report.Stage = lambda _: None, progress: report.Progress | None = None,
        ) -> tuple[Workspace, report.Written]:
    """Raises DemoError, ConfigError and whatever report.run raises; the CLI exits 2 on each."""
    stage(f"writing the example org (catalog, roster, git repositories) into {out}")
    ws = materialise(out, today)
    config = load_config(ws.config)
    written = report.run([str(ws.catalog)], config, today=today, roster_source=None,
                         out=ws.reports / today.isoformat(), history=ws.reports, warn=warn, stage=stage,
                         progress=progress)
    return ws, written
