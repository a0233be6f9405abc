"""The one cache folder of every cache ownership keeps: $XDG_CACHE_HOME/ownership, else ~/.cache/ownership.

Inside it: catalog-files/ (each catalog file's parse, catalog/cache.py), history scans and clones
(history/cache.py, unless `history.cache` says otherwise), and roster-*.json snapshots with their
roster-*.people.json recall entries (roster/guard.py).

Whatever is in it may have been restored by CI (`actions/cache`) or written by another user: every cache reads
JSON (data only, never a pickle or anything else whose loading runs code), checks what it read, and ignores an
entry it cannot use with one warning (`ignored`), then rebuilds it.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from collections.abc import Callable
from typing import Any


def root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ownership"


def ignored(entry: Path, why: str) -> None:
    """Say on stderr that the cache entry `entry` was not used (`why`: what is wrong with it); it is rebuilt."""
    from ownership.support import redact
    from ownership.render import terminal  # the one writer: a planted file name is shown, never obeyed

    terminal.err(redact.text(f"ownership: warning: ignoring the cache entry {entry} ({why}); it is rebuilt"))


def read_entry(entry: Path, limit: int) -> bytes | None:
    """The bytes of the cache entry `entry`, at most `limit` + 1 of them (more is never read into memory); None
    when there is none. Raises NotRegular when `entry` is not a regular file: a FIFO or a device planted there
    is neither read nor waited on (the open does not block)."""
    import stat

    try:
        fd = os.open(entry, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegular("not a regular file")
        return fh.read(limit + 1)


class NotRegular(ValueError):
    """A cache entry that is a FIFO, a device or a folder: never read."""


def json_bytes(value: object, default: Callable[[Any], Any] | None = None) -> bytes:
    """`value` as a cache entry: compact UTF-8 JSON that read_json reads back. ValueError when it holds what
    read_json refuses (NaN or Infinity, a lone surrogate, text that looks like one); TypeError for a value
    JSON has no form for (`default`, as json.dumps takes it, may give one)."""
    # no cycle check: an entry is a tree the caller built (a cycle would be a RecursionError)
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=default,
                      check_circular=False)
    if "\\u" in text and _SURROGATE.search(text):
        raise ValueError("text read_json would refuse")
    return text.encode("utf-8")  # UnicodeEncodeError (a ValueError) for a lone surrogate


def read_json(blob: bytes, unusable: type[ValueError]) -> Any:
    """The JSON document `blob` holds, as plain data (dicts, lists, str, int, float, bool, None). Raises
    `unusable` unless it is what json_bytes writes: UTF-8, no NaN or Infinity, no lone surrogate (text that
    cannot be printed), not nested deeper than the interpreter recurses."""
    try:
        text = blob.decode("utf-8")  # strict: a surrogate encoded in the bytes is refused here
        if "\\u" in text and _SURROGATE.search(text):
            raise unusable("a lone surrogate")
        return json.loads(text, parse_constant=_refuse)
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        if isinstance(exc, unusable):
            raise
        raise unusable("not JSON") from exc


# json.dumps(ensure_ascii=False) writes a character as itself, never as an escaped surrogate pair
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def _refuse(text: str) -> Any:
    raise ValueError(f"{text} is not a number JSON writes")
