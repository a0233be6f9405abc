"""The JSON Schema of ownership.yaml (`ownership schema config`), made from config.py's table SECTIONS.

Each section names its piece here (`Section.schema`); a section's keys come from the table its own module
checks them against (`history.settings.KEYS`, `pagerduty.FIELDS`, every rule's options), so a setting the
loader accepts is in the schema and one it refuses is not. The schema is for editors: it is as strict as a
type and a pattern can say, and the loader stays the judge (a range across two keys, a file that exists).
"""
from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping
from typing import Any

SCHEMA_ID = "https://ownership.dev/schemas/ownership-config-v1.json"
_NON_BLANK = {"type": "string", "pattern": r"\S"}
_TOKEN_ENV = {"type": "string", "pattern": r"^OWNERSHIP_[A-Z0-9_]+$",
              "description": "the name of an OWNERSHIP_* environment variable holding the token"}
_HTTP_URL = {"type": "string", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"}  # httpsettings.check_client, site.check


def json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of ownership.yaml: every key of SECTIONS, nothing else."""
    from ownership.config import SECTIONS

    properties = {}
    for key, section in SECTIONS.items():
        module, name = section.schema.split(":")
        piece: Callable[[], dict[str, Any]] = getattr(importlib.import_module(module), name)
        properties[key] = {"description": section.what, **piece()}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "ownership.yaml (settings of the ownership tool)",
        "type": ["object", "null"],  # an empty file is the defaults
        "properties": properties,
        "additionalProperties": False,
    }


def _closed(properties: Mapping[str, Any], *, nullable: bool = False) -> dict[str, Any]:
    return {"type": ["object", "null"] if nullable else "object", "properties": dict(properties),
            "additionalProperties": False}


def _names_to_text() -> dict[str, Any]:
    return {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}}


_JSON_TYPES: dict[type, str] = {str: "string", int: "integer", float: "number", bool: "boolean",
                                type(None): "null"}


def _typed(fields: Mapping[str, tuple[type | tuple[type, ...], str]]) -> dict[str, Any]:
    """A client's `key -> (types, what)` table (scim, pagerduty, slack) as a closed object."""
    out: dict[str, Any] = {}
    for key, (kinds, what) in fields.items():
        names = sorted({_JSON_TYPES[k] for k in (kinds if isinstance(kinds, tuple) else (kinds,))})
        if "integer" in names and "number" in names:
            names.remove("integer")
        out[key] = {"type": names[0] if len(names) == 1 else names, "description": what}
        if key.endswith("_env"):
            out[key] = _TOKEN_ENV
        elif key == "base_url":
            out[key] = {**_HTTP_URL, "description": what}
    return _closed(out)


# --------------------------------------------------------------------------- one piece per section

def path() -> dict[str, Any]:
    return {"type": "string"}


def globs() -> dict[str, Any]:
    return {"type": "array", "items": _NON_BLANK}


def fail_on() -> dict[str, Any]:
    from ownership.config import FAIL_ON_CHOICES

    return {"enum": list(FAIL_ON_CHOICES)}


def rules() -> dict[str, Any]:
    from ownership.rules import RULES
    from ownership.rules.registry import COMMON

    return _closed({
        slug: {"description": r.summary,
               **_closed({key: {"description": o.what, **o.schema} for key, o in {**COMMON, **r.options}.items()})}
        for slug, r in RULES.items()})


def roster_columns() -> dict[str, Any]:
    from ownership.roster.columns import FIELDS, PRESETS

    presets = {"enum": list(PRESETS)}
    columns = {"preset": presets, "date_format": {"type": "string", "pattern": "%"},
               **{f: {"type": "string", "minLength": 1} for f in FIELDS}}
    return {"oneOf": [presets, _closed(columns)]}


def shrink_limit() -> dict[str, Any]:
    return {"oneOf": [{"type": "string", "pattern": r"^\s*(100(\.0+)?|[0-9]{1,2}(\.[0-9]+)?)\s*%\s*$"},
                      {"type": "number", "minimum": 0, "maximum": 1}]}


def scim() -> dict[str, Any]:
    from ownership.roster.settings import SCIM_FIELDS

    return _typed(SCIM_FIELDS)


def names() -> dict[str, Any]:
    return _names_to_text()


def pagerduty() -> dict[str, Any]:
    from ownership.oncall.pagerduty import FIELDS

    return _typed(FIELDS)


def slack() -> dict[str, Any]:
    from ownership.chat.slack import FIELDS

    return _typed(FIELDS)


def history() -> dict[str, Any]:
    from ownership.history.git import PROTOCOLS
    from ownership.history.settings import KEYS

    known = {
        "windows": {"type": "array", "minItems": 1, "items": {"type": "integer", "minimum": 1},
                    "description": "activity windows in days"},
        "bots": {"type": "array", "items": {"type": "string", "minLength": 1},
                 "description": "more bot name or email patterns (`*` is the only wildcard)"},
        "cache": {"type": "string", "description": "folder of the scan and clone cache"},
        "jobs": {"type": "integer", "minimum": 1, "description": "repositories scanned at once"},
        "rewrite": {**_names_to_text(), "description": "URL prefix -> replacement URL or local folder"},
        "protocols": {"type": "array", "items": {"enum": list(PROTOCOLS)},
                      "description": "transports git may use"},
        "stall": {"type": "number", "exclusiveMinimum": 0,
                  "description": "seconds a clone or fetch may go without progress that moves data"},
        "deadline": {"type": "number", "exclusiveMinimum": 0,
                     "description": "seconds a clone or fetch may take in all before it is stopped"},
    }
    return _closed({key: known[key] for key in KEYS}, nullable=True)  # a new KEYS entry without a piece: KeyError


def codeowners() -> dict[str, Any]:
    return _closed({"org": {"type": "string", "description": "GitHub organisation"},
                    "team_handles": {"type": "object",
                                     "additionalProperties": {"type": "string", "pattern": r"^@[^/\s]+/[^/\s]+$"},
                                     "description": "team name -> @org/team"}})


def site() -> dict[str, Any]:
    from ownership.site.settings import KEYS

    known = {"title": {**_NON_BLANK, "description": "site title"},
             "pagerduty_web": {**_HTTP_URL, "description": "where escalation-policy links point"},
             "offboard_limit": {"type": "integer", "minimum": 0,
                                "description": "simulate off-boarding on person pages up to this many people"}}
    return _closed({key: known[key] for key in KEYS})


def pictures() -> dict[str, Any]:
    from ownership.render.pictures import MODES

    return {"enum": list(MODES)}


def external_owners() -> dict[str, Any]:
    from ownership.config import EXTERNAL_PATTERN

    # the loader matches without regard to case and after stripping blanks: say both in the pattern
    pattern = EXTERNAL_PATTERN.replace("(?:group:)", "(?:[Gg][Rr][Oo][Uu][Pp]:)")
    return {"type": "array", "items": {"type": "string", "pattern": re.sub(r"^\^(.*)\$$", r"^\\s*\1\\s*$", pattern)}}
