"""`suggest --write` edits: only the intended lines change; comments, order and formatting stay."""
from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from ownership.catalog.edit import EditError, add_maintainer, add_maintainer_text
from ownership.catalog.load import load_sources

BLOCK = """\
# Payments systems. Keep alphabetical.
systems:
  - name: ledger   # the money
    owner: payments
    maintainers:
      - alice@acme.test   # since 2021
      - bob@acme.test
    tier: 1

  - name: payments-api
    owner: payments        # team
    maintainers: [alice@acme.test]  # named
    depends_on: [ledger]
  - name: refunds
    description: "Refunds: slow path"
    owner: payments
    tier: 2
  - name: payouts
    owner: payments
    maintainers:   # nobody yet
"""


def _diff(old: str, new: str) -> list[str]:
    return [d for d in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
            if d[:1] in "+-" and not d.startswith(("+++", "---"))]


def _maintainers(text: str, system: str) -> tuple[str, ...]:
    cat, findings = load_sources([("x.yaml", text)])
    assert not [f for f in findings if f.subject == f"system:{system}"], findings
    return cat.systems[system].maintainers


def test_block_list_gets_one_new_item_line_with_the_same_indentation() -> None:
    new = add_maintainer_text(BLOCK, "ledger", "carol@acme.test")
    assert _diff(BLOCK, new) == ["+      - carol@acme.test"]
    assert _maintainers(new, "ledger") == ("alice@acme.test", "bob@acme.test", "carol@acme.test")


def test_flow_list_gets_the_person_before_the_bracket_and_keeps_the_comment() -> None:
    new = add_maintainer_text(BLOCK, "payments-api", "carol@acme.test")
    assert _diff(BLOCK, new) == [
        "-    maintainers: [alice@acme.test]  # named",
        "+    maintainers: [alice@acme.test, carol@acme.test]  # named",
    ]


def test_missing_maintainers_key_is_added_after_owner() -> None:
    new = add_maintainer_text(BLOCK, "refunds", "dan@acme.test")
    assert _diff(BLOCK, new) == ["+    maintainers: [dan@acme.test]"]
    lines = new.splitlines()
    assert lines[lines.index("    maintainers: [dan@acme.test]") - 1] == "    owner: payments"
    assert _maintainers(new, "refunds") == ("dan@acme.test",)


def test_empty_maintainers_value_is_filled_in_place_keeping_the_comment() -> None:
    new = add_maintainer_text(BLOCK, "payouts", "erin@acme.test")
    assert _diff(BLOCK, new) == ["-    maintainers:   # nobody yet",
                                 "+    maintainers: [erin@acme.test]  # nobody yet"]
    assert _maintainers(new, "payouts") == ("erin@acme.test",)


def test_person_already_listed_changes_nothing() -> None:
    assert add_maintainer_text(BLOCK, "ledger", "ALICE@acme.test") == BLOCK


def test_unknown_system_is_a_clear_error() -> None:
    with pytest.raises(EditError, match="no system 'nope'"):
        add_maintainer_text(BLOCK, "nope", "x@acme.test")


def test_file_edit_is_atomic_and_reports_whether_it_changed(tmp_path: Path) -> None:
    f = tmp_path / "s.yaml"
    f.write_text(BLOCK)
    assert add_maintainer(f, "refunds", "dan@acme.test") is True
    assert add_maintainer(f, "refunds", "dan@acme.test") is False
    assert list(tmp_path.iterdir()) == [f]


def test_crlf_files_keep_crlf() -> None:
    crlf = BLOCK.replace("\n", "\r\n")
    new = add_maintainer_text(crlf, "refunds", "dan@acme.test")
    assert "\r\n    maintainers: [dan@acme.test]\r\n" in new
    assert new.count("\n") == new.count("\r\n")
