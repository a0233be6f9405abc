"""The one network policy: every HTTP client of ownership (SCIM, PagerDuty, Slack, and every client added
later) talks to its server through a `netpolicy.Session`, and through nothing else (tests/test_layers.py
checks that no other module imports an HTTP library).

One call gives a client everything below:

    with netpolicy.Session(base_url, credentials={"Authorization": f"Bearer {token}"},
                           timeout=10, deadline=40, max_bytes=8 * MiB) as http:
        clock = http.clock()                       # one deadline for a request and all its retries
        resp = http.get(http.url("Users"), params={"count": 100}, clock=clock)
        resp = http.post(http.url("chat.postMessage"), data=b"...", headers={"Content-Type": "..."})

The rules, for every request of the session:
- One origin. The session is made for one base URL; it sends requests only to that origin (scheme, host and
  port). A request for another origin raises CrossOrigin before anything is sent; a redirect is followed only
  within the origin (at most 5), any other raises CrossOrigin with nothing sent there.
- The credentials (the headers carrying the token) go only with those requests, and only over https or plain
  http to this machine (loopback); a session for any other URL with credentials is Refused when it is made,
  unless the operator allowed plain http for it (`plain_http=True`: `scim.allow_http`).
- Proxies, or not: https goes through the operator's HTTPS_PROXY as a CONNECT tunnel (the proxy sees host and
  port, never a header) and NO_PROXY is honoured. Plain http never goes through a proxy: the proxy would read
  the token in clear, so the session ignores HTTP_PROXY/ALL_PROXY (and ~/.netrc) for it.
- A deadline on the whole request: connect, TLS, the status line, every header, every redirect and the body
  within `deadline` seconds, even when a server trickles one byte at a time (each read is also bounded by
  `timeout`). A `clock()` passed to several requests (the attempts of one request, and the waits between
  them) makes them share one deadline. Past it the request raises Deadline, whose message names the seconds.
- A cap of `max_bytes` on each body (after decompression): TooLarge.
Every exception is a requests.RequestException whose message holds no path, query or credential.
"""
from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import requests

from ownership.net import httpget
from ownership.net.httpget import CrossOrigin, Deadline, TooLarge

__all__ = ["Clock", "CrossOrigin", "Deadline", "Refused", "Session", "TooLarge"]

DEADLINE_FACTOR = 4  # the default deadline: this many read timeouts (a trickling server is a timeout)

Params = Mapping[str, Any] | Sequence[tuple[str, str]] | None


class Refused(requests.RequestException):
    """The policy refuses to send this: credentials over plain http to another machine."""


def default_deadline(timeout: float, deadline: float | None) -> float:
    """A client's deadline setting, or DEADLINE_FACTOR read timeouts when it has none."""
    return float(deadline) if deadline is not None else timeout * DEADLINE_FACTOR


class Clock:
    """One deadline shared by the requests given it: `seconds` from when it was made."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self._end - time.monotonic())

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0

    def exceeded(self) -> Deadline:
        """The error of a request that ran out of this clock."""
        return Deadline(f"the whole answer took longer than {self.seconds:g} s")


class Session:
    """Requests to the origin of `base_url` under the policy of this module (see its docstring).

    `credentials`: headers that carry a secret (Authorization, ...), sent with every request of the session and
    never anywhere else. `headers`: other headers for every request. `timeout`: seconds to connect and for each
    read. `deadline`: seconds for a whole request, retries included when they share a `clock()`. `max_bytes`:
    the body cap. `plain_http`: the operator allows credentials over plain http to another machine."""

    def __init__(self, base_url: str, *, timeout: float, deadline: float, max_bytes: int,
                 credentials: Mapping[str, str] | None = None, headers: Mapping[str, str] | None = None,
                 plain_http: bool = False) -> None:
        self.base_url = base_url
        self.origin = httpget.origin(base_url)
        self.timeout, self.deadline, self.max_bytes = timeout, deadline, max_bytes
        self._credentials = dict(credentials or {})
        if self._credentials and not plain_http and not httpget.token_may_go(base_url):
            raise Refused(f"{self.origin}: refusing to send credentials over plain http to another machine")
        self._http = requests.Session()
        self._http.headers.update(headers or {})
        if urlsplit(base_url).scheme.lower() != "https":
            self._http.trust_env = False  # no proxy (and no ~/.netrc) may read a plain-http request

    def url(self, path: str) -> str:
        """`path` below the base URL, the base URL's query kept (httpget.join)."""
        return httpget.join(self.base_url, path)

    def clock(self) -> Clock:
        """A new deadline of the session's `deadline` seconds, to share among the attempts of one request."""
        return Clock(self.deadline)

    def request(self, method: str, url: str, *, params: Params = None, data: bytes | None = None,
                headers: Mapping[str, str] | None = None, clock: Clock | None = None) -> requests.Response:
        """The whole answer to `method url` (its body read), within the deadline of `clock` (a new one when
        None). `url` must be on the session's origin. Raises Deadline, requests.Timeout (one read waited longer
        than `timeout`), TooLarge, CrossOrigin, Refused, requests.TooManyRedirects, requests.ConnectionError."""
        if httpget.origin(url) != self.origin:
            raise CrossOrigin(f"{httpget.origin(url)} is not the origin this session is for; not sent")
        clock = clock or self.clock()
        if clock.expired:
            raise clock.exceeded()
        sent = {k: v for k, v in (headers or {}).items() if k.lower() not in {c.lower() for c in self._credentials}}
        try:
            return httpget.request(self._http, method, url, timeout=self.timeout, deadline=clock.remaining(),
                                   max_bytes=self.max_bytes, params=params, headers={**sent, **self._credentials},
                                   data=data)
        except Deadline:
            raise clock.exceeded() from None

    def get(self, url: str, *, params: Params = None, headers: Mapping[str, str] | None = None,
            clock: Clock | None = None) -> requests.Response:
        return self.request("GET", url, params=params, headers=headers, clock=clock)

    def post(self, url: str, *, data: bytes | None = None, headers: Mapping[str, str] | None = None,
             clock: Clock | None = None) -> requests.Response:
        return self.request("POST", url, data=data, headers=headers, clock=clock)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
