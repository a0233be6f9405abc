"""Pulling from a real SCIM 2.0 server (the scim2-server CLI on 127.0.0.1, seeded through its Bulk API)."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ownership.cli import cli
from ownership.roster import Resolver, RosterError, load, scim
from ownership.roster.settings import ScimSettings, RosterSettings
from tests.roster.conftest import TOKEN, ScimServer

TODAY = dt.date(2026, 11, 30)


def test_pull_pages_through_every_user_with_enterprise_fields(scim_server: ScimServer) -> None:
    people = scim.pull(scim_server.base, ScimSettings(page_size=10), env={"OWNERSHIP_SCIM_TOKEN": TOKEN})

    assert len(people) == 25  # three pages of 10
    by_id = {p.id: p for p in people}
    assert sorted(by_id) == [f"E{n:03d}" for n in range(1, 26)]  # employeeNumber is the person id
    engineer = by_id["E004"]
    assert engineer.emails == ("user004@acme.test", "old.user004@acme.test")  # primary first
    assert engineer.usernames == ("user004",)
    assert engineer.name == "User 4"
    assert engineer.team == "Data"
    assert engineer.manager == "E003"  # the manager's SCIM id, turned into the manager's person id
    assert by_id["E003"].manager == "E001"
    assert {p.id for p in people if not p.active} == {"E005", "E009", "E017"}


def test_load_from_url_resolves_identities_and_writes_the_cache(scim_server: ScimServer,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              tmp_path: Path) -> None:
    monkeypatch.setenv("OWNERSHIP_SCIM_TOKEN", TOKEN)
    roster = load(scim_server.base, RosterSettings.from_values(relative=str, values={"scim": {"page_size": 7}}), today=TODAY)

    assert roster.active_count(TODAY) == 22
    resolver = Resolver(roster)
    p = resolver.resolve("OLD.User004@acme.test")
    assert p is not None and p.id == "E004"
    cached = list((Path.home() / ".cache" / "ownership").glob("roster-*.json"))
    assert len(cached) == 1 and TOKEN not in cached[0].read_text()


def test_cli_pull_saves_a_snapshot_and_never_shows_the_token(scim_server: ScimServer,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             tmp_path: Path) -> None:
    monkeypatch.setenv("OWNERSHIP_SCIM_TOKEN", TOKEN)
    out = tmp_path / "roster.json"
    result = CliRunner().invoke(cli, ["roster", "pull", "--roster", scim_server.base, "--output", str(out),
                                      "--today", TODAY.isoformat()])

    assert result.exit_code == 0, result.output
    assert "saved 25 people (22 active)" in result.output
    snapshot = json.loads(out.read_text())
    assert snapshot["version"] == 1 and len(snapshot["people"]) == 25
    assert TOKEN not in result.output and TOKEN not in out.read_text()


def test_a_wrong_token_stops_with_exit_2_and_writes_nothing(scim_server: ScimServer,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path: Path) -> None:
    wrong = "wrong-token-0000-not-valid"
    monkeypatch.setenv("OWNERSHIP_SCIM_TOKEN", wrong)
    out = tmp_path / "roster.json"
    result = CliRunner().invoke(cli, ["roster", "pull", "--roster", scim_server.base, "--output", str(out)])

    assert result.exit_code == 2
    assert "HTTP 401" in result.stderr and "OWNERSHIP_SCIM_TOKEN" in result.stderr
    assert wrong not in result.output
    assert not out.exists()
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_the_token_variable_name_comes_from_config(scim_server: ScimServer, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HR_SCIM_BEARER", TOKEN)
    config = RosterSettings.from_values(relative=str, values={"scim": {"token_env": "HR_SCIM_BEARER"}})
    assert len(load(scim_server.base, config, today=TODAY).people) == 25
    with pytest.raises(RosterError, match="OWNERSHIP_SCIM_TOKEN"):
        load(scim_server.base, RosterSettings(), today=TODAY)
