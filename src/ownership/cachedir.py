"""The one cache folder of every cache ownership keeps: $XDG_CACHE_HOME/ownership, else ~/.cache/ownership.

Inside it: catalog-files/ (each catalog file's parse, catalog/cache.py), history scans and clones
(history/cache.py, unless `history.cache` says otherwise), and roster-*.json snapshots with their
roster-*.people.json recall entries (roster/guard.py).

Whatever is in it may have been restored by CI (`actions/cache`) or written by another user: every cache reads
JSON (data only, never a pickle or anything else whose loading runs code), checks what it read, and ignores an
entry it cannot use with one warning (`ignored`), then rebuilds it.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path


def root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ownership"


def ignored(entry: Path, why: str) -> None:
    """Say on stderr that the cache entry `entry` was not used (`why`: what is wrong with it); it is rebuilt."""
    from ownership import redact

    sys.stderr.write(redact.text(f"ownership: warning: ignoring the cache entry {entry} ({why}); it is rebuilt")
                     + "\n")
