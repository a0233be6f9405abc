"""People rules on a small catalog and roster written here: what fires, where (file:line), how severe."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ownership.catalog.load import load_sources
from ownership.cli import cli
from ownership.model import Finding, Person, Roster, Snapshot
from ownership.rules import engine

TODAY = dt.date(2026, 11, 30)

CATALOG = """\
teams:
  - name: payments
    members:
      - alice@acme.test
      - bob@acme.test
      - dan@acme.test
    manager: carol@acme.test
  - name: billing
    members: [hector@acme.test]
    manager: kate@acme.test
  - name: data
    members: [tara@acme.test]
    manager: sam@acme.test
  - name: ghosts
    members: [will@acme.test, nobody@acme.test]
stakeholders:
  - name: legal
    contacts: [leo@acme.tst]
systems:
  - name: payments-api
    owner: payments
    maintainers: [bob@acme.test, "@alice-gh"]
  - name: invoicing
    owner: billing
    maintainers: [hector@acme.test]
  - name: pipeline
    owner: data
    maintainers: [dan@acme.test]
"""


def person(pid: str, **kw: Any) -> Person:
    return Person(pid, emails=(f"{pid}@acme.test",), **kw)


PEOPLE = (
    person("alice", usernames=("alice-gh",), team="Payments"),
    person("bob", active=False, end_date=dt.date(2026, 3, 1), team="Payments"),
    person("carol", team="Payments"),
    person("dan", team="Data"),  # moved from payments to data
    person("hector", active=False, end_date=dt.date(2025, 9, 30), team="Billing"),
    person("kate", end_date=dt.date(2026, 12, 31), team="Billing"),  # leaves next month
    person("sam", active=False, team="Data"),  # inactive, no date
    person("tara", team="Data"),
    person("will", active=False, end_date=dt.date(2024, 12, 31), team="Ghosts"),
    person("leo", team="Legal"),
)


def run(catalog: str = CATALOG, people: tuple[Person, ...] = PEOPLE, **roster: Any) -> list[Finding]:
    cat, loaded = load_sources([("catalog.yaml", catalog)])
    assert not loaded, loaded
    snap = Snapshot(cat, TODAY, Roster(people, "test", TODAY, **roster), options={})
    return engine.run(snap, ["people"])


def by_rule(findings: list[Finding], slug: str) -> list[tuple[int, str, str]]:
    return [(f.location.line if f.location else 0, f.severity, f.message) for f in findings if f.rule == slug]


def test_unknown_person_names_the_reference_and_its_line() -> None:
    assert by_rule(run(), "unknown-person") == [
        (15, "error", "team ghosts: member 'nobody@acme.test' is not in the HR roster"),
        (18, "error", "stakeholder group legal: contact 'leo@acme.tst' is not in the HR roster"),
    ]


def test_aliases_resolve_references_the_roster_spells_differently() -> None:
    findings = run(aliases={"nobody@acme.test": "tara", "leo@acme.tst": "leo@acme.test"})
    assert by_rule(findings, "unknown-person") == []


def test_owner_left_with_dates_and_severity_by_whether_others_remain() -> None:
    assert by_rule(run(), "owner-left") == [
        (5, "warning", "team payments: member bob@acme.test left on 2026-03-01"),
        (9, "error", "team billing: member hector@acme.test left on 2025-09-30; no other owner is employed"),
        (15, "error", "team ghosts: member will@acme.test left on 2024-12-31; no other owner is employed"),
        (22, "warning", "payments-api: maintainer bob@acme.test left on 2026-03-01"),
        (25, "error", "invoicing: maintainer hector@acme.test left on 2025-09-30; no other owner is employed"),
    ]


def test_owner_left_evidence_carries_the_hr_facts() -> None:
    [f] = [f for f in run() if f.rule == "owner-left" and f.subject == "system:payments-api"]
    assert f.location is not None and f.location.file == "catalog.yaml"
    assert f.evidence == {"person": "bob@acme.test", "person_id": "bob", "role": "maintainer", "active": False,
                          "end_date": "2026-03-01", "hr_team": "Payments", "only_owner": False}


def test_a_future_end_date_is_a_warning_with_the_date() -> None:
    catalog = "teams:\n  - name: billing\n    members: [kate@acme.test, tara@acme.test]\n"
    assert by_rule(run(catalog), "owner-left") == [
        (3, "warning", "team billing: member kate@acme.test leaves on 2026-12-31")]


def test_manager_left() -> None:
    assert by_rule(run(), "manager-left") == [
        (10, "warning", "team billing: manager kate@acme.test leaves on 2026-12-31"),
        (13, "warning", "team data: manager sam@acme.test is no longer active in HR"),
    ]


def test_manager_left_is_an_error_when_the_team_has_nobody_else() -> None:
    catalog = "teams:\n  - name: data\n    members: [will@acme.test]\n    manager: sam@acme.test\n"
    assert by_rule(run(catalog), "manager-left") == [
        (4, "error", "team data: manager sam@acme.test is no longer active in HR")]


def test_owner_transferred_for_members_and_maintainers() -> None:
    assert by_rule(run(), "owner-transferred") == [
        (6, "warning", "team payments: member dan@acme.test now works in team data (HR: 'Data'), not payments"),
    ]
    # dan maintains pipeline, owned by data: where HR places him, so nothing there


def test_owner_transferred_uses_team_map_and_can_skip_maintainers() -> None:
    catalog = ("teams:\n  - name: payments\n    members: [alice@acme.test]\n  - name: data\n"
               "systems:\n  - name: api\n    owner: payments\n    maintainers: [tara@acme.test]\n")
    people = (person("alice", team="Money Movement"), person("tara", team="Analytics"))
    assert by_rule(run(catalog, people, team_map={"Money Movement": "payments"}), "owner-transferred") == []
    found = by_rule(run(catalog, people, team_map={"analytics": "data"}), "owner-transferred")
    assert found == [(8, "warning", "api: maintainer tara@acme.test now works in team data (HR: 'Analytics'), "
                                    "not payments")]
    cat, _ = load_sources([("c.yaml", catalog)])
    snap = Snapshot(cat, TODAY, Roster(people, team_map={"analytics": "data"}),
                    options={"owner-transferred": {"maintainers": False}})
    assert [f for f in engine.run(snap, ["people"]) if f.rule == "owner-transferred"] == []


def test_hr_teams_the_catalog_does_not_have_say_nothing() -> None:
    catalog = "teams:\n  - name: payments\n    members: [alice@acme.test]\n"
    assert by_rule(run(catalog, (person("alice", team="Engineering"),)), "owner-transferred") == []


def test_team_without_active_members() -> None:
    assert by_rule(run(), "team-without-active-members") == [
        (9, "error", "team billing has no employed members; it owns invoicing"),
        (15, "warning", "team ghosts has no employed members"),
    ]
    [ghosts] = [f for f in run() if f.rule == "team-without-active-members" and f.subject == "team:ghosts"]
    assert ghosts.evidence["members"] == {"will@acme.test": "left on 2024-12-31", "nobody@acme.test": "unknown"}


def test_people_rules_need_a_roster() -> None:
    cat, _ = load_sources([("catalog.yaml", CATALOG)])
    assert engine.run(Snapshot(cat, TODAY), ["people"]) == []


def test_a_clean_catalog_has_no_people_findings() -> None:
    catalog = ("teams:\n  - name: payments\n    members: [ALICE@acme.test]\n    manager: carol\n"
               "systems:\n  - name: api\n    owner: payments\n    maintainers: [1+alice-gh@users.noreply.github.com]\n")
    assert run(catalog) == []


# --------------------------------------------------------------------------- through `ownership validate`

ROSTER_CSV = """\
id,firstName,lastName,workEmail,status,terminationDate,department,supervisorEId
1,Alice,A,alice@acme.test,Active,0000-00-00,Payments,3
2,Bob,B,bob@acme.test,Inactive,2026-03-01,Payments,3
3,Carol,C,carol@acme.test,Active,0000-00-00,Payments,
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "teams.yaml").write_text(
        "teams:\n  - name: payments\n    members: [alice@acme.test, bob@acme.test]\n    manager: carol@acme.test\n"
        "systems:\n  - name: payments-api\n    owner: payments\n    maintainers: [bob@acme.test]\n")
    (tmp_path / "hr.csv").write_text(ROSTER_CSV)
    return tmp_path


