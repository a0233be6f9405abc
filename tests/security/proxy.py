"""A tiny forward HTTP proxy on 127.0.0.1 for the network-policy tests: it forwards absolute-URI requests
(`GET http://host:port/path HTTP/1.1`) to their host and relays the answer, tunnels CONNECT (https: it sees
host and port only), and records every request it saw with its Authorization header. Each connection ends by
itself after LIMIT seconds, so a regression fails on a time bound instead of hanging the suite.
"""
from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from tests.security.listening import accepting

LIMIT = 10.0


@dataclass
class Seen:
    method: str
    target: str
    authorization: str | None


@dataclass
class Proxy:
    url: str
    seen: list[Seen] = field(default_factory=list)


def _read_head(conn: socket.socket) -> tuple[bytes, bytes]:
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


def _handle(conn: socket.socket, proxy: Proxy) -> None:
    with conn:
        conn.settimeout(LIMIT)
        head, rest = _read_head(conn)
        if not head:
            return
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = (lines[0].split(" ") + ["", ""])[:3]
        fields = [line.split(":", 1) for line in lines[1:] if ":" in line]
        headers = [(k.strip(), v.strip()) for k, v in fields]
        auth = next((v for k, v in headers if k.lower() == "authorization"), None)
        proxy.seen.append(Seen(method, target, auth))
        if method == "CONNECT":
            host, _, port = target.rpartition(":")
            with socket.create_connection((host, int(port)), timeout=LIMIT) as upstream:
                conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                _tunnel(conn, upstream, rest)
            return
        if not target.startswith("http://"):
            conn.sendall(b"HTTP/1.1 405 Not Here\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        hostport, _, path = target[len("http://"):].partition("/")
        host, _, port = hostport.rpartition(":")
        length = int(next((v for k, v in headers if k.lower() == "content-length"), "0") or 0)
        while len(rest) < length:
            chunk = conn.recv(65536)
            if not chunk:
                break
            rest += chunk
        kept = [(k, v) for k, v in headers if k.lower() not in ("proxy-connection", "connection")]
        out = f"{method} /{path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in kept) + "Connection: close\r\n\r\n"
        with socket.create_connection((host, int(port)), timeout=LIMIT) as upstream:
            upstream.sendall(out.encode("latin-1") + rest)
            while True:
                try:
                    chunk = upstream.recv(65536)
                except OSError:
                    break
                if not chunk:
                    break
                conn.sendall(chunk)


def _tunnel(client: socket.socket, upstream: socket.socket, first: bytes) -> None:
    """Bytes both ways until either side closes (or LIMIT)."""
    if first:
        upstream.sendall(first)

    def pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while chunk := src.recv(65536):
                dst.sendall(chunk)
        except OSError:
            pass
        for sock in (src, dst):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    back = threading.Thread(target=pump, args=(upstream, client), daemon=True)
    back.start()
    pump(client, upstream)
    back.join(LIMIT)


@contextmanager
def forward_proxy() -> Iterator[Proxy]:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    proxy = Proxy(f"http://127.0.0.1:{listener.getsockname()[1]}")
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        try:
            _handle(conn, proxy)
        except OSError:
            pass  # either side gave up

    with accepting(listener, serve, stop, worker_join=LIMIT + 1):
        yield proxy
