"""`ownership validate`: check the catalog; in a PR, fail only on what the PR introduces."""
from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ownership.catalog.load import discover, is_catalog_name, load_sources, read_sources
from ownership.config import Config
from ownership.history import git
from ownership.model import SEVERITY_RANK, Finding, Roster, Snapshot
from ownership.rules import engine

CATALOG_GROUPS = ("catalog",)
PEOPLE_GROUPS = ("people",)  # run too when a roster is given


@dataclass(frozen=True)
class Outcome:
    findings: list[Finding]  # what counts (at base: only the new ones)
    preexisting: list[Finding]  # --base: what the base already had
    files: int


def check(paths: Sequence[str], config: Config, today: dt.date, base: str | None = None,
          roster: Roster | None = None) -> Outcome:
    files = discover(paths)
    current = _findings(read_sources(files), config, today, roster)
    if base is None:
        return Outcome(current, [], len(files))
    try:
        old = _findings(_sources_at(base, paths), config, today, roster)
    except git.GitError as exc:
        shallow = "not a commit" in str(exc)
        hint = " (a shallow CI checkout may need `git fetch` of the base first)" if shallow else ""
        raise git.GitError(f"--base {base}: {exc}{hint}") from exc
    # matched as a multiset: a PR that adds a second copy of an existing problem (same rule, subject and
    # message, e.g. another `!Ref` tag in the same file) must still fail
    old_ids = Counter(_same(f) for f in old)
    new, pre = [], []
    for f in current:
        if old_ids[_same(f)] > 0:
            old_ids[_same(f)] -= 1
            pre.append(f)
        else:
            new.append(f)
    return Outcome(new, pre, len(files))


# A hint depends on the rest of the catalog: adding team 'telephone' in a PR turns an old "unknown team
# 'telephony'" into "...; did you mean 'telephone'?", which is still the same old problem.
_HINT = re.compile(r"; (?:did you mean '[^']*'\?|known fields: .*)$")


def _same(f: Finding) -> tuple[str, str, str]:
    """What makes a finding at the base "the same" as one now: Finding.identity without the hint."""
    rule, subject, message = f.identity
    return rule, subject, _HINT.sub("", message)


def _findings(sources: list[tuple[str, bytes]], config: Config, today: dt.date,
              roster: Roster | None = None) -> list[Finding]:
    catalog, loaded = load_sources(sources)
    snap = Snapshot(catalog=catalog, today=today, roster=roster, options=config.rules)
    groups = CATALOG_GROUPS + (PEOPLE_GROUPS if roster is not None else ())
    return engine.run(snap, groups, loaded)


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
        if not is_catalog_name(Path(rel).name):
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
