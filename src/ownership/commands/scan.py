"""`ownership scan`: read the git history of every system's repositories and summarise it per system."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ownership.support import redact
from ownership.catalog.load import load_paths
from ownership.config import Config
from ownership.history import settings as history_settings
from ownership.history import shards
from ownership.history.git import GitError
from ownership.history.scan import Progress, scan_catalog
from ownership.history.state import RepoScan
from ownership.model import Activity, Roster

Warn = Callable[[str], None]


@dataclass(frozen=True)
class Outcome:
    activity: Activity
    scans: dict[Any, RepoScan]
    catalog_errors: int
    roster: Roster | None = None  # what the employed-only numbers are judged against (analysis/people.py)


def run(paths: Sequence[str], config: Config, today: dt.date, roster: Roster | None, jobs: int | None,
        warn: Warn, progress: Progress | None = None, shard: shards.Shard | None = None,
        state_out: Path | None = None, states: Sequence[str] = ()) -> Outcome:
    """`shard`: scan only that shard's repositories; `state_out`: write their states there (shards.py);
    `states`: --state folders whose repositories are not scanned again. Raises StateError (exit 2)."""
    given = shards.read(states, warn) if states else None
    catalog, findings = load_paths(paths)
    errors = sum(1 for f in findings if f.severity == "error")
    hs = history_settings.from_values(config.get("history"), config.relative)
    activity, scans = scan_catalog(catalog, hs, today, roster, jobs, warn, progress, shard=shard, given=given,
                                   state_out=state_out)
    for scanned in scans.values():
        if scanned.shallow:
            warn(f"{redact.text(scanned.source.url)} is a shallow clone: its history, and the numbers drawn from it, "
                 "are partial (fetch with --unshallow for full numbers)")
    return Outcome(activity, dict(scans), errors, roster)


def require_history(activity: Activity) -> None:
    """GitError (exit 2) when repositories are named and none of them could be read: nothing is known."""
    read, named = activity.repositories
    if named and not read:
        reasons = sorted({why for sa in activity.systems.values() for _, why in sa.unread})
        raise GitError(f"history read for 0 of {named} repositories: " + "; ".join(reasons[:3])
                       + (f"; and {len(reasons) - 3} more" if len(reasons) > 3 else ""))
