"""The checks every HTTP client's section of ownership.yaml shares (`pagerduty:`, `slack:`, and each on-call
provider or chat sink added later). Kept apart from httpget/netpolicy, which import requests (~70 ms): config
checks run on every command."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ownership.model import SettingProblem


def check_client(section: str, value: Any,
                 fields: Mapping[str, tuple[type | tuple[type, ...], str]]) -> list[SettingProblem]:
    """The checks a client's section of ownership.yaml (`pagerduty:`, `slack:`) shares: a mapping of known keys,
    each of its type (a bool is never a number), an http(s) `base_url` and a positive `deadline` (the network
    policy's whole-request deadline). Each client adds its own ranges."""
    if not isinstance(value, dict):
        return [SettingProblem((), f"{section} must be a mapping ({', '.join(fields)})")]
    out: list[SettingProblem] = []
    for key, v in value.items():
        if key not in fields:
            out.append(SettingProblem((str(key),), f"{section} has no setting '{key}'; known: {', '.join(fields)}",
                                      "unknown-field"))
            continue
        types, what = fields[key]
        if isinstance(v, bool) or not isinstance(v, types):
            out.append(SettingProblem((str(key),), f"{section}.{key} must be {what}"))
    if not out and "base_url" in value and urlsplit(value["base_url"]).scheme not in ("http", "https"):
        out.append(SettingProblem(("base_url",), f"{section}.base_url must be an http(s) URL"))
    if not out and value.get("deadline", 1) <= 0:
        out.append(SettingProblem(("deadline",), f"{section}.deadline must be > 0 (seconds for a whole request)"))
    return out
