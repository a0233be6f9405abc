"""Where a catalog repository is read from.

A local path (relative to the catalog file that names it) or a bare repository is read in place. A remote URL
is cloned once into the cache folder as a bare, blobless partial clone (commits and trees only, which is all
`git log --name-status` needs) and fetched on later runs. `history.rewrite` maps URL prefixes to other URLs or
to local folders first, like git's `url.<base>.insteadOf`, so a catalog's real URLs can point at mirrors.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ownership.history import git
from ownership.model import Repo, System

_SCP = re.compile(r"^[\w.-]+@[\w.-]+:")  # git@github.com:acme/x.git


@dataclass(frozen=True, order=True)
class Source:
    """One repository to scan: `where` is what is read or cloned (and what makes two sources the same),
    `url` how the catalog writes it (two spellings of one repository are scanned once)."""

    where: str
    remote: bool
    url: str = field(compare=False)


def is_remote(url: str) -> bool:
    return "://" in url or bool(_SCP.match(url))


def rewrite(url: str, rules: Mapping[str, str]) -> str:
    """The longest matching prefix is replaced, as git does with insteadOf."""
    best = max((p for p in rules if url.startswith(p)), key=len, default=None)
    if best is None:
        return url
    target = rules[best]
    rest = url[len(best):]
    if not is_remote(target):
        if rest.endswith(".git") and not rest.endswith("/.git"):
            # https://host/acme/payments.git -> <folder>/payments when that is what exists (a work tree)
            plain = Path(target) / rest[:-4]
            if plain.exists():
                return str(plain)
        return str(Path(target) / rest)
    return target + rest


def locate(repo: Repo, system: System, rules: Mapping[str, str]) -> Source:
    url = rewrite(repo.url, rules)
    if is_remote(url):
        return Source(url, True, repo.url)
    path = Path(url).expanduser()
    if not path.is_absolute() and url == repo.url:
        # a path written in the catalog is relative to the file that writes it
        origin = (repo.location or system.location)
        base = Path(origin.file).parent if origin and origin.file else Path(".")
        path = base / path
    return Source(str(path.resolve()), False, repo.url)


def clone_dir(cache_dir: Path, url: str) -> Path:
    name = re.sub(r"[^\w.-]+", "-", url.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]).strip("-.")
    name = name[:-4] if name.endswith(".git") else name
    digest = hashlib.sha256(url.encode()).hexdigest()[:12]
    return cache_dir / "clones" / f"{name or 'repo'}-{digest}.git"


def materialise(source: Source, cache_dir: Path, warn: Callable[[str], None]) -> Path:
    """A local folder git can read for `source`: the path itself, or the cached clone (created or fetched)."""
    if not source.remote:
        path = Path(source.where)
        if not path.is_dir():
            raise git.GitError(f"no such folder ({path})" if not path.exists() else f"not a folder ({path})")
        return path
    dest = clone_dir(cache_dir, source.where)
    if dest.exists():
        try:
            git.fetch(dest)
        except git.GitError as exc:
            warn(f"{git.redact(source.url)}: cannot fetch ({exc}); scanning the cached clone as it is")
        return dest
    git.clone_blobless(source.where, dest)
    return dest
