"""chat.slack against a real local Slack stand-in (slackserver): the happy paths, every error Slack or the
network gives (each one line naming method, channel and Slack's code, the token never in it), rate limits."""
from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from ownership.config import ConfigError, parse
from ownership.chat import slack
from ownership.chat.slack import Invitee, PostResult, Plan, SlackError, SlackSettings
from tests.oncall import slackserver as ss

ENV = {"OWNERSHIP_SLACK_TOKEN": ss.TOKEN}
ROOM = {"text": "Incident: payments-api", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}}]}
DECL = {"text": "Incident declared", "blocks": []}
ONE_POST: dict[str, Any] = {"incident_channel": "#status-payments", "invitees": (), "declaration": None}
PEOPLE = (Invitee("Alice", "U0ALICE01"), Invitee("Erin", "U0ERIN001"), Invitee("Walt", None))


def plan(**kw: Any) -> Plan:
    values: dict[str, Any] = {"incident_channel": "#inc-payments", "status_channel": "#status-payments",
                              "room": ROOM, "declaration": DECL, "invitees": PEOPLE}
    return Plan(**{**values, **kw})


@pytest.fixture()
def server() -> Iterator[tuple[str, ss.State]]:
    with ss.serve() as (url, state):
        state.add_channel("status-payments")
        yield url, state


def run(url: str, p: Plan, env: dict[str, str] = ENV, sleeps: list[float] | None = None,
        **settings: Any) -> PostResult:
    waits = sleeps if sleeps is not None else []
    return slack.post(p, SlackSettings(base_url=url, **settings), env, sleep=waits.append)


def text(o: PostResult) -> str:
    return "\n".join([*o.done, *o.not_done, *o.not_invited, *o.errors])


def test_create_invite_and_two_posts(server: tuple[str, ss.State]) -> None:
    url, state = server
    out = run(url, plan(create_channel=True))
    assert out.ok and out.errors == []
    inc = state.channel("inc-payments")
    assert inc is not None and {"U0ALICE01", "U0ERIN001"} <= inc.members
    assert [(p.what, p.channel_id) for p in out.posted] == [("room", inc.id), ("declaration", "C00000001")]
    assert all(p.ts.startswith("1772409600.") for p in out.posted)
    assert out.done[0] == f"created channel #inc-payments ({inc.id})"
    assert out.not_invited == ["Walt: not invited: no Slack member id"]
    invite = state.calls("conversations.invite")[0]["args"]
    assert invite == {"channel": inc.id, "users": "U0ALICE01,U0ERIN001"}
    post = state.calls("chat.postMessage")[0]
    assert post["content_type"].startswith("application/json") and post["args"]["blocks"] == ROOM["blocks"]
    assert post["args"]["unfurl_links"] is False and post["args"]["parse"] == "none"
    assert all(r["authorization"] == f"Bearer {ss.TOKEN}" for r in state.requests)


def test_an_existing_channel_is_found_through_paged_conversations_list(server: tuple[str, ss.State]) -> None:
    url, state = server
    for n in range(5):
        state.add_channel(f"other-{n}")
    existing = state.add_channel("inc-payments")
    out = run(url, plan(create_channel=True))
    assert out.ok
    assert f"channel #inc-payments exists already ({existing.id}): conversations.create said name_taken" in out.done
    assert len(state.calls("conversations.list")) == 4  # 7 channels, 2 a page: cursors followed
    assert out.posted[0].channel_id == existing.id


def test_a_channel_given_by_name_is_looked_up_for_the_invite(server: tuple[str, ss.State]) -> None:
    url, state = server
    existing = state.add_channel("inc-payments")
    out = run(url, plan())
    assert out.ok and state.calls("conversations.create") == []
    assert state.calls("conversations.invite")[0]["args"]["channel"] == existing.id


def test_a_channel_by_name_without_invitees_is_posted_to_by_name(server: tuple[str, ss.State]) -> None:
    url, state = server
    state.add_channel("inc-payments")
    out = run(url, plan(invitees=()))
    assert out.ok and state.calls("conversations.list") == []
    assert state.calls("chat.postMessage")[0]["args"]["channel"] == "#inc-payments"


def test_already_in_channel_is_fine(server: tuple[str, ss.State]) -> None:
    url, state = server
    state.add_channel("inc-payments", {ss.BOT, "U0ALICE01", "U0ERIN001"})
    out = run(url, plan())
    assert out.ok and len(out.posted) == 2


