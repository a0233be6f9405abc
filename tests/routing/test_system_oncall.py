"""A Backstage component's own on-call (`pagerduty.com/service-id`, `pagerduty.com/integration-key`,
`opsgenie.com/team`) comes before its owner group's, in `page`, `incident` and the no-oncall rule; with a real
local PagerDuty answering `GET /services/{id}` and `GET /oncalls` as its REST API v2 documents them."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner, Result

from ownership.catalog.load import load_sources
from ownership.cli import cli
from ownership.model import Snapshot
from ownership.rules import engine
from tests.oncall.pdserver import TOKEN, State, oncall, serve

AT = "2026-03-02T03:00:00Z"
KEY = "a1b2c3d4e5f60718293a4b5c6d7e8f90"  # a made-up 32-character Events API routing key
ENV = {"OWNERSHIP_PAGERDUTY_TOKEN": TOKEN}


def component(name: str, annotations: dict[str, str], owner: str = "payments", tier: int = 1) -> str:
    lines = "".join(f"    {k}: {v}\n" for k, v in {"ownership.dev/tier": f'"{tier}"', **annotations}.items())
    return (f"---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\n"
            f"  annotations:\n{lines}spec:\n  type: service\n  lifecycle: production\n  owner: {owner}\n")


GROUPS = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: payments
  annotations:
    ownership.dev/rotation: payments-primary
spec:
  type: team
  children: []
  members: [erin]
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: quiet
spec:
  type: team
  children: []
  members: [erin]
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: erin
spec:
  profile: {email: erin@acme.test}
  memberOf: [payments]
"""
NATIVE = """\
rotations:
  - name: payments-primary
    members: [erin@acme.test]
    shift: 7d
    start: 2026-01-05
"""
COMPONENTS = (
    component("checkout", {"pagerduty.com/service-id": "PSVC1"})
    + component("gone-service", {"pagerduty.com/service-id": "PGONE99"})
    + component("events", {"pagerduty.com/integration-key": KEY})
    + component("alerts", {"opsgenie.com/team": "alerts-team"}, owner="quiet")
    + component("plain", {}, owner="quiet")
    + component("sneaky", {"pagerduty.com/service-id": "../oncalls"})
)


def write(tmp_path: Path, config: str = "") -> str:
    (tmp_path / "groups.yaml").write_text(GROUPS)
    (tmp_path / "rotations.yaml").write_text(NATIVE)
    (tmp_path / "components.yaml").write_text(COMPONENTS)
    if config:
        (tmp_path / "ownership.yaml").write_text(config)
    return str(tmp_path)


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def page(folder: str, system: str, url: str, env: dict[str, str] | None = None) -> tuple[Result, dict]:  # type: ignore[type-arg]
    r = run("page", system, "--catalog", folder, "--pagerduty-url", url, "--at", AT, "--format", "json",
            env=ENV if env is None else env)
    return r, json.loads(r.stdout)


def pd_state() -> State:
    return State(services={"PSVC1": "PCHECKOUT"},
                 oncalls=[oncall("PCHECKOUT", 1, "paula@acme.test", "Paula Diaz")])


def test_a_component_service_id_pages_whoever_its_service_escalation_policy_has_on_call(tmp_path: Path) -> None:
    state = pd_state()
    with serve(state) as url:
        r, data = page(write(tmp_path), "checkout", url)
    assert r.exit_code == 0, r.output
    level = data["levels"][0]
    assert level["source"] == "PagerDuty service PSVC1 (escalation policy PCHECKOUT)"
    assert [p["ref"] for p in level["people"]] == ["paula@acme.test"]  # before the group's rotation (erin)
    paths = [q["path"] for q in state.requests]
    assert paths == ["/services/PSVC1", "/oncalls"]
    assert state.requests[1]["query"]["escalation_policy_ids[]"] == ["PCHECKOUT"]


def test_a_service_pagerduty_does_not_know_is_unknown_with_why_and_the_team_on_call_follows(tmp_path: Path) -> None:
    with serve(pd_state()) as url:
        r, data = page(write(tmp_path), "gone-service", url)
    assert r.exit_code == 0, r.output
    assert data["levels"][0]["source"] == "rotation payments-primary"
    assert [p["ref"] for p in data["levels"][0]["people"]] == ["erin@acme.test"]
    assert "on-call of system gone-service unknown (PagerDuty has no service PGONE99 (HTTP 404)); trying the " \
           "on-call of team payments" in data["notes"]
    assert not any("nobody" in n for n in data["notes"])


def test_a_refused_token_on_the_service_lookup_says_why_and_falls_back(tmp_path: Path) -> None:
    with serve(pd_state()) as url:
        r, data = page(write(tmp_path), "checkout", url, env={"OWNERSHIP_PAGERDUTY_TOKEN": "not-the-token"})
    assert r.exit_code == 0, r.output
    assert data["levels"][0]["source"] == "rotation payments-primary"
    (note,) = [n for n in data["notes"] if n.startswith("PagerDuty unavailable")]
    assert "/services/PSVC1: PagerDuty refused the token (HTTP 401)" in note
    assert note.endswith("; trying the on-call of team payments")
    assert "not-the-token" not in r.output


