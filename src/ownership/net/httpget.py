"""The mechanism under ownership.net.netpolicy (the one policy every HTTP client goes through): one request with
one deadline for the whole of it, a cap on the body, same-origin redirects only; and the URL helpers the
clients share (urllib.parse joins, origins, redaction, Retry-After). Clients use netpolicy.Session, not this.

requests' `timeout` bounds the connection and each socket read, not the whole answer: a server that trickles
its status line, headers or body a byte at a time would keep a pull (or a 3 a.m. page) waiting for ever. So
every socket a request uses is watched: at the deadline a timer shuts it down (`shutdown(2)` on a duplicate
of its descriptor, which wakes a read blocked in any thread, TLS or not), and the request fails as a timeout.
Name resolution is the one step a socket cannot bound; it is left to the system resolver's own timeouts.
"""
from __future__ import annotations

import contextvars
import datetime as dt
import email.utils
import socket
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests
import urllib3
from urllib3 import connection, connectionpool, poolmanager

CHUNK = 1 << 16
MiB = 1 << 20
MAX_REDIRECTS = 5  # same-origin redirects followed within one request (and its one deadline)
DEFAULT_PORTS = {"http": 80, "https": 443}


class TooLarge(requests.RequestException):
    """The answer is bigger than the cap: not retried, the server would only send it again."""


class CrossOrigin(requests.RequestException):
    """A redirect (HTTP `status`) to another scheme, host or port: not followed, its answer would not be the one
    asked, and the request's credentials would go along."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class Deadline(requests.Timeout):
    """The whole request (connect, headers and body) took longer than its deadline."""


def get(session: requests.Session, url: str, *, timeout: float, deadline: float, max_bytes: int,
        params: Mapping[str, Any] | Sequence[tuple[str, str]] | None = None,
        headers: Mapping[str, str] | None = None) -> requests.Response:
    """`request` with the method GET."""
    return request(session, "GET", url, timeout=timeout, deadline=deadline, max_bytes=max_bytes, params=params,
                   headers=headers)


def request(session: requests.Session, method: str, url: str, *, timeout: float, deadline: float, max_bytes: int,
            params: Mapping[str, Any] | Sequence[tuple[str, str]] | None = None,
            headers: Mapping[str, str] | None = None, data: bytes | None = None) -> requests.Response:
    """`session.request(method, url)` with its whole body read: connect, every same-origin redirect, status
    line, headers and body within `deadline` seconds (each connect and read within `timeout`), at most
    `max_bytes` of body after decompression, and no redirect to another origin. A 307/308 redirect repeats
    the method and body; any other turns a POST into a GET without body (as browsers and requests do).

    Raises Deadline (a requests.Timeout) at the deadline, requests.Timeout when one read waits longer than
    `timeout`, TooLarge, CrossOrigin, requests.TooManyRedirects, requests.ConnectionError. The messages of
    Deadline, TooLarge, CrossOrigin and TooManyRedirects are safe to show: no path, no query, no credentials.
    """
    if deadline <= 0:
        raise Deadline("no time left before the deadline")
    _watch_connections(session)
    watch = _Watch(deadline)
    current = _WATCH.set(watch)
    try:
        for _ in range(MAX_REDIRECTS + 1):
            resp = _one(session, method, url, timeout=timeout, max_bytes=max_bytes, params=params,
                        headers=headers, data=data, watch=watch)
            if not resp.is_redirect:
                return resp
            target = urljoin(resp.url, resp.headers["Location"])
            resp.close()
            if origin(target) != origin(url):
                raise CrossOrigin(f"redirected to another origin ({origin(target)}); not followed", resp.status_code)
            if resp.status_code not in (307, 308) and method != "HEAD":
                method, data = "GET", None
            url, params = target, None  # the Location is the whole URL, query included
        raise requests.TooManyRedirects(f"more than {MAX_REDIRECTS} redirects")
    except requests.RequestException as exc:
        if watch.expired and not isinstance(exc, Deadline):
            raise Deadline(f"the whole answer took longer than {deadline:g} s") from exc
        raise
    finally:
        _WATCH.reset(current)
        watch.close()


def _one(session: requests.Session, method: str, url: str, *, timeout: float, max_bytes: int,
         params: Mapping[str, Any] | Sequence[tuple[str, str]] | None, headers: Mapping[str, str] | None,
         data: bytes | None, watch: _Watch) -> requests.Response:
    # the watch starts on a connected socket: the TCP connect itself is bounded by its timeout here
    connect = min(timeout, max(watch.seconds - watch.elapsed(), 0.001))
    resp = session.request(method, url, params=params, headers=dict(headers or {}), data=data,
                           timeout=(connect, timeout), stream=True, allow_redirects=False)
    try:
        declared = resp.headers.get("Content-Length", "").strip()
        if declared.isdigit() and int(declared) > max_bytes:
            raise TooLarge(f"the answer declares {int(declared)} bytes, more than the cap of {_size(max_bytes)}")
        # read1: what has arrived, in one system call (read() would wait for a whole chunk, byte by byte)
        read = getattr(resp.raw, "read1", None) or resp.raw.read
        chunks, size = [], 0
        while not watch.expired:
            try:
                chunk = read(CHUNK, decode_content=True)
            except urllib3.exceptions.ReadTimeoutError as exc:
                raise requests.Timeout(f"no data for {timeout:g} s") from exc
            except (urllib3.exceptions.HTTPError, OSError) as exc:  # as requests would name them
                raise requests.ConnectionError(f"the answer broke off: {type(exc).__name__}") from exc
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:  # counted after decompression: a small gzip bomb is still too large
                raise TooLarge(f"the answer is larger than the cap of {_size(max_bytes)}")
            chunks.append(chunk)
        if watch.expired:  # a body cut off by the deadline may look complete: never use it
            raise Deadline(f"the whole answer took longer than {watch.seconds:g} s")
        resp._content = b"".join(chunks)  # what requests itself sets once a body is read
    except BaseException:
        resp.close()
        raise
    return resp


def origin(url: str) -> str:
    """scheme://host:port of `url`, the port always written out (no userinfo, path or query)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or DEFAULT_PORTS.get(scheme)
    except ValueError:
        port = None
    host = parts.hostname or ""
    return f"{scheme}://{f'[{host}]' if ':' in host else host}:{port}"


