"""Findings about which files a catalog is read from: files a folder walk skips, and the files Backstage
`$text` / `$json` / `$yaml` placeholders pull in (catalog/load.py, catalog/backstage.py)."""
from __future__ import annotations

from ownership.rules.registry import Rule, declared

FILES_SKIPPED = declared("files-skipped", "info", "catalog", """
    A folder walk of a Backstage tree (a folder holding Backstage descriptors) skipped YAML files that hold
    no catalog document: no `apiVersion: backstage.io/…` and no top-level `teams:`, `systems:`,
    `stakeholders:` or `rotations:` (app-config, mkdocs.yml, workflows, OpenAPI documents, Helm charts). One
    finding for all of them, at the first, with the count and the files in its evidence.

    To check such a file as a catalog file, name it on the command line or match it with `include:` in
    ownership.yaml. A folder without Backstage descriptors is a native catalog, where every YAML file is read.
    """)

PLACEHOLDER_UNRESOLVED = declared("placeholder-unresolved", "error", "catalog", """
    A Backstage `$text`, `$json` or `$yaml` placeholder (`definition: {$text: ./openapi.yaml}`) targets a file
    that cannot be used: it does not exist, is a folder, cannot be read, is larger than 10 MB, is not UTF-8,
    or (for `$json` / `$yaml`) does not parse or holds more or fewer than one document. Backstage rejects the
    entity too. The finding points at the placeholder's line; the value stays unresolved.
    """)
PLACEHOLDER_NOT_FOLLOWED = declared("placeholder-not-followed", "warning", "catalog", """
    A `$text`, `$json` or `$yaml` placeholder targets a URL. Loading never touches the network, so the value
    stays unresolved (for `$yaml` under `dependsOn`, those dependencies are missing from the blast radius);
    check the file in and point at it with a relative path.
    """)
PLACEHOLDER_OUTSIDE_ROOT = declared("placeholder-outside-root", "error", "catalog", """
    A `$text`, `$json` or `$yaml` placeholder targets a file outside the catalog folders: the catalog paths
    given (`--catalog`, `catalog:` in ownership.yaml; a file stands for its folder) and the folder of the
    file holding the placeholder. Outside are an absolute path, a `..` that climbs out, a symlink that
    resolves outside, and the `.git` folder. The file is not read and nothing of it is quoted.
    """)

RULES: tuple[Rule, ...] = (FILES_SKIPPED, PLACEHOLDER_UNRESOLVED, PLACEHOLDER_NOT_FOLLOWED,
                           PLACEHOLDER_OUTSIDE_ROOT)
