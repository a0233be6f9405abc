"""Column mappings: which column of an HR export holds which Person field, and one record -> one Person.

Presets cover a BambooHR-style export, a Workday-report-style export and this tool's own snapshot format
("native"). Each preset field lists candidate columns; the first present in the header is used. Columns named
in ownership.yaml (`roster_columns`) must exist. Header names match case-insensitively.

The contact columns (slack, phone, pagerduty: model.Reach) are optional and checked by ownership/reach.py; a
value it refuses is dropped with a warning (`to_person`'s `dropped`), never an error: one bad phone number
must not make the whole roster unusable.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ownership import reach
from ownership.model import Location, Person, Reach

FIELDS = ("id", "email", "emails", "usernames", "name", "first_name", "last_name", "active", "end_date",
          "team", "manager", "title", *reach.KINDS)

PRESETS: dict[str, dict[str, tuple[str, ...]]] = {
    "native": {
        "id": ("id",), "email": ("email",), "emails": ("emails", "secondary_emails"),
        "usernames": ("usernames", "username", "github"), "name": ("name", "display_name"),
        "first_name": ("first_name",), "last_name": ("last_name",), "active": ("active", "status"),
        "end_date": ("end_date", "termination_date"), "team": ("team", "department"),
        "manager": ("manager", "manager_id"), "title": ("title",),
        "slack": ("slack", "slack_id", "slack_user_id", "slack_handle", "slack id", "slack handle"),
        "phone": ("phone", "phone_number", "work_phone", "mobile", "mobile_phone", "phone number"),
        "pagerduty": ("pagerduty", "pagerduty_user", "pagerduty_user_id", "pagerduty_id", "pagerduty user"),
    },
    "bamboohr": {
        "id": ("id", "employeeId", "employeeNumber"), "email": ("workEmail",),
        "emails": ("secondaryEmail", "otherEmails", "homeEmail"),
        "usernames": ("githubUsername", "username", "customGitHubUsername"),
        "name": ("displayName",), "first_name": ("firstName",), "last_name": ("lastName",),
        "active": ("status", "employmentStatus"), "end_date": ("terminationDate",),
        "team": ("department",), "manager": ("supervisorEId", "supervisorId"), "title": ("jobTitle",),
        "slack": ("slackUsername", "customSlackUsername", "slack"), "phone": ("workPhone", "mobilePhone"),
        "pagerduty": ("pagerDutyUser", "customPagerDutyUser", "pagerduty"),
    },
    "workday": {
        "id": ("Employee_ID", "Worker_ID"), "email": ("Email", "Work_Email", "Email_Address"),
        "emails": ("Secondary_Email", "Other_Emails"), "usernames": ("GitHub_Username", "Username", "User_Name"),
        "name": ("Worker", "Preferred_Name", "Legal_Name"), "first_name": ("First_Name",),
        "last_name": ("Last_Name",), "active": ("Active_Status", "Worker_Status", "Status"),
        "end_date": ("Termination_Date",), "team": ("Team_Name", "Team", "Department", "Cost_Center"),
        "manager": ("Manager_ID", "Manager_Employee_ID"), "title": ("Business_Title", "Job_Title"),
        "slack": ("Slack_ID", "Slack_Handle", "Slack"), "phone": ("Work_Phone", "Primary_Work_Phone", "Mobile_Phone"),
        "pagerduty": ("PagerDuty_User", "PagerDuty_ID", "PagerDuty"),
    },
}
# a header that has one of these is that preset's export (when ownership.yaml names no preset)
_MARKERS = {"bamboohr": ("workEmail", "supervisorEId", "terminationDate"),
            "workday": ("Employee_ID", "Manager_ID", "Termination_Date", "Team_Name")}

_ACTIVE = {"active", "true", "yes", "y", "1", "a", "on leave", "leave", "leave of absence", "employed"}
_INACTIVE = {"inactive", "terminated", "false", "no", "n", "0", "t", "former", "left", "separated", "i"}
_NO_DATE = {"", "0000-00-00", "null", "none", "n/a", "-"}  # BambooHR writes 0000-00-00 for "no date"
_ISO = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ][0-9:.+\-Z]*)?$")
_SPLIT = re.compile(r"[;,\s]+")


class RowProblem(Exception):
    """One record cannot be read; the caller adds file:row."""


@dataclass(frozen=True)
class Columns:
    """A column mapping: a preset (None = detect from the header) plus fields pinned in ownership.yaml."""

    preset: str | None = None
    pinned: Mapping[str, str] = field(default_factory=dict)
    date_format: str | None = None

    @classmethod
    def from_setting(cls, value: Any) -> Columns:
        if isinstance(value, str):
            return cls(preset=value)
        if isinstance(value, dict):
            pinned = {k: v for k, v in value.items() if k in FIELDS}
            return cls(value.get("preset"), pinned, value.get("date_format"))
        return cls()

    def bind(self, header: Sequence[str]) -> tuple[dict[str, str], str]:
        """Field -> the header's column for it, and the preset used. Raises RowProblem for missing columns."""
        by_fold = {_fold(h): h for h in header if h}
        preset = self.preset or detect(header)
        bound: dict[str, str] = {}
        for name, candidates in PRESETS[preset].items():
            for c in candidates:
                if _fold(c) in by_fold:
                    bound[name] = by_fold[_fold(c)]
                    break
        for name, column in self.pinned.items():
            if _fold(column) not in by_fold:
                raise RowProblem(f"no column '{column}' (roster_columns.{name} in ownership.yaml); the header "
                                 f"has: {', '.join(h for h in header if h)}")
            bound[name] = by_fold[_fold(column)]
        if "email" not in bound and "emails" not in bound:
            # emails are how the catalog names people; a roster without them resolves nobody
            wanted = " or ".join(f"'{c}'" for c in PRESETS[preset]["email"] + PRESETS[preset]["emails"])
            raise RowProblem(f"missing column: no {wanted} column ({preset} layout); map one with "
                             "roster_columns in ownership.yaml")
        return bound, preset