def join(base: str, path: str) -> str:
    """`base` with `path` added to its path, its query kept where it was: `https://h/scim/v2?tenant=a` and
    `Users` give `https://h/scim/v2/Users?tenant=a`. The fragment is dropped (it is never sent)."""
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"{parts.path.rstrip('/')}/{path.lstrip('/')}", parts.query,
                       ""))


def _size(n: int) -> str:
    return f"{n / MiB:g} MiB" if n >= MiB else f"{n} bytes"


def redact_url(url: str, keep_query: bool = True) -> str:
    """The URL without user:password@ and with credentials masked (ownership.support.redact); without its query too
    when `keep_query` is false."""
    from ownership.support import redact

    return redact.url(url, keep_query=keep_query, keep_userinfo_mask=False)


def token_may_go(url: str) -> bool:
    """Whether a client may send its token to `url`: https, or plain http to this machine (local test servers
    and proxies; the token never leaves it: netpolicy never sends plain http through a proxy). netpolicy.Session
    asks this when it is made; PagerDuty and Slack ask it first, to say so in their own words."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and _loopback(parts.hostname or "")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    import ipaddress

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: a number, or an HTTP date (RFC 9110 10.2.3); None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return max(0.0, (when - dt.datetime.now(dt.timezone.utc)).total_seconds())


# --------------------------------------------------------------------------- the deadline's watch


class _Watch:
    """The sockets of one request; at the deadline each is shut down, so a blocked read returns at once."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._started = time.monotonic()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def elapsed(self) -> float:
        return time.monotonic() - self._started

    def add(self, sock: socket.socket | None) -> None:
        if sock is None or sock.fileno() < 0:
            return
        # a duplicate descriptor of the same socket: shutdown(2) acts on the socket, and closing the duplicate
        # later leaves the connection (and its descriptor, which may be a TLS socket's) alone
        dup = socket.socket(sock.family, sock.type, sock.proto, fileno=socket.dup(sock.fileno()))
        with self._lock:
            self._sockets.append(dup)
            if self.expired:
                _shut(dup)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed by the other side


_WATCH: contextvars.ContextVar[_Watch | None] = contextvars.ContextVar("httpget_watch", default=None)


def _watch(sock: socket.socket | None) -> None:
    watch = _WATCH.get()
    if watch is not None:
        watch.add(sock)


class _HTTPConnection(connection.HTTPConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _watch(sock)  # from here on: TLS handshake, proxy tunnel, sending the request
        return sock

    def getresponse(self) -> urllib3.response.HTTPResponse:  # type: ignore[override]
        _watch(self.sock)  # a kept-alive connection from an earlier request
        return super().getresponse()


class _HTTPSConnection(connection.HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _watch(sock)
        return sock

    def getresponse(self) -> urllib3.response.HTTPResponse:  # type: ignore[override]
        _watch(self.sock)
        return super().getresponse()


class _HTTPPool(connectionpool.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(connectionpool.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


def _use_watched_pools(manager: poolmanager.PoolManager) -> None:
    # only urllib3's stock pools are replaced (a SOCKS proxy keeps its own; its reads stay bounded one by one)
    if manager.pool_classes_by_scheme is poolmanager.pool_classes_by_scheme:
        manager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


class _Adapter(requests.adapters.HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        _use_watched_pools(self.poolmanager)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        _use_watched_pools(manager)
        return manager


def _watch_connections(session: requests.Session) -> None:
    """Mount the watched adapter on `session` (once), so that `get` can enforce its deadline."""
    for prefix in ("http://", "https://"):
        if not isinstance(session.adapters.get(prefix), _Adapter):
            session.mount(prefix, _Adapter())
