"""Findings of `ownership codeowners check`: the repository's CODEOWNERS against the catalog.

They come from the command (which reads the repository), not from a Snapshot check, so they are declared
here for the docs, SARIF and per-rule settings in ownership.yaml.
"""
from __future__ import annotations

from ownership.rules.registry import Rule, declared

CODEOWNERS_DRIFT = declared("codeowners-drift", "error", "catalog", """
    CODEOWNERS gives a system's paths to someone other than the system's owners in the catalog.

    A CODEOWNERS line agrees with the catalog when one of its owners is the owning team's GitHub handle
    (`codeowners.team_handles` in ownership.yaml, else `@ORG/TEAM` with `codeowners.org`, else any `@org/TEAM`),
    or a member of the owning team, or a maintainer of the system. The finding points at the CODEOWNERS line;
    evidence lists the paths, the line's owners and the expected handle.
    """)
CODEOWNERS_LEFT = declared("codeowners-left", "error", "people", """
    A CODEOWNERS line names a person who has left (needs a roster).

    GitHub silently ignores owners it cannot request a review from, so when everyone on the line has left,
    the paths it covers have no required reviewer at all. The finding points at the CODEOWNERS line.
    """)
CODEOWNERS_UNOWNED = declared("codeowners-unowned", "warning", "catalog", """
    Files under a system's paths that no CODEOWNERS line covers, or that an owner-less line un-owns.

    Nobody is asked to review changes to them. `ownership export codeowners` writes lines for every system
    path of the repository in a marked block.
    """)
CODEOWNERS_OUTSIDE_REPO = declared("codeowners-outside-repo", "error", "catalog", """
    The repository's CODEOWNERS file (or the folder it is in) is a symlink that resolves outside the
    repository. It is not read and nothing of it is quoted; `ownership export codeowners` refuses to write
    through it (exit 2). A symlink to another file inside the repository is followed.
    """)

RULES: tuple[Rule, ...] = (CODEOWNERS_DRIFT, CODEOWNERS_LEFT, CODEOWNERS_UNOWNED, CODEOWNERS_OUTSIDE_REPO)
