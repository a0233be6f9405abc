"""Issue 12, hole 5 (HTTP) and the URL half of hole 6: hostile HTTP servers on 127.0.0.1 against the SCIM and
PagerDuty clients. One deadline bounds a whole request, bodies are capped, SCIM paging cannot be made endless or
partial, a redirect never leaves the origin, and request URLs are built with urllib.parse.

Every server here is a raw socket server that stops by itself after LIMIT seconds, so a regression makes a test
fail on its time bound instead of hanging the suite.
"""
from __future__ import annotations

import gzip
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from click.testing import CliRunner, Result

from ownership.net import httpget
from ownership.cli import cli
from ownership.oncall import pagerduty
from ownership.roster import RosterError, scim
from ownership.roster.settings import ScimSettings
from tests.roster.conftest import TOKEN, list_page, scim_user, with_ids
from tests.security.listening import accepting

LIMIT = 10.0  # no server here talks for longer than this
SLACK = 1.5  # seconds allowed past a deadline (a loaded CI machine)
USERS = with_ids([scim_user(n) for n in range(1, 13)])  # 12 users: two pages of 10
PD_TOKEN = "pd-5ecret-QQ7-do-not-print"
ENV = {"OWNERSHIP_SCIM_TOKEN": TOKEN}
PD_ENV = {"OWNERSHIP_PAGERDUTY_TOKEN": PD_TOKEN}
# timeout 0.5 s: every whole request gets 4 x 0.5 = 2 s
QUICK = ScimSettings(page_size=10, timeout=0.5, retries=0, backoff=0, max_retry_after=0)
ROOMY = ScimSettings(page_size=10, timeout=5, retries=0, backoff=0, max_retry_after=0)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


# --------------------------------------------------------------------------- a raw, scriptable server


class Request(NamedTuple):
    path: str
    query: dict[str, list[str]]
    authorization: str | None


Behaviour = Callable[[Request, "Wire"], None]


@dataclass
class Wire:
    """One client connection: what a behaviour writes, paced, and never past LIMIT or the server's stop."""

    conn: socket.socket
    stop: threading.Event
    until: float = field(default_factory=lambda: time.monotonic() + LIMIT)

    def open(self) -> bool:
        return not self.stop.is_set() and time.monotonic() < self.until

    def send(self, data: bytes) -> None:
        self.conn.sendall(data)

    def trickle(self, data: bytes, every: float = 0.2) -> None:
        for i in range(len(data)):
            if not self.open():
                return
            self.send(data[i:i + 1])
            self.stop.wait(every)

    def answer(self, status: int, body: Any = b"", headers: dict[str, str] | None = None) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        head = f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {len(data)}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        self.send(head.encode() + b"Connection: close\r\n\r\n" + data)


@dataclass
class Server:
    url: str
    seen: list[Request]


@contextmanager
def serve(behaviour: Behaviour, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None) -> Iterator[Server]:
    """A server on `host` (any loopback address: 127.0.0.2 is another origin on this machine); https with
    `tls` (tests/security/tls.py)."""
    listener = socket.create_server((host, 0))
    listener.settimeout(0.05)
    stop = threading.Event()
    seen: list[Request] = []

    def handle(conn: socket.socket) -> None:
        conn.settimeout(LIMIT)
        if tls is not None:
            try:
                conn = tls.wrap_socket(conn, server_side=True)
            except OSError:
                conn.close()
                return  # the client refused the certificate or went away
        with conn:
            try:
                head = b""
                while b"\r\n\r\n" not in head and len(head) < 65536:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    head += chunk
                lines = head.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
                target = urlsplit(lines[0].split(" ")[1])
                fields = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
                body = head.partition(b"\r\n\r\n")[2]
                length = int(next((v for k, v in fields.items() if k.lower() == "content-length"), "0"))
                while len(body) < length:  # read it all: closing with unread bytes resets the connection
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    body += chunk
                request = Request(target.path, parse_qs(target.query),
                                  next((v for k, v in fields.items() if k.lower() == "authorization"), None))
                seen.append(request)
                behaviour(request, Wire(conn, stop))
            except OSError:
                pass  # the client gave up: that is what most tests here expect

    with accepting(listener, handle, stop, worker_join=5) as (acceptor, workers):
        yield Server(f"{'https' if tls else 'http'}://{host}:{listener.getsockname()[1]}", seen)
    assert not acceptor.is_alive() and not any(w.is_alive() for w in workers)


