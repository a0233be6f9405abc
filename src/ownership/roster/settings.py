"""Roster settings from ownership.yaml: column mapping, SCIM client, identity and shrink guard.

The roster owns six top-level keys (KEYS); `check_<key>(value)` checks each when the config is loaded (so a
typo is reported at its file:line:col), and `RosterSettings.from_values(values, relative)` turns the checked
values into typed settings with defaults. Nothing here reads ownership.yaml itself: callers pass the values.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ownership.model import SettingProblem
from ownership.roster.columns import FIELDS, PRESETS, Columns

KEYS = ("roster_columns", "roster_shrink_limit", "scim", "aliases", "team_map", "mailmap")
DEFAULT_SHRINK_LIMIT = 0.10
DEFAULT_TOKEN_ENV = "OWNERSHIP_SCIM_TOKEN"



def is_url(source: str) -> bool:
    """Whether a roster source (`roster:`, --roster) is an http(s):// URL (which source reads it is the
    registry's choice, ownership.roster.source_for)."""
    return source.lower().startswith(("http://", "https://"))


@dataclass(frozen=True)
class ScimSettings:
    token_env: str = DEFAULT_TOKEN_ENV
    page_size: int = 100
    timeout: float = 10.0  # seconds, for connecting and for each read
    deadline: float | None = None  # seconds for a whole page, retries included; None: 4 x timeout
    retries: int = 3  # further attempts after the first, on 429, 5xx, timeouts and connection errors
    backoff: float = 0.5  # first wait; doubles each attempt
    max_retry_after: float = 30.0  # longest wait honoured from a Retry-After header (or backoff)
    sort_by: str | None = "userName"  # a stable order, so paging neither skips nor repeats anyone
    allow_http: bool = False  # plain http sends the token in clear text; allowed for loopback hosts only
    # the attributes holding a user's Slack handle or member id and PagerDuty user (extension attributes, as
    # RFC 7644 names them: `urn:...:User:slackId`, or a core `name.sub`); None = not read
    slack_attribute: str | None = None
    pagerduty_attribute: str | None = None


# key -> (type check, description) for the `scim:` mapping
SCIM_FIELDS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "token_env": (str, "the name of an OWNERSHIP_* environment variable"),
    "page_size": (int, "a whole number from 1 to 1000"),
    "timeout": ((int, float), "seconds, more than 0"),
    "deadline": ((int, float), "seconds, more than 0"),
    "retries": (int, "a whole number from 0 to 10"),
    "backoff": ((int, float), "seconds, 0 or more"),
    "max_retry_after": ((int, float), "seconds, 0 or more"),
    "sort_by": ((str, type(None)), "a SCIM attribute name, or null for the server's order"),
    "allow_http": (bool, "true or false"),
    "slack_attribute": ((str, type(None)), "a SCIM attribute name such as "
                                           "'urn:ietf:params:scim:schemas:extension:acme:2.0:User:slackId'"),
    "pagerduty_attribute": ((str, type(None)), "a SCIM attribute name such as "
                                               "'urn:ietf:params:scim:schemas:extension:acme:2.0:User:pagerDutyId'"),
}
# a SCIM attribute: optionally its schema URN, then a name and at most one sub-attribute (RFC 7644 3.10)
ATTRIBUTE_RE = re.compile(r"^(?:urn:[A-Za-z0-9][\w.:-]*:)?[A-Za-z][\w$-]*(?:\.[A-Za-z][\w$-]*)?$")


@dataclass(frozen=True)
class RosterSettings:
    columns: Columns = field(default_factory=Columns)
    scim: ScimSettings = field(default_factory=ScimSettings)
    aliases: Mapping[str, str] = field(default_factory=dict)
    team_map: Mapping[str, str] = field(default_factory=dict)
    mailmap: str | None = None  # path of a .mailmap file
    shrink_limit: float = DEFAULT_SHRINK_LIMIT
    # ownership.yaml's checked top-level values, where a source finds its own section (section())
    values: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def section(self, key: str) -> Mapping[str, Any]:
        """The checked value of a roster source's own section of ownership.yaml (source.SourceSection), {} when
        it is absent."""
        value = self.values.get(key)
        return value if isinstance(value, Mapping) else {}

    @classmethod
    def from_values(cls, values: Mapping[str, Any], relative: Callable[[str], str]) -> RosterSettings:
        """Settings from the already checked top-level values (a config's values: only KEYS are read);
        `relative` resolves the mailmap path against ownership.yaml."""
        scim = dict(values.get("scim") or {})
        mailmap = values.get("mailmap")
        return cls(
            columns=Columns.from_setting(values.get("roster_columns")),
            scim=ScimSettings(**scim),
            aliases={str(k): str(v) for k, v in (values.get("aliases") or {}).items()},
            team_map={str(k): str(v) for k, v in (values.get("team_map") or {}).items()},
            mailmap=relative(mailmap) if mailmap else None,
            shrink_limit=parse_limit(values.get("roster_shrink_limit", DEFAULT_SHRINK_LIMIT)),
            values=values,
        )


