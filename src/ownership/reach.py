"""The one check of how a person is reached besides email (model.Reach), for every source that has it: the
roster's columns and SCIM (roster/), Backstage Users' annotations and links (catalog/backstage_model.py).

Values are data from outside: each is stripped, and refused (None and a reason, which the source reports
as a warning and drops the value; never an error that stops a load) when it is longer than MAX_LENGTH, holds
a control, invisible or text-direction character, or is not of its kind's shape:

- Slack: a handle (`@alice`, `alice.smith`) or a member id (`U024BE7LH`, `W…`); a Slack profile URL
  (`https://WORKSPACE.slack.com/team/U024BE7LH`) gives its member id.
- phone: digits with `+`, blanks, `-`, `.`, `/` and parentheses, at least 3 digits and at most 20, and an
  optional extension (`x123`, `ext. 123`, `;ext=123`); a `tel:` URL gives its number.
- PagerDuty: a user id (`PXPGF42`) or the user's web page (`https://SUBDOMAIN.pagerduty.com/users/PXPGF42`,
  also `…eu.pagerduty.com`), kept as written.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from ownership.catalog.schema import invisible_character
from ownership.model import SLACK_ID_RE, Reach

MAX_LENGTH = 200
HANDLE_KINDS = ("pagerduty",)  # on-call providers whose user ids people carry: model.Reach.handles keys
KINDS = ("slack", "phone", *HANDLE_KINDS)
SHOWN = 40  # characters of a refused value quoted in its reason

_HANDLE = re.compile(r"^@?[\w][\w.\-']{0,79}$")
_SLACK_URL = re.compile(r"^https://[a-z0-9][a-z0-9-]*\.(?:enterprise\.)?slack\.com/team/([UW][A-Z0-9]{6,})/?$",
                        re.IGNORECASE)
_PHONE = re.compile(r"^\+?[0-9(][0-9 ()./-]*[0-9)](?:\s*(?:x|ext\.?|;ext=)\s*[0-9]{1,6})?$", re.IGNORECASE)
_PAGERDUTY_ID = re.compile(r"^[A-Z0-9]{2,20}$")
_PAGERDUTY_URL = re.compile(r"^https://[a-z0-9][a-z0-9-]*(?:\.eu)?\.pagerduty\.com/users/[A-Z0-9]{2,20}/?$",
                            re.IGNORECASE)
_WHAT = {"slack": "a Slack handle (@name) or member id (U…)",
         "phone": "a phone number (+1 555 0100, tel:+15550100)",
         "pagerduty": "a PagerDuty user id (PXPGF42) or user URL (https://SUBDOMAIN.pagerduty.com/users/PXPGF42)"}


def check(kind: str, value: object) -> tuple[str | None, str | None]:
    """(the value to keep, None), or (None, why it is refused); (None, None) for an empty value."""
    if value is None or isinstance(value, bool):
        return (None, None) if value is None else (None, f"the value is not {_WHAT[kind]}")
    raw = str(value) if isinstance(value, (str, int)) else None
    if raw is None:
        return None, f"the value is not {_WHAT[kind]} (a {type(value).__name__})"
    text = raw.strip()
    if not text:
        return None, None
    if len(text) > MAX_LENGTH:
        return None, f"the value is longer than {MAX_LENGTH} characters"
    bad = _control(text)
    if bad:
        return None, f"the value has the character {bad}"
    kept = {"slack": _slack, "phone": _phone, "pagerduty": _pagerduty}[kind](text)
    if kept is None:
        return None, f"'{text[:SHOWN]}{'…' if len(text) > SHOWN else ''}' is not {_WHAT[kind]}"
    return kept, None


def reach(slack: object = None, phone: object = None,
          pagerduty: object = None) -> tuple[Reach | None, list[tuple[str, str]]]:
    """The Reach of these values (None when none is kept), and (kind, why) for each refused one."""
    kept: dict[str, str | None] = {}
    problems: list[tuple[str, str]] = []
    for kind, value in zip(KINDS, (slack, phone, pagerduty)):
        kept[kind], why = check(kind, value)
        if why:
            problems.append((kind, why))
    found = of(kept)
    return (found or None), problems


def of(values: Mapping[str, str | None]) -> Reach:
    """The Reach of kind -> kept value (KINDS): Slack and phone as they are, each provider's user in `handles`."""
    return Reach(values.get("slack"), values.get("phone"),
                 {k: v for k in HANDLE_KINDS if (v := values.get(k))})


def value(r: Reach, kind: str) -> str | None:
    """The value of one kind (KINDS) of a Reach."""
    return r.handles.get(kind) if kind in HANDLE_KINDS else getattr(r, kind)


def from_link(url: str) -> tuple[str, str] | None:
    """(kind, the raw value) when a link URL is a contact: `tel:`, a Slack profile or a PagerDuty user URL;
    else None (check() then judges the value)."""
    u = url.strip()
    if u.lower().startswith("tel:"):
        return "phone", u
    if _SLACK_URL.match(u):
        return "slack", u
    if _PAGERDUTY_URL.match(u):
        return "pagerduty", u
    return None


def _control(text: str) -> str | None:
    for ch in text:
        if unicodedata.category(ch) == "Cc":
            return f"U+{ord(ch):04X} (a control character)"
    found = invisible_character(text)
    return found[1] if found else None


def _slack(text: str) -> str | None:
    m = _SLACK_URL.match(text)
    if m:
        return m.group(1).upper()
    if SLACK_ID_RE.match(text) or _HANDLE.match(text):
        return text
    return None


def _phone(text: str) -> str | None:
    number = text[4:].strip() if text.lower().startswith("tel:") else text
    main = re.split(r"(?i)\s*(?:x|ext\.?|;ext=)\s*(?=[0-9]+$)", number)[0]
    digits = sum(c.isdigit() for c in main)
    if _PHONE.match(number) and 3 <= digits <= 20:
        return number
    return None


def _pagerduty(text: str) -> str | None:
    if _PAGERDUTY_ID.match(text):
        return text
    if _PAGERDUTY_URL.match(text):
        return text.rstrip("/")
    return None
