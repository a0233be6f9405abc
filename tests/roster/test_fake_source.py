"""A roster source is one module and one registry line: a fake directory source (tests/roster/fakesource.py),
registered from the test only, gets the shrink guard, the recall cache, the identity settings and the notes
that every source gets from roster.load, and the CLI reads it like a file or a SCIM server."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from ownership import roster
from ownership.cli import cli
from ownership.model import Person, Reach
from ownership.roster import RosterError, RosterSettings, load
from ownership.roster.identity import resolver_for
from tests.roster import fakesource

TODAY = dt.date(2026, 11, 30)
SOURCE = "fake://staff"


@pytest.fixture(autouse=True)
def registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(roster, "SOURCES", (fakesource, *roster.SOURCES))  # the one registry line
    yield
    fakesource.DIRECTORY.clear()
    fakesource.VERSIONS.clear()
    fakesource.READS.clear()


def staff(active: int, inactive: int = 0) -> tuple[Person, ...]:
    people = [Person(f"p{n}", (f"p{n}@acme.test",), (f"user{n}",), f"Person {n}", True, team="HR Payments",
                     reach=Reach(phone="+44 20 7946 0000") if n else None) for n in range(active)]
    people += [Person(f"q{n}", (f"q{n}@acme.test",), (), None, False, dt.date(2026, 1, 1)) for n in range(inactive)]
    return tuple(people)


def test_the_shrink_guard_refuses_a_partial_pull_of_any_source() -> None:
    fakesource.publish("staff", staff(20))
    assert load(SOURCE, RosterSettings(), today=TODAY).active_count(TODAY) == 20
    fakesource.publish("staff", staff(17, 3))  # 15 % fewer active people
    with pytest.raises(RosterError, match="the roster from fake://staff has 17 active people, 15% fewer than "
                                          "the 20 in the previous snapshot"):
        load(SOURCE, RosterSettings(), today=TODAY)
    fakesource.publish("staff", ())
    with pytest.raises(RosterError, match="the roster from fake://staff is empty"):
        load(SOURCE, RosterSettings(), today=TODAY)
    allowed = load(SOURCE, RosterSettings(), today=TODAY, allow_shrink=True)
    assert allowed.people == () and allowed.source == SOURCE


def test_an_unchanged_source_is_recalled_not_read_again_and_equals_a_read() -> None:
    fakesource.publish("staff", staff(12))
    first = load(SOURCE, RosterSettings(), today=TODAY)
    again = load(SOURCE, RosterSettings(), today=TODAY)
    assert fakesource.READS == [SOURCE]  # the second load recalled the people
    assert again == first == dataclasses.replace(roster.read(SOURCE, RosterSettings()), as_of=TODAY)
    assert again.notes == ("fake://staff: user 'p0': no phone; it is not used",)  # notes recalled too
    fakesource.publish("staff", staff(11))  # a new version: read again
    assert load(SOURCE, RosterSettings(), today=TODAY).active_count(TODAY) == 11
    assert fakesource.READS == [SOURCE, SOURCE, SOURCE]  # (roster.read above was the second)


def test_the_identity_settings_apply_to_any_source(tmp_path: Path) -> None:
    fakesource.publish("staff", staff(3))
    mailmap = tmp_path / ".mailmap"
    mailmap.write_text("<p1@acme.test> <p1@old-name.test>\n")
    settings = RosterSettings(aliases={"Ann Former": "p2@acme.test"}, team_map={"HR Payments": "payments"},
                              mailmap=str(mailmap))
    loaded = load(SOURCE, settings, today=TODAY)
    resolver = resolver_for(loaded)
    assert [p.id if p else None for p in map(resolver.resolve, ("Ann Former", "p1@old-name.test", "user0"))] == \
        ["p2", "p1", "p0"]
    assert loaded.team_map == {"HR Payments": "payments"}
    recalled = load(SOURCE, settings, today=TODAY)  # the recalled roster carries them as well
    assert recalled == loaded and resolver_for(recalled).resolve("Ann Former") is not None


def test_the_cli_reads_a_registered_source_and_guards_it(tmp_path: Path) -> None:
    fakesource.publish("staff", staff(10))
    out = tmp_path / "roster.json"
    first = CliRunner().invoke(cli, ["roster", "pull", "--roster", SOURCE, "--output", str(out)])
    assert first.exit_code == 0, first.output
    assert json.loads(out.read_text())["source"] == SOURCE
    fakesource.publish("staff", staff(5))
    shrunk = CliRunner().invoke(cli, ["roster", "pull", "--roster", SOURCE, "--output", str(out)])
    assert shrunk.exit_code == 2 and "50% fewer than the 10" in shrunk.stderr and "Traceback" not in shrunk.output


def test_a_source_no_registered_source_reads_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RosterError, match=r"no roster source reads 'okta://' addresses \(known sources: fake, "
                                          r"scim, files"):
        load("okta://acme.okta.com", RosterSettings(), today=TODAY)
    (tmp_path / "ownership.yaml").write_text("roster: ldap://ldap.acme.test\n")
    result = CliRunner().invoke(cli, ["validate", "--catalog", str(tmp_path), "--config",
                                      str(tmp_path / "ownership.yaml")])
    assert result.exit_code == 2 and "ownership.yaml:1:" in result.stderr
    assert "no roster source reads 'ldap://' addresses" in result.stderr


def test_every_registered_source_has_the_protocol_members() -> None:
    members = ("name", "section", "accepts", "read", "key", "shown", "fingerprint")
    for source in roster.SOURCES:
        assert all(hasattr(source, m) for m in members), source
    assert [s.name for s in roster.SOURCES[1:]] == ["scim", "files"]
    assert roster.source_for("https://hr.test/scim/v2").name == "scim"
    assert roster.source_for("hr/people.csv").name == "files" == roster.source_for("/abs/roster.json").name
