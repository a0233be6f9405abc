"""`ownership codeowners check` and `ownership export codeowners`: a repository's CODEOWNERS and the catalog."""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ownership.support import confine
from ownership.catalog.load import load_paths
from ownership.codeowners import check as drift
from ownership.codeowners import export as block
from ownership.codeowners.parse import LOCATIONS, parse
from ownership.config import Config
from ownership.errors import OwnershipError
from ownership.history import git
from ownership.history import settings as history_settings
from ownership.model import Catalog, Finding, Repo, Roster, Snapshot, System
from ownership.roster.identity import Resolver
from ownership.rules import engine
from ownership.support.words import plural

NO_ROSTER = ("no roster configured (--roster or roster: in ownership.yaml): codeowners-left was not checked; "
             "only drift and unowned paths were")


class CodeownersError(OwnershipError):
    """The check cannot run (not a git repository, no catalog system lives there, bad settings): exit 2."""


@dataclass(frozen=True)
class Outcome:
    findings: list[Finding]
    notes: list[str]  # printed on stderr: what was and was not checked


def handles(config: Config) -> drift.Handles:
    try:
        return drift.Handles.from_values(config.get("codeowners"), config.relative)
    except drift.HandleError as exc:
        where = f"{config.path}: " if config.path else ""
        raise CodeownersError(f"{where}{exc}") from exc


def read_repo(repo: str) -> tuple[drift.RepoView, list[str]]:
    """The repository's files and CODEOWNERS (work tree, or HEAD of a bare repository), and its remote URLs."""
    if not Path(repo).is_dir():
        raise CodeownersError(f"{repo}: no such folder")
    try:
        bare = git.is_bare(repo)
        root = repo if bare else str(git.toplevel(repo))
        files = git.tracked_files(root, "HEAD" if bare else None)
        urls = git.remote_urls(root)
        # lexists: a symlink counts as the CODEOWNERS file even when it points away (it is refused below)
        name = next((loc for loc in LOCATIONS if (bare and loc in files) or
                     (not bare and os.path.lexists(Path(root) / loc))), None)
        text = refused = None
        if name is not None and bare:
            text = dict(git.files_at(Path(root), "HEAD", [name])).get(name, b"").decode("utf-8", errors="replace")
        elif name is not None:
            try:
                real = confine.inside(root, Path(root) / name)
            except confine.OutsideRoot:
                refused = "it resolves outside the repository (a symlink)"
            else:
                if real.is_file():
                    text = real.read_bytes().decode("utf-8", errors="replace")
                else:
                    name = None
    except git.GitError as exc:
        raise CodeownersError(f"{repo}: {exc}") from exc
    except OSError as exc:
        raise CodeownersError(f"{repo}: cannot read CODEOWNERS ({exc.strerror or exc})") from exc
    shown = repo if bare else os.path.relpath(root) if not os.path.isabs(repo) else root
    view = drift.RepoView(shown, tuple(files), name, parse(text) if text is not None else None, refused)
    return view, [*urls, root]


def _catalog(paths: Sequence[str]) -> tuple[Catalog, list[Finding]]:
    return load_paths(paths)


def _systems(catalog: Catalog, config: Config, repo: str, urls: list[str]) -> list[tuple[System, int, Repo]]:
    """The catalog systems in this repository; `history.rewrite` counts as it does for the scan."""
    rewrite = history_settings.from_values(config.get("history"), config.relative).rewrite
    found = drift.systems_in(catalog, urls[-1], urls[:-1], rewrite)
    if not found:
        shown = ", ".join(urls[:-1]) or "no remote"
        raise CodeownersError(f"{repo}: no catalog system lists this repository (remotes: {shown}); add it to a "
                              "system's repos: with its clone URL or a path relative to the catalog file")
    return found


def check(paths: Sequence[str], config: Config, repo: str, roster: Roster | None, today: dt.date) -> Outcome:
    catalog, loaded = _catalog(paths)
    notes = []
    if any(f.severity == "error" for f in loaded):
        notes.append("the catalog has errors (run `ownership validate`); checking what could be read")
    view, urls = read_repo(repo)
    systems = _systems(catalog, config, repo, urls)
    resolver = Resolver(roster, roster.aliases, roster.mailmap) if roster is not None else None
    if resolver is None:
        notes.append(NO_ROSTER)
    hits = drift.check(catalog, view, systems, handles(config), resolver, today)
    snap = Snapshot(catalog=catalog, today=today, roster=roster, options=config.rules)
    # no rule group runs: the engine only applies configured severities, enabled flags and the sort
    return Outcome(engine.run(snap, (), hits), notes)


def export(paths: Sequence[str], config: Config, repo: str, to_stdout: bool) -> tuple[str, str | None, int]:
    """(new CODEOWNERS text, the file written or None with --stdout, files covered)."""
    catalog, loaded = _catalog(paths)
    errors = [f for f in loaded if f.severity == "error"]
    if errors:
        raise CodeownersError(f"the catalog has {plural(len(errors), 'error')}; fix them first (`ownership validate`): "
                              f"{errors[0].location}: {errors[0].message}")
    view, urls = read_repo(repo)
    if git.is_bare(repo) and not to_stdout:
        raise CodeownersError(f"{repo} is a bare repository; use --stdout and commit the result from a clone")
    systems = _systems(catalog, config, repo, urls)
    try:
        generated = block.block(systems, list(view.files), handles(config))
        root = urls[-1]
        target = Path(root) / (view.codeowners_path or LOCATIONS[0])
        real = confine.inside(root, target)  # an in-repository symlink is followed; one leading out is refused
        # bytes, not read_text(): universal newlines would turn the file's CRLF into LF
        existing = real.read_bytes().decode("utf-8") if real.is_file() else None
        text = block.splice(existing, generated)
    except (block.ExportError, confine.OutsideRoot) as exc:
        raise CodeownersError(str(exc)) from exc
    except UnicodeDecodeError as exc:
        raise CodeownersError(f"{target}: not UTF-8 (byte {exc.start}); fix or remove it first") from exc
    except OSError as exc:
        raise CodeownersError(f"cannot read the CODEOWNERS file ({exc.strerror or exc})") from exc
    if to_stdout:
        return text, None, block.covered(systems, list(view.files))
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        confine.write_atomic(real, text.encode("utf-8"))
    except OSError as exc:
        raise CodeownersError(f"{target}: cannot write ({exc.strerror or exc})") from exc
    return text, str(target), block.covered(systems, list(view.files))
