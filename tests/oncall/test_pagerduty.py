"""The PagerDuty client against a real local HTTP server: paging, headers, retries, refusals, no token leaks."""
from __future__ import annotations

import datetime as dt
import socket

import pytest

from ownership.oncall import pagerduty
from ownership.oncall.pagerduty import PagerDutyError, PagerDutySettings
from tests.oncall.pdserver import ACCEPT, TOKEN, State, oncall, serve

ENV = {"OWNERSHIP_PAGERDUTY_TOKEN": TOKEN}
ROWS = [oncall("PLEDGER", 1, "liam@acme.test", "Liam Park"), oncall("PLEDGER", 2, "kate@acme.test", "Kate Olsen"),
        oncall("PPLATF", 1, "nina@acme.test", "Nina Rossi"), oncall("PPLATF", 2, "omar@acme.test", "Omar Haddad"),
        oncall("POTHER", 1, "zed@acme.test", "Zed")]


def settings(url: str, **kw: object) -> PagerDutySettings:
    return PagerDutySettings(base_url=url, backoff=0.0, timeout=5.0, **kw)  # type: ignore[arg-type]


def test_reads_every_page_and_only_the_asked_policies() -> None:
    state = State(oncalls=ROWS, max_limit=1)
    with serve(state) as url:
        got = pagerduty.oncalls(["PPLATF", "PLEDGER"], None, settings(url), env=ENV)
    assert [(e.policy, e.level, e.email) for e in got] == [
        ("PLEDGER", 1, "liam@acme.test"), ("PLEDGER", 2, "kate@acme.test"),
        ("PPLATF", 1, "nina@acme.test"), ("PPLATF", 2, "omar@acme.test")]
    assert [r["query"]["offset"] for r in state.requests] == [["0"], ["1"], ["2"], ["3"]]
    first = state.requests[0]
    assert first["query"]["escalation_policy_ids[]"] == ["PLEDGER", "PPLATF"]
    assert first["query"]["include[]"] == ["users"]
    assert "since" not in first["query"]
    assert got[0].name == "Liam Park" and got[0].schedule == "PLEDGER primary"


def test_sends_the_token_and_version_headers() -> None:
    state = State(oncalls=ROWS)
    with serve(state) as url:
        pagerduty.oncalls(["PPLATF"], None, settings(url), env=ENV)
    headers = state.requests[0]["headers"]
    assert headers["Authorization"] == f"Token token={TOKEN}"
    assert headers["Accept"] == ACCEPT


def test_asks_for_a_moment_when_given_one() -> None:
    state = State(oncalls=ROWS)
    at = dt.datetime(2026, 3, 2, 3, 0, tzinfo=dt.timezone.utc)
    with serve(state) as url:
        pagerduty.oncalls(["PPLATF"], at, settings(url), env=ENV)
    q = state.requests[0]["query"]
    assert q["since"] == ["2026-03-02T03:00:00Z"] and q["until"] == ["2026-03-02T03:00:01Z"]


@pytest.mark.parametrize("fault", [429, 500, 503])
def test_retries_rate_limits_and_server_errors(fault: int) -> None:
    state = State(oncalls=ROWS, faults=[fault, fault])
    with serve(state) as url:
        got = pagerduty.oncalls(["PPLATF"], None, settings(url, retries=2), env=ENV)
    assert [e.email for e in got] == ["nina@acme.test", "omar@acme.test"]
    assert len(state.requests) == 3


def test_gives_up_after_the_retries_with_one_clear_line() -> None:
    state = State(oncalls=ROWS, faults=[500, 500, 500])
    with serve(state) as url, pytest.raises(PagerDutyError) as err:
        pagerduty.oncalls(["PPLATF"], None, settings(url, retries=1), env=ENV)
    assert "HTTP 500 (after 2 attempts)" in str(err.value)
    assert len(state.requests) == 2


def test_a_refused_token_is_not_retried_and_not_shown() -> None:
    state = State(oncalls=ROWS)
    with serve(state) as url, pytest.raises(PagerDutyError) as err:
        pagerduty.oncalls(["PPLATF"], None, settings(url, retries=3),
                          env={"OWNERSHIP_PAGERDUTY_TOKEN": "wrong-token-value"})
    assert "refused the token (HTTP 401)" in str(err.value)
    assert "wrong-token-value" not in str(err.value)
    assert len(state.requests) == 1


def test_missing_token_names_the_variable_and_sends_nothing() -> None:
    state = State(oncalls=ROWS)
    with serve(state) as url, pytest.raises(PagerDutyError, match="OWNERSHIP_PAGERDUTY_TOKEN"):
        pagerduty.oncalls(["PPLATF"], None, settings(url), env={})
    assert state.requests == []


def test_token_env_setting_picks_the_variable() -> None:
    state = State(oncalls=ROWS)
    with serve(state) as url:
        got = pagerduty.oncalls(["PPLATF"], None, settings(url, token_env="MY_PD"), env={"MY_PD": TOKEN})
    assert len(got) == 2


def test_unreachable_server_fails_fast_with_the_address() -> None:
    with socket.socket() as s:  # a port nobody listens on: bind, note it, close
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(PagerDutyError, match=rf"127\.0\.0\.1:{port}/oncalls: cannot connect"):
        pagerduty.oncalls(["PPLATF"], None, settings(f"http://127.0.0.1:{port}", retries=1), env=ENV)


def test_refuses_to_send_the_token_over_plain_http_to_another_host() -> None:
    with pytest.raises(PagerDutyError, match="non-https"):
        pagerduty.oncalls(["P"], None, settings("http://pagerduty.example.test"), env=ENV)