def parse_limit(value: Any) -> float:
    """`10%` or a fraction such as 0.1 -> 0.1."""
    if isinstance(value, str):
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*%\s*", value)
        if not m:
            raise ValueError(value)
        return float(m.group(1)) / 100
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(value)
    return float(value)


def _names(key: str, value: Any) -> list[SettingProblem]:
    if not isinstance(value, dict) or not all(isinstance(v, str) and v for v in value.values()):
        return [SettingProblem((), f"{key} must map names to non-empty strings")]
    return []


def check_aliases(value: Any) -> list[SettingProblem]:
    return _names("aliases", value)


def check_team_map(value: Any) -> list[SettingProblem]:
    return _names("team_map", value)


def check_mailmap(value: Any) -> list[SettingProblem]:
    return [] if isinstance(value, str) else [SettingProblem((), "mailmap must be the path of a .mailmap file")]


def check_shrink_limit(value: Any) -> list[SettingProblem]:
    try:
        limit = parse_limit(value)
    except ValueError:
        return [SettingProblem((), "roster_shrink_limit must be a percentage such as '10%' or a fraction such "
                                   "as 0.1")]
    if not 0 <= limit <= 1:
        return [SettingProblem((), "roster_shrink_limit must be between 0% and 100%")]
    return []


def check_columns(value: Any) -> list[SettingProblem]:
    presets = " | ".join(PRESETS)
    if isinstance(value, str):
        return [] if value in PRESETS else [SettingProblem((), f"roster_columns: unknown preset '{value}' "
                                                               f"(known: {presets})")]
    if not isinstance(value, dict):
        return [SettingProblem((), f"roster_columns must be a preset ({presets}) or a mapping of field -> column")]
    out: list[SettingProblem] = []
    for k, v in value.items():
        if k == "preset":
            if v not in PRESETS:
                out.append(SettingProblem((k,), f"roster_columns.preset: unknown preset '{v}' (known: {presets})"))
        elif k == "date_format":
            if not isinstance(v, str) or "%" not in v:
                out.append(SettingProblem((k,), "roster_columns.date_format must be a strftime format such as "
                                                "'%m/%d/%Y'"))
        elif k not in FIELDS:
            out.append(SettingProblem((str(k),), f"roster_columns: unknown field '{k}' (known: preset, "
                                                 f"date_format, {', '.join(FIELDS)})", "unknown-field"))
        elif not isinstance(v, str) or not v:
            out.append(SettingProblem((k,), f"roster_columns.{k} must be a column name"))
    return out


def check_scim(value: Any) -> list[SettingProblem]:
    if not isinstance(value, dict):
        return [SettingProblem((), "scim must be a mapping (token_env, page_size, timeout, retries, "
                                   "max_retry_after, ...)")]
    out: list[SettingProblem] = []
    for k, v in value.items():
        if k not in SCIM_FIELDS:
            out.append(SettingProblem((str(k),), f"scim: unknown setting '{k}' (known: {', '.join(SCIM_FIELDS)})",
                                      "unknown-field"))
            continue
        kind, what = SCIM_FIELDS[k]
        bad = (not isinstance(v, kind)) or (isinstance(v, bool) and kind is not bool)
        if not bad and k == "page_size":
            bad = not 1 <= v <= 1000
        elif not bad and k == "retries":
            bad = not 0 <= v <= 10
        elif not bad and k in ("timeout", "deadline"):
            bad = v <= 0
        elif not bad and k in ("backoff", "max_retry_after"):
            bad = v < 0
        elif not bad and k == "token_env":
            bad = not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", v)
        elif not bad and k in ("slack_attribute", "pagerduty_attribute") and v is not None:
            bad = ATTRIBUTE_RE.match(v) is None
        if bad:
            out.append(SettingProblem((k,), f"scim.{k} must be {what}"))
    return out
