"""The escalation list: levels in order, people who cannot be paged skipped with the reason, never "nobody"."""
from __future__ import annotations

import dataclasses
import datetime as dt

from ownership.model import Catalog
from ownership.oncall import OnCallAnswer
from ownership.oncall.pagerduty import OnCallRow
from ownership.analysis.people import People
from ownership.routing import Context, Page, page
from tests.oncall.pdanswer import pd_answer
from tests.routing import orgs

UTC = dt.timezone.utc


def build(system: str, *, roster: bool = True, at: dt.datetime = orgs.AT, catalog: Catalog | None = None,
          pd: dict[str, OnCallAnswer] | None = None,
          activity: dict[str, dict[str, dt.datetime]] | None = None) -> Page:
    cat = catalog or orgs.catalog()
    people = People(cat, orgs.roster() if roster else None, at.date())
    return page(Context(cat, at, people, pd or {}, activity), cat.systems[system])


def refs(p: Page) -> list[list[str]]:
    return [[c.ref for c in lv.contacts] for lv in p.levels]


def skipped(p: Page) -> dict[str, str]:
    return {s.ref: s.reason for s in p.skipped}


def test_without_a_roster_everyone_listed_counts_and_the_output_says_so() -> None:
    p = build("payments-api", roster=False)
    assert refs(p) == [["erin@acme.test"], ["bob@acme.test", "alice@acme.test"],
                       ["dan@acme.test", "gina@acme.test"], ["carol@acme.test"]]
    assert not p.roster_checked and any("roster not checked" in n for n in p.notes)
    assert p.gap is None


def test_levels_skip_leavers_inactive_and_transferred_people_with_reasons() -> None:
    p = build("payments-api")
    assert refs(p) == [["erin@acme.test"], ["alice@acme.test"], [], ["carol@acme.test", "victor@acme.test"]]
    assert skipped(p) == {
        "bob@acme.test": "left on 2026-03-01",
        "dan@acme.test": "transferred to team ledger",
        "gina@acme.test": "inactive in HR (no end date recorded: on leave or left)",
    }
    assert [lv.name for lv in p.levels] == ["on-call", "maintainers", "team", "management"]
    assert p.levels[0].source == "rotation payments-primary"
    assert p.levels[3].contacts[1].why == "manager's manager"


def test_each_person_is_listed_once_at_their_first_level() -> None:
    p = build("payments-api", roster=False)
    flat = [c.ref for lv in p.levels for c in lv.contacts]
    assert len(flat) == len(set(flat))
    assert "erin@acme.test" not in refs(p)[2]  # on call, so not again as a team member


def test_a_scheduled_on_call_who_left_is_covered_by_the_next_in_rotation() -> None:
    at = dt.datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # bob's shift (he left on 2026-03-01)
    p = build("payments-api", at=at)
    assert refs(p)[0] == ["erin@acme.test"]
    assert "covering for bob@acme.test" in p.levels[0].contacts[0].why
    assert skipped(p)["bob@acme.test"] == "left on 2026-03-01"
    assert any("bob@acme.test cannot be paged" in n for n in p.notes)


def test_a_rotation_that_has_not_started_says_so_and_the_list_goes_on() -> None:
    p = build("payments-api", at=dt.datetime(2026, 1, 1, tzinfo=UTC))
    assert refs(p)[0] == []
    assert any("has not started (first shift begins 2026-01-05 09:00 UTC)" in n for n in p.notes)
    assert p.first is not None and p.first.name == "maintainers"


def test_pagerduty_answer_is_level_one_when_the_team_has_a_policy() -> None:
    pd = pd_answer(OnCallRow("PLEDGER", 1, "liam@acme.test", "Liam", "U1", "Ledger"),
                   OnCallRow("PLEDGER", 2, "kate@acme.test", "Kate", "U2"))
    p = build("ledger-api", pd=pd)
    assert refs(p)[0] == ["liam@acme.test"]
    assert p.levels[0].source == "PagerDuty escalation policy PLEDGER"
    assert "escalation level 1" in p.levels[0].contacts[0].why
    assert skipped(p)["kate@acme.test"] == "left on 2026-02-01"


