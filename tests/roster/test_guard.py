"""The shrink guard: compared with the previous snapshot, a big drop of active people (or none at all) is
refused unless allowed; the snapshot lives in the cache folder, one file per source."""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from ownership.cli import cli
from ownership.roster.settings import RosterSettings
from ownership.roster import RosterError, files, guard, load, scim
from ownership.roster.columns import Columns

TODAY = dt.date(2026, 11, 30)


def write_roster(path: Path, active: int, inactive: int = 0, *, left_on: str = "") -> None:
    rows = [f"p{n},p{n}@acme.test,Active,{left_on}" for n in range(active)]
    rows += [f"q{n},q{n}@acme.test,Inactive,2026-01-01" for n in range(inactive)]
    path.write_text("id,email,status,end_date\n" + "\n".join(rows) + "\n")


def test_the_cache_lives_under_xdg_cache_home_one_file_per_source(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    assert guard.cache_path(str(a)).parent == Path(os.environ["XDG_CACHE_HOME"]) / "ownership"
    assert guard.cache_path(str(a)) != guard.cache_path(str(b))
    # the same SCIM server, with or without a trailing slash or credentials in the URL, is one source
    assert guard.cache_path(scim.key("https://hr.test/scim/v2/")) == \
        guard.cache_path(scim.key("https://u:p@hr.test/scim/v2"))


def test_a_drop_above_the_limit_is_refused_and_the_previous_snapshot_kept(tmp_path: Path) -> None:
    src = tmp_path / "hr.csv"
    write_roster(src, 20)
    load(str(src), RosterSettings(), today=TODAY)
    cached = guard.cache_path(str(src)).read_bytes()

    write_roster(src, 17, 3)  # 15 % fewer active people
    with pytest.raises(RosterError) as caught:
        load(str(src), RosterSettings(), today=TODAY)
    message = str(caught.value)
    assert "has 17 active people, 15% fewer than the 20 in the previous snapshot of 2026-11-30" in message
    assert "(limit 10%, roster_shrink_limit)" in message and "--allow-roster-shrink" in message
    assert guard.cache_path(str(src)).read_bytes() == cached


def test_a_drop_at_the_limit_passes_and_becomes_the_new_baseline(tmp_path: Path) -> None:
    src = tmp_path / "hr.csv"
    write_roster(src, 20)
    load(str(src), RosterSettings(), today=TODAY)
    write_roster(src, 18)  # exactly 10 %
    assert load(str(src), RosterSettings(), today=TODAY).active_count(TODAY) == 18
    write_roster(src, 17)  # 5.6 % fewer than 18
    assert load(str(src), RosterSettings(), today=TODAY).active_count(TODAY) == 17


def test_the_limit_comes_from_ownership_yaml(tmp_path: Path) -> None:
    src = tmp_path / "hr.csv"
    write_roster(src, 20)
    load(str(src), RosterSettings(), today=TODAY)
    write_roster(src, 15)
    assert len(load(str(src), RosterSettings.from_values(relative=str, values={"roster_shrink_limit": "25%"}), today=TODAY).people) == 15
    write_roster(src, 12)
    with pytest.raises(RosterError, match="limit 10%"):
        load(str(src), RosterSettings.from_values(relative=str, values={"roster_shrink_limit": 0.1}), today=TODAY)


def test_allow_shrink_accepts_the_drop(tmp_path: Path) -> None:
    src = tmp_path / "hr.csv"
    write_roster(src, 20)
    load(str(src), RosterSettings(), today=TODAY)
    write_roster(src, 5)
    assert load(str(src), RosterSettings(), today=TODAY, allow_shrink=True).active_count(TODAY) == 5


def test_people_whose_end_date_passes_do_not_count_as_a_drop(tmp_path: Path) -> None:
    src = tmp_path / "hr.csv"
    write_roster(src, 20, left_on="")
    load(str(src), RosterSettings(), today=dt.date(2026, 1, 1))
    # the same file read a year later, when the snapshot's people with end dates have left too
    src.write_text("id,email,end_date\n" + "".join(
        f"p{n},p{n}@acme.test,{'2026-06-01' if n < 5 else ''}\n" for n in range(20)))
    load(str(src), RosterSettings(), today=dt.date(2026, 1, 1))
    assert load(str(src), RosterSettings(), today=TODAY).active_count(TODAY) == 15


@pytest.mark.parametrize(("active", "inactive", "what"), [(0, 0, "is empty"),
                                                           (0, 4, "has no active people (4 records)")])
def test_an_empty_roster_is_refused_even_without_a_previous_snapshot(tmp_path: Path, active: int,
                                                                     inactive: int, what: str) -> None:
    src = tmp_path / "hr.csv"
    write_roster(src, active, inactive)
    with pytest.raises(RosterError, match=re.escape(f"{what}; refusing to use it")):
        load(str(src), RosterSettings(), today=TODAY)
    assert not guard.cache_path(str(src)).exists()


def test_a_damaged_baseline_is_a_warning_and_an_unchecked_roster_never_replaces_it(tmp_path: Path) -> None:
    """Issue 25, point 2: a cached snapshot that does not parse was skipped silently, and a roster with half
    its people became the new baseline for good."""
    src = tmp_path / "hr.csv"
    write_roster(src, 20)
    load(str(src), RosterSettings(), today=TODAY)
    target = guard.cache_path(str(src))
    target.write_text("{not json")
    write_roster(src, 10)  # half the company: the guard cannot compare, so it must say so
    heard: list[str] = []
    assert len(load(str(src), RosterSettings(), today=TODAY, warn=heard.append).people) == 10
    assert len(heard) == 1 and "previous snapshot of" in heard[0] and "is damaged" in heard[0], heard
    assert "does not replace it" in heard[0] and "--allow-roster-shrink" in heard[0]
    assert target.read_text() == "{not json"  # not a new baseline from an unchecked roster
    # strict (--strict-roster, the weekly workflow): an error, nothing used
    with pytest.raises(RosterError, match="is damaged"):
        load(str(src), RosterSettings(), today=TODAY, strict=True)
    # the operator accepts this roster: it becomes the baseline
    load(str(src), RosterSettings(), today=TODAY, allow_shrink=True)
    assert '"version": 1' in target.read_text()


def test_a_missing_baseline_that_was_expected_is_a_warning_and_in_strict_mode_an_error(tmp_path: Path) -> None:
    src = tmp_path / "hr.csv"
    write_roster(src, 5)
    with pytest.raises(RosterError, match="no earlier snapshot of the roster .* earlier weekly reports exist"):
        load(str(src), RosterSettings(), today=TODAY, strict=True, expect_baseline=True)
    assert not guard.cache_path(str(src)).exists()
    heard: list[str] = []
    load(str(src), RosterSettings(), today=TODAY, expect_baseline=True, warn=heard.append)
    assert len(heard) == 1 and "did not check it; it becomes the baseline" in heard[0]
    assert guard.cache_path(str(src)).is_file()
    heard.clear()
    write_roster(tmp_path / "other.csv", 5)
    load(str(tmp_path / "other.csv"), RosterSettings(), today=TODAY, strict=True, warn=heard.append)
    assert heard == [] and guard.cache_path(str(tmp_path / "other.csv")).is_file()  # a first run


def test_report_with_strict_roster_stops_when_the_history_lost_its_roster_snapshot(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.report.org import write_org

    write_org(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(cli, ["report", "--today", "2026-11-23"]).exit_code == 0
    (tmp_path / "reports" / "2026-11-23" / "roster-snapshot.json").unlink()
    for cached in guard.cache_path("x").parent.glob("roster-*"):
        cached.unlink()  # a fresh runner: no cache either
    result = CliRunner().invoke(cli, ["report", "--today", "2026-11-30", "--strict-roster"])
    assert result.exit_code == 2, result.output
    assert "earlier weekly reports exist" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "reports" / "2026-11-30").exists()
    result = CliRunner().invoke(cli, ["report", "--today", "2026-11-30"])
    assert result.exit_code == 0 and "shrink guard did not check it" in result.stderr, result.stderr


def test_pull_also_compares_with_the_existing_out_file(tmp_path: Path) -> None:
    big, small, out = tmp_path / "big.csv", tmp_path / "small.csv", tmp_path / "roster.json"
    write_roster(big, 10)
    write_roster(small, 5)
    runner = CliRunner()
    assert runner.invoke(cli, ["roster", "pull", "--roster", str(big), "--output", str(out)]).exit_code == 0

    # another source (no cache of its own yet), but the snapshot it would overwrite has 10 active people
    result = runner.invoke(cli, ["roster", "pull", "--roster", str(small), "--output", str(out)])
    assert result.exit_code == 2
    assert f"50% fewer than the 10 in {out}" in result.stderr
    assert '"id": "p9"' in out.read_text()


def test_pull_refuses_to_overwrite_a_file_that_is_not_a_roster(tmp_path: Path) -> None:
    src, out = tmp_path / "hr.csv", tmp_path / "notes.json"
    write_roster(src, 3)
    out.write_text('{"my": "notes"}')
    result = CliRunner().invoke(cli, ["roster", "pull", "--roster", str(src), "--output", str(out)])
    assert result.exit_code == 2 and "is not a readable roster snapshot, so it is not overwritten" in result.stderr
    assert out.read_text() == '{"my": "notes"}'


def test_an_unchanged_roster_file_is_recalled_and_equals_a_plain_read(tmp_path: Path) -> None:
    """The recall of an unchanged file is an optimisation: the same Roster as reading it, every time."""
    from ownership.roster import read

    src = tmp_path / "hr.csv"
    write_roster(src, 30, 4, left_on="")
    first = load(str(src), RosterSettings(), today=TODAY)
    snapshot = guard.cache_path(str(src))
    stamp = snapshot.stat().st_mtime_ns
    bamboo = dataclasses.replace(RosterSettings(), columns=Columns.from_setting("bamboohr"))
    assert guard.recall(str(src), files.fingerprint(str(src), bamboo)) is None  # another column mapping
    again = load(str(src), RosterSettings(), today=TODAY)
    assert again == first == dataclasses.replace(read(str(src), RosterSettings()), as_of=TODAY)
    assert snapshot.stat().st_mtime_ns == stamp  # not rewritten
    src.write_text(src.read_text().replace("p3@acme.test", "p3x@acme.test"))  # same size would not matter
    edited = load(str(src), RosterSettings(), today=TODAY)
    assert edited == dataclasses.replace(read(str(src), RosterSettings()), as_of=TODAY) != first


def test_a_recalled_roster_is_still_compared_with_the_kept_report_snapshot(tmp_path: Path) -> None:
    src, kept = tmp_path / "hr.csv", tmp_path / "kept.csv"
    write_roster(kept, 40)
    write_roster(src, 20)
    load(str(src), RosterSettings(), today=TODAY, allow_shrink=True)  # the cache now holds these 20
    with pytest.raises(RosterError, match="50% fewer than the 40"):
        load(str(src), RosterSettings(), today=TODAY, compare_with=[str(kept)])


def test_a_changed_snapshot_or_damaged_recall_entry_means_a_plain_read(tmp_path: Path) -> None:
    src = tmp_path / "hr.csv"
    write_roster(src, 20)
    load(str(src), RosterSettings(), today=TODAY)
    fp = files.fingerprint(str(src), RosterSettings())
    assert guard.recall(str(src), fp) is not None
    snapshot = guard.cache_path(str(src))
    snapshot.write_bytes(snapshot.read_bytes() + b"\n")  # the snapshot is no longer what the recall was kept with
    assert guard.recall(str(src), fp) is None
    load(str(src), RosterSettings(), today=TODAY)
    assert guard.recall(str(src), fp) is not None
    snapshot.with_suffix(".people.json").write_bytes(b"not JSON")
    assert guard.recall(str(src), fp) is None
    assert load(str(src), RosterSettings(), today=TODAY).active_count(TODAY) == 20
