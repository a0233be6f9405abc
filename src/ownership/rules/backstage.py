"""Findings the Backstage reader emits while following Location entities (catalog/backstage.py)."""
from __future__ import annotations

from ownership.rules.registry import Rule, declared

LOCATION_NOT_FOUND = declared("location-not-found", "error", "catalog", """
    A Backstage Location entity targets a file that does not exist, cannot be read, or a glob that matches
    no file.

    Targets are relative to the file the Location is written in; globs (`./systems/*.yaml`, `**`) are
    expanded. The finding points at the target line.
    """)
LOCATION_NOT_FOLLOWED = declared("location-not-followed", "warning", "catalog", """
    A Backstage Location target is a URL (`type: url`, or an `https://…` target). Loading never touches the
    network, so the entities behind it are not in the catalog; check the file into the catalog folder, or
    point at it with a relative path.
    """)
LOCATION_OUTSIDE_ROOT = declared("location-outside-root", "error", "catalog", """
    A Backstage Location target is outside the catalog root: an absolute path, a `..` that climbs out, a
    symlink that resolves outside, or a file in the `.git` folder. The file is not read, and nothing of it is
    quoted; the finding points at the target line.

    The catalog root is the git work tree the catalog files are in (the nearest folder above them holding
    `.git`); for files outside any work tree it is the deepest folder holding all the files given on the
    command line. Globs walk only inside the folder they start from and never follow symlinked folders.
    """)

RULES: tuple[Rule, ...] = (LOCATION_NOT_FOUND, LOCATION_NOT_FOLLOWED, LOCATION_OUTSIDE_ROOT)
