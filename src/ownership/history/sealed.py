"""State files sealed with a checksum of their own bytes, so damage is noticed before anything is believed.

A sealed file is one JSON object whose last key is `"sha256"`: the digest of the bytes the object had without
it (`json.dumps` of the payload, compact, ASCII). The file stays plain JSON (`jq` reads it), and checking it
costs one pass of sha256 over the bytes already read, before they are decoded:

    {"format":...,"version":3,...,"state":{...},"sha256":"<64 hex digits>"}
    sha256 of: {"format":...,"version":3,...,"state":{...}}

A checksum guards against damage on the way (a byte changed by a disk, an upload, a hand edit), not against
someone who means harm and can write the file: they can compute it too. What a state may contain is checked
by its reader anyway (RepoState.from_json, shards.py), and loading one never runs code (JSON, not pickle).
"""
from __future__ import annotations

import hashlib
import json
import re
from typing import Any

KEY = "sha256"
_TAIL = re.compile(rb',"sha256":"([0-9a-f]{64})"\}\Z')
_TAIL_LEN = len(',"sha256":"') + 64 + len('"}')


class Damaged(ValueError):
    """A sealed file whose bytes are not the ones its checksum was made of (or that lost its checksum)."""


def seal(data: dict[str, Any]) -> bytes:
    """`data` (a non-empty dict without a "sha256" key) as the bytes of a sealed file."""
    if not data or KEY in data:
        raise ValueError("only a non-empty payload without its own checksum can be sealed")
    # ensure_ascii keeps undecodable path bytes (lone surrogates) representable as \udcXX escapes;
    # dumps() rather than dump(): one pass of the C encoder instead of thousands of small writes
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=True).encode("ascii")
    digest = hashlib.sha256(body).hexdigest().encode("ascii")
    return body[:-1] + b',"' + KEY.encode() + b'":"' + digest + b'"}'


def is_sealed(raw: bytes) -> bool:
    """Whether `raw` ends with a checksum (it may still not match)."""
    return _TAIL.search(raw, max(0, len(raw) - _TAIL_LEN)) is not None


def verify(raw: bytes) -> None:
    """Raise Damaged unless `raw` is a sealed file whose checksum matches its bytes."""
    tail = _TAIL.search(raw, max(0, len(raw) - _TAIL_LEN))
    if tail is None:
        raise Damaged("no checksum")
    digest = hashlib.sha256(memoryview(raw)[:len(raw) - _TAIL_LEN])
    digest.update(b"}")
    if digest.hexdigest().encode("ascii") != tail.group(1):
        raise Damaged("checksum mismatch")
