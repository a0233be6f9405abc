"""A Backstage-only catalog loads into the same model, and every mistake in it is a finding at its line."""
from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from ownership.catalog.load import load_paths
from ownership.cli import cli
from ownership.model import Catalog, Finding, Snapshot
from ownership.rules import engine
from tests.backstage import org

TODAY = dt.date(2026, 6, 1)


def _check(paths: list[str]) -> tuple[Catalog, list[Finding]]:
    catalog, loaded = load_paths(paths)
    return catalog, engine.run(Snapshot(catalog, TODAY), ["catalog"], loaded)


@pytest.fixture()
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    org.write(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _rows(findings: list[Finding]) -> list[tuple[str, int, str, str, str]]:
    return [(f.location.file if f.location else "", f.location.line if f.location else 0, f.rule, f.severity,
             f.message) for f in findings]


def test_following_the_root_location_reports_exactly_the_expected_findings(tree: Path) -> None:
    _, findings = _check(["catalog-info.yaml"])
    assert _rows(findings) == org.EXPECTED


def test_the_model_has_teams_members_systems_dependencies_and_repos(tree: Path) -> None:
    cat, _ = _check(["catalog-info.yaml"])
    assert sorted(cat.teams) == ["engineering", "payments", "platform"]
    payments = cat.teams["payments"]
    assert payments.members == ("alice@acme.test", "bob@acme.test")  # Users' memberOf, case-insensitive ref
    assert payments.channel == "#payments"
    assert payments.oncall is not None and payments.oncall.providers["pagerduty"] == ("policy:PPAY123",)
    assert cat.teams["platform"].members == ("carol", "bob@acme.test")  # spec.members first; no email: name
    assert sorted(cat.systems) == ["ledger", "payments-api", "payments-db"]  # Bad_Name- is rejected, as Backstage does
    api = cat.systems["payments-api"]
    assert (api.owner, api.tier, api.lifecycle, api.maintainers) == ("payments", 1, "production",
                                                                     ("alice@acme.test",))
    assert api.depends_on == ("ledger", "payments-db", "fraud")
    assert [(r.url, r.paths) for r in api.repos] == [("https://github.com/acme/monorepo",
                                                       ("services/payments-api/",))]
    assert api.runbook == "https://wiki.acme.test/runbooks/payments-api"
    assert [(r.url, r.paths) for r in cat.systems["ledger"].repos] == [("https://github.com/acme/ledger", ())]
    assert cat.systems["payments-db"].owner == "platform"


def test_locations_point_at_the_lines_that_define_each_field(tree: Path) -> None:
    cat, _ = _check(["catalog-info.yaml"])
    payments = cat.teams["payments"]
    assert str(payments.loc("name")) == "org/groups.yaml:4:9"
    assert str(payments.loc("members[1]")) == "org/users.yaml:16:14"  # bob's memberOf entry
    api = cat.systems["payments-api"]
    assert str(api.loc("owner")) == "systems/payments.yaml:23:10"
    assert str(api.loc("depends_on[2]")) == "systems/payments.yaml:25:55"


def test_a_location_cycle_is_followed_once_and_every_file_is_listed_once(tree: Path) -> None:
    cat, findings = _check(["catalog-info.yaml"])
    assert sorted(cat.files) == ["catalog-info.yaml", os.path.join("org", "groups.yaml"),
                                 os.path.join("org", "users.yaml"), os.path.join("systems", "payments.yaml")]
    assert not [f for f in findings if f.rule == "duplicate-name"]


def test_a_folder_load_mixes_native_and_backstage_files_without_loading_targets_twice(tree: Path) -> None:
    cat, findings = _check(["."])
    assert "edge-proxy" in cat.systems
    assert cat.systems["edge-proxy"].depends_on == ("payments-api",)
    assert _rows(findings) == org.EXPECTED  # the native system's references all resolve


def test_validate_command_fails_on_the_backstage_errors_with_file_and_line(tree: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", "--catalog", "catalog-info.yaml", "--format", "json"])
    assert result.exit_code == 1, result.output
    doc = json.loads(result.output)
    assert doc["counts"] == {"error": 4, "warning": 1, "info": 0}
    assert {(f["file"], f["line"], f["rule"]) for f in doc["findings"]} == {
        (file, line, rule) for file, line, rule, _, _ in org.EXPECTED}


def test_page_blast_radius_and_incident_work_on_a_backstage_only_catalog(tree: Path) -> None:
    runner = CliRunner()
    page = runner.invoke(cli, ["page", "payments-api", "--catalog", "catalog-info.yaml", "--format", "json",
                               "--at", "2026-06-01T10:00:00Z"])
    assert page.exit_code == 0, page.output
    people = json.dumps(json.loads(page.stdout))
    assert "alice@acme.test" in people and "bob@acme.test" in people
    blast = runner.invoke(cli, ["blast-radius", "payments-db", "--catalog", "catalog-info.yaml", "--format", "json"])
    assert blast.exit_code == 0, blast.output
    assert "payments-api" in blast.stdout
    room = runner.invoke(cli, ["incident", "payments-api", "--catalog", "catalog-info.yaml",
                               "--at", "2026-06-01T10:00:00Z"])
    assert room.exit_code == 0, room.output
    assert "payments-db" in room.stdout  # a suspect: upstream Resource, resolved from dependsOn
