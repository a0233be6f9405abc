"""A declared rule (one whose findings a loader emits) is emitted somewhere, or its documentation says it is
retired (review 3.9: `unsupported-format` was declared and documented, and emitted nowhere)."""
from __future__ import annotations

import ast

from ownership.rules import RULES
from tests.conftest import ROOT


def test_a_declared_rule_no_loader_emits_says_it_is_retired() -> None:
    """A loader emits a declared rule by its slug; a slug no module outside rules/ spells is a tombstone, and
    its documentation says so (unsupported-format: the slug stays valid in ownership.yaml)."""
    spelled = {n.value for p in (ROOT / "src" / "ownership").rglob("*.py") if p.parent.name != "rules"
               for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
               if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    silent = {slug for slug, r in RULES.items() if r.check is None and slug not in spelled}
    assert silent == {"unsupported-format"}
    assert all(RULES[slug].summary.startswith("Retired:") for slug in silent)
