"""Where a catalog file can be read on the web: the blob URL of the file at its repository's HEAD commit, so a
finding can link to the very line to change (`…/blob/SHA/catalog/teams.yaml#L12`).

Only what is known is linked, never a guess: the file must sit in a git repository whose `origin` is on a
GitHub or GitLab host (github.com, gitlab.com, or a host whose name says github / gitlab, as Enterprise and
self-managed ones usually do), be tracked there and unchanged since HEAD (an edited file's line numbers
would not match the commit's). Anything else: no link. git runs through history/git.py's hardened runner;
nothing is fetched.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import quote, urlsplit

from ownership.catalog.scm_urls import repository
from ownership.history import git
from ownership.history.git import GitError


def blob_urls(files: Iterable[str]) -> dict[str, str]:
    """File (as given) -> the web URL of that file at HEAD, for the files that have one."""
    by_repo: dict[Path, dict[str, str]] = {}  # toplevel -> {file as given: path in the repository}
    tops: dict[Path, Path | None] = {}
    for given in dict.fromkeys(f for f in files if f):
        path = Path(os.path.abspath(given))
        folder = path.parent
        if folder not in tops:
            tops[folder] = _toplevel(folder)
        top = tops[folder]
        if top is None:
            continue
        try:
            inside = path.resolve().relative_to(top.resolve()).as_posix()
        except ValueError:
            continue
        by_repo.setdefault(top, {})[given] = inside
    out: dict[str, str] = {}
    for top, wanted in by_repo.items():
        out.update(_repository_urls(top, wanted))
    return out


def line_url(base: str | None, line: int | None) -> str | None:
    """A blob URL with the line anchor (`#L12`); None without a base."""
    if not base:
        return None
    return f"{base}#L{line}" if line else base


def web_base(remote: str) -> tuple[str, str] | None:
    """(https web address of the repository, its blob path segment) for a GitHub- or GitLab-like remote."""
    found = repository(_https(remote.strip()))
    if found is None:
        return None
    parts = urlsplit(found.url)
    host = parts.hostname or ""
    if parts.scheme != "https" or not host:
        return None
    web = f"https://{host}{(':' + str(parts.port)) if parts.port and parts.port != 443 else ''}" \
          f"{parts.path.rstrip('/').removesuffix('.git')}"
    name = host.lower()
    if name == "github.com" or "github" in name.split("."):
        return web, "blob"
    if name == "gitlab.com" or "gitlab" in name.split("."):
        return web, "-/blob"
    return None


def _https(remote: str) -> str:
    """An ssh remote (`git@host:org/repo.git`, `ssh://git@host[:port]/org/repo`) as its https address."""
    if remote.startswith("ssh://"):
        parts = urlsplit(remote)
        return f"https://{parts.hostname}{parts.path}" if parts.hostname else ""
    if "://" not in remote and "@" in remote.split(":", 1)[0] and ":" in remote:
        user_host, path = remote.split(":", 1)
        return f"https://{user_host.rpartition('@')[2]}/{path.lstrip('/')}"
    parts = urlsplit(remote)
    if parts.scheme == "https" and parts.hostname:  # credentials never reach a link
        return f"https://{parts.hostname}{(':' + str(parts.port)) if parts.port else ''}{parts.path}"
    return ""


def _toplevel(folder: Path) -> Path | None:
    if not folder.is_dir():
        return None
    try:
        out = git.try_run(folder, "rev-parse", "--show-toplevel")
    except GitError:  # git missing: no links, the report still renders
        return None
    return Path(out.strip()) if out and out.strip() else None


def _repository_urls(top: Path, wanted: Mapping[str, str]) -> dict[str, str]:
    try:
        head = git.try_run(top, "rev-parse", "--verify", "-q", "HEAD^{commit}")
        remote = git.try_run(top, "config", "--get", "remote.origin.url")
        paths = sorted(set(wanted.values()))
        tracked = git.try_run(top, "ls-files", "-z", "--full-name", "--", *paths)
        changed = git.try_run(top, "diff", "--name-only", "-z", "--no-ext-diff", "--no-textconv", "HEAD",
                              "--", *paths)
    except GitError:
        return {}
    base = web_base(remote) if remote else None
    if not head or base is None or tracked is None or changed is None:
        return {}
    sha = head.strip()
    known = set(tracked.split("\0")) - set(changed.split("\0"))
    web, blob = base
    return {given: f"{web}/{blob}/{sha}/{quote(inside, safe='/')}" for given, inside in wanted.items()
            if inside in known}
