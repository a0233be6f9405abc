"""Who is on call in a catalog rotation at a given moment. Pure arithmetic on `Rotation`, no I/O.

Member i (0-based) is on call during shift number i (mod len) counted from `start` (docs/catalog-format.md).
Before `start` nobody is: the answer says "not started" rather than guessing a member.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from ownership.errors import OwnershipError
from ownership.model import Rotation

UTC = dt.timezone.utc


class TimeError(OwnershipError, ValueError):
    """A --at value that is neither an ISO date nor an ISO date-time."""


def parse_at(text: str | None, now: dt.datetime | None = None) -> dt.datetime:
    """`--at`: an ISO date-time (UTC when no offset is given) or a date (00:00 UTC); None means now."""
    if not text:
        return (now or dt.datetime.now(UTC)).astimezone(UTC)
    raw = text.strip()
    try:
        if "T" not in raw and " " not in raw and len(raw) <= 10:
            day = dt.date.fromisoformat(raw)
            return dt.datetime(day.year, day.month, day.day, tzinfo=UTC)
        when = dt.datetime.fromisoformat(raw.replace("z", "Z"))
    except ValueError as exc:
        raise TimeError(f"--at must be an ISO date (2026-03-01) or date-time (2026-03-01T03:00:00Z), "
                        f"got {text!r}") from exc
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


def parse_tz(name: str | None) -> dt.tzinfo:
    """`--tz`: an IANA zone name (Europe/Berlin) or UTC (the default). Raises TimeError for an unknown zone."""
    if not name or name.strip().upper() in ("UTC", "Z"):
        return UTC
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # here: only a non-UTC --tz needs the zone database

    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise TimeError(f"--tz must be an IANA time zone such as Europe/Berlin or America/New_York, or UTC; "
                        f"got {name!r}") from exc


def shown(t: dt.datetime, tz: dt.tzinfo = UTC) -> str:
    """How every routing output writes a moment: in `tz`, always with the zone ("2026-03-02 04:00 CET")."""
    local = t.astimezone(tz)
    return local.strftime("%Y-%m-%d %H:%M ") + (local.tzname() or str(tz))


def zone_name(tz: dt.tzinfo) -> str:
    """The zone as the user gave it: "UTC", "Europe/Berlin"."""
    return getattr(tz, "key", None) or "UTC"


@dataclass(frozen=True, slots=True)
class Shift:
    """One member's turn: `index` is the member's position in the rotation, `number` the shift count."""

    rotation: str
    member: str
    index: int
    number: int
    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True, slots=True)
class NotStarted:
    """The rotation's first shift is still in the future at the asked moment."""

    rotation: str
    starts: dt.datetime


def shift_at(rotation: Rotation, at: dt.datetime) -> Shift | NotStarted | None:
    """The shift covering `at`; NotStarted before `start`; None when the rotation has no members."""
    if not rotation.members:
        return None
    start = rotation.start if rotation.start.tzinfo else rotation.start.replace(tzinfo=UTC)
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    if at < start:
        return NotStarted(rotation.name, start)
    if rotation.shift <= dt.timedelta(0):  # the loader refuses this; a hand-built Rotation must not divide by 0
        return None
    number = (at - start) // rotation.shift
    return _shift(rotation, start, number)


def _shift(rotation: Rotation, start: dt.datetime, number: int) -> Shift:
    index = number % len(rotation.members)
    begins = start + number * rotation.shift
    return Shift(rotation.name, rotation.members[index], index, number, begins, begins + rotation.shift)


def upcoming(rotation: Rotation, at: dt.datetime) -> Iterator[Shift]:
    """The shift covering `at` and then each following one, one full round of members (for backups).

    Before `start`, the round begins with the first shift.
    """
    first = shift_at(rotation, at)
    if first is None:
        return
    start = rotation.start if rotation.start.tzinfo else rotation.start.replace(tzinfo=UTC)
    number = 0 if isinstance(first, NotStarted) else first.number
    for k in range(len(rotation.members)):
        yield _shift(rotation, start, number + k)
