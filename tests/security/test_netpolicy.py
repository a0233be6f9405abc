"""Issue 24, point 4: one network policy (ownership.net.netpolicy) for every HTTP client, proxies or not.

- A redirect to another origin (127.0.0.2: another host on this machine) never receives the token, for SCIM,
  PagerDuty and Slack, with no proxy and with HTTP_PROXY/HTTPS_PROXY pointing at a real forward proxy on
  127.0.0.1 (NO_PROXY removed, so it cannot hide the case). Through the proxy, slack_sdk used to build its own
  urllib opener, which followed the redirect with the Authorization header; and a plain-http request with a
  token went to the proxy, which read the token in clear. The policy sends plain http directly.
- A server that trickles its status line and headers a byte at a time is cut off at the whole-request
  deadline, retries included, for each client: timeout 0.5 s gives a deadline of 2 s, and the run ends
  within 4 s (it used to take one deadline per attempt, or for Slack as long as the server liked).
- No module but the policy opens a connection (the structural half: every client added later goes through it).
"""
from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ownership.cli import cli
from ownership.chat import slack
from ownership.oncall import pagerduty
from ownership.roster import RosterError, scim
from tests.conftest import ROOT
from tests.oncall.slackserver import TOKEN as SLACK_TOKEN
from tests.roster.conftest import TOKEN as SCIM_TOKEN
from tests.security.proxy import Proxy, forward_proxy
from tests.security.test_http import (
    ENV, PD_ENV, PD_TOKEN, ROOMY, USERS, Behaviour, Request, Server, Wire, redirect_to, scim_pages, serve,
    trickled_headers,
)
from tests.security.tls import certificate

SLACK_ENV = {"OWNERSHIP_SLACK_TOKEN": SLACK_TOKEN}
BOUND = 4.0  # seconds a run against a 2 s deadline may take, start-up and a loaded machine included
ROOM = {"text": "Incident: payments-api", "blocks": []}
ONE_POST = slack.Plan(incident_channel="C0STATUS01", status_channel=None, room=ROOM)


@pytest.fixture(params=["direct", "through HTTP_PROXY and HTTPS_PROXY"])
def proxy(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Proxy | None]:
    """No proxy at all, or every proxy variable pointing at a real forward proxy on 127.0.0.1, with NO_PROXY
    removed (it would send loopback requests around the proxy and hide the case)."""
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    names = ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")
    if request.param == "direct":
        for name in names:
            monkeypatch.delenv(name, raising=False)
        yield None
        return
    with forward_proxy() as running:
        for name in names:
            monkeypatch.setenv(name, running.url)
        yield running


def only_here(here: Server, elsewhere: Server, proxy: Proxy | None, authorization: str) -> None:
    """The token reached the configured origin, and nothing else: not the redirect's target, not the proxy."""
    assert elsewhere.seen == []
    assert here.seen and {r.authorization for r in here.seen} == {authorization}
    if proxy is not None:
        assert [s for s in proxy.seen if s.authorization] == []


def to(elsewhere: Server, path: str) -> Behaviour:
    return redirect_to(lambda request: elsewhere.url + path)


# --------------------------------------------------------------------------- a token only to its origin


def test_a_scim_redirect_to_another_host_never_gets_the_token(proxy: Proxy | None) -> None:
    with serve(scim_pages(USERS), host="127.0.0.2") as elsewhere, serve(to(elsewhere, "/scim/v2/Users")) as here:
        with pytest.raises(RosterError, match=r"redirected to another origin \(http://127\.0\.0\.2:\d+\); not "
                                              r"followed; nothing was saved"):
            scim.pull(here.url + "/scim/v2", ROOMY, env=ENV)
    only_here(here, elsewhere, proxy, f"Bearer {SCIM_TOKEN}")


def test_a_pagerduty_redirect_to_another_host_never_gets_the_token(proxy: Proxy | None) -> None:
    answer = {"oncalls": [], "more": False}
    with serve(lambda r, wire: wire.answer(200, answer), host="127.0.0.2") as elsewhere, \
            serve(to(elsewhere, "/oncalls")) as here:
        with pytest.raises(pagerduty.PagerDutyError, match=r"redirected to another origin \(http://127\.0\.0\.2:"):
            pagerduty.oncalls(["P1"], None, pagerduty.PagerDutySettings(base_url=here.url, retries=0), env=PD_ENV)
    only_here(here, elsewhere, proxy, f"Token token={PD_TOKEN}")


