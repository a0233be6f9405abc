"""What an earlier report.json must look like before this week's report believes it.

The history folder travels on a branch and between CI jobs; a file there may be damaged or hand-edited. Only
the keys this week's report reads from an earlier one are checked (diff.changes and document.health): a key
may be missing (an older report, "missing keys count as empty"), but a key that is present has its type. One
bad week is skipped with a warning naming the file and the key, never believed and never a traceback.
Pure: no I/O.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[Any], bool]


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _number_or_null(v: Any) -> bool:
    return v is None or _number(v)


def _text(v: Any) -> bool:
    return isinstance(v, str)


def _text_or_null(v: Any) -> bool:
    return v is None or isinstance(v, str)


def _list_of(item: Check) -> Check:
    return lambda v: isinstance(v, list) and all(item(x) for x in v)


def _object_with(fields: Mapping[str, Check]) -> Check:
    return lambda v: isinstance(v, dict) and _first_bad(v, fields) is None


def _first_bad(doc: Mapping[str, Any], fields: Mapping[str, Check]) -> str | None:
    for key, ok in fields.items():
        if key in doc and not ok(doc[key]):
            return key
    return None


# headline numbers: every count and percentage is a number or null (null = "could not be said")
_COUNTS = _object_with({k: _number for k in ("error", "warning", "info")})
_HEADLINE: dict[str, Check] = {"findings": _COUNTS}
_FINDING = _object_with({"rule": _text, "severity": _text, "subject": _text, "message": _text,
                         "evidence": lambda v: v is None or isinstance(v, dict)})
_LEAVER = _object_with({"person": _text_or_null})

# what this week's report reads from an earlier report.json, and the type each must have
FIELDS: dict[str, Check] = {
    "date": _text,
    "orphaned": _list_of(_text),
    "leavers": _list_of(_LEAVER),
    "findings": _list_of(_FINDING),
}


def problem(doc: Mapping[str, Any]) -> str | None:
    """The key path of the first value of the wrong type (`headline.employed_owner_pct`), or None."""
    bad = _first_bad(doc, FIELDS)
    if bad is not None:
        return bad
    head = doc.get("headline", {})
    if not isinstance(head, dict):
        return "headline"
    bad = _first_bad(head, _HEADLINE)
    if bad is not None:
        return f"headline.{bad}"
    for key, value in head.items():
        if key != "findings" and not _number_or_null(value):
            return f"headline.{key}"
    return None
