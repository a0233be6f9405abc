"""A server that answers a byte at a time cannot keep a roster pull or a page waiting for ever."""
from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator

import pytest
import requests

from ownership.net import httpget


class _Trickle(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "1000")
        self.end_headers()
        try:
            for _ in range(1000):  # one byte every 0.2 s: each read is quick, the whole answer is not
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.2)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args: object) -> None:
        pass


class _Quick(_Trickle):
    def do_GET(self) -> None:  # noqa: N802
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _serve(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture()
def trickle() -> Iterator[str]:
    yield from _serve(_Trickle)


@pytest.fixture()
def quick() -> Iterator[str]:
    yield from _serve(_Quick)


def test_a_trickling_answer_is_a_timeout_at_the_deadline(trickle: str) -> None:
    started = time.monotonic()
    with requests.Session() as session, pytest.raises(requests.Timeout, match="longer than 1 s"):
        httpget.get(session, trickle, timeout=2, deadline=1, max_bytes=1 << 20)
    assert time.monotonic() - started < 5


def test_a_prompt_answer_reads_as_usual(quick: str) -> None:
    with requests.Session() as session:
        resp = httpget.get(session, quick, timeout=2, deadline=5, max_bytes=1 << 20, params={"a": "1"})
    assert resp.status_code == 200 and resp.json() == {"ok": True}


@pytest.mark.parametrize(("header", "seconds"), [
    ("7", 7.0), (" 0 ", 0.0), (None, None), ("soon", None), ("", None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)])
def test_retry_after_header_forms(header: str | None, seconds: float | None) -> None:
    assert httpget.retry_after(header) == seconds


def test_redact_url_drops_credentials_and_the_query_only_when_asked() -> None:
    url = "https://bot:s3cret@scim.acme.test:8443/v2/Users?filter=x"
    assert httpget.redact_url(url) == "https://scim.acme.test:8443/v2/Users?filter=x"
    assert httpget.redact_url(url, keep_query=False) == "https://scim.acme.test:8443/v2/Users"
    assert httpget.redact_url("https://api.pagerduty.com/oncalls") == "https://api.pagerduty.com/oncalls"