def test_a_slack_redirect_to_another_host_never_gets_the_token(proxy: Proxy | None) -> None:
    posted = {"ok": True, "channel": "C0STATUS01", "ts": "1772409600.000001"}
    with serve(lambda r, wire: wire.answer(200, posted), host="127.0.0.2") as elsewhere, \
            serve(to(elsewhere, "/api/chat.postMessage")) as here:
        out = slack.post(ONE_POST, slack.SlackSettings(base_url=here.url + "/api/", timeout=2), SLACK_ENV,
                         sleep=lambda s: None)
    only_here(here, elsewhere, proxy, f"Bearer {SLACK_TOKEN}")
    assert out.posted == []
    assert out.errors == ["chat.postMessage C0STATUS01: unexpected_error: the answer was a redirect (HTTP 302) to "
                          "another host, which is not followed: the token goes only to slack.base_url; check "
                          "slack.base_url / --slack-url"]


def test_a_session_sends_nothing_to_another_origin_and_no_token_over_plain_http_elsewhere() -> None:
    from ownership.net import netpolicy

    with serve(lambda r, wire: wire.answer(200, {})) as here, serve(lambda r, wire: wire.answer(200, {})) as other:
        with netpolicy.Session(here.url, timeout=1, deadline=2, max_bytes=1024,
                               credentials={"Authorization": "Bearer t0k"}) as http:
            assert http.get(http.url("x")).status_code == 200
            with pytest.raises(netpolicy.CrossOrigin, match="is not the origin this session is for; not sent"):
                http.get(other.url + "/x")
    assert [r.authorization for r in here.seen] == ["Bearer t0k"] and other.seen == []
    with pytest.raises(netpolicy.Refused, match="refusing to send credentials over plain http"):
        netpolicy.Session("http://pd.example.test", timeout=1, deadline=2, max_bytes=1,
                          credentials={"Authorization": "Bearer t0k"})
    with netpolicy.Session("http://hr.example.test", timeout=1, deadline=2, max_bytes=1, plain_http=True,
                           credentials={"Authorization": "Bearer t0k"}) as allowed:  # scim.allow_http: true
        assert allowed.origin == "http://hr.example.test:80"


@pytest.mark.parametrize("client", ["scim", "pagerduty", "slack"])
def test_over_https_through_a_connect_proxy_a_redirect_to_another_host_never_gets_the_token(
        client: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The usual set-up of a CI runner: https, HTTPS_PROXY set. The proxy tunnels (it sees host and port only);
    the redirect goes to https://127.0.0.2, which the certificate is valid for too."""
    context, bundle = certificate(tmp_path)
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))  # requests
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))  # urllib (slack_sdk's own opener)
    answers: dict[str, Any] = {"scim": None, "pagerduty": {"oncalls": [], "more": False},
                               "slack": {"ok": True, "channel": "C0STATUS01", "ts": "1772409600.000001"}}
    paths = {"scim": "/scim/v2/Users", "pagerduty": "/oncalls", "slack": "/api/chat.postMessage"}
    other = scim_pages(USERS) if client == "scim" else (lambda r, wire: wire.answer(200, answers[client]))
    with forward_proxy() as proxy, serve(other, host="127.0.0.2", tls=context) as elsewhere, \
            serve(to(elsewhere, paths[client]), tls=context) as here:
        for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
            monkeypatch.setenv(name, proxy.url)
        if client == "scim":
            with pytest.raises(RosterError, match=r"redirected to another origin"):
                scim.pull(here.url + "/scim/v2", ROOMY, env=ENV)
            token = f"Bearer {SCIM_TOKEN}"
        elif client == "pagerduty":
            with pytest.raises(pagerduty.PagerDutyError, match=r"redirected to another origin"):
                pagerduty.oncalls(["P1"], None, pagerduty.PagerDutySettings(base_url=here.url, retries=0),
                                  env=PD_ENV)
            token = f"Token token={PD_TOKEN}"
        else:
            out = slack.post(ONE_POST, slack.SlackSettings(base_url=here.url + "/api/", timeout=2), SLACK_ENV,
                             sleep=lambda s: None)
            assert out.posted == [] and "the answer was a redirect (HTTP 302)" in out.errors[0]
            token = f"Bearer {SLACK_TOKEN}"
    only_here(here, elsewhere, proxy, token)
    assert [(s.method, s.target) for s in proxy.seen] == [("CONNECT", here.url.removeprefix("https://"))]


# --------------------------------------------------------------------------- a deadline on the whole request