# the four ways of being slow, and two ways of being big


def silent(request: Request, wire: Wire) -> None:
    """Accepts the connection and never answers."""
    wire.stop.wait(LIMIT)


def trickled_headers(request: Request, wire: Wire) -> None:
    wire.trickle(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Padding: " + b"a" * 1000)


def trickled_body(request: Request, wire: Wire) -> None:
    wire.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
    wire.trickle(b" " * 1000)


def endless_body(request: Request, wire: Wire) -> None:
    """A body without a length that never ends, 1 KiB every 10 ms: slow enough to stay under any cap."""
    wire.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
    while wire.open():
        wire.send(b" " * 1024)
        wire.stop.wait(0.01)


def flood(request: Request, wire: Wire) -> None:
    """A body without a length that never ends, as fast as the client reads."""
    wire.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n")
    block = b" " * (1 << 16)
    while wire.open():
        wire.send(block)


def huge_length(request: Request, wire: Wire) -> None:
    """Declares a terabyte, then sends nothing: a capped client stops on the header alone."""
    wire.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000000000\r\n\r\n")
    wire.stop.wait(LIMIT)


def gzip_bomb(request: Request, wire: Wire) -> None:
    body = gzip.compress(b" " * (64 << 20), compresslevel=9)  # 64 MiB of spaces in about 64 KB
    wire.send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
              + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)


SLOW = {"silent": silent, "trickled headers": trickled_headers, "trickled body": trickled_body,
        "endless body": endless_body}


def scim_pages(users: list[dict[str, Any]]) -> Behaviour:
    def behaviour(request: Request, wire: Wire) -> None:
        q = {k: v[0] for k, v in request.query.items()}
        wire.answer(200, list_page(users, int(q.get("startIndex", "1")), int(q.get("count", "100"))))

    return behaviour


def roster_pull(base: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                scim_settings: str = "{page_size: 10, timeout: 0.5, retries: 0, backoff: 0}") -> tuple[Result, Path]:
    monkeypatch.setenv("OWNERSHIP_SCIM_TOKEN", TOKEN)
    config = tmp_path / "ownership.yaml"
    config.write_text(f"scim: {scim_settings}\n")
    out = tmp_path / "roster.json"
    result = CliRunner().invoke(cli, ["roster", "pull", "--roster", base, "--output", str(out), "--config",
                                      str(config), "--today", "2026-11-30"])
    assert TOKEN not in result.output
    assert "Traceback" not in result.output
    return result, out


def nothing_cached() -> bool:
    return not list((Path.home() / ".cache").rglob("roster-*.json"))


# --------------------------------------------------------------------------- 1. one deadline per request


@pytest.mark.parametrize("behaviour", SLOW.values(), ids=SLOW.keys())
def test_one_deadline_bounds_the_whole_request_even_when_each_read_is_quick(behaviour: Behaviour) -> None:
    with serve(behaviour) as server, requests.Session() as session:
        started = time.monotonic()
        with pytest.raises(httpget.Deadline, match="the whole answer took longer than 1 s"):
            httpget.get(session, server.url + "/", timeout=30, deadline=1, max_bytes=1 << 30)
        assert time.monotonic() - started < 1 + SLACK


