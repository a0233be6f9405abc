"""Real servers for the roster tests: the scim2-server CLI, and a scripted HTTP server for faults.

Both listen on 127.0.0.1 only. The scripted server answers each request with the next step of a script
(status, headers, body, or "hang" past the client's timeout), and records what it was asked.
"""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
# distinctive, so a leak anywhere is found by a plain substring search
TOKEN = "tok-5ecret-ZQX9-do-not-print"


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loopback servers must be reached directly even where a proxy is configured."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


def scim_user(n: int, *, active: bool = True, department: str = "Payments", manager: str | None = None,
              employee_number: str | None = None, extra_email: str | None = None) -> dict[str, Any]:
    emails: list[dict[str, Any]] = [{"value": f"user{n:03d}@acme.test", "primary": True, "type": "work"}]
    if extra_email:
        emails.append({"value": extra_email, "type": "other"})
    ext: dict[str, Any] = {"department": department, "employeeNumber": employee_number or f"E{n:03d}"}
    if manager:
        ext["manager"] = {"value": manager}
    return {"schemas": [CORE, ENTERPRISE], "userName": f"user{n:03d}", "displayName": f"User {n}",
            "name": {"givenName": "User", "familyName": str(n)}, "active": active, "emails": emails,
            "title": "Engineer", ENTERPRISE: ext}


# --------------------------------------------------------------------------- scim2-server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ScimServer:
    base: str
    process: subprocess.Popen[bytes]

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        with requests.Session() as session:
            session.trust_env = False  # straight to loopback, whatever proxy the environment names
            resp = session.post(f"{self.base}{path}", json=body, timeout=10,
                                headers={"Authorization": f"Bearer {TOKEN}",
                                         "Content-Type": "application/scim+json"})
        assert resp.status_code in (200, 201), resp.text
        return dict(resp.json())


def _start_scim2_server(tmp: Path) -> ScimServer:
    exe = shutil.which("scim2-server")
    cmd = [exe] if exe else [sys.executable, "-c", "from scim2_server.testserver.cli import main; main()"]
    for _ in range(3):  # another process may take the port between choosing and binding it
        port = _free_port()
        log = (tmp / f"scim2-server-{port}.log").open("wb")
        proc = subprocess.Popen([*cmd, "--hostname", "127.0.0.1", "--port", str(port), "--bearer-token", TOKEN],
                                stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    return ScimServer(f"http://127.0.0.1:{port}/v2", proc)
            except OSError:
                time.sleep(0.05)
        proc.kill()
        proc.wait()
    pytest.fail(f"scim2-server did not start; see {tmp}")


def seed(server: ScimServer) -> dict[str, Any]:
    """25 users through one Bulk request: a CTO, two managers reporting to the CTO, 22 engineers (3 of them
    inactive), managers referenced by bulkId, one with a secondary email. More than one page of 10."""
    ops: list[dict[str, Any]] = []

    def add(bulk_id: str, user: dict[str, Any]) -> None:
        ops.append({"method": "POST", "path": "/Users", "bulkId": bulk_id, "data": user})

    add("u1", scim_user(1, department="Engineering", employee_number="E001"))
    add("u2", scim_user(2, manager="bulkId:u1"))
    add("u3", scim_user(3, department="Data", manager="bulkId:u1"))
    for n in range(4, 26):
        add(f"u{n}", scim_user(n, active=n not in (5, 9, 17), department="Payments" if n % 2 else "Data",
                               manager="bulkId:u2" if n % 2 else "bulkId:u3",
                               extra_email="old.user004@acme.test" if n == 4 else None))
    return server.post("/Bulk", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
                                 "Operations": ops})


@pytest.fixture(scope="module")
def scim_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScimServer]:
    server = _start_scim2_server(tmp_path_factory.mktemp("scim2"))
    try:
        seed(server)
        yield server
    finally:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


# --------------------------------------------------------------------------- scripted fault server


Step = tuple[int, dict[str, str], Any] | str  # (status, headers, JSON body or bytes) or "hang"


@dataclass
class FaultServer:
    base: str
    steps: list[Step]
    requests: list[dict[str, Any]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    fallback: Callable[[dict[str, str]], Step] | None = None


def list_page(users: list[dict[str, Any]], start: int, count: int, total: int | None = None) -> dict[str, Any]:
    """The ListResponse a correct server gives for startIndex/count over `users` (with ids)."""
    chunk = users[start - 1: start - 1 + count]
    return {"schemas": [LIST], "totalResults": len(users) if total is None else total, "startIndex": start,
            "itemsPerPage": len(chunk), "Resources": chunk}


def with_ids(users: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**u, "id": f"id-{i:04d}"} for i, u in enumerate(users, 1)]


def paging(users: list[dict[str, Any]]) -> Callable[[dict[str, str]], Step]:
    """A fallback that serves `users` correctly, page by page."""
    def answer(params: dict[str, str]) -> Step:
        return 200, {}, list_page(users, int(params.get("startIndex", "1")), int(params.get("count", "100")))

    return answer


@pytest.fixture
def fault_server() -> Iterator[FaultServer]:
    state = FaultServer("", [])

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            parts = urlsplit(self.path)
            params = {k: v[0] for k, v in parse_qs(parts.query).items()}
            state.requests.append({"path": parts.path, "params": params,
                                   "authorization": self.headers.get("Authorization")})
            step: Step
            if state.steps:
                step = state.steps.pop(0)
            elif state.fallback is not None:
                step = state.fallback(params)
            else:
                step = 500, {}, {"detail": "script exhausted"}
            if step == "hang":
                state.release.wait(30)  # far past the client's timeout; released at teardown
                return
            assert not isinstance(step, str)
            status, headers, body = step
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/scim+json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{server.server_address[1]}/scim/v2"
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
        thread.join(10)
