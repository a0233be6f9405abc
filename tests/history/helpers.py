"""Shared helpers of the history tests: scan one repository, build a catalog around repositories."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from ownership.history import activity, scan
from ownership.history.repos import Source
from ownership.history.state import RepoScan
from ownership.history.settings import BUILTIN_BOTS, bot_matcher
from ownership.history.state import normalise_paths
from ownership.model import Roster, SystemActivity

TODAY = dt.date(2024, 12, 31)


def source(path: Path) -> Source:
    return Source(str(path), False, str(path))


def scan_one(path: Path, cache: Path, paths: Sequence[str] = (), warnings: list[str] | None = None) -> RepoScan:
    sink = warnings if warnings is not None else []
    return scan.scan_repo(source(path), {normalise_paths(paths)}, cache, sink.append)


def system_activity(path: Path, cache: Path, paths: Sequence[str] = (), roster: Roster | None = None,
                    today: dt.date = TODAY, windows: Sequence[int] = (90, 365)) -> SystemActivity:
    src = source(path)
    scope = normalise_paths(paths)
    scanned = scan.scan_repo(src, {scope}, cache, lambda _: None)
    act = activity.build({"svc": [(src, scope)]}, {src: scanned}, today, windows, bot_matcher(BUILTIN_BOTS),
                         roster)
    return act.systems["svc"]


def by_email(sa: SystemActivity) -> dict[str, int]:
    """Total commits per contributor key."""
    return {c.key: c.total_commits for c in sa.contributors}


def authors_of(sa: SystemActivity) -> dict[str, tuple[str, ...]]:
    return {f.path: f.authors for f in sa.files}