@pytest.mark.parametrize("behaviour", SLOW.values(), ids=SLOW.keys())
def test_a_slow_scim_server_stops_roster_pull_with_exit_2_naming_the_host(
        behaviour: Behaviour, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with serve(behaviour) as server:
        started = time.monotonic()
        result, out = roster_pull(server.url + "/scim/v2", tmp_path, monkeypatch)
        elapsed = time.monotonic() - started

    assert elapsed < 2 + SLACK  # timeout 0.5 s: the whole request gets 2 s
    assert result.exit_code == 2
    host = server.url.removeprefix("http://")
    assert f"{host}/scim/v2/Users (startIndex=1): " in result.stderr
    assert ("took longer than 2 s" in result.stderr) or ("no answer within 0.5 s" in result.stderr)
    assert "nothing was saved" in result.stderr
    assert not out.exists() and nothing_cached()


@pytest.mark.parametrize("behaviour", SLOW.values(), ids=SLOW.keys())
def test_a_slow_pagerduty_is_an_error_within_the_deadline_naming_the_host(behaviour: Behaviour) -> None:
    with serve(behaviour) as server:
        started = time.monotonic()
        with pytest.raises(pagerduty.PagerDutyError) as caught:
            pagerduty.oncalls(["P1"], None, pagerduty.PagerDutySettings(base_url=server.url, timeout=0.5, retries=0),
                              env=PD_ENV)
        elapsed = time.monotonic() - started

    assert elapsed < 2 + SLACK
    message = str(caught.value)
    assert message.startswith(f"{server.url}/oncalls: ")
    assert "took longer than 2 s" in message or "no answer within 0.5 s" in message
    assert PD_TOKEN not in message


def test_a_trickled_scim_header_is_a_timeout_also_when_retried() -> None:
    """Issue 24: the retries of a page share its one deadline (they used to get one each, so a trickling server
    held a pull for (retries + 1) x deadline): one attempt fills the deadline, and none follows."""
    settings = ScimSettings(page_size=10, timeout=0.25, retries=1, backoff=0, max_retry_after=0)
    with serve(trickled_headers) as server:
        started = time.monotonic()
        with pytest.raises(RosterError, match=r"took longer than 1 s \(scim.deadline\) after 1 attempt; nothing "
                                              r"was saved"):
            scim.pull(server.url + "/scim/v2", settings, env=ENV, sleep=lambda s: None)
        assert time.monotonic() - started < 1 + SLACK
        assert len(server.seen) == 1


# --------------------------------------------------------------------------- 2. a body cap


@pytest.mark.parametrize("behaviour", [flood, huge_length, gzip_bomb], ids=["endless", "declared", "gzip"])
def test_a_body_over_the_cap_is_refused_without_reading_it_all(behaviour: Behaviour) -> None:
    with serve(behaviour) as server, requests.Session() as session:
        started = time.monotonic()
        with pytest.raises(httpget.TooLarge, match=r"the cap of 1 MiB"):
            httpget.get(session, server.url + "/", timeout=5, deadline=LIMIT, max_bytes=1 << 20)
        assert time.monotonic() - started < 5


@pytest.mark.parametrize("behaviour", [flood, huge_length], ids=["endless", "declared"])
def test_scim_caps_a_page_at_32_mib_and_saves_nothing(behaviour: Behaviour, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    with serve(behaviour) as server:
        started = time.monotonic()
        result, out = roster_pull(server.url + "/scim/v2", tmp_path, monkeypatch,
                                  scim_settings="{timeout: 5, retries: 2, backoff: 0}")
        assert time.monotonic() - started < LIMIT

    assert result.exit_code == 2
    assert "the cap of 32 MiB; nothing was saved" in result.stderr
    assert len(server.seen) == 1  # not retried: the server would only send it again
    assert not out.exists() and nothing_cached()


def test_pagerduty_caps_an_answer_at_8_mib() -> None:
    with serve(huge_length) as server, pytest.raises(pagerduty.PagerDutyError, match="the cap of 8 MiB"):
        pagerduty.oncalls(["P1"], None, pagerduty.PagerDutySettings(base_url=server.url, retries=2, backoff=0.0),
                          env=PD_ENV)
    assert len(server.seen) == 1


# --------------------------------------------------------------------------- 3. SCIM paging that lies


def scripted(pages: Callable[[int, int], dict[str, Any]]) -> Behaviour:
    """A SCIM server whose page for (startIndex, count) is `pages(start, count)`."""
    def behaviour(request: Request, wire: Wire) -> None:
        q = {k: v[0] for k, v in request.query.items()}
        wire.answer(200, pages(int(q["startIndex"]), int(q["count"])))

    return behaviour


def test_total_results_that_promises_more_than_the_pages_deliver_is_an_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    many = with_ids([scim_user(n) for n in range(1, 31)])

    def pages(start: int, count: int) -> dict[str, Any]:  # 10 first, then one at a time: 4 pages allowed
        return list_page(many, start, 10 if start == 1 else 1)

    with serve(scripted(pages)) as server:
        result, out = roster_pull(server.url + "/scim/v2", tmp_path, monkeypatch)

    assert result.exit_code == 2
    assert "4 pages gave 13 of the 30 users totalResults promised" in result.stderr
    assert len(server.seen) == 4
    assert not out.exists() and nothing_cached()


def test_an_absurd_total_results_stops_at_the_absolute_page_ceiling(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scim, "MAX_PAGES", 5)
    counter = iter(range(1, 10**6))

    def pages(start: int, count: int) -> dict[str, Any]:  # always new users, always "a billion in all"
        fresh = [{**scim_user(n), "id": f"id-{n}"} for n in (next(counter) for _ in range(count))]
        return list_page(fresh, 1, count, total=10**9)

    with serve(scripted(pages)) as server:
        with pytest.raises(RosterError, match="5 pages gave 50 of the 1000000000 users"):
            scim.pull(server.url + "/scim/v2", ROOMY, env=ENV)
        assert len(server.seen) == 5


def test_a_server_that_sends_more_users_than_total_results_is_refused() -> None:
    def pages(start: int, count: int) -> dict[str, Any]:
        return list_page(USERS, start, count, total=5)

    with serve(scripted(pages)) as server, \
            pytest.raises(RosterError, match="sent 10 users, more than its totalResults of 5"):
        scim.pull(server.url + "/scim/v2", ROOMY, env=ENV)


def test_a_repeated_page_is_refused_at_once_naming_the_user() -> None:
    def pages(start: int, count: int) -> dict[str, Any]:  # startIndex ignored: the first page, again and again
        return list_page(with_ids([scim_user(n) for n in range(1, 1001)]), 1, count)

    with serve(scripted(pages)) as server:
        with pytest.raises(RosterError, match=r"user id 'id-0001' appears twice \(again on the page at "
                                              r"startIndex=11"):
            scim.pull(server.url + "/scim/v2", ROOMY, env=ENV)
        assert len(server.seen) == 2


def test_fewer_users_than_promised_after_the_last_page_saves_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def pages(start: int, count: int) -> dict[str, Any]:
        return list_page(USERS, start, count, total=15)  # 12 exist, 15 promised

    with serve(scripted(pages)) as server:
        result, out = roster_pull(server.url + "/scim/v2", tmp_path, monkeypatch)

    assert result.exit_code == 2
    assert "the page at startIndex=13 is empty after 12 of 15 users; nothing was saved" in result.stderr
    assert not out.exists() and nothing_cached()


def test_an_honest_server_with_smaller_pages_than_asked_is_still_read_whole() -> None:
    many = with_ids([scim_user(n) for n in range(1, 101)])

    with serve(scripted(lambda start, count: list_page(many, start, 7))) as server:
        people = scim.pull(server.url + "/scim/v2", ROOMY, env=ENV)
    assert len(people) == 100 and len(server.seen) == 15


# --------------------------------------------------------------------------- 4. redirects


def redirect_to(location: Callable[[Request], str]) -> Behaviour:
    def behaviour(request: Request, wire: Wire) -> None:
        wire.answer(302, b"", {"Location": location(request)})

    return behaviour


@pytest.mark.parametrize("other", ["port", "host", "scheme"])
def test_a_scim_redirect_to_another_origin_is_an_error_and_its_answer_is_not_saved(
        other: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target: dict[str, str] = {}
    with serve(scim_pages(USERS)) as elsewhere, serve(redirect_to(lambda request: target[other])) as here:
        port = urlsplit(here.url).port
        target.update(port=f"{elsewhere.url}/scim/v2/Users", host=f"http://localhost:{port}/scim/v2/Users",
                      scheme=f"https://127.0.0.1:{port}/scim/v2/Users")
        result, out = roster_pull(here.url + "/scim/v2", tmp_path, monkeypatch)

    assert result.exit_code == 2
    assert "redirected to another origin (" in result.stderr and "not followed; nothing was saved" in result.stderr
    assert len(here.seen) == 1 and elsewhere.seen == []  # the other origin is never asked, with or without token
    assert not out.exists() and nothing_cached()


def test_a_same_origin_scim_redirect_is_followed_with_the_token() -> None:
    def behaviour(request: Request, wire: Wire) -> None:
        if request.path == "/old/v2/Users":
            query = "&".join(f"{k}={v[0]}" for k, v in request.query.items())
            wire.answer(308, b"", {"Location": f"/new/v2/Users?{query}"})
        else:
            scim_pages(USERS)(request, wire)

    with serve(behaviour) as server:
        people = scim.pull(server.url + "/old/v2", ROOMY, env=ENV)

    assert len(people) == 12
    assert [r.path for r in server.seen] == ["/old/v2/Users", "/new/v2/Users"] * 2
    assert {r.authorization for r in server.seen} == {f"Bearer {TOKEN}"}


def test_a_redirect_loop_stops_after_a_few_hops() -> None:
    with serve(redirect_to(lambda request: request.path + "x")) as server, \
            pytest.raises(RosterError, match=r"more than 5 redirects; nothing was saved"):
        scim.pull(server.url + "/scim/v2", ROOMY, env=ENV)
    assert len(server.seen) == 6


def test_a_pagerduty_redirect_to_another_origin_is_an_error_not_an_answer() -> None:
    pd_page = {"oncalls": [], "more": False}
    with serve(lambda request, wire: wire.answer(200, pd_page)) as elsewhere, \
            serve(redirect_to(lambda request: f"{elsewhere.url}/oncalls")) as here:
        with pytest.raises(pagerduty.PagerDutyError, match=r"redirected to another origin \(http://127\.0\.0\.1:"):
            pagerduty.oncalls(["P1"], None, pagerduty.PagerDutySettings(base_url=here.url, retries=2, backoff=0.0),
                              env=PD_ENV)
    assert len(here.seen) == 1 and elsewhere.seen == []


def test_a_same_origin_pagerduty_redirect_is_followed_with_the_token() -> None:
    def behaviour(request: Request, wire: Wire) -> None:
        if request.path == "/oncalls":
            wire.answer(307, b"", {"Location": "/v2/oncalls?offset=0&escalation_policy_ids[]=P1"})
        else:
            wire.answer(200, {"oncalls": [{"escalation_policy": {"id": "P1"}, "escalation_level": 1,
                                           "user": {"id": "U1", "email": "ann@acme.test"}}], "more": False})

    with serve(behaviour) as server:
        got = pagerduty.oncalls(["P1"], None, pagerduty.PagerDutySettings(base_url=server.url), env=PD_ENV)
    assert [e.email for e in got] == ["ann@acme.test"]
    assert [r.path for r in server.seen] == ["/oncalls", "/v2/oncalls"]
    assert {r.authorization for r in server.seen} == {f"Token token={PD_TOKEN}"}


# --------------------------------------------------------------------------- 5. URLs built with urllib.parse


def test_a_scim_base_url_with_a_query_gets_users_in_its_path_and_keeps_its_query() -> None:
    with serve(scim_pages(USERS)) as server:
        people = scim.pull(server.url + "/scim/v2?tenant=a", ROOMY, env=ENV)

    assert len(people) == 12
    first = server.seen[0]
    assert first.path == "/scim/v2/Users"
    assert first.query["tenant"] == ["a"] and first.query["startIndex"] == ["1"] and first.query["count"] == ["10"]
    assert people[0].location is not None
    assert people[0].location.file == f"{server.url}/scim/v2/Users/id-0001?tenant=a"


def test_a_pagerduty_base_url_with_a_query_gets_oncalls_in_its_path() -> None:
    with serve(lambda request, wire: wire.answer(200, {"oncalls": [], "more": False})) as server:
        pagerduty.oncalls(["P1"], None, pagerduty.PagerDutySettings(base_url=server.url + "/pd/?region=eu"), env=PD_ENV)

    (only,) = server.seen
    assert only.path == "/pd/oncalls"
    assert only.query["region"] == ["eu"] and only.query["escalation_policy_ids[]"] == ["P1"]


@pytest.mark.parametrize(("base", "joined"), [
    ("https://h/scim/v2?tenant=a", "https://h/scim/v2/Users?tenant=a"),
    ("https://h/scim/v2/", "https://h/scim/v2/Users"),
    ("https://h", "https://h/Users"),
    ("https://h:8443/v2?a=1&b=2#frag", "https://h:8443/v2/Users?a=1&b=2"),
])
def test_join_adds_to_the_path_never_to_the_query(base: str, joined: str) -> None:
    assert httpget.join(base, "Users") == joined


@pytest.mark.parametrize(("a", "b", "same"), [
    ("https://h/x", "https://h:443/y?q", True),
    ("http://h/x", "https://h/x", False),
    ("https://h/x", "https://h:8443/x", False),
    ("https://h/x", "https://H/x", True),
    ("https://h/x", "https://evil.test/x", False),
    ("https://u:p@h/x", "https://h/x", True),
])
def test_origin_is_scheme_host_and_port(a: str, b: str, same: bool) -> None:
    assert (httpget.origin(a) == httpget.origin(b)) is same
