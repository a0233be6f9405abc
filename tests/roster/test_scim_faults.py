"""SCIM faults against a scripted local HTTP server: each test asserts the exact outcome (retried and
succeeded, or a clear error with exit 2 and nothing written, or the shrink refused)."""
from __future__ import annotations

import datetime as dt
import json
import socket
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from ownership.cli import cli
from ownership.roster import RosterError, scim
from ownership.roster.settings import ScimSettings
from tests.roster.conftest import TOKEN, FaultServer, list_page, paging, scim_user, with_ids

TODAY = "2026-11-30"
USERS = with_ids([scim_user(n) for n in range(1, 13)])  # 12 users: two pages of 10
# generous timeouts where nothing hangs (a loaded CI machine must not turn a quick answer into a timeout)
FAST = ScimSettings(page_size=10, timeout=5, retries=2, backoff=0.01, max_retry_after=0.05)
ENV = {"OWNERSHIP_SCIM_TOKEN": TOKEN}


def pull(server: FaultServer, settings: ScimSettings = FAST) -> tuple[list[Any], list[float]]:
    slept: list[float] = []
    return scim.pull(server.base, settings, env=ENV, sleep=slept.append), slept


def run_cli(server: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *extra: str,
            scim_settings: str = "{page_size: 10, timeout: 5, retries: 1, backoff: 0.01, max_retry_after: 0.05}"
            ) -> tuple[Result, Path]:
    monkeypatch.setenv("OWNERSHIP_SCIM_TOKEN", TOKEN)
    config = tmp_path / "ownership.yaml"
    config.write_text(f"scim: {scim_settings}\n")
    out = tmp_path / "roster.json"
    result = CliRunner().invoke(cli, ["roster", "pull", "--roster", server.base, "--output", str(out), "--config",
                                      str(config), "--today", TODAY, *extra])
    assert TOKEN not in result.output
    return result, out


def test_a_500_is_retried_and_the_pull_succeeds(fault_server: FaultServer) -> None:
    fault_server.steps = [(500, {}, {"detail": "boom"})]
    fault_server.fallback = paging(USERS)

    people, slept = pull(fault_server)

    assert len(people) == 12
    assert [r["params"]["startIndex"] for r in fault_server.requests] == ["1", "1", "11"]
    assert slept == [0.01]  # the first backoff step
    assert all(r["authorization"] == f"Bearer {TOKEN}" for r in fault_server.requests)
    assert fault_server.requests[0]["params"]["sortBy"] == "userName"  # a stable order for paging


def test_a_429_waits_as_retry_after_asks_capped_by_max_retry_after(fault_server: FaultServer) -> None:
    fault_server.steps = [(429, {"Retry-After": "0"}, {}), (429, {"Retry-After": "120"}, {})]
    fault_server.fallback = paging(USERS)

    people, slept = pull(fault_server)

    assert len(people) == 12
    assert slept == [0.0, 0.05]  # 0 honoured as is; 120 s capped at max_retry_after