def test_channel_not_found_skips_that_channel_and_still_posts_the_declaration(server: tuple[str, ss.State]) -> None:
    url, state = server
    out = run(url, plan(invitees=()))
    assert not out.ok
    assert out.errors == ["chat.postMessage #inc-payments: channel_not_found: Slack has no such channel that the "
                          "app can see; check the channel in the catalog (channels.incident / channels.status) "
                          "or pass --create-channel"]
    assert [p.what for p in out.posted] == ["declaration"]


def test_not_in_channel_says_to_invite_the_app(server: tuple[str, ss.State]) -> None:
    url, state = server
    state.add_channel("inc-payments", members=set())
    out = run(url, plan())
    assert out.errors[0].startswith("conversations.invite #inc-payments: not_in_channel: the app is not a member")
    assert "room to #inc-payments: skipped: an earlier step on this channel failed" in out.not_done
    assert [p.what for p in out.posted] == ["declaration"]


@pytest.mark.parametrize(("env", "code"), [({"OWNERSHIP_SLACK_TOKEN": "xoxb-wrong-token-value"}, "invalid_auth")])
def test_invalid_auth_stops_every_step(server: tuple[str, ss.State], env: dict[str, str], code: str) -> None:
    url, state = server
    out = run(url, plan(create_channel=True), env=env)
    assert out.errors == [f"conversations.create #inc-payments: {code}: Slack refused the token; check the bot "
                          "token (xoxb-...) in OWNERSHIP_SLACK_TOKEN"]
    assert len(state.requests) == 1 and out.posted == []
    assert "declaration to #status-payments: skipped: Slack refused the token or could not be reached" in out.not_done
    assert "xoxb-wrong-token-value" not in text(out)


def test_not_authed_and_missing_scope_name_what_to_do(server: tuple[str, ss.State]) -> None:
    url, state = server
    state.fail("chat.postMessage", "not_authed", times=1)
    state.fail("chat.postMessage", "missing_scope", times=1, extra={"needed": "chat:write", "provided": "x"})
    out = run(url, plan(incident_channel="#status-payments", invitees=()))
    assert out.errors[0] == ("chat.postMessage #status-payments: not_authed: Slack received no token; set "
                             "OWNERSHIP_SLACK_TOKEN")
    state.faults.clear()
    state.fail("chat.postMessage", "missing_scope", extra={"needed": "chat:write"})
    out = run(url, plan(incident_channel="#status-payments", invitees=()))
    assert out.errors[0] == ("chat.postMessage #status-payments: missing_scope: the token lacks the scope "
                             "chat:write; add it to the Slack app and reinstall it")


def test_rate_limited_waits_retry_after_and_retries(server: tuple[str, ss.State]) -> None:
    url, state = server
    state.rate_limit("chat.postMessage", times=2, retry_after=3)
    sleeps: list[float] = []
    out = run(url, plan(incident_channel=None, declaration=DECL), sleeps=sleeps)
    assert [p.what for p in out.posted] == ["declaration"] and sleeps == [3.0, 3.0]
    assert out.not_done == ["room: the catalog names no incident channel (channels.incident) for these systems; "
                            "the room has nowhere to go"]


def test_rate_limited_past_the_retries_or_max_retry_after_fails_with_one_line(server: tuple[str, ss.State]) -> None:
    url, state = server
    state.rate_limit("chat.postMessage", times=10, retry_after=1)
    sleeps: list[float] = []
    out = run(url, plan(**ONE_POST), sleeps=sleeps, retries=1)
    assert out.errors == ["chat.postMessage #status-payments: ratelimited: Slack was still rate-limiting after 2 "
                          "attempts; try again in a minute"]
    assert sleeps == [1.0]
    state.faults.clear()
    state.rate_limit("chat.postMessage", times=1, retry_after=120)
    out = run(url, plan(**ONE_POST), sleeps=sleeps)
    assert out.errors == ["chat.postMessage #status-payments: ratelimited: Slack asks to wait 120 s, more than "
                          "slack.max_retry_after (30 s); try again later"]


