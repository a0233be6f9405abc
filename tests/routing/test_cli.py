"""`ownership page`, `blast-radius` and `incident` end to end, in-process, with a real local PagerDuty."""
from __future__ import annotations

import json
import socket
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ownership.cli import cli
from tests.oncall.pdserver import TOKEN, State, oncall, serve
from tests.routing import orgs

AT = "2026-03-02T03:00:00Z"


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


@pytest.fixture()
def org(tmp_path: Path) -> tuple[str, str]:
    folder, csv = orgs.write(tmp_path)
    return str(folder), str(csv)


def test_page_prints_the_levels_and_exits_0(org: tuple[str, str]) -> None:
    folder, csv = org
    r = run("page", "payments-api", "--catalog", folder, "--roster", csv, "--at", AT)
    assert r.exit_code == 0, r.output
    assert "1. on-call — rotation payments-primary\n   Erin Kim <erin@acme.test>" in r.stdout
    assert "Bob Martin <bob@acme.test> (maintainers): left on 2026-03-01" in r.stdout


def test_page_without_a_roster_says_it_was_not_checked(org: tuple[str, str]) -> None:
    r = run("page", "payments-api", "--catalog", org[0], "--at", AT, "--format", "json")
    data = json.loads(r.stdout)
    assert r.exit_code == 0 and data["roster_checked"] is False
    assert data["notes"][0] == "roster not checked: everyone listed is assumed to be employed"


def test_page_with_nobody_exits_1_naming_the_gap(org: tuple[str, str]) -> None:
    r = run("page", "haunted", "--catalog", org[0], "--roster", org[1], "--at", AT)
    assert r.exit_code == 1
    assert "ownership: nobody to page for haunted: team ghosts has no one on call" in r.stderr
    assert "skipped:" in r.stdout


def test_unknown_system_exits_2_with_did_you_mean(org: tuple[str, str]) -> None:
    for cmd in (["page"], ["blast-radius"], ["incident"]):
        r = run(*cmd, "paymnts-api", "--catalog", org[0])
        assert r.exit_code == 2
        assert "no system 'paymnts-api' in the catalog (8 systems); did you mean 'payments-api'?" in r.stderr


def test_bad_at_exits_2(org: tuple[str, str]) -> None:
    r = run("page", "payments-api", "--catalog", org[0], "--at", "tomorrow")
    assert r.exit_code == 2 and "--at must be an ISO date" in r.stderr


def test_unreadable_roster_falls_back_to_the_catalog_and_says_why(org: tuple[str, str], tmp_path: Path) -> None:
    r = run("page", "payments-api", "--catalog", org[0], "--roster", str(tmp_path / "missing.csv"), "--at", AT)
    assert r.exit_code == 0
    assert "roster not checked (the roster could not be used:" in r.stdout


def test_page_asks_pagerduty_with_the_token_from_the_environment(org: tuple[str, str]) -> None:
    state = State(oncalls=[oncall("PLEDGER", 1, "liam@acme.test", "Liam Park"),
                           oncall("PLEDGER", 2, "kate@acme.test", "Kate Olsen")], faults=[429, 500], max_limit=1)
    with serve(state) as url:
        r = run("page", "ledger-api", "--catalog", org[0], "--roster", org[1], "--pagerduty-url", url,
                "--format", "json", env={"OWNERSHIP_PAGERDUTY_TOKEN": TOKEN})
    data = json.loads(r.stdout)
    assert data["levels"][0]["source"] == "PagerDuty escalation policy PLEDGER"
    assert [p["ref"] for p in data["levels"][0]["people"]] == ["liam@acme.test"]
    assert {"ref": "kate@acme.test", "name": "Kate Olsen", "level": "on-call",
            "reason": "left on 2026-02-01"} in data["skipped"]
    assert TOKEN not in r.output


def test_pagerduty_refusing_the_token_falls_back_to_the_rotation(org: tuple[str, str]) -> None:
    with serve(State()) as url:
        r = run("page", "ledger-api", "--catalog", org[0], "--pagerduty-url", url, "--at", AT,
                env={"OWNERSHIP_PAGERDUTY_TOKEN": "not-the-token"})
    assert r.exit_code == 0
    assert "1. on-call — rotation ledger-primary" in r.stdout
    assert "PagerDuty refused the token (HTTP 401)" in r.stdout and "not-the-token" not in r.output


def test_unreachable_pagerduty_falls_back_and_says_so(org: tuple[str, str], tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    (Path(org[0]) / "ownership.yaml").write_text("pagerduty: {retries: 0, backoff: 0}\n")
    r = run("page", "ledger-api", "--catalog", org[0], "--pagerduty-url", f"http://127.0.0.1:{port}",
            "--at", AT, env={"OWNERSHIP_PAGERDUTY_TOKEN": TOKEN})
    assert r.exit_code == 0
    assert f"PagerDuty unavailable (http://127.0.0.1:{port}/oncalls: cannot connect (after 1 attempt)); " \
           "using the catalog rotation ledger-primary" in r.stdout


def test_bad_pagerduty_config_is_named_with_its_line(org: tuple[str, str]) -> None:
    (Path(org[0]) / "ownership.yaml").write_text("catalog: .\npagerduty: {retries: many}\n")
    r = run("page", "ledger-api", "--catalog", org[0])
    assert r.exit_code == 2 and "ownership.yaml:2:12: invalid-value: pagerduty.retries must be" in r.stderr


def test_blast_radius_formats(org: tuple[str, str], tmp_path: Path) -> None:
    r = run("blast-radius", "db", "--catalog", org[0], "--depth", "2")
    assert r.exit_code == 0 and "2 systems depend on db within depth 2" in r.stdout
    data = json.loads(run("blast-radius", "db", "--catalog", org[0], "--format", "json").stdout)
    assert data["counts"] == {"dependents": 5, "tier1": 3, "customer_facing": 3}
    assert '"db" -> "ledger-api";' in run("blast-radius", "db", "--catalog", org[0], "--format", "dot").stdout
    out = tmp_path / "radius.svg"
    assert run("blast-radius", "db", "--catalog", org[0], "--format", "svg", "-o", str(out)).exit_code == 0
    labels = {t.text for t in ET.parse(out).getroot().iter("{http://www.w3.org/2000/svg}text")}
    assert {"db", "storefront"} <= labels


def test_incident_markdown_for_two_systems(org: tuple[str, str]) -> None:
    r = run("incident", "payments-api", "checkout", "--catalog", org[0], "--roster", org[1], "--at", AT,
            "--format", "markdown")
    assert r.exit_code == 0
    assert r.stdout.startswith("*Incident: payments-api, checkout* — 2026-03-02 03:00 UTC")
    # Markdown would read <wes@acme.test> as a link: catalog and roster text is escaped (render.markdown)
    assert "- checkout (team web, team): Wes Young &lt;wes@acme.test&gt;" in r.stdout


def test_incident_with_a_system_nobody_can_be_paged_for_exits_1(org: tuple[str, str]) -> None:
    r = run("incident", "haunted", "db", "--catalog", org[0], "--roster", org[1], "--at", AT, "--format", "json")
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    assert [x["gap"] is not None for x in data["responders"]] == [True, False]
    assert "ownership: nobody to page for haunted" in r.stderr
