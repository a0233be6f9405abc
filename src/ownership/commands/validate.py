"""`ownership validate`: check the catalog; in a PR, fail only on what the PR introduces."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from ownership import config as settings
from ownership.catalog.load import Walked, choose, is_catalog_name, load_sources, read_catalog, selection_of
from ownership.config import Config
from ownership.history import git
from ownership.model import SEVERITY_RANK, Finding, Location, Roster, Snapshot
from ownership.rules import engine

CATALOG_GROUPS = ("catalog",)
PEOPLE_GROUPS = ("people",)  # run too when a roster is given
T = TypeVar("T")


@dataclass(frozen=True)
class Outcome:
    findings: list[Finding]  # what counts (at base: only the new ones)
    preexisting: list[Finding]  # --base: what the base already had
    files: int


def check(paths: Sequence[str], config: Config, today: dt.date, base: str | None = None,
          roster: Roster | None = None, changed: Sequence[Finding] = ()) -> Outcome:
    """`changed`: the protected-setting-changed findings of trusted_config(), which are always new."""
    sources, skipped = read_catalog(paths)
    files = len(sources)
    current = _findings(_handed_over(sources), paths, config, today, roster, [*skipped, *changed])
    if base is None:
        return Outcome(current, [], files)
    try:
        old = _findings(_sources_at(base, paths), paths, config, today, roster)
    except git.GitError as exc:
        shallow = "not a commit" in str(exc)
        hint = " (a shallow CI checkout may need `git fetch` of the base first)" if shallow else ""
        raise git.GitError(f"--base {base}: {exc}{hint}") from exc
    # matched as a multiset: a PR that adds a second copy of an existing problem (same rule, subject and
    # message, e.g. another `!Ref` tag in the same file) must still fail
    old_ids = Counter(_same(f) for f in old)
    new, pre = [], []
    for f in current:
        if f.rule not in ALWAYS_NEW and old_ids[_same(f)] > 0:
            old_ids[_same(f)] -= 1
            pre.append(f)
        else:
            new.append(f)
    return Outcome(new, pre, files)


def _handed_over(items: list[T]) -> Iterator[T]:
    """The items in order, each taken out of `items` as it is handed over (the list is empty afterwards): the
    catalog files' bytes, as large as the catalog, are let go of once parsed instead of kept while the rules
    run."""
    items.reverse()
    while items:
        yield items.pop()


# Rules whose base-side answer is read from the working tree, not from the base's git objects: a repository
# planted as plain files under the catalog is judged on the files the PR adds, even when the base's catalog
# already named its path, so these never count as "already there".
ALWAYS_NEW = frozenset({"untrusted-repository"})


# A hint depends on the rest of the catalog: adding team 'telephone' in a PR turns an old "unknown team
# 'telephony'" into "...; did you mean 'telephone'?", which is still the same old problem.
_HINT = re.compile(r"; (?:did you mean '[^']*'\?|known fields: .*)$")


def _same(f: Finding) -> tuple[str, str, str]:
    """What makes a finding at the base "the same" as one now: Finding.identity without the hint."""
    rule, subject, message = f.identity
    return rule, subject, _HINT.sub("", message)


def _findings(sources: Iterable[tuple[str, bytes]], paths: Sequence[str], config: Config, today: dt.date,
              roster: Roster | None = None, extra: Sequence[Finding] = ()) -> list[Finding]:
    catalog, loaded = load_sources(sources, roots=paths)
    snap = Snapshot(catalog=catalog, today=today, roster=roster, options=config.rules)
    groups = CATALOG_GROUPS + (PEOPLE_GROUPS if roster is not None else ())
    return engine.run(snap, groups, [*loaded, *extra])


# --------------------------------------------------------------------------- protected settings at --base


def trusted_config(config: Config, base: str, look_in: Sequence[Path], repo: Path) -> tuple[Config, list[Finding]]:
    """The PR's `config` with every protected setting (config.PROTECTED) as the ownership.yaml at `base` has
    it, and one protected-setting-changed finding per change. `look_in`: where ownership.yaml is looked for,
    in order (config.candidates(), or the --config file). A config file outside the repository is the
    operator's, not the PR's, and is used as it is. Raises ConfigError (bad file at base) and GitError."""
    if config.path is not None and not _inside(config.path, repo):
        return config, []
    at_base = Config()
    for candidate in look_in:
        if not _inside(candidate, repo):
            continue
        rel = _real(candidate).relative_to(repo.resolve()).as_posix()
        found = [data for name, data in git.files_at(repo, base, [rel]) if name == rel]
        if found:
            at_base = settings.parse(found[0], Path(os.path.relpath(repo / rel)), name=f"{base}:{rel}")
            break
    changes = settings.protected_changes(at_base, config)
    shown_file = str(config.path or at_base.path or "ownership.yaml")
    return settings.with_protected(config, at_base), [_changed(c, shown_file, base) for c in changes]


def _inside(path: Path, repo: Path) -> bool:
    # the file itself is not resolved: a PR's ownership.yaml that is a symlink out of the tree is still the PR's
    try:
        _real(path).relative_to(repo.resolve())
    except ValueError:
        return False
    return True


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path.parent)) / path.name


def _changed(change: settings.ProtectedChange, file: str, base: str) -> Finding:
    why = settings.PROTECTED.get(change.setting) or next(
        v for k, v in settings.PROTECTED.items() if change.setting.startswith(f"{k}."))
    line, column = change.position or (0, 0)
    before, after = _shown(change.before), _shown(change.after)
    setting = git.redact(change.setting)  # history.rewrite keys are URL prefixes
    return Finding("protected-setting-changed", "error", f"config:{setting}",
                   f"protected setting {setting} changed from {before} at {base} to {after} ({why}); "
                   f"this run used the value at {base}", Location(file, line, column),
                   {"setting": setting, "base": before, "head": after})


def _shown(value: object) -> str:
    """A setting's value for a message: URLs without credentials or query, long values cut."""
    if value is settings.ABSENT:
        return "not set"
    if isinstance(value, str):
        text = git.redact(value)
        if "://" in text:
            from ownership.net.httpget import redact_url

            text = redact_url(text, keep_query=False)
        text = repr(text)
    else:
        text = git.redact(json.dumps(value, sort_keys=True, default=str))
    return text if len(text) <= 120 else text[:117] + "..."


def _sources_at(ref: str, paths: Sequence[str]) -> list[tuple[str, bytes]]:
    """The catalog files as they are at `ref`, named as the working-tree files would be."""
    repo = git.toplevel(paths[0] if paths else ".")
    cwd = Path.cwd()
    selection = selection_of(paths)
    specs = []
    for p in paths:
        rel = os.path.relpath(Path(p).resolve(), repo.resolve())
        specs.append("." if rel == "." else rel)
    found = []
    for rel, data in git.files_at(repo, ref, specs):
        if not is_catalog_name(Path(rel).name):
            continue
        # the folder walk at `ref` that found it (as discover() would), or None for a file named as it is
        spec = next((s for s in specs if rel != s and (s == "." or rel.startswith(s.rstrip("/") + "/"))), None)
        inner = None if spec is None else rel if spec == "." else rel[len(spec.rstrip("/")) + 1:]
        if inner is None or selection.walks_into(inner):
            found.append(Walked(os.path.relpath(repo / rel, cwd), data, spec, inner))
    sources, _ = choose(found, selection)
    return sources


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