def test_validate_roster_against_a_header_trickling_scim_server_ends_at_the_deadline(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The attack of issue 24: 1000 header bytes, one every 0.2 s. Four attempts used to get one deadline each."""
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    (catalog / "team.yaml").write_text("teams:\n  - name: ledger\n    members: [ann@acme.test]\n")
    config = tmp_path / "ownership.yaml"
    config.write_text("scim: {page_size: 10, timeout: 0.5, retries: 3, backoff: 0}\n")
    monkeypatch.setenv("OWNERSHIP_SCIM_TOKEN", SCIM_TOKEN)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with serve(trickled_headers) as server:
        started = time.monotonic()
        result = CliRunner().invoke(cli, ["validate", "--catalog", str(catalog), "--config", str(config),
                                          "--roster", server.url + "/scim/v2", "--format", "text"])
        elapsed = time.monotonic() - started
    assert elapsed < BOUND
    assert result.exit_code == 2
    host = server.url.removeprefix("http://")
    lines = [line for line in result.stderr.splitlines() if host in line]
    assert len(lines) == 1 and "the whole answer took longer than 2 s (scim.deadline) after 1 attempt" in lines[0]
    assert SCIM_TOKEN not in result.output and "Traceback" not in result.output


def test_an_explicit_scim_deadline_bounds_a_trickle_whatever_the_read_timeout(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ownership.roster.settings import ScimSettings

    settings = ScimSettings(page_size=10, timeout=30, deadline=2, retries=3, backoff=0, max_retry_after=0)
    with serve(trickled_headers) as server:
        started = time.monotonic()
        with pytest.raises(RosterError, match=r"took longer than 2 s \(scim\.deadline\) after 1 attempt"):
            scim.pull(server.url + "/scim/v2", settings, env=ENV, sleep=lambda s: None)
        assert time.monotonic() - started < BOUND


def test_a_header_trickling_pagerduty_ends_at_the_deadline_retries_included() -> None:
    with serve(trickled_headers) as server:
        started = time.monotonic()
        with pytest.raises(pagerduty.PagerDutyError) as caught:
            pagerduty.oncalls(["P1"], None, pagerduty.PagerDutySettings(base_url=server.url, timeout=0.5, retries=2,
                                                                        backoff=0.0), env=PD_ENV)
        elapsed = time.monotonic() - started
    assert elapsed < BOUND
    assert str(caught.value) == (f"{server.url}/oncalls: the whole answer took longer than 2 s (pagerduty.deadline) "
                                 "(after 1 attempt)")


def test_a_header_trickling_slack_ends_at_the_deadline(proxy: Proxy | None) -> None:
    with serve(trickled_headers) as server:
        started = time.monotonic()
        out = slack.post(ONE_POST, slack.SlackSettings(base_url=server.url + "/api/", timeout=0.5), SLACK_ENV,
                         sleep=lambda s: None)
        elapsed = time.monotonic() - started
    assert elapsed < BOUND
    assert out.errors == [f"chat.postMessage C0STATUS01: {server.url}/api/: the whole answer took longer than 2 s "
                          "(slack.deadline); try again"]


def test_the_deadline_settings_are_checked(tmp_path: Path) -> None:
    from ownership.config import ConfigError, parse

    good = parse(b"scim: {deadline: 60}\npagerduty: {deadline: 8}\nslack: {deadline: 20}\n", tmp_path / "o.yaml")
    assert good.get("scim") == {"deadline": 60}
    for section in ("scim", "pagerduty", "slack"):
        with pytest.raises(ConfigError, match=rf"{section}\.deadline must be"):
            parse(f"{section}: {{deadline: 0}}\n".encode(), tmp_path / "o.yaml")


# --------------------------------------------------------------------------- one policy, structurally

OPENS = re.compile(r"\b(urlopen|build_opener|install_opener|HTTPS?Connection|PoolManager|ProxyManager|"
                   r"requests\.(?:Session|get|post|put|patch|delete|head|request)|httpx|aiohttp)\b")
POLICY = {"ownership/net/netpolicy.py", "ownership/net/httpget.py"}


def test_no_module_but_the_policy_opens_an_http_connection() -> None:
    src = ROOT / "src"
    found = [f"{path.relative_to(src)}:{n}: {line.strip()}"
             for path in sorted(src.rglob("*.py")) if str(path.relative_to(src)) not in POLICY
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if OPENS.search(line.split("#")[0])]
    assert found == []


def test_slack_sdk_sends_through_the_policy_even_with_a_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """WebClient reads HTTPS_PROXY itself and then builds its own opener; ours never opens a URL with it."""
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    calls: list[str] = []

    def behaviour(request: Request, wire: Wire) -> None:
        calls.append(request.path)
        wire.answer(200, {"ok": True, "channel": "C0STATUS01", "ts": "1.2"})

    with serve(behaviour) as server:
        out = slack.post(ONE_POST, slack.SlackSettings(base_url=server.url + "/api/"), SLACK_ENV)
    assert out.errors == [] and calls == ["/api/chat.postMessage"]
    assert json.dumps(out.done).count("posted to C0STATUS01") == 1