def test_validate_runs_people_rules_only_with_a_roster(repo: Path) -> None:
    runner = CliRunner()
    catalog = str(repo / "catalog")
    plain = runner.invoke(cli, ["validate", "--catalog", catalog, "--format", "json", "--today", "2026-11-30"])
    assert plain.exit_code == 0 and json.loads(plain.stdout)["findings"] == []

    result = runner.invoke(cli, ["validate", "--catalog", catalog, "--roster", str(repo / "hr.csv"), "--format", "json",
                                 "--today", "2026-11-30", "--fail-on", "warning"])
    assert result.exit_code == 1, result.output
    found = [(f["rule"], f["file"], f["line"], f["message"]) for f in json.loads(result.stdout)["findings"]]
    teams = str(repo / "catalog" / "teams.yaml")
    assert found == [
        ("owner-left", teams, 3, "team payments: member bob@acme.test left on 2026-03-01"),
        ("owner-left", teams, 8, "payments-api: maintainer bob@acme.test left on 2026-03-01"),
    ]


def test_validate_takes_the_roster_from_ownership_yaml(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / "ownership.yaml").write_text("roster: hr.csv\nfail_on: warning\n")
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(cli, ["validate", "--catalog", "catalog", "--today", "2026-11-30"])
    assert result.exit_code == 1
    assert "owner-left payments-api: maintainer bob@acme.test left on 2026-03-01" in result.stdout


def test_validate_with_an_unreadable_roster_exits_2(repo: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", "--catalog", str(repo / "catalog"), "--roster",
                                      str(repo / "missing.csv")])
    assert result.exit_code == 2
    assert "missing.csv: cannot read the roster" in result.stderr
