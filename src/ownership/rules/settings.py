"""Rules about ownership.yaml itself (found by `validate --base`, not by a check over the catalog)."""
from __future__ import annotations

from ownership.rules.registry import Rule, declared

PROTECTED_SETTING_CHANGED = declared("protected-setting-changed", "error", "catalog", """
    The pull request changes a protected setting of ownership.yaml: where requests go (`roster`, `scim`,
    `pagerduty`, `history.rewrite`, `history.protocols`, `history.stall`, `history.deadline`), which secret is read (`*.token_env`), who is who (`roster_columns`,
    `aliases`, `team_map`, `mailmap`, `roster_shrink_limit`), or which rules run and what fails (`catalog`,
    `rules`, `fail_on`).

    With `--base REF`, every protected setting is taken from the ownership.yaml at REF (the defaults when REF
    has none), so the PR's values are neither used nor able to switch the gate off; one finding names each
    changed setting at its line (`rules.unknown-team.enabled`), with both values (URLs without credentials or
    query). A maintainer who wants the change reviews it and merges despite this finding; from then on the
    base has it. The list is `PROTECTED` in ownership/config.py (README, Configuration).
    """)

RULES: tuple[Rule, ...] = (PROTECTED_SETTING_CHANGED,)