def test_a_server_that_hangs_past_the_timeout_fails_cleanly(fault_server: FaultServer, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    fault_server.steps = ["hang", "hang"]
    fault_server.fallback = paging(USERS)

    result, out = run_cli(fault_server, tmp_path, monkeypatch,
                          scim_settings="{timeout: 0.5, retries: 1, backoff: 0, max_retry_after: 0}")

    assert result.exit_code == 2
    assert "no answer within 0.5 s after 2 attempts; nothing was saved" in result.stderr
    assert not out.exists()
    assert len(fault_server.requests) == 2


def test_a_hang_then_an_answer_is_retried_and_succeeds(fault_server: FaultServer) -> None:
    fault_server.steps = ["hang"]
    fault_server.fallback = paging(USERS)

    people, slept = pull(fault_server, ScimSettings(page_size=10, timeout=1, retries=1, backoff=0.0))

    assert len(people) == 12 and slept == [0.0]


def test_paging_that_stops_before_total_results_is_an_error_and_nothing_is_written(
        fault_server: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fault_server.steps = [(200, {}, list_page(USERS, 1, 10)), (200, {}, list_page([], 11, 10, total=12))]

    result, out = run_cli(fault_server, tmp_path, monkeypatch)

    assert result.exit_code == 2
    assert "the pull stopped early: the page at startIndex=11 is empty after 10 of 12 users" in result.stderr
    assert not out.exists()
    assert not (Path.home() / ".cache" / "ownership").exists()  # not even the guard's cache


def test_a_page_that_keeps_failing_leaves_the_previous_snapshot_untouched(
        fault_server: FaultServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "roster.json"
    out.write_text('{"version": 1, "people": [{"id": "1", "email": "a@acme.test"}]}\n')
    before = out.read_bytes()
    fault_server.steps = [(200, {}, list_page(USERS, 1, 10)), (503, {}, {"detail": "down"}),
                          (503, {}, {"detail": "down"})]

    result, _ = run_cli(fault_server, tmp_path, monkeypatch)

    assert result.exit_code == 2
    assert "(startIndex=11): HTTP 503 after 2 attempts; nothing was saved" in result.stderr
    assert out.read_bytes() == before


@pytest.mark.parametrize("status", [401, 403])
def test_401_and_403_stop_at_once_with_a_clear_message(fault_server: FaultServer, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch, status: int) -> None:
    fault_server.steps = [(status, {}, {"detail": f"token {TOKEN} is not valid"})]

    result, out = run_cli(fault_server, tmp_path, monkeypatch)

    assert result.exit_code == 2
    assert f"HTTP {status}" in result.stderr and "OWNERSHIP_SCIM_TOKEN" in result.stderr
    assert len(fault_server.requests) == 1  # no retry
    assert not out.exists()
    assert "Traceback" not in result.output


def test_a_server_error_detail_is_shown_with_the_token_redacted(fault_server: FaultServer) -> None:
    fault_server.steps = [(400, {}, {"detail": f"bad sortBy; you sent token {TOKEN}"})]

    with pytest.raises(RosterError) as caught:
        pull(fault_server)

    assert "HTTP 400: bad sortBy; you sent token [token]" in str(caught.value)
    assert TOKEN not in str(caught.value)


def test_a_roster_that_changes_size_while_paging_is_refused(fault_server: FaultServer) -> None:
    fault_server.steps = [(200, {}, list_page(USERS, 1, 10)), (200, {}, list_page(USERS[:11], 11, 10))]

    with pytest.raises(RosterError, match="changed from 12 to 11 during the pull"):
        pull(fault_server)


def test_a_page_that_repeats_users_is_refused(fault_server: FaultServer) -> None:
    fault_server.steps = [(200, {}, list_page(USERS, 1, 10)), (200, {}, list_page(USERS, 1, 10, total=12))]

    with pytest.raises(RosterError, match="appears twice"):
        pull(fault_server)


def test_a_non_json_answer_is_a_clear_error(fault_server: FaultServer) -> None:
    fault_server.steps = [(200, {}, b"<html>login</html>")]

    with pytest.raises(RosterError, match="not JSON"):
        pull(fault_server)


def test_plain_http_to_another_host_is_refused_before_sending_the_token() -> None:
    with pytest.raises(RosterError, match="plain http"):
        scim.pull("http://hr.acme.test/scim/v2", FAST, env=ENV)


def test_a_shrunken_pull_is_refused_unless_allowed(fault_server: FaultServer, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    fault_server.fallback = paging(USERS)
    first, out = run_cli(fault_server, tmp_path, monkeypatch)
    assert first.exit_code == 0, first.output
    saved = out.read_bytes()

    # HR now reports 4 of the 12 as inactive: a 33 % drop
    fault_server.fallback = paging([{**u, "active": i >= 4} for i, u in enumerate(USERS)])
    refused, _ = run_cli(fault_server, tmp_path, monkeypatch)

    assert refused.exit_code == 2
    assert "has 8 active people, 33% fewer than the 12" in refused.stderr
    assert "--allow-roster-shrink" in refused.stderr
    assert out.read_bytes() == saved

    allowed, _ = run_cli(fault_server, tmp_path, monkeypatch, "--allow-roster-shrink")
    assert allowed.exit_code == 0, allowed.output
    assert sum(p["active"] for p in json.loads(out.read_text())["people"]) == 8


def test_a_missing_token_is_a_clear_error_naming_the_variable(fault_server: FaultServer, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(cli, ["roster", "pull", "--roster", fault_server.base,
                                      "--output", str(tmp_path / "r.json")])
    assert result.exit_code == 2
    assert "needs a SCIM bearer token in the environment variable OWNERSHIP_SCIM_TOKEN" in result.stderr
    assert fault_server.requests == []


def test_the_token_appears_in_no_output_and_no_written_file(fault_server: FaultServer, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    fault_server.steps = [(500, {}, {"detail": TOKEN}), (401, {}, {"detail": TOKEN})]
    failed, _ = run_cli(fault_server, tmp_path, monkeypatch)
    fault_server.fallback = paging(USERS)
    ok, _ = run_cli(fault_server, tmp_path, monkeypatch)

    assert failed.exit_code == 2 and ok.exit_code == 0
    written = [p for root in (tmp_path, Path.home()) for p in root.rglob("*") if p.is_file()]
    assert written  # the snapshot and the cache at least
    assert not [p for p in written if TOKEN.encode() in p.read_bytes()]
    assert dt.date.fromisoformat(json.loads((tmp_path / "roster.json").read_text())["as_of"])


def test_a_server_that_returns_smaller_pages_than_asked_is_followed(fault_server: FaultServer) -> None:
    def five_at_a_time(params: dict[str, str]) -> Any:
        return 200, {}, list_page(USERS, int(params["startIndex"]), 5)

    fault_server.fallback = five_at_a_time
    people, _ = pull(fault_server)
    assert len(people) == 12
    assert [r["params"]["startIndex"] for r in fault_server.requests] == ["1", "6", "11"]


def test_connection_errors_are_retried_then_reported() -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    slept: list[float] = []
    with pytest.raises(RosterError, match=r"cannot connect after 3 attempts; nothing was saved"):
        scim.pull(f"http://127.0.0.1:{port}/v2", FAST, env=ENV, sleep=slept.append)
    assert slept == [0.01, 0.02]  # exponential backoff

