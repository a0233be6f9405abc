"""The one place that runs git (through GitPython's command runner). Always -z, never inherited GIT_* vars."""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import git
from git.exc import GitCommandError, GitCommandNotFound


class GitError(Exception):
    """git failed or is missing; the message says why in one line."""


def clean_env() -> dict[str, str]:
    """The environment without GIT_* variables a hook or CI job may have set (they redirect git)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["GIT_TERMINAL_PROMPT"] = "0"
    env["LC_ALL"] = "C"
    return env


def run(cwd: str | os.PathLike[str], *args: str) -> str:
    try:
        out = git.Git(str(cwd)).execute(["git", *args], env=clean_env(), strip_newline_in_stdout=False)
    except GitCommandNotFound as exc:
        raise GitError("git is not installed or not on PATH") from exc
    except GitCommandError as exc:
        msg = (exc.stderr or "").strip().strip("'").strip() or str(exc)
        raise GitError(f"git {' '.join(args[:2])}: {msg.splitlines()[-1] if msg else 'failed'}") from exc
    return str(out)


def toplevel(path: str | os.PathLike[str]) -> Path:
    p = Path(path)
    start = p if p.is_dir() else p.parent
    return Path(run(start, "rev-parse", "--show-toplevel").strip())


def files_at(repo: Path, ref: str, pathspecs: Iterable[str]) -> list[tuple[str, bytes]]:
    """(repo-relative path, content) of every file under `pathspecs` as it is at `ref`, from git objects."""
    run(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    listing = run(repo, "ls-tree", "-r", "-z", "--name-only", "--full-tree", ref, "--", *pathspecs)
    names = [n for n in listing.split("\0") if n]
    g = git.Git(str(repo))
    g.update_environment(**{k: None for k in os.environ if k.startswith("GIT_")})
    out = []
    try:
        for name in names:
            _, kind, _, data = g.get_object_data(f"{ref}:{name}")
            if kind == b"blob" or kind == "blob":
                out.append((name, data))
    finally:
        g.clear_cache()
    return out