def test_an_answer_without_oncalls_is_an_error_not_an_empty_list() -> None:
    state = State(oncalls=ROWS, body={"error": "maintenance"})
    with serve(state) as url, pytest.raises(PagerDutyError, match="without an 'oncalls' list"):
        pagerduty.oncalls(["PPLATF"], None, settings(url), env=ENV)


@pytest.mark.parametrize("value, message", [
    ({"timeout": 0}, "timeout must be > 0"),
    ({"retries": "3"}, "retries must be a whole number"),
    ({"tokenenv": "X"}, "no setting 'tokenenv'"),
    ({"base_url": "ftp://x"}, "http(s) URL"),
    ("yes", "must be a mapping"),
    ({"wait": 0}, "pagerduty.wait must be > 0"),
    ({"wait": -1.5}, "pagerduty.wait must be > 0"),
    ({"wait": "2s"}, "pagerduty.wait must be seconds, more than 0"),
    ({"wait": True}, "pagerduty.wait must be seconds, more than 0"),
])
def test_config_problems_are_named(value: object, message: str) -> None:
    assert message in " ".join(p.message for p in pagerduty.check(value))


def test_good_config_is_accepted() -> None:
    assert pagerduty.check({"token_env": "PD", "base_url": "https://api.pagerduty.com", "timeout": 3,
                            "retries": 1, "backoff": 0.1, "wait": 1.5}) == []


def test_a_server_slower_than_the_timeout_is_an_error_not_a_hang() -> None:
    state = State(oncalls=ROWS, delay=1.0)
    with serve(state) as url, pytest.raises(PagerDutyError, match=r"no answer within 0.2 s \(after 2 attempts\)"):
        pagerduty.oncalls(["PPLATF"], None, PagerDutySettings(base_url=url, timeout=0.2, retries=1, backoff=0.0), env=ENV)
    assert len(state.requests) == 2


# --------------------------------------------------------------------------- GET /services/{id}


def test_lookup_asks_each_service_once_then_one_oncalls_query_for_all_policies() -> None:
    state = State(oncalls=ROWS, services={"PSVCA": "PLEDGER", "PSVCB": "PLEDGER"}, max_limit=10)
    with serve(state) as url:
        got = pagerduty.lookup(["PPLATF"], ["PSVCB", "PSVCA", "PSVCA"], None, settings(url), env=ENV)
    assert got.services == {"PSVCA": "PLEDGER", "PSVCB": "PLEDGER"} and got.unknown_services == {}
    assert [r["path"] for r in state.requests] == ["/services/PSVCA", "/services/PSVCB", "/oncalls"]
    assert state.requests[2]["query"]["escalation_policy_ids[]"] == ["PLEDGER", "PPLATF"]
    assert {e.policy for e in got.entries} == {"PLEDGER", "PPLATF"}
    assert all(r["headers"]["Authorization"] == f"Token token={TOKEN}" for r in state.requests)


def test_a_service_pagerduty_answers_404_for_is_unknown_with_the_reason_not_an_error() -> None:
    state = State(oncalls=ROWS, services={"PSVCA": "PLEDGER"})
    with serve(state) as url:
        found, unknown = pagerduty.service_policies(["PSVCA", "PNOPE12"], settings(url, retries=3), env=ENV)
    assert found == {"PSVCA": "PLEDGER"}
    assert unknown == {"PNOPE12": "PagerDuty has no service PNOPE12 (HTTP 404)"}
    assert len(state.requests) == 2  # a 404 is not retried


def test_a_refused_token_on_a_service_is_one_clear_error_without_the_token() -> None:
    state = State(services={"PSVCA": "PLEDGER"})
    with serve(state) as url, pytest.raises(PagerDutyError) as err:
        pagerduty.lookup([], ["PSVCA"], None, settings(url), env={"OWNERSHIP_PAGERDUTY_TOKEN": "wrong-token-value"})
    assert str(err.value).endswith("/services/PSVCA: PagerDuty refused the token (HTTP 401); check "
                                   "OWNERSHIP_PAGERDUTY_TOKEN")
    assert "wrong-token-value" not in str(err.value)


def test_a_service_lookup_slower_than_the_timeout_is_an_error_not_a_hang() -> None:
    state = State(services={"PSVCA": "PLEDGER"}, delay=1.0)
    with serve(state) as url, pytest.raises(PagerDutyError, match=r"/services/PSVCA: no answer within 0.2 s"):
        pagerduty.lookup([], ["PSVCA"], None, PagerDutySettings(base_url=url, timeout=0.2, retries=0), env=ENV)


def test_a_service_answer_without_an_escalation_policy_is_unknown_not_nobody() -> None:
    state = State(services={"PSVCA": ""})  # the server answers `"escalation_policy": {"id": ""}`
    with serve(state) as url:
        found, unknown = pagerduty.service_policies(["PSVCA"], settings(url), env=ENV)
    assert found == {} and "answered without the service's escalation_policy id" in unknown["PSVCA"]


def test_a_service_id_is_one_path_segment_whatever_it_holds() -> None:
    state = State(oncalls=ROWS)
    with serve(state) as url:
        found, unknown = pagerduty.service_policies(["../oncalls?x=1"], settings(url), env=ENV)
    assert found == {} and list(unknown) == ["../oncalls?x=1"]
    (req,) = state.requests
    assert req["path"] == "/services/..%2Foncalls%3Fx%3D1" and req["query"] == {}
