"""The per-repository scan cache: one JSON file per repository, keyed by the last scanned commit.

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
VERSION = 1

Warn = Callable[[str], None]


def file_for(cache_dir: Path, git_dir: str) -> Path:
    digest = hashlib.sha256(git_dir.encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return cache_dir / "history" / f"{digest}.json"


def load(path: Path, git_dir: str, key: dict[str, Any], warn: Warn) -> RepoState | None:
    """The cached state of the repository at `git_dir`, or None when there is none usable.

    `key` holds what the state depends on besides the commits (the .mailmap, shallowness); a different key
    means the cache is outdated, not broken, so it is replaced without a warning.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        warn(f"cannot read the history cache {path} ({exc.strerror or exc}); scanning again")
        return None
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        warn(f"the history cache {path} is corrupt; discarding it and scanning {git_dir} again")
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("version") != VERSION \
            or data.get("repo") != git_dir:
        warn(f"the history cache {path} was not written by this version for {git_dir}; discarding it and "
             "scanning again")
        return None
    if data.get("key") != key:
        return None
    try:
        return RepoState.from_json(data["state"])
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        warn(f"the history cache {path} is corrupt; discarding it and scanning {git_dir} again")
        return None


def save(path: Path, git_dir: str, key: dict[str, Any], state: RepoState, warn: Warn) -> None:
    """Write atomically; a cache that cannot be written only costs a full scan next time, so it warns."""
    payload = {"format": FORMAT, "version": VERSION, "repo": git_dir, "key": key, "state": state.to_json()}
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        # ensure_ascii keeps undecodable path bytes (lone surrogates) representable as \udcXX escapes;
        # dumps() rather than dump(): one pass of the C encoder instead of thousands of small writes
        text = json.dumps(payload, separators=(",", ":"), ensure_ascii=True)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        tmp = None
    except OSError as exc:
        warn(f"cannot write the history cache {path} ({exc.strerror or exc}); the next scan starts over")
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