def test_a_non_json_answer_is_named(server: tuple[str, ss.State]) -> None:
    url, state = server
    state.raw("chat.postMessage", b"<html>502 Bad Gateway " + ss.TOKEN.encode() + b"</html>", status=502)
    out = run(url, plan(**ONE_POST))
    assert out.errors == ["chat.postMessage #status-payments: the answer is not JSON (HTTP 502); check "
                          "slack.base_url"]
    assert ss.TOKEN not in text(out)


def test_connection_refused_names_the_url() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = run(f"http://127.0.0.1:{port}/api/", plan(invitees=()))
    assert out.errors == [f"chat.postMessage #inc-payments: cannot connect to http://127.0.0.1:{port}/api/ "
                          "(connection refused); check slack.base_url / --slack-url"]
    assert len(out.not_done) == 2 and out.posted == []


def test_a_silent_server_is_a_timeout() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(5)
        port = listener.getsockname()[1]
        held: list[socket.socket] = []
        stop = threading.Event()

        def accept() -> None:
            listener.settimeout(0.2)
            while not stop.is_set():
                try:
                    held.append(listener.accept()[0])  # accepted, never answered
                except OSError:
                    pass

        t = threading.Thread(target=accept, daemon=True)
        t.start()
        try:
            out = run(f"http://127.0.0.1:{port}/api/", plan(**ONE_POST), timeout=1)
        finally:
            stop.set()
            t.join(5)
            for c in held:
                c.close()
    assert out.errors == [f"chat.postMessage #status-payments: no answer from http://127.0.0.1:{port}/api/ within "
                          "1 s; check slack.timeout or try again"]


def test_no_token_or_a_plain_http_url_sends_nothing(server: tuple[str, ss.State]) -> None:
    url, state = server
    with pytest.raises(SlackError, match="nothing was posted: no Slack token; set the environment variable "
                                         "OWNERSHIP_SLACK_TOKEN"):
        run(url, plan(), env={})
    with pytest.raises(SlackError) as err:
        run("http://slack.example.test/api/", plan())
    assert "refusing to send the Slack token over a non-https URL" in str(err.value)
    assert ss.TOKEN not in str(err.value) and state.requests == []


def test_every_error_line_leaves_the_token_out(server: tuple[str, ss.State]) -> None:
    url, state = server
    for method in ("conversations.create", "conversations.invite", "chat.postMessage"):
        state.fail(method, "internal_error")
    out = run(url, plan(create_channel=True))
    assert out.errors and all(ss.TOKEN not in line for line in [*out.errors, *out.not_done])
    assert out.errors[0].startswith("conversations.create #inc-payments: internal_error: Slack answered HTTP 200")


def test_settings_are_checked_and_protected(tmp_path: Any) -> None:
    good = parse(b"slack: {token_env: OWNERSHIP_SLACK_BOT, timeout: 3, retries: 1, max_retry_after: 5}\n",
                 tmp_path / "ownership.yaml")
    assert SlackSettings.from_values(good.get("slack")).token_env == "OWNERSHIP_SLACK_BOT"
    with pytest.raises(ConfigError) as err:
        parse(b"slack:\n  base_url: ftp://x\n  retries: 99\n  tokn_env: A\n", tmp_path / "ownership.yaml")
    assert "slack has no setting 'tokn_env'" in str(err.value)
    with pytest.raises(ConfigError, match="slack.token_env must name an environment variable starting with"):
        parse(b"slack: {token_env: GITHUB_TOKEN}\n", tmp_path / "ownership.yaml")
    from ownership.config import PROTECTED
    assert "slack" in PROTECTED


def test_a_redirect_to_another_host_is_not_followed_and_the_token_stays_here(server: tuple[str, ss.State]) -> None:
    url, state = server
    with ss.serve() as (elsewhere, other):
        state.fail("chat.postMessage", "", status=302, headers={"Location": elsewhere + "chat.postMessage"})
        out = run(url, plan(**ONE_POST))
    assert other.requests == []  # nothing, and so no Authorization header, reached the other origin
    assert out.errors == ["chat.postMessage #status-payments: unexpected_error: the answer was a redirect (HTTP 302) "
                          "to another host, which is not followed: the token goes only to slack.base_url; check "
                          "slack.base_url / --slack-url"]
    assert out.posted == []
    assert ss.TOKEN not in text(out)
    import urllib.request
    assert urllib.request._opener is None or not any(  # type: ignore[attr-defined]
        type(h).__name__ == "SameOrigin" for h in urllib.request._opener.handlers)  # type: ignore[attr-defined]
