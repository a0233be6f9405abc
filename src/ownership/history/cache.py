"""The per-repository scan cache: one JSON file per repository, keyed by the last scanned commit.

A file is named after the repository's state key (repos.state_key: the normalised remote URL, or a local
repository's path), never after where this machine keeps its clone, so a cache folder (or a shard's state,
shards.py: the same files) restored on another machine is valid there.

Writes are atomic (a temporary file in the same folder, then rename), so an interrupted run leaves either the
old cache or the new one. Every file is sealed with a checksum of its bytes (sealed.py) and every value is
checked for its type when read (RepoState.from_json): a file that is damaged, not ours or of a newer version is
discarded with a warning naming it, one of an older version with a notice, and the repository is scanned again
from scratch. JSON rather than pickle: a cache folder may be shared or restored from CI storage, and loading it
must never run code.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ownership.support import confine
from ownership.history import sealed
from ownership.history.schema import Malformed
from ownership.history.state import RepoState

FORMAT = "ownership-history-cache"
# 2: keyed by repos.state_key, with the lineage of heads (issue 16); 3: sealed with a checksum, strict types
# (issue 25)
VERSION = 3

Warn = Callable[[str], None]


class Unusable(ValueError):
    """A state file that cannot be believed. `kind`: "damaged" (checksum, JSON or a value's type), "older" (an
    older version of ownership wrote it), "foreign" (not ours, or a newer version); str() says what and why."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


OLDER = "was written by an older version of ownership"


def decode(raw: bytes, fmt: str, version: int) -> dict[str, Any]:
    """The payload of a sealed file of format `fmt` and `version` (sealed.py); raises Unusable. The checksum is
    checked before the bytes are decoded: a damaged file is damaged, whatever its damage made it say."""
    ends_sealed = sealed.is_sealed(raw)
    if ends_sealed:
        try:
            sealed.verify(raw)
        except sealed.Damaged as exc:
            raise Unusable("damaged", f"is corrupt ({exc})") from exc
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # RecursionError: nested past the C limit
        raise Unusable("damaged", "is corrupt (not JSON)") from exc
    if not isinstance(data, dict) or data.get("format") != fmt:
        raise Unusable("foreign", f"was not written by this version of ownership (no {fmt} data)")
    found = data.get("version")
    if found != version:
        if type(found) is int and 0 < found < version:
            raise Unusable("older", OLDER)
        raise Unusable("foreign", f"was not written by this version of ownership ({fmt} version {found!r}, this "
                                  f"one reads {version})")
    if not ends_sealed:
        raise Unusable("damaged", "is corrupt (its checksum is missing)")
    return data


def name_for(repo: str) -> str:
    """The file name of `repo`'s state (a digest: a key's spelling never reaches the file system)."""
    return hashlib.sha256(repo.encode("utf-8", "surrogateescape")).hexdigest()[:24] + ".json"


def file_for(cache_dir: Path, repo: str) -> Path:
    return cache_dir / "history" / name_for(repo)


def read(path: Path) -> dict[str, Any]:
    """The payload of a state file, its checksum verified; raises OSError (unreadable) or Unusable."""
    data = decode(path.read_bytes(), FORMAT, VERSION)
    if type(data.get("repo")) is not str or type(data.get("key")) is not dict or type(data.get("prefix")) is not str:
        raise Unusable("damaged", "is corrupt ('repo', 'key' or 'prefix' of the wrong type)")
    return data


def state_of(data: dict[str, Any]) -> RepoState:
    """The RepoState of a payload read(), every value checked for its type; raises Unusable naming the key."""
    try:
        return RepoState.from_json(data.get("state"))
    except Malformed as exc:
        raise Unusable("damaged", f"is corrupt ({exc})") from exc


def commits(path: Path, repo: str) -> int | None:
    """How many commits the cached state of `repo` holds (what a scan of it costs), or None."""
    try:
        data = read(path)
        commits = data["state"]["commits"]
        return commits if data["repo"] == repo and type(commits) is int else None
    except (OSError, Unusable, KeyError, TypeError):
        return None


def load(path: Path, repo: str, key: dict[str, Any], warn: Warn) -> RepoState | None:
    """The cached state of the repository `repo` (its state key), or None when there is none usable.

    `key` holds what the state depends on besides the commits (the .mailmap, shallowness); a different key
    means the cache is outdated, not broken, so it is replaced without a warning.
    """
    try:
        data = read(path)
        if data["repo"] != repo:
            raise Unusable("foreign", f"was written for another repository, not {repo}")
        if data["key"] != key:
            return None
        return state_of(data)
    except FileNotFoundError:
        return None
    except OSError as exc:
        warn(f"cannot read the history cache {path} ({exc.strerror or exc}); scanning again")
    except Unusable as exc:
        if exc.kind == "older":
            warn(f"the history cache {path} {exc}; scanning {repo} again from the start (once)")
        else:
            warn(f"the history cache {path} {exc}; discarding it and scanning {repo} again")
    return None


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
    """`data` as sealed JSON (sealed.py) at `path`, atomically (a temporary file in the same folder, fsync,
    rename); raises OSError."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        confine.sweep(path.parent, path.name + ".")  # what a run killed while writing this entry left
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(sealed.seal(data))
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
