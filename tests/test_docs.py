"""Generated docs stay in sync with the code that generates them."""
from __future__ import annotations

from ownership import docsgen
from ownership.rules import RULES
from tests.conftest import ROOT


def test_generated_docs_are_up_to_date() -> None:
    assert docsgen.main(["--check"]) == 0, "run: python -m ownership.docsgen"


def test_every_rule_has_a_docstring_and_appears_in_docs_rules_md() -> None:
    text = (ROOT / "docs" / "rules.md").read_text()
    for slug, r in RULES.items():
        assert r.doc.strip(), f"rule {slug} has no docstring"
        assert f"### {slug}" in text


def test_design_contract_slugs_are_registered() -> None:
    catalog_slugs = {"yaml-syntax", "duplicate-key", "unknown-field", "invalid-value", "missing-field",
                     "duplicate-name", "unknown-team", "unknown-system", "dependency-cycle"}
    assert catalog_slugs <= set(RULES)
