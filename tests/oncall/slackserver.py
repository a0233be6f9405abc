"""A real, local stand-in for Slack's Web API: ThreadingHTTPServer on 127.0.0.1, port 0, serving
`POST /api/{method}` for auth.test, chat.postMessage, conversations.create, conversations.list (cursor paging)
and conversations.invite with the request and answer shapes of Slack's method pages.

Arguments come as Slack takes them: a form body (application/x-www-form-urlencoded), a JSON body
(`chat.postMessage` with blocks) or the query string. Every answer is HTTP 200 with `{"ok": true, ...}` or
`{"ok": false, "error": "channel_not_found"}`, except rate limiting: HTTP 429 with a Retry-After header and
`{"ok": false, "error": "ratelimited"}`. The Bearer token is checked (`not_authed` without one, `invalid_auth`
for another); every request is recorded. `fail(method, error)` makes a method answer an error (for the next
`times` calls, or always); `rate_limit(method, times, retry_after)` answers 429 first; `raw(method, body)` sends
a body that is not JSON.
"""
from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

TOKEN = "xoxb-test-slack-t0ken-s3cr3t"
BOT = "U0BOT0001"
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")


@dataclass
class Channel:
    id: str
    name: str
    members: set[str] = field(default_factory=set)
    archived: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "is_channel": True, "is_group": False, "is_im": False,
                "is_private": False, "is_archived": self.archived, "is_general": False, "created": 1772409600,
                "creator": BOT, "name_normalized": self.name, "is_member": BOT in self.members,
                "num_members": len(self.members), "topic": {"value": "", "creator": "", "last_set": 0},
                "purpose": {"value": "", "creator": "", "last_set": 0}, "previous_names": []}


@dataclass
class Fault:
    error: str
    times: int | None  # None: every call
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None  # sent as-is (not JSON)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class State:
    channels: list[Channel] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    page_size: int = 2  # conversations.list pages stay small so that paging is exercised
    messages: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _n: int = 0

    def channel(self, ref: str) -> Channel | None:
        ref = ref.lstrip("#")
        return next((c for c in self.channels if ref in (c.id, c.name)), None)

    def add_channel(self, name: str, members: set[str] | None = None) -> Channel:
        self._n += 1
        c = Channel(f"C{self._n:08d}", name, set(members if members is not None else {BOT}))
        self.channels.append(c)
        return c

    def fail(self, method: str, error: str, times: int | None = None, **kw: Any) -> None:
        self.faults.setdefault(method, []).append(Fault(error, times, **kw))

    def rate_limit(self, method: str, times: int, retry_after: float | str = 1) -> None:
        self.fail(method, "ratelimited", times, status=429, headers={"Retry-After": str(retry_after)})

    def raw(self, method: str, body: bytes, status: int = 200) -> None:
        self.faults.setdefault(method, []).append(Fault("", None, status=status, body=body))

    def calls(self, method: str) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["method"] == method]


def _handler(state: State) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None,
                  content_type: str = "application/json; charset=utf-8") -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def _answer(self, data: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> None:
            self._send(status, json.dumps(data).encode(), headers)

        def do_GET(self) -> None:  # noqa: N802
            self.do_POST()

        def do_POST(self) -> None:  # noqa: N802
            parts = urlsplit(self.path)
            method = parts.path.rsplit("/", 1)[-1]
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            args: dict[str, Any] = dict(parse_qsl(parts.query))
            ctype = self.headers.get("Content-Type", "")
            if ctype.startswith("application/json"):
                args.update(json.loads(raw or b"{}"))
            elif raw:
                args.update(parse_qsl(raw.decode()))
            auth = self.headers.get("Authorization", "")
            with state.lock:
                state.requests.append({"method": method, "args": args, "authorization": auth,
                                       "content_type": ctype, "path": parts.path})
                if not auth:
                    return self._answer({"ok": False, "error": "not_authed"})
                if auth != f"Bearer {TOKEN}":
                    return self._answer({"ok": False, "error": "invalid_auth"})
                faults = state.faults.get(method) or []
                if faults:
                    f = faults[0]
                    if f.times is not None:
                        f.times -= 1
                        if f.times <= 0:
                            faults.pop(0)
                    if f.body is not None:
                        return self._send(f.status, f.body, content_type="text/html")
                    return self._answer({"ok": False, "error": f.error, **f.extra}, f.status, f.headers)
                handler = getattr(self, "m_" + method.replace(".", "_"), None)
                if handler is None:
                    return self._answer({"ok": False, "error": "unknown_method"})
                return self._answer(handler(args))

        def m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
            return {"ok": True, "url": "https://acme-test.slack.com/", "team": "Acme", "user": "ownership",
                    "team_id": "T0TEAM001", "user_id": BOT, "bot_id": "B0BOT0001", "is_enterprise_install": False}

        def m_conversations_create(self, args: dict[str, Any]) -> dict[str, Any]:
            name = str(args.get("name") or "")
            if not name:
                return {"ok": False, "error": "invalid_name_required"}
            if not NAME.match(name):
                return {"ok": False, "error": "invalid_name_specials"}
            if state.channel(name):
                return {"ok": False, "error": "name_taken"}
            return {"ok": True, "channel": state.add_channel(name).to_json()}

        def m_conversations_list(self, args: dict[str, Any]) -> dict[str, Any]:
            shown = [c for c in state.channels if not (c.archived and args.get("exclude_archived") in ("1", True))]
            start = int(args.get("cursor") or "0")
            limit = min(int(args.get("limit") or 100), state.page_size)
            page = shown[start:start + limit]
            more = start + limit < len(shown)
            return {"ok": True, "channels": [c.to_json() for c in page],
                    "response_metadata": {"next_cursor": str(start + limit) if more else ""}}

        def m_conversations_invite(self, args: dict[str, Any]) -> dict[str, Any]:
            c = state.channel(str(args.get("channel") or ""))
            if c is None or not str(args.get("channel") or "").startswith("C"):
                return {"ok": False, "error": "channel_not_found"}
            if BOT not in c.members:
                return {"ok": False, "error": "not_in_channel"}
            users = [u for u in str(args.get("users") or "").split(",") if u]
            if not users:
                return {"ok": False, "error": "no_user"}
            new = [u for u in users if u not in c.members]
            if not new:
                return {"ok": False, "error": "already_in_channel"}
            c.members.update(new)
            return {"ok": True, "channel": c.to_json()}

        def m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:  # noqa: N802 (Slack's name)
            c = state.channel(str(args.get("channel") or ""))
            if c is None:
                return {"ok": False, "error": "channel_not_found"}
            if c.archived:
                return {"ok": False, "error": "is_archived"}
            if BOT not in c.members:
                return {"ok": False, "error": "not_in_channel"}
            if not args.get("text") and not args.get("blocks"):
                return {"ok": False, "error": "no_text"}
            ts = f"1772409600.{len(state.messages) + 1:06d}"
            message = {"type": "message", "subtype": "bot_message", "text": args.get("text", ""), "ts": ts,
                       "user": BOT, "bot_id": "B0BOT0001", "blocks": args.get("blocks") or []}
            state.messages.append({"channel": c.id, **message})
            return {"ok": True, "channel": c.id, "ts": ts, "message": message}

    return Handler


@contextmanager
def serve(state: State | None = None) -> Iterator[tuple[str, State]]:
    """(base URL ending in /api/, state) of a running server; stopped on exit."""
    state = state or State()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/", state
    finally:
        server.shutdown()
        server.server_close()
