"""Who is on call in a catalog rotation at a moment, and how --at is read."""
from __future__ import annotations

import datetime as dt

import pytest

from ownership.model import Rotation
from ownership.analysis.rotation import NotStarted, Shift, TimeError, parse_at, shift_at, upcoming

UTC = dt.timezone.utc
START = dt.datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
WEEKLY = Rotation("r", ("a", "b", "c"), dt.timedelta(days=7), START)


@pytest.mark.parametrize("at, member", [
    (START, "a"),
    (START + dt.timedelta(days=7) - dt.timedelta(seconds=1), "a"),
    (START + dt.timedelta(days=7), "b"),
    (START + dt.timedelta(days=20), "c"),
    (START + dt.timedelta(days=21), "a"),  # wraps round
    (START + dt.timedelta(days=7 * 301 + 1), "b"),
])
def test_member_i_is_on_call_during_shift_i_mod_len(at: dt.datetime, member: str) -> None:
    shift = shift_at(WEEKLY, at)
    assert isinstance(shift, Shift) and shift.member == member
    assert shift.start <= at < shift.end


def test_before_the_start_nobody_is_on_call_and_it_says_so() -> None:
    got = shift_at(WEEKLY, START - dt.timedelta(minutes=1))
    assert got == NotStarted("r", START)


def test_an_empty_rotation_has_no_shift() -> None:
    assert shift_at(Rotation("r", (), dt.timedelta(days=1), START), START) is None


def test_other_time_zones_are_the_same_moment() -> None:
    berlin = dt.timezone(dt.timedelta(hours=1))
    at = dt.datetime(2026, 1, 12, 9, 30, tzinfo=berlin)  # 08:30 UTC: still a's shift
    shift = shift_at(WEEKLY, at)
    assert isinstance(shift, Shift) and shift.member == "a"


def test_upcoming_gives_one_round_from_the_current_shift() -> None:
    got = [s.member for s in upcoming(WEEKLY, START + dt.timedelta(days=8))]
    assert got == ["b", "c", "a"]
    before = [s.member for s in upcoming(WEEKLY, START - dt.timedelta(days=1))]
    assert before == ["a", "b", "c"]


@pytest.mark.parametrize("text, expected", [
    ("2026-03-02", dt.datetime(2026, 3, 2, tzinfo=UTC)),
    ("2026-03-02T03:00:00", dt.datetime(2026, 3, 2, 3, tzinfo=UTC)),
    ("2026-03-02T03:00:00Z", dt.datetime(2026, 3, 2, 3, tzinfo=UTC)),
    ("2026-03-02T04:00:00+01:00", dt.datetime(2026, 3, 2, 3, tzinfo=UTC)),
    ("2026-03-02 03:00", dt.datetime(2026, 3, 2, 3, tzinfo=UTC)),
])
def test_at_reads_dates_and_datetimes_as_utc_unless_told(text: str, expected: dt.datetime) -> None:
    assert parse_at(text) == expected


@pytest.mark.parametrize("text", ["yesterday", "2026-13-01", "03:00", "2026-03-02T25:00"])
def test_at_rejects_what_is_not_iso(text: str) -> None:
    with pytest.raises(TimeError, match="--at must be an ISO date"):
        parse_at(text)


def test_no_at_means_now() -> None:
    now = dt.datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    assert parse_at(None, now=now) == now
