"""A real, local stand-in for PagerDuty's `GET /oncalls` and `GET /services/{id}`: ThreadingHTTPServer on
127.0.0.1, port 0.

It pages with `offset`/`limit`/`more`, checks the Authorization and Accept headers (401 when wrong), records
every request, and can be told to fail the next requests (`faults`: a list of status codes served first), to
answer late (`delay`) or never (`hang`: the request is read, then nothing is sent until the server stops).
`services` maps a service id to its escalation policy id; any other id is a 404 as PagerDuty answers it.
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

TOKEN = "pd-test-token-s3cr3t"
ACCEPT = "application/vnd.pagerduty+json;version=2"


@dataclass
class State:
    oncalls: list[dict[str, Any]] = field(default_factory=list)
    faults: list[int] = field(default_factory=list)  # status codes to serve (in order) before real answers
    max_limit: int = 2  # pages stay small so that paging is exercised
    requests: list[dict[str, Any]] = field(default_factory=list)
    body: dict[str, Any] | None = None  # served as-is instead of a page (malformed answers)
    delay: float = 0.0  # seconds to wait before answering (a server slower than the client's timeout)
    services: dict[str, str] = field(default_factory=dict)  # service id -> escalation policy id
    hang: bool = False  # read each request and never answer it (until serve() ends)
    stopped: threading.Event = field(default_factory=threading.Event)  # set when serve() ends: hung requests end


def oncall(policy: str, level: int, email: str, name: str) -> dict[str, Any]:
    return {"escalation_policy": {"id": policy, "type": "escalation_policy_reference"},
            "escalation_level": level, "schedule": {"id": "S1", "summary": f"{policy} primary"},
            "start": "2026-03-01T00:00:00Z", "end": "2026-03-08T00:00:00Z",
            "user": {"id": f"U-{email}", "type": "user", "summary": name, "name": name, "email": email}}


def _handler(state: State) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

        def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (the timeout tests): nothing to answer

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            state.requests.append({"path": url.path, "query": query, "headers": dict(self.headers)})
            if state.hang:
                state.stopped.wait()
                return  # the connection closes without a status line
            if state.delay:
                time.sleep(state.delay)
            if url.path != "/oncalls" and not url.path.startswith("/services/"):
                self._send(404, {"error": {"message": "Not Found"}})
                return
            if self.headers.get("Authorization") != f"Token token={TOKEN}" or self.headers.get("Accept") != ACCEPT:
                self._send(401, {"error": {"message": "Unauthorized", "code": 2006}})
                return
            if state.faults:
                status = state.faults.pop(0)
                extra = {"Retry-After": "0"} if status == 429 else None
                self._send(status, {"error": {"message": "fault"}}, extra)
                return
            if url.path.startswith("/services/"):
                self._service(unquote(url.path.removeprefix("/services/")))
                return
            if state.body is not None:
                self._send(200, state.body)
                return
            policies = set(query.get("escalation_policy_ids[]", []))
            rows = [o for o in state.oncalls if o["escalation_policy"]["id"] in policies]
            if "users" not in query.get("include[]", []):
                rows = [{**o, "user": {k: v for k, v in o["user"].items() if k != "email"}} for o in rows]
            offset = int(query.get("offset", ["0"])[0])
            limit = min(int(query.get("limit", ["25"])[0]), state.max_limit)
            page = rows[offset:offset + limit]
            self._send(200, {"oncalls": page, "offset": offset, "limit": limit,
                             "more": offset + limit < len(rows), "total": None})

        def _service(self, sid: str) -> None:
            policy = state.services.get(sid)
            if policy is None:
                self._send(404, {"error": {"message": "Not Found", "code": 2100}})
                return
            self._send(200, {"service": {
                "id": sid, "type": "service", "summary": f"service {sid}", "status": "active",
                "escalation_policy": {"id": policy, "type": "escalation_policy_reference",
                                      "summary": f"policy {policy}"}}})

    return Handler


@contextmanager
def serve(state: State) -> Iterator[str]:
    """Run the server for the block; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        state.stopped.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
