"""What the SCIM and PagerDuty clients share about one HTTP GET: a deadline for the whole answer, and
Retry-After.

requests' `timeout` bounds the connection and each read, not the whole body: a server that trickles a byte
every few seconds would keep a pull (or a 3 a.m. page) waiting for ever. Bodies are read here in chunks
against a deadline instead.
"""
from __future__ import annotations

import datetime as dt
import email.utils
import time
from collections.abc import Mapping, Sequence
from typing import Any

import requests
import urllib3

CHUNK = 1 << 16


def get(session: requests.Session, url: str, *, timeout: float, deadline: float,
        params: Mapping[str, Any] | Sequence[tuple[str, str]] | None = None,
        headers: Mapping[str, str] | None = None, allow_redirects: bool = True) -> requests.Response:
    """`session.get` whose whole answer (headers and body) must arrive within `deadline` seconds.

    Raises requests.Timeout when it does not, like a read timeout would.
    """
    start = time.monotonic()
    resp = session.get(url, params=params, headers=dict(headers or {}), timeout=(timeout, timeout), stream=True,
                       allow_redirects=allow_redirects)
    # read1: what has arrived, in one system call (read() would wait for a whole chunk, byte by byte)
    read = getattr(resp.raw, "read1", None) or resp.raw.read
    try:
        chunks = []
        while True:
            if time.monotonic() - start > deadline:
                raise requests.Timeout(f"the answer took longer than {deadline:g} s")
            try:
                chunk = read(CHUNK, decode_content=True)
            except urllib3.exceptions.ReadTimeoutError as exc:
                raise requests.Timeout(str(exc)) from exc
            except (urllib3.exceptions.HTTPError, OSError) as exc:  # as requests would name them
                raise requests.ConnectionError(f"the answer broke off: {type(exc).__name__}") from exc
            if not chunk:
                break
            chunks.append(chunk)
        resp._content = b"".join(chunks)  # what requests itself sets once a body is read
    except BaseException:
        resp.close()
        raise
    return resp


def redact_url(url: str, keep_query: bool = True) -> str:
    """The URL without user:password@ and with credentials masked (ownership.redact); without its query too
    when `keep_query` is false."""
    from ownership import redact

    return redact.url(url, keep_query=keep_query, keep_userinfo_mask=False)


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
