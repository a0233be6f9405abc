"""How a person is reached besides email, from the roster: contact columns of CSV/JSON files, SCIM phoneNumbers
and configured attributes; bad values are left out with a warning; snapshots and the recall keep them."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner

from ownership.cli import cli
from ownership.model import Person, Reach
from ownership.support.pickled import dumps
from ownership.roster import RosterSettings, files, load, read, scim
from ownership.roster.settings import ScimSettings, check_scim
from tests.roster.conftest import TOKEN, FaultServer, paging, scim_user, with_ids

TODAY = dt.date(2026, 11, 30)
EXT = "urn:ietf:params:scim:schemas:extension:acme:2.0:User"


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def _reach(people: list[Person]) -> dict[str, Reach | None]:
    return {p.emails[0]: p.reach for p in people}


def test_native_csv_contact_columns_are_read_whatever_the_header_case(tmp_path: Path) -> None:
    src = tmp_path / "hr.csv"
    src.write_text("Email,Slack ID,Phone,PagerDuty\n"
                   "ann@acme.test,U024BE7LH,+1 (555) 010-0100,PXPGF42\n"
                   "bob@acme.test,@bob,tel:+15550101,https://acme.pagerduty.com/users/PBOB123\n"
                   "cy@acme.test,,,\n")
    assert _reach(files.read_path(str(src))) == {
        "ann@acme.test": Reach("U024BE7LH", "+1 (555) 010-0100", {"pagerduty": "PXPGF42"}),
        "bob@acme.test": Reach("@bob", "+15550101", {"pagerduty": "https://acme.pagerduty.com/users/PBOB123"}),
        "cy@acme.test": None}


def test_workday_and_bamboohr_exports_and_pinned_columns_give_contacts(tmp_path: Path) -> None:
    workday, bamboo, pinned = tmp_path / "wd.csv", tmp_path / "bamboo.csv", tmp_path / "own.csv"
    workday.write_text("Employee_ID,Email,Work_Phone,Slack_Handle,PagerDuty_User\n7,ann@acme.test,555 0100,ann,PANN001\n")
    bamboo.write_text("employeeId,workEmail,mobilePhone\n8,bob@acme.test,+44 20 7946 0000\n")
    pinned.write_text("email,chat,pager\ncy@acme.test,@cy,PCY0001\n")
    assert _reach(files.read_path(str(workday))) == {"ann@acme.test": Reach("ann", "555 0100", {"pagerduty": "PANN001"})}
    assert _reach(files.read_path(str(bamboo))) == {"bob@acme.test": Reach(phone="+44 20 7946 0000")}
    columns = RosterSettings.from_values({"roster_columns": {"slack": "chat", "pagerduty": "pager"}}, str).columns
    assert _reach(files.read_path(str(pinned), columns)) == {"cy@acme.test": Reach("@cy", None, {"pagerduty": "PCY0001"})}


def test_bad_contact_values_are_left_out_with_a_warning_and_the_roster_still_loads(tmp_path: Path) -> None:
    src = tmp_path / "hr.json"
    src.write_text(json.dumps({"people": [
        {"email": "ann@acme.test", "slack": "@ann", "phone": "call me maybe", "pagerduty": "javascript:alert(1)"},
        {"email": "bob@acme.test", "slack": "bo\u202eb", "phone": "+1 555 0100\x1b[2J", "pagerduty": "P" * 300},
        {"email": "cy@acme.test", "slack": ["a", "b"]},
    ]}))
    roster = load(str(src), RosterSettings(), today=TODAY)
    assert _reach(list(roster.people)) == {"ann@acme.test": Reach(slack="@ann"), "bob@acme.test": None,
                                           "cy@acme.test": None}
    assert roster.notes == (
        f"{src}: person 1: column 'phone': 'call me maybe' is not a phone number (+1 555 0100, tel:+15550100); "
        "it is not used",
        f"{src}: person 1: column 'pagerduty': 'javascript:alert(1)' is not a PagerDuty user id (PXPGF42) or "
        "user URL (https://SUBDOMAIN.pagerduty.com/users/PXPGF42); it is not used",
        f"{src}: person 2: column 'slack': the value has the character U+202E RIGHT-TO-LEFT OVERRIDE; it is not used",
        f"{src}: person 2: column 'phone': the value has the character U+001B (a control character); it is not used",
        f"{src}: person 2: column 'pagerduty': the value is longer than 200 characters; it is not used",
        f"{src}: person 3: column 'slack': the value is not a Slack handle (@name) or member id (U…) (a list); "
        "it is not used")
    again = load(str(src), RosterSettings(), today=TODAY)  # recalled: the same people and the same warnings
    assert again == roster


def test_roster_pull_warns_about_left_out_values_on_stderr_and_still_saves(tmp_path: Path) -> None:
    src, out = tmp_path / "hr.csv", tmp_path / "snap.json"
    rows = "".join(f"p{n}@acme.test,not a phone {n}\n" for n in range(7))
    src.write_text("email,phone\nann@acme.test,+1 555 0100\n" + rows)
    result = CliRunner().invoke(cli, ["roster", "pull", "--roster", str(src), "--output", str(out),
                                      "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("ownership: warning: ")]
    assert len(warnings) == 6 and f"{src}:3: column 'phone': 'not a phone 0' is not a phone number" in warnings[0]
    assert warnings[-1] == "ownership: warning: and 2 more contact values of the roster left out"
    assert "Traceback" not in result.output and "saved 8 people" in result.stdout


def test_snapshot_and_recall_keep_contacts(tmp_path: Path) -> None:
    src, out = tmp_path / "hr.csv", tmp_path / "snap.json"
    src.write_text("email,slack,phone,pagerduty\nann@acme.test,@ann,+1 555 0100,PXPGF42\nbob@acme.test,,,\n")
    first = load(str(src), RosterSettings(), today=TODAY)
    files.write_snapshot(first, out)
    doc = json.loads(out.read_text())
    assert doc["version"] == files.SNAPSHOT_VERSION
    assert {k: doc["people"][0][k] for k in ("slack", "phone", "pagerduty")} == \
        {"slack": "@ann", "phone": "+1 555 0100", "pagerduty": "PXPGF42"}
    assert "slack" not in doc["people"][1]  # nothing written for a person without contacts
    assert _reach(files.read_path(str(out))) == _reach(list(first.people))  # the snapshot reads back the same
    recalled = load(str(src), RosterSettings(), today=TODAY)
    assert recalled.people[0].reach == Reach("@ann", "+1 555 0100", {"pagerduty": "PXPGF42"}) and recalled == first
    person = first.people[0]
    assert pickle.loads(dumps(person)) == person and pickle.loads(dumps(person)).reach == person.reach


def _scim_users() -> list[dict[str, object]]:
    ann, bob, cy = scim_user(1), scim_user(2), scim_user(3)
    ann["phoneNumbers"] = [{"value": "+1 555 0199", "type": "home"}, {"value": "+1 555 0100", "type": "mobile"},
                           {"value": "+1 555 0111", "type": "work"}]
    ann[EXT] = {"slackId": "U024BE7LH", "pager": {"user": "PANN001"}}
    bob["phoneNumbers"] = [{"value": "+1 555 0200", "type": "work"}, {"value": "+1 555 0222", "primary": True,
                                                                       "type": "fax"}]
    bob[EXT] = {"slackid": "bad handle!"}
    cy["phoneNumbers"] = [{"value": "call me", "type": "work"}, {"value": "+1 555 0300", "type": "mobile"},
                          {"value": "+1 555 0399", "type": "pager"}]
    return [ann, bob, cy]


SETTINGS = ScimSettings(slack_attribute=f"{EXT}:slackId", pagerduty_attribute=f"{EXT}:pager.user")


def test_scim_phone_prefers_primary_then_work_then_mobile_and_attributes_give_slack_and_pagerduty(
        tmp_path: Path) -> None:
    notes: list[str] = []
    people = scim.people(with_ids(_scim_users()), "saved.json", SETTINGS, notes)
    got = {p.usernames[0]: p.reach for p in people}
    assert got == {"user001": Reach("U024BE7LH", "+1 555 0111", {"pagerduty": "PANN001"}),  # work before mobile; home never
                   "user002": Reach(phone="+1 555 0222"),  # the primary one, whatever its type
                   "user003": Reach(phone="+1 555 0300")}  # a bad work number: the mobile one
    assert notes == [
        "saved.json: user 'id-0002': urn:ietf:params:scim:schemas:extension:acme:2.0:User:slackId: 'bad handle!' is "
        "not a Slack handle (@name) or member id (U…); it is not used",
        "saved.json: user 'id-0003': phoneNumbers (work): 'call me' is not a phone number (+1 555 0100, "
        "tel:+15550100); it is not used"]
    assert {p.usernames[0]: p.reach for p in scim.people(with_ids(_scim_users()), "s")}["user001"] == \
        Reach(phone="+1 555 0111")  # without the settings, only phoneNumbers


def test_a_scim_pull_over_http_carries_contacts_and_notes_into_the_roster(fault_server: FaultServer,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    fault_server.fallback = paging(with_ids(_scim_users()))
    monkeypatch.setenv("OWNERSHIP_SCIM_TOKEN", TOKEN)
    settings = RosterSettings(scim=dataclasses.replace(SETTINGS, timeout=5, retries=0))
    roster = read(fault_server.base, settings)
    assert roster.people[0].reach == Reach("U024BE7LH", "+1 555 0111", {"pagerduty": "PANN001"})
    assert len(roster.notes) == 2 and "user 'id-0003': phoneNumbers (work)" in roster.notes[1]
    assert TOKEN not in " ".join(roster.notes)


def test_scim_contact_attribute_settings_are_checked() -> None:
    assert check_scim({"slack_attribute": f"{EXT}:slackId", "pagerduty_attribute": None}) == []
    (problem,) = check_scim({"pagerduty_attribute": "not an attribute!"})
    assert problem.path == ("pagerduty_attribute",) and "a SCIM attribute name" in problem.message
