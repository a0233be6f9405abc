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

RULES: tuple[Rule, ...] = (LOCATION_NOT_FOUND, LOCATION_NOT_FOLLOWED)
