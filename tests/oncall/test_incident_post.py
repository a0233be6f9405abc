"""`ownership incident --format slack` and `--post` through the real CLI (a subprocess running this source)
against the local Slack stand-in: what was posted, what was not, exit 2 on a Slack error, no token in output."""
from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ownership.analysis.people import Contact
from ownership.commands import incident as command
from ownership.config import Config
from ownership.model import Reach
from tests.conftest import ROOT
from tests.oncall import slackserver as ss
from tests.routing import orgs

AT = "2026-03-02T03:00:00Z"


@pytest.fixture()
def org(tmp_path: Path) -> list[str]:
    folder, csv = orgs.write(tmp_path)
    return ["payments-api", "--catalog", str(folder), "--roster", str(csv), "--at", AT]


@pytest.fixture()
def slack() -> Iterator[tuple[str, ss.State]]:
    with ss.serve() as (url, state):
        state.add_channel("status-payments")
        yield url, state


def cli(*args: str, token: str | None = ss.TOKEN) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OWNERSHIP_")}
    env["PYTHONPATH"] = str(ROOT / "src")
    if token is not None:
        env["OWNERSHIP_SLACK_TOKEN"] = token
    return subprocess.run([sys.executable, "-m", "ownership", "incident", *args], env=env, capture_output=True,
                          text=True, timeout=60)


def test_format_slack_prints_the_room_and_the_declaration_as_block_kit(org: list[str]) -> None:
    r = cli(*org, "--format", "slack", token=None)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    room, declared = data["room"], data["status"]["declared"]
    assert room["blocks"][0] == {"type": "header", "text": {"type": "plain_text", "emoji": False,
                                                            "text": "Incident: payments-api — 2026-03-02 03:00 UTC"}}
    headings = [b["text"]["text"].split("\n")[0] for b in room["blocks"] if b["type"] == "section"]
    assert headings[:5] == ["*Severity*", "*Incident commander*", "*Roles*", "*Where to talk*", "*Responders*"]
    assert "&lt;erin@acme.test&gt;" in json.dumps(room)  # `<` of "Name <email>" escaped, no link
    assert declared["blocks"][0]["text"]["text"].startswith("SEV1 incident declared: payments-api (2026-03-02")
    assert set(data["status"]) == {"declared", "update", "resolved", "public"}


def test_post_creates_the_channel_and_posts_both_messages(org: list[str], slack: tuple[str, ss.State]) -> None:
    url, state = slack
    r = cli(*org, "--post", "--create-channel", "--slack-url", url)
    assert r.returncode == 0, r.stderr
    inc = state.channel("inc-payments")
    assert inc is not None
    assert r.stdout.splitlines()[:3] == [
        f"slack: created channel #inc-payments ({inc.id})",
        f"slack: room: posted to #inc-payments ({inc.id}) ts=1772409600.000001",
        "slack: declaration: posted to #status-payments (C00000001) ts=1772409600.000002"]
    assert "slack: Erin Kim: not invited: no Slack member id" in r.stdout
    assert [m["channel"] for m in state.messages] == [inc.id, "C00000001"]
    assert ss.TOKEN not in r.stdout + r.stderr


def test_post_to_a_missing_channel_exits_2_and_says_what_was_posted(org: list[str],
                                                                     slack: tuple[str, ss.State]) -> None:
    url, state = slack
    r = cli(*org, "--post", "--slack-url", url)
    assert r.returncode == 2
    assert "slack: declaration: posted to #status-payments (C00000001) ts=1772409600.000001" in r.stdout
    assert "slack: NOT DONE: room to #inc-payments: chat.postMessage #inc-payments: channel_not_found" in r.stdout
    assert r.stderr.strip().splitlines()[-1].startswith(
        "ownership: error: chat.postMessage #inc-payments: channel_not_found: Slack has no such channel")


def test_post_with_a_refused_token_exits_2_without_showing_it(org: list[str], slack: tuple[str, ss.State]) -> None:
    url, state = slack
    r = cli(*org, "--post", "--slack-url", url, token="xoxb-1234-refused-s3cret")
    assert r.returncode == 2
    assert "invalid_auth: Slack refused the token; check the bot token (xoxb-...) in OWNERSHIP_SLACK_TOKEN" in r.stderr
    assert "xoxb-1234-refused-s3cret" not in r.stdout + r.stderr and state.messages == []


def test_post_without_a_token_exits_2_and_sends_nothing(org: list[str], slack: tuple[str, ss.State]) -> None:
    url, state = slack
    r = cli(*org, "--post", "--slack-url", url, token=None)
    assert r.returncode == 2
    assert "ownership: error: nothing was posted: no Slack token; set the environment variable " \
           "OWNERSHIP_SLACK_TOKEN" in r.stderr
    assert state.requests == []


def test_the_slack_url_comes_from_ownership_yaml(org: list[str], slack: tuple[str, ss.State],
                                                 tmp_path: Path) -> None:
    url, state = slack
    state.add_channel("inc-payments")
    (tmp_path / "ownership.yaml").write_text(f"slack: {{base_url: '{url}', timeout: 5}}\n")
    r = cli(*org, "--post", "--config", str(tmp_path / "ownership.yaml"))
    assert r.returncode == 0, r.stderr
    assert len(state.messages) == 2


def test_create_channel_needs_post(org: list[str]) -> None:
    r = cli(*org, "--create-channel", token=None)
    assert r.returncode == 2 and "--create-channel and --slack-url go with --post" in r.stderr


def test_the_plan_invites_commander_and_responders_by_member_id(tmp_path: Path) -> None:
    folder, csv = orgs.write(tmp_path)
    room, _ = command.run(command.Request([str(folder)], Config(), ["payments-api"], orgs.AT, str(csv)))

    def with_id(c: Contact | None, member: str) -> Contact | None:
        return dataclasses.replace(c, reach=Reach(slack=member)) if c else None

    room = dataclasses.replace(room, commander=with_id(room.commander, "U0WALT001"),
                               backup=with_id(room.backup, "@vera"))
    plan = command.slack_plan(room, create_channel=True)
    assert plan.incident_channel == "#inc-payments" and plan.status_channel == "#status-payments"
    assert [(i.label, i.member_id) for i in plan.invitees] == [("Walt Stone", "U0WALT001"), ("Vera Novak", None),
                                                                ("Erin Kim", None)]
    with ss.serve() as (url, state):
        state.add_channel("status-payments")
        out = command.post(room, Config(values={"slack": {"base_url": url}}), create_channel=True,
                           env={"OWNERSHIP_SLACK_TOKEN": ss.TOKEN})
    assert out.ok and [c["args"]["users"] for c in state.calls("conversations.invite")] == ["U0WALT001"]
    assert "Vera Novak: not invited: no Slack member id" in out.not_invited


def test_post_without_channels_in_the_catalog_exits_2_and_keeps_the_gap(tmp_path: Path) -> None:
    folder, csv = orgs.write(tmp_path)
    r = cli("haunted", "--catalog", str(folder), "--roster", str(csv), "--at", AT, "--post", "--slack-url",
            "http://127.0.0.1:9/api/")
    assert r.returncode == 2
    assert "slack: NOT DONE: room: the catalog names no incident channel (channels.incident)" in r.stdout
    assert "ownership: error: the catalog names no status channel (channels.status) for these systems" in r.stderr
    assert "ownership: nobody to page for haunted" in r.stderr
