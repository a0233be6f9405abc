"""Smart-HTTP git on 127.0.0.1 (git http-backend behind http.server) that demands basic credentials.

`delay` holds every request that long (the git processes of a client live long enough to be looked at);
`trickle` makes the server answer a fetch with `remote:` progress messages only, for that many seconds, and
never with a pack (the progress trickle of issue 24)."""
from __future__ import annotations

import contextlib
import os
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

TIMEOUT = 60


class GitServer(ThreadingHTTPServer):
    """Smart-HTTP git (git http-backend) on 127.0.0.1 that answers only requests with these basic credentials."""

    daemon_threads = True

    def __init__(self, root: Path, credentials: str, delay: float = 0.0, trickle: float = 0.0) -> None:
        super().__init__(("127.0.0.1", 0), _GitHandler)
        self.root, self.credentials = root, credentials
        self.denied = 0
        self.delay, self.trickle = delay, trickle
        self.requests: list[str] = []  # the path of every request, as received
        self.stop = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _GitHandler(BaseHTTPRequestHandler):
    server: GitServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            parts = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                parts.append(self.rfile.read(size))
                self.rfile.readline()
            self.rfile.readline()
            return b"".join(parts)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _serve(self) -> None:
        body = self._body()
        self.server.requests.append(self.path)
        time.sleep(self.server.delay)
        scheme, _, credentials = self.headers.get("Authorization", "").partition(" ")
        if (scheme.lower(), credentials) != ("basic", self.server.credentials):
            self.server.denied += 1
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="git"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        path, _, query = self.path.partition("?")
        if self.server.trickle and path.endswith("/git-upload-pack"):
            self._trickle()
            return
        env = {"PATH": os.environ["PATH"], "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(self.server.root),
               "GIT_PROJECT_ROOT": str(self.server.root), "GIT_HTTP_EXPORT_ALL": "1", "PATH_INFO": path,
               "QUERY_STRING": query, "REQUEST_METHOD": self.command, "REMOTE_USER": "x-access-token",
               "REMOTE_ADDR": "127.0.0.1", "CONTENT_TYPE": self.headers.get("Content-Type", ""),
               "CONTENT_LENGTH": str(len(body)),
               # protocol v0 when trickling: its fetch answer is a NAK and then the side band, nothing more
               "GIT_PROTOCOL": "" if self.server.trickle else self.headers.get("Git-Protocol", ""),
               "HTTP_CONTENT_ENCODING": self.headers.get("Content-Encoding", "")}
        out = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True,
                             timeout=TIMEOUT).stdout
        sep = re.search(rb"\r?\n\r?\n", out)
        head, payload = (out[:sep.start()], out[sep.end():]) if sep else (out, b"")
        status, headers = 200, []
        for line in head.splitlines():
            key, _, value = line.decode("latin-1").partition(":")
            if key.lower() == "status":
                status = int(value.split()[0])
            elif key:
                headers.append((key, value.strip()))
        self.send_response(status)
        for key, value in headers:
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _trickle(self) -> None:
        """A NAK, then side-band 2 (progress) packets, 2 KB/s (above http.lowSpeedLimit), and never a pack."""
        self.send_response(200)
        self.send_header("Content-Type", "application/x-git-upload-pack-result")
        self.end_headers()
        until = time.monotonic() + self.server.trickle
        n = 0
        try:
            self.wfile.write(b"0008NAK\n")
            while time.monotonic() < until and not self.server.stop.is_set():
                n += 1
                message = f"Counting objects: {n} {'.' * 150}\r".encode()
                self.wfile.write(f"{len(message) + 5:04x}".encode() + b"\x02" + message)
                self.wfile.flush()
                time.sleep(0.05)
        except OSError:
            pass  # the client went away: what a stopped clone does

    do_GET = do_POST = _serve


@contextlib.contextmanager
def serving(server: GitServer) -> Iterator[GitServer]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