def detect(header: Sequence[str]) -> str:
    folded = {_fold(h) for h in header}
    for preset, markers in _MARKERS.items():
        if any(_fold(m) in folded for m in markers):
            return preset
    return "native"


def to_person(record: Mapping[str, Any], bound: Mapping[str, str], where: Location,
              date_format: str | None = None, dropped: list[str] | None = None) -> Person:
    """One record (column -> value) as a Person; raises RowProblem naming the column and the bad value. A
    contact value reach.py refuses is left out, and why is appended to `dropped` (`column 'phone' ...`)."""

    def text(name: str) -> str:
        return _text(record.get(bound[name])) if name in bound else ""

    def items(name: str) -> list[str]:
        return _items(record.get(bound[name])) if name in bound else []

    emails = _unique([e for e in [text("email"), *items("emails")] if e])
    for e in emails:
        if "@" not in e or " " in e:
            raise RowProblem(f"'{e}' in column '{bound.get('email', bound.get('emails'))}' is not an email")
    pid = text("id") or (emails[0].lower() if emails else "")
    if not pid:
        raise RowProblem("no id and no email: the person cannot be identified")
    name = text("name") or " ".join(p for p in (text("first_name"), text("last_name")) if p) or None
    active = True
    if "active" in bound:
        active = _active(record.get(bound["active"]), bound["active"])
    end_date = _date(record.get(bound["end_date"]), bound["end_date"], date_format) if "end_date" in bound else None
    return Person(id=pid, emails=tuple(emails), usernames=tuple(_unique(items("usernames"))), name=name,
                  active=active, end_date=end_date, team=text("team") or None, manager=text("manager") or None,
                  title=text("title") or None, location=where, reach=_reach(record, bound, dropped))


def _reach(record: Mapping[str, Any], bound: Mapping[str, str], dropped: list[str] | None) -> Reach | None:
    found, problems = reach.reach(**{k: record.get(bound[k]) if k in bound else None for k in reach.KINDS})
    if dropped is not None:
        dropped += [f"column '{bound[kind]}': {why}; it is not used" for kind, why in problems]
    return found


def _fold(column: str) -> str:
    return column.strip().lower()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _items(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [t for t in (_text(v) for v in value) if t]
    return [t for t in _SPLIT.split(_text(value)) if t]


def _unique(values: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for v in values:
        if v.lower() not in seen:
            seen.add(v.lower())
            out.append(v)
    return out


def _active(value: Any, column: str) -> bool:
    if isinstance(value, bool):
        return value
    word = _text(value).lower()
    if word == "" or word in _ACTIVE:
        return True
    if word in _INACTIVE:
        return False
    raise RowProblem(f"column '{column}' has '{_text(value)}', which is neither active (Active, true, yes, "
                     "On Leave) nor inactive (Inactive, Terminated, false, no)")


def _date(value: Any, column: str, date_format: str | None) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raw = _text(value)
    if raw.lower() in _NO_DATE:
        return None
    try:
        if date_format:
            return dt.datetime.strptime(raw, date_format).date()
        m = _ISO.match(raw)
        if m:
            return dt.date.fromisoformat(m.group(1))
    except ValueError:
        pass
    expected = date_format or "YYYY-MM-DD"
    raise RowProblem(f"column '{column}' has '{raw}', which is not a date ({expected}; other formats: set "
                     "roster_columns.date_format)")
