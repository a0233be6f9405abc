"""`ownership roster show`, and the bundled example roster against the bundled example catalog."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ownership.cli import cli
from ownership.roster import files
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "roster.csv"
CATALOG = ROOT / "catalog"
TODAY = "2026-11-30"


def show(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["roster", "show", *args, "--roster", str(EXAMPLE), "--catalog",
                                      str(CATALOG), "--today", TODAY])
    return result.exit_code, result.stdout, result.stderr


def test_the_example_roster_has_the_documented_facts() -> None:
    people = {p.email: p for p in files.read_path(str(EXAMPLE))}
    assert len(people) == 30
    left = {e: p.end_date for e, p in people.items() if not p.active}
    assert left == {"bob.martin@acme.test": dt.date(2026, 3, 1), "hector.silva@acme.test": dt.date(2025, 9, 30),
                    "nina.rossi@acme.test": dt.date(2026, 6, 15), "will.johnson@acme.test": dt.date(2024, 12, 31)}
    kate = people["kate.olsen@acme.test"]
    assert kate.active and kate.end_date == dt.date(2026, 12, 31)
    assert people["dan.okafor@acme.test"].team == "Data"
    victor = people["victor.hale@acme.test"]
    managers = {p.manager for p in people.values() if p.manager}
    assert victor.id in managers and victor.manager is None
    assert any(p.usernames for p in people.values())
    assert any(len(p.emails) > 1 for p in people.values())


def test_the_example_catalog_against_the_example_roster() -> None:
    result = CliRunner().invoke(cli, ["validate", "--catalog", str(CATALOG), "--roster", str(EXAMPLE), "--format",
                                      "json",
                                      "--today", TODAY, "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    found = {(f["rule"], f["message"]) for f in json.loads(result.stdout)["findings"]}
    assert not [m for rule, m in found if rule == "unknown-person"]  # everyone the catalog names is in HR
    assert ("owner-left", "team payments: member bob.martin@acme.test left on 2026-03-01") in found
    assert ("owner-left", "team platform: member nina.rossi@acme.test left on 2026-06-15") in found
    assert ("owner-transferred",
            "team payments: member dan.okafor@acme.test now works in team data (HR: 'Data'), not payments") in found
    assert ("manager-left", "team ledger: manager kate.olsen@acme.test leaves on 2026-12-31") in found


def test_show_prints_the_person_and_what_they_own() -> None:
    code, out, _ = show("carol.diaz@acme.test")
    assert code == 0
    assert "Name:           Carol Diaz\n" in out
    assert "Status:         employed\n" in out
    assert "Manager:        victor.hale@acme.test\n" in out
    assert "Manages:        payments\n" in out
    assert "alice.nguyen@acme.test" in out  # among her reports


def test_show_finds_people_by_username_and_noreply_and_says_when_they_left() -> None:
    code, out, _ = show("12345+bobm@users.noreply.github.com")
    assert code == 0
    assert "Bob Martin" in out and "Status:         left on 2026-03-01\n" in out
    assert "Member of:      payments\n" in out


def test_show_as_json() -> None:
    code, out, _ = show("anguyen", "--format", "json")
    info = json.loads(out)
    assert code == 0
    assert (info["id"], info["status"], info["hr_team"], info["catalog_team"]) == \
        ("1003", "employed", "Payments", "payments")
    assert "payments" in info["teams"]


def test_show_someone_unknown_is_a_clear_error() -> None:
    code, _, err = show("nobody@acme.test")
    assert code == 2
    assert err == ("ownership: error: nobody in the roster matches 'nobody@acme.test' (an email, username, "
                   "GitHub noreply address, roster id or alias)\n")


def test_show_without_a_roster_says_how_to_give_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["roster", "show", "x", "--catalog", str(CATALOG)])
    assert result.exit_code == 2 and "pass --roster SOURCE" in result.stderr
