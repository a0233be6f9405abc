"""Routing (`page`), `incident` and `drill` work with any on-call provider: a fake one (tests/oncall/fakeprovider.py),
added by one module and one registry line, answers through the same seam as PagerDuty, under the same one
deadline (inputs.ask_oncall), with the same fall-back to the catalog rotation when it is down or slow."""
from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import pytest

from ownership.analysis.impact import build_graph
from ownership.analysis.people import Contact, People
from ownership.config import Config
from ownership.inputs import ask_oncall
from ownership.model import Catalog, OnCall, Reach
from ownership.oncall import PROVIDERS
from ownership.render.routing import reach_line
from ownership.routing import Context, page, room
from ownership.routing.drill import drill
from tests.oncall import fakeprovider
from tests.oncall.pdserver import TOKEN, State, oncall, serve
from tests.routing import orgs

UTC = dt.timezone.utc


@pytest.fixture(autouse=True)
def fake() -> Iterator[None]:
    """The one registry line a new provider needs."""
    PROVIDERS["fake"] = fakeprovider.PROVIDER
    yield
    del PROVIDERS["fake"]


def catalog(targets: tuple[str, ...] = ("schedule:S1",)) -> Catalog:
    """The routing org with team ledger's on-call asked of the fake provider (its rotation says liam)."""
    cat = orgs.catalog()
    ledger = cat.teams["ledger"]
    assert ledger.oncall is not None
    teams = {**cat.teams, "ledger": dataclasses.replace(ledger, oncall=OnCall(ledger.oncall.rotation,
                                                                              {"fake": targets}))}
    return dataclasses.replace(cat, teams=teams)


def ask(cat: Catalog, fake: dict[str, Any], at: dt.datetime | None = orgs.AT,
        until: dt.datetime | None = None) -> dict[str, Any]:
    return ask_oncall(cat, [cat.systems["ledger-api"]], at, Config(values={"fake": fake}), until=until)


def context(cat: Catalog, fake: dict[str, Any]) -> Context:
    return Context(cat, orgs.AT, People(cat, orgs.roster(), orgs.DAY), ask(cat, fake))


DAN = {"on_call": {"schedule:S1": [["dan@acme.test", "2026-03-01T00:00:00Z", None]]}}


def test_page_level_one_comes_from_any_registered_provider() -> None:
    cat = catalog()
    p = page(context(cat, DAN), cat.systems["ledger-api"])
    assert p.levels[0].source == "Fake schedule S1"
    assert [(c.ref, c.why) for c in p.levels[0].contacts] == [("dan@acme.test",
                                                               "on call in Fake (escalation level 1, S1)")]


def test_a_provider_that_is_down_falls_back_to_the_catalog_rotation_with_a_note() -> None:
    cat = catalog()
    p = page(context(cat, {"error": "fake is down"}), cat.systems["ledger-api"])
    assert p.levels[0].source == "rotation ledger-primary" and p.levels[0].contacts[0].ref == "liam@acme.test"
    assert "Fake unavailable (fake is down); using the catalog rotation ledger-primary" in p.notes


def test_a_target_the_provider_does_not_know_is_a_note_and_what_it_cannot_ask_is_shown() -> None:
    cat = catalog(("schedule:NOPE", "note:N1"))
    p = page(context(cat, DAN), cat.systems["ledger-api"])
    assert ("on-call of team ledger unknown (Fake has no schedule NOPE); using the catalog rotation "
            "ledger-primary") in p.notes
    assert "team ledger also has Fake note N1" in p.notes


def test_a_slow_provider_is_cut_at_its_wait_while_the_others_answer() -> None:
    cat = catalog()
    start = time.monotonic()
    answers = ask(cat, {**DAN, "delay": 5, "wait": 0.3})
    took = time.monotonic() - start
    assert took < 0.3 + 1.0
    assert answers["fake"].error == "Fake did not answer within 0.3 s"


def test_every_provider_is_asked_at_once_under_one_deadline() -> None:
    """PagerDuty (team platform) and the fake (team ledger) each take 1.5 s: asked one after the other they
    would take 3 s; asked at once, both answer within their waits."""
    cat = catalog()
    systems = [cat.systems["ledger-api"], cat.systems["db"]]
    with serve(State(oncalls=[oncall("PPLATF", 1, "nina@acme.test", "Nina")], delay=1.5)) as url:
        config = Config(values={"fake": {**DAN, "delay": 1.5, "wait": 4}, "pagerduty": {"wait": 4}})
        start = time.monotonic()
        answers = ask_oncall(cat, systems, orgs.AT, config, {"pagerduty": {"base_url": url}},
                             env={"OWNERSHIP_PAGERDUTY_TOKEN": TOKEN})
        took = time.monotonic() - start
    assert answers["pagerduty"].error is None and answers["fake"].error is None
    assert [e.person for e in answers["pagerduty"].targets["policy:PPLATF"].entries] == ["nina@acme.test"]
    assert took < 2.9


def test_incident_room_takes_its_responders_from_any_provider() -> None:
    cat = catalog()
    r = room(context(cat, DAN), build_graph(cat), [cat.systems["ledger-api"]])
    level = r.responders[0].level
    assert level is not None and level.source == "Fake schedule S1"
    assert [c.ref for c in level.contacts] == ["dan@acme.test"]


def test_drill_sees_the_hand_overs_and_the_outage_of_any_provider() -> None:
    cat = catalog()
    start, end = dt.datetime(2026, 3, 2, tzinfo=UTC), dt.datetime(2026, 3, 9, tzinfo=UTC)
    handover = "2026-03-04T12:00:00Z"
    shifts = {"on_call": {"schedule:S1": [["dan@acme.test", "2026-03-01T00:00:00Z", handover],
                                          ["liam@acme.test", handover, None]]}}
    quiet = drill(cat, orgs.roster(), start, end, oncall=ask(cat, {"on_call": {"schedule:S1": []}}, start, end))
    fast = drill(cat, orgs.roster(), start, end, oncall=ask(cat, shifts, start, end))
    plain = drill(cat, orgs.roster(), start, end, oncall=ask(cat, shifts, start, end), plain=True)
    assert fast.hand_overs == quiet.hand_overs + 1  # the fake's hand-over is one more moment the drill asks
    assert fast.gaps == plain.gaps
    down = drill(cat, orgs.roster(), start, end, oncall=ask(cat, {"error": "fake is down"}, start, end))
    unknown = [g for g in down.gaps if g.kind == "oncall-unknown" and "ledger-api" in g.systems]
    assert [g.message for g in unknown] == ["Fake unavailable for team ledger (fake is down)"]
    assert "Fake unavailable (fake is down): on-calls it would say are unknown" in down.notes


def test_a_user_of_any_provider_is_linked_through_its_own_link_function() -> None:
    c = Contact("dan@acme.test", "Dan", "dan@acme.test", "p-dan", "why", reach=Reach(handles={"fake": "F7"}))
    assert reach_line(c, {"fake": "https://oncall.acme.test"}) == "Fake https://oncall.acme.test/people/F7"
