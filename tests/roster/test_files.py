"""Roster files: CSV presets and custom mappings, JSON and YAML, and clear errors with row numbers."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ownership.cli import cli
from ownership.roster.settings import RosterSettings
from ownership.model import Roster
from ownership.roster import RosterError, files, read
from ownership.roster.columns import Columns

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = dt.date(2026, 11, 30)


def test_bamboohr_export_with_bom_crlf_and_quoted_commas() -> None:
    people = {p.id: p for p in files.read_path(str(FIXTURES / "bom-quoted.csv"))}

    assert people["1"].name == "Victor Hale"  # the BOM did not end up in the 'id' column name
    assert people["1"].title == "Chief Technology Officer, Acme"
    assert people["1"].end_date is None  # BambooHR's 0000-00-00
    bob = people["2"]
    assert (bob.name, bob.title) == ("Bob Martin, Jr.", 'Staff Engineer, "Payments"')
    assert (bob.active, bob.end_date, bob.manager, bob.team) == (False, dt.date(2026, 3, 1), "1", "Payments")
    assert bob.location is not None and bob.location.line == 3


def test_workday_export_is_detected_and_manager_emails_become_ids() -> None:
    people = {p.id: p for p in files.read_path(str(FIXTURES / "workday.csv"))}

    bob = people["E300"]
    assert bob.emails == ("bob.martin@acme.test", "bobby@acme.test")
    assert bob.usernames == ("bobm",)
    assert (bob.active, bob.end_date, bob.team, bob.title) == (False, dt.date(2026, 3, 1), "Payments",
                                                               "Staff Engineer")
    assert people["E400"].manager == "E100"  # written as an email in the export


@pytest.mark.parametrize(("fixture", "expected"), [
    ("missing-column.csv", "missing-column.csv:1: missing column: no 'workEmail' or 'secondaryEmail'"),
    ("short-row.csv", "short-row.csv:3: the row has 6 fields, the header has 7"),
    ("bad-dates.csv", "bad-dates.csv:3: column 'terminationDate' has '2026-13-01', which is not a date"),
    ("duplicate-emails.csv", "duplicate-emails.csv:4: duplicate email 'bob.martin@acme.test' (already at "),
    ("bad-status.csv", "bad-status.csv:3: column 'Active_Status' has 'Maybe', which is neither active"),
    ("unclosed-quote.csv", "unclosed-quote.csv:3: not valid CSV"),
    ("latin1.csv", "latin1.csv:2: the roster is not UTF-8 text"),
])
def test_bad_csv_gives_a_clear_error_with_the_row(fixture: str, expected: str, tmp_path: Path) -> None:
    with pytest.raises(RosterError) as caught:
        files.read_path(str(FIXTURES / fixture))
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)

    result = CliRunner().invoke(cli, ["roster", "pull", "--roster", str(FIXTURES / fixture),
                                      "--output", str(tmp_path / "out.json")])
    assert result.exit_code == 2
    assert result.stderr.startswith("ownership: error: ") and expected in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out.json").exists()


def test_every_bad_date_is_listed_not_only_the_first() -> None:
    with pytest.raises(RosterError) as caught:
        files.read_path(str(FIXTURES / "bad-dates.csv"))
    assert "bad-dates.csv:4: column 'terminationDate' has '31/12/2026'" in str(caught.value)


def test_many_problems_are_summarised_on_one_line(tmp_path: Path) -> None:
    rows = "".join(f"{n},p{n}@acme.test,someday\n" for n in range(1, 9))
    (tmp_path / "r.csv").write_text("id,email,end_date\n" + rows)
    with pytest.raises(RosterError, match=r"r\.csv:4: .*\(and 5 more problems\)$"):
        files.read_path(str(tmp_path / "r.csv"))


def test_custom_mapping_and_date_format_from_ownership_yaml(tmp_path: Path) -> None:
    (tmp_path / "hr.csv").write_text("Mail;Who;Gone;Unit;GH\nann@acme.test;Ann;12/31/2026;Data Platform;ann-gh\n")
    config = RosterSettings.from_values(relative=str, values={"roster_columns": {"email": "Mail", "name": "Who", "end_date": "Gone",
                                               "team": "Unit", "usernames": "GH", "date_format": "%m/%d/%Y"}})
    [ann] = read(str(tmp_path / "hr.csv"), config).people

    assert (ann.id, ann.name, ann.end_date, ann.team, ann.usernames) == \
        ("ann@acme.test", "Ann", dt.date(2026, 12, 31), "Data Platform", ("ann-gh",))


def test_a_custom_column_that_is_missing_is_named(tmp_path: Path) -> None:
    (tmp_path / "hr.csv").write_text("email,name\nann@acme.test,Ann\n")
    config = RosterSettings.from_values(relative=str, values={"roster_columns": {"preset": "native", "team": "Division"}})
    with pytest.raises(RosterError, match=r"hr\.csv:1: no column 'Division' \(roster_columns\.team"):
        read(str(tmp_path / "hr.csv"), config)


def test_yaml_roster_errors_point_at_the_record_line(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text("people:\n  - email: a@acme.test\n  - email: b@acme.test\n"
                                     "    end_date: soon\n")
    with pytest.raises(RosterError, match=r"r\.yaml:3: column 'end_date' has 'soon'"):
        files.read_path(str(tmp_path / "r.yaml"))


def test_yaml_roster_with_native_fields(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(
        "- {id: p1, email: a@acme.test, emails: [a2@acme.test], usernames: [ann], active: false,\n"
        "   end_date: 2026-03-01, team: payments, manager: p2}\n"
        "- {id: p2, email: b@acme.test}\n")
    a, b = files.read_path(str(tmp_path / "r.yaml"))
    assert (a.emails, a.usernames, a.active, a.end_date, a.manager) == \
        (("a@acme.test", "a2@acme.test"), ("ann",), False, dt.date(2026, 3, 1), "p2")
    assert a.location is not None and a.location.line == 1


def test_a_snapshot_reads_back_as_the_same_roster(tmp_path: Path) -> None:
    people = tuple(files.read_path(str(FIXTURES / "workday.csv")))
    files.write_snapshot(Roster(people, "hr.csv", TODAY), tmp_path / "snap.json")

    back = files.read_path(str(tmp_path / "snap.json"))
    strip = [(p.id, p.emails, p.usernames, p.name, p.active, p.end_date, p.team, p.manager, p.title)
             for p in sorted(people, key=lambda p: p.id)]
    assert [(p.id, p.emails, p.usernames, p.name, p.active, p.end_date, p.team, p.manager, p.title)
            for p in back] == strip
    assert json.loads((tmp_path / "snap.json").read_text())["as_of"] == "2026-11-30"


def test_a_saved_scim_list_response_is_a_roster(tmp_path: Path) -> None:
    body = {"Resources": [
        {"id": "a1", "userName": "ann", "emails": [{"value": "ann@acme.test", "primary": True}],
         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": {"value": "b2"}}},
        {"id": "b2", "userName": "bea@acme.test", "active": False}]}
    (tmp_path / "users.json").write_text(json.dumps(body))
    ann, bea = files.read_path(str(tmp_path / "users.json"))
    assert ann.manager == "b2" and bea.emails == ("bea@acme.test",) and not bea.active


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("r.json", "[{\"email\": \"a@acme.test\",}]", r"r\.json:1:\d+: not valid JSON"),
    ("r.json", "{\"staff\": []}", "expected a list of people"),
    ("r.yaml", "people: [a, b", r"r\.yaml:1:\d+: "),
    ("r.txt", "x", "unknown roster file type '.txt'"),
    ("r.csv", "", "the roster file is empty"),
    ("r.csv", "email\nnot-an-email\n", r"r\.csv:2: 'not-an-email' in column 'email' is not an email"),
    ("r.csv", "\nid,email,Email\n1,a@acme.test,b@acme.test\n", r"r\.csv:2: the header has the column 'Email' twice"),
])
def test_unreadable_roster_files(tmp_path: Path, name: str, content: str, expected: str) -> None:
    (tmp_path / name).write_text(content)
    with pytest.raises(RosterError, match=expected):
        files.read_path(str(tmp_path / name))


def test_a_missing_file_is_a_clear_error() -> None:
    with pytest.raises(RosterError, match="cannot read the roster"):
        files.read_path("/nonexistent/roster.csv")


def test_status_words_and_empty_status() -> None:
    bound, _ = Columns().bind(["email", "status"])
    from ownership.model import Location
    from ownership.roster.columns import to_person

    def active(word: str) -> bool:
        return to_person({"email": "a@acme.test", "status": word}, bound, Location("x")).active

    assert [active(w) for w in ("Active", "On Leave", "", "Terminated", "inactive", "FALSE")] == \
        [True, True, True, False, False, False]
