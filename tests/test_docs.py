"""Generated docs stay in sync with the code that generates them."""
from __future__ import annotations

import functools

import pytest

import ownership.roster
from ownership import docsgen
from ownership.roster.source import RosterSource
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


def test_every_registered_entry_has_a_docstring_and_appears_in_docs_extending_md() -> None:
    text = (ROOT / "docs" / "extending.md").read_text()
    seams = list(docsgen.available())
    assert {s.title for s, _ in seams} >= {"Rules", "Roster sources"}
    for seam, registry in seams:
        assert f"## {seam.title}" in text and f"`{seam.registry}`" in text
        listed = docsgen.entries(registry)
        assert listed, f"{seam.registry} is empty"
        for name, entry in listed:
            assert docsgen.doc(entry).strip(), f"{seam.registry}: {name} has no docstring"
            assert f"| `{name}` | {docsgen.summary(docsgen.doc(entry))} |" in text, f"{seam.registry}: {name}"


def test_extending_md_documents_each_protocol_member_and_a_new_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.roster import fakesource

    text = (ROOT / "docs" / "extending.md").read_text()
    for member in ("accepts(source: str) -> bool", "read(source: str, settings: RosterSettings, notes: list[str])",
                   "fingerprint(source: str, settings: RosterSettings) -> str | None", "section: SourceSection"):
        assert member in text
    assert docsgen.summary(docsgen.doc(RosterSource)) in text
    # a source registered later (the fake one) is one more line of the same table
    seam = docsgen.Seam("Roster sources", "ownership.roster.SOURCES", "ownership.roster.source.RosterSource")
    page = docsgen.extending_reference((seam,))
    monkeypatch.setattr(ownership.roster, "SOURCES", (fakesource, *ownership.roster.SOURCES))
    assert docsgen.extending_reference((seam,)) == page.replace(
        "|---|---|\n", "|---|---|\n| `fake` | " + docsgen.summary(fakesource.__doc__ or "") + " |\n")


def test_a_registry_not_there_yet_is_skipped_only_when_optional() -> None:
    missing = docsgen.Seam("Later", "ownership.roster.NOT_YET", None, optional=True)
    assert list(docsgen.available((missing,))) == []
    with pytest.raises(AttributeError):
        list(docsgen.available((missing._replace(optional=False),)))
    absent_module = docsgen.Seam("Later", "ownership.no_such_package.PROVIDERS", None, optional=True)
    assert list(docsgen.available((absent_module,))) == []


def test_a_registered_entry_without_a_docstring_is_found() -> None:
    def undocumented() -> None:
        pass

    assert docsgen.doc(undocumented) == "" and docsgen.doc(functools.partial(undocumented)) == ""
    assert docsgen.doc(functools.partial(docsgen.summary)) == docsgen.doc(docsgen.summary) != ""
