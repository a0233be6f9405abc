"""The one cache folder of every cache ownership keeps: $XDG_CACHE_HOME/ownership, else ~/.cache/ownership.

Inside it: catalog-files/ (each catalog file's parse, catalog/cache.py), history scans and clones
(history/cache.py, unless `history.cache` says otherwise), and roster-*.json snapshots (roster/guard.py).
"""
from __future__ import annotations

import os
from pathlib import Path


def root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ownership"