def test_a_service_lookup_slower_than_the_timeout_is_a_note_not_a_hang(tmp_path: Path) -> None:
    state = pd_state()
    state.delay = 1.0
    folder = write(tmp_path, "pagerduty: {timeout: 0.2, retries: 0, backoff: 0}\n")
    with serve(state) as url:
        r, data = page(folder, "checkout", url)
    assert r.exit_code == 0, r.output
    assert any("/services/PSVC1: no answer within 0.2 s (after 1 attempt)" in n for n in data["notes"])
    assert data["levels"][0]["source"] == "rotation payments-primary"
    assert len(state.requests) == 1  # PagerDuty is down: not asked again for /oncalls


def test_an_integration_key_is_shown_masked_and_never_in_full(tmp_path: Path) -> None:
    with serve(pd_state()) as url:
        r = run("page", "events", "--catalog", write(tmp_path), "--pagerduty-url", url, "--at", AT, env=ENV)
    assert r.exit_code == 0, r.output
    assert "system events sends PagerDuty events with integration key ***8f90 (a routing key does not say who " \
           "is on call: add pagerduty.com/service-id)" in r.stdout
    assert KEY not in r.output and KEY[:8] not in r.output
    assert "1. on-call — rotation payments-primary" in r.stdout


def test_an_opsgenie_team_is_shown_and_the_rest_of_the_list_still_comes(tmp_path: Path) -> None:
    r = run("page", "alerts", "--catalog", write(tmp_path), "--at", AT, "--format", "json")
    data = json.loads(r.stdout)
    assert "system alerts is on call through Opsgenie team 'alerts-team' (not asked: page it in Opsgenie)" \
        in data["notes"]
    assert [p["ref"] for p in data["levels"][2]["people"]] == ["erin@acme.test"]


def test_incident_responders_come_from_the_component_own_on_call(tmp_path: Path) -> None:
    with serve(pd_state()) as url:
        r = run("incident", "checkout", "--catalog", write(tmp_path), "--pagerduty-url", url, "--at", AT,
                "--format", "json", env=ENV)
    assert r.exit_code == 0, r.output
    (responders,) = json.loads(r.stdout)["responders"]
    assert (responders["level"], responders["source"]) == ("on-call",
                                                           "PagerDuty service PSVC1 (escalation policy PCHECKOUT)")
    assert [p["ref"] for p in responders["people"]] == ["paula@acme.test"]


def test_a_service_id_that_is_not_an_id_is_a_warning_at_its_line_and_never_asked(tmp_path: Path) -> None:
    state = pd_state()
    folder = write(tmp_path)
    r = run("validate", "--catalog", folder, "--format", "json", "--fail-on", "error")
    assert r.exit_code == 0, r.output
    (f,) = [f for f in json.loads(r.stdout)["findings"] if f["subject"] == "component:sneaky"]
    assert (f["rule"], f["severity"]) == ("invalid-value", "warning")
    assert "annotation pagerduty.com/service-id must be a PagerDuty service id" in f["message"]
    assert f["file"].endswith("components.yaml")
    assert f["line"] == COMPONENTS.splitlines().index("    pagerduty.com/service-id: ../oncalls") + 1
    with serve(state) as url:
        page(folder, "sneaky", url)
    assert state.requests == []  # the group has only a rotation: PagerDuty is not asked at all


def test_no_oncall_counts_a_component_own_on_call_before_blaming_its_team(tmp_path: Path) -> None:
    catalog, _ = load_sources([("groups.yaml", GROUPS), ("rotations.yaml", NATIVE),
                               ("components.yaml", COMPONENTS)])
    found = engine.run(Snapshot(catalog, dt.date(2026, 3, 2)), ("activity",))
    assert sorted(f.subject for f in found if f.rule == "no-oncall") == ["system:plain"]
    assert catalog.systems["alerts"].oncall is not None
    assert catalog.systems["alerts"].oncall.providers["opsgenie"] == ("team:alerts-team",)


def test_when_pagerduty_cannot_say_the_gap_calls_the_on_call_unknown_not_absent(tmp_path: Path) -> None:
    folder = write(tmp_path)
    (tmp_path / "groups.yaml").write_text(GROUPS.replace("    ownership.dev/rotation: payments-primary\n",
                                                         "    ownership.dev/team-note: none\n")
                                          .replace("members: [erin]", "members: []")
                                          .replace("memberOf: [payments]", "memberOf: []"))
    with serve(pd_state()) as url:
        r = run("page", "gone-service", "--catalog", folder, "--pagerduty-url", url, "--at", AT, env=ENV)
    assert r.exit_code == 1
    assert "nobody to page for gone-service: who is on call is unknown (PagerDuty could not say, see the " \
           "notes), no named maintainers" in r.stderr
    assert "has no one on call" not in r.stderr
    assert "on-call of system gone-service unknown (PagerDuty has no service PGONE99 (HTTP 404))" in r.stdout