def test_pagerduty_unavailable_falls_back_to_the_catalog_rotation_and_says_so() -> None:
    p = build("ledger-api", pd=pd_answer(error="127.0.0.1:9/oncalls: cannot connect"))
    assert refs(p)[0] == ["liam@acme.test"]
    assert p.levels[0].source == "rotation ledger-primary"
    assert any("PagerDuty unavailable (127.0.0.1:9/oncalls: cannot connect); using the catalog rotation "
               "ledger-primary" in n for n in p.notes)


def test_pagerduty_unavailable_without_a_rotation_goes_to_the_next_levels() -> None:
    p = build("db", pd=pd_answer(error="HTTP 500"))
    assert refs(p)[0] == [] and refs(p)[2] == ["nina@acme.test"]
    assert any("no catalog rotation to fall back on" in n for n in p.notes)


def test_an_unknown_pagerduty_user_is_still_listed_with_a_note() -> None:
    pd = pd_answer(OnCallRow("PPLATF", 1, "contractor@else.test", "Con Tractor", "U9"))
    p = build("db", pd=pd)
    c = p.levels[0].contacts[0]
    assert (c.ref, c.name, c.note) == ("contractor@else.test", "Con Tractor", "not found in the roster")


def test_manager_who_left_is_skipped_and_their_manager_steps_in() -> None:
    p = build("ledger-api", pd=pd_answer(error="x"))
    assert refs(p)[3] == ["victor@acme.test"]
    assert p.levels[3].contacts[0].why == "manager's manager"
    assert skipped(p)["kate@acme.test"] == "left on 2026-02-01"


def test_nobody_to_page_is_a_gap_naming_what_is_missing() -> None:
    p = build("haunted")
    assert p.first is None
    assert p.gap is not None and p.gap.startswith("nobody to page for haunted: team ghosts has no one on call")
    assert "no employed team member" in p.gap and "no employed manager" in p.gap
    assert "(2 skipped, see above)" in p.gap
    assert skipped(p) == {"ghost1@acme.test": "left on 2025-06-30", "ghostboss@acme.test": "left on 2025-06-30"}


def test_the_gap_suggests_a_successor_from_scan_data() -> None:
    activity = {"haunted": {"ghost1@acme.test": dt.datetime(2025, 6, 1, tzinfo=UTC),
                            "wes@acme.test": dt.datetime(2025, 12, 1, tzinfo=UTC),
                            "alice@acme.test": dt.datetime(2025, 11, 1, tzinfo=UTC)}}
    p = build("haunted", activity=activity)
    assert p.successor is not None and p.successor.ref == "wes@acme.test"
    assert p.gap is not None and p.gap.endswith("suggested successor from git history: wes@acme.test")


def test_unknown_owning_team_is_named() -> None:
    cat = orgs.catalog()
    lost = dataclasses.replace(cat.systems["db"], owner="nobody-team")
    cat = dataclasses.replace(cat, systems={**cat.systems, "db": lost})
    p = build("db", catalog=cat)
    assert p.gap == ("nobody to page for db: owning team 'nobody-team' is not in the catalog; add an owner who "
                     "can be paged to db's team, or an org fallback (fallback:), in the catalog")


def test_team_members_are_ordered_by_recent_activity_when_scan_data_exists() -> None:
    activity = {"payments-api": {"gina@acme.test": dt.datetime(2026, 2, 1, tzinfo=UTC),
                                 "DAN@acme.test": dt.datetime(2026, 2, 20, tzinfo=UTC)}}
    p = build("payments-api", roster=False, activity=activity)
    assert refs(p)[2] == ["dan@acme.test", "gina@acme.test"]
    assert p.levels[2].contacts[0].note == "last commit here 2026-02-20"
    no_scan = build("payments-api", roster=False)
    assert refs(no_scan)[2] == ["dan@acme.test", "gina@acme.test"]
    activity["payments-api"]["gina@acme.test"] = dt.datetime(2026, 2, 25, tzinfo=UTC)
    assert refs(build("payments-api", roster=False, activity=activity))[2] == ["gina@acme.test", "dan@acme.test"]
