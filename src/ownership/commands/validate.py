"""`ownership validate`: check the catalog; in a PR, fail only on what the PR introduces."""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ownership.catalog.load import discover, load_sources, read_sources
from ownership.config import Config
from ownership.history import git
from ownership.model import SEVERITY_RANK, Finding, Snapshot
from ownership.rules import engine

CATALOG_GROUPS = ("catalog",)


@dataclass(frozen=True)
class Outcome:
    findings: list[Finding]  # what counts (at base: only the new ones)
    preexisting: list[Finding]  # --base: what the base already had
    files: int


def check(paths: Sequence[str], config: Config, today: dt.date, base: str | None = None) -> Outcome:
    files = discover(paths)
    current = _findings(read_sources(files), config, today)
    if base is None:
        return Outcome(current, [], len(files))
    old = _findings(_sources_at(base, paths), config, today)
    old_ids = {f.identity for f in old}
    new = [f for f in current if f.identity not in old_ids]
    pre = [f for f in current if f.identity in old_ids]
    return Outcome(new, pre, len(files))


def _findings(sources: list[tuple[str, bytes]], config: Config, today: dt.date) -> list[Finding]:
    catalog, loaded = load_sources(sources)
    snap = Snapshot(catalog=catalog, today=today, options=config.rules)
    return engine.run(snap, CATALOG_GROUPS, loaded)


def _sources_at(ref: str, paths: Sequence[str]) -> list[tuple[str, bytes]]:
    """The catalog files as they are at `ref`, named as the working-tree files would be."""
    repo = git.toplevel(paths[0] if paths else ".")
    cwd = Path.cwd()
    specs = []
    for p in paths:
        rel = os.path.relpath(Path(p).resolve(), repo.resolve())
        specs.append("." if rel == "." else rel)
    out = []
    for rel, data in git.files_at(repo, ref, specs):
        if not rel.endswith((".yaml", ".yml")) or Path(rel).name.startswith("."):
            continue
        if Path(rel).name in ("ownership.yaml", "ownership.yml"):
            continue
        out.append((os.path.relpath(repo / rel, cwd), data))
    return out


def failing(findings: Sequence[Finding], fail_on: str) -> bool:
    if fail_on == "never":
        return False
    threshold = SEVERITY_RANK[fail_on]
    return any(SEVERITY_RANK[f.severity] >= threshold for f in findings)


def repo_uri(root: Path | None) -> Callable[[str], str]:
    """Maps a finding's file to a URI relative to the repository root (for SARIF)."""

    def uri(p: str) -> str:
        full = Path(p).resolve()
        if root is not None:
            try:
                return full.relative_to(root.resolve()).as_posix()
            except ValueError:
                pass
        return Path(p).as_posix()

    return uri
