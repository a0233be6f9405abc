"""A SCIM server on 127.0.0.1 that records every request (path and Authorization header) it receives.

    with ScimRecorder(users(10)) as server:
        ... server.url ...        # http://127.0.0.1:PORT/scim
        assert server.requests == []
"""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
CORE = "urn:ietf:params:scim:schemas:core:2.0:User"


def users(n: int, domain: str = "acme.test") -> list[dict[str, Any]]:
    """`n` active SCIM users user000@acme.test ... (alice.nguyen and liam.park first, as the catalogs name)."""
    names = ["alice.nguyen", "liam.park"] + [f"user{i:03d}" for i in range(max(0, n - 2))]
    return [{"schemas": [CORE], "id": f"u{i}", "userName": name, "displayName": name, "active": True,
             "emails": [{"value": f"{name}@{domain}", "primary": True}]} for i, name in enumerate(names[:n])]


class ScimRecorder:
    def __init__(self, people: list[dict[str, Any]]) -> None:
        self.people = people
        self.requests: list[tuple[str, str]] = []  # (path with query, Authorization header)
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                recorder.requests.append((self.path, self.headers.get("Authorization", "")))
                query = parse_qs(urlsplit(self.path).query)
                start = int(query.get("startIndex", ["1"])[0])
                count = int(query.get("count", ["100"])[0])
                page = recorder.people[start - 1:start - 1 + count]
                body = json.dumps({"schemas": [LIST], "totalResults": len(recorder.people), "startIndex": start,
                                   "itemsPerPage": len(page), "Resources": page}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/scim+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/scim"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> ScimRecorder:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
        assert not self.thread.is_alive(), "the test server did not stop"
