"""The per-repository scan cache: one JSON file per repository, keyed by the last scanned commit.

A file is named after the repository's state key (repos.state_key: the normalised remote URL, or a local
repository's path), never after where this machine keeps its clone, so a cache folder (or a shard's state,
shards.py: the same files) restored on another machine is valid there.

Writes are atomic (a temporary file in the same folder, then rename), so an interrupted run leaves either the
old cache or the new one. A file that does not parse, is not ours, or was written by another format version is
discarded with a warning and the repository is scanned again from scratch. JSON rather than pickle: a cache
folder may be shared or restored from CI storage, and loading it must never run code.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ownership.history.state import RepoState

FORMAT = "ownership-history-cache"
VERSION = 2  # 2: keyed by repos.state_key, with the lineage of heads (issue 16)

Warn = Callable[[str], None]


class Unusable(ValueError):
    """A state file that does not parse, is not ours, or is of another format version."""


def name_for(repo: str) -> str:
    """The file name of `repo`'s state (a digest: a key's spelling never reaches the file system)."""
    return hashlib.sha256(repo.encode("utf-8", "surrogateescape")).hexdigest()[:24] + ".json"


def file_for(cache_dir: Path, repo: str) -> Path:
    return cache_dir / "history" / name_for(repo)


def read(path: Path) -> dict[str, Any]:
    """The payload of a state file; raises OSError (unreadable) or Unusable (corrupt, not ours)."""
    try:
        data = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # (nested past the interpreter: planted)
        raise Unusable("corrupt") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION:
        raise Unusable("not written by this version")
    return data


def state_of(data: dict[str, Any]) -> RepoState:
    """The RepoState of a payload read(); raises Unusable when it is malformed."""
    try:
        return RepoState.from_json(data["state"])
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        raise Unusable("corrupt") from exc


def commits(path: Path, repo: str) -> int | None:
    """How many commits the cached state of `repo` holds (what a scan of it costs), or None."""
    try:
        data = read(path)
        return int(data["state"]["commits"]) if data.get("repo") == repo else None
    except (OSError, Unusable, KeyError, TypeError, ValueError):
        return None


def load(path: Path, repo: str, key: dict[str, Any], warn: Warn) -> RepoState | None:
    """The cached state of the repository `repo` (its state key), or None when there is none usable.

    `key` holds what the state depends on besides the commits (the .mailmap, shallowness); a different key
    means the cache is outdated, not broken, so it is replaced without a warning.
    """
    try:
        data = read(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        warn(f"cannot read the history cache {path} ({exc.strerror or exc}); scanning again")
        return None
    except Unusable as exc:
        if data_version(path) not in (None, VERSION):
            return None  # an older version's cache: outdated, not broken; scanned again without a word
        if str(exc) == "corrupt":
            warn(f"the history cache {path} is corrupt; discarding it and scanning {repo} again")
        else:
            warn(f"the history cache {path} was not written by this version for {repo}; discarding it and "
                 "scanning again")
        return None
    if data.get("repo") != repo:
        warn(f"the history cache {path} was not written by this version for {repo}; discarding it and "
             "scanning again")
        return None
    if data.get("key") != key:
        return None
    try:
        return state_of(data)
    except Unusable:
        warn(f"the history cache {path} is corrupt; discarding it and scanning {repo} again")
        return None


def data_version(path: Path) -> Any:
    """The version an intact file of ours says it has, or None."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return None
    return data.get("version") if isinstance(data, dict) and data.get("format") == FORMAT else None


def payload(repo: str, key: dict[str, Any], state: RepoState, prefix: str = "") -> dict[str, Any]:
    """What a state file holds: the repository's state key, what the numbers depend on, the counters."""
    return {"format": FORMAT, "version": VERSION, "repo": repo, "key": key, "prefix": prefix,
            "state": state.to_json()}


def save(path: Path, repo: str, key: dict[str, Any], state: RepoState, warn: Warn, prefix: str = "") -> None:
    """Write atomically; a cache that cannot be written only costs a full scan next time, so it warns."""
    try:
        write(path, payload(repo, key, state, prefix))
    except OSError as exc:
        warn(f"cannot write the history cache {path} ({exc.strerror or exc}); the next scan starts over")


def write(path: Path, data: dict[str, Any]) -> None:
    """`data` as JSON at `path`, atomically (a temporary file in the same folder, fsync, rename); raises OSError."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        # ensure_ascii keeps undecodable path bytes (lone surrogates) representable as \udcXX escapes;
        # dumps() rather than dump(): one pass of the C encoder instead of thousands of small writes
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=True)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        tmp = None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
