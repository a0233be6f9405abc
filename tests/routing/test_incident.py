"""Who belongs in the room: commander and backup, responders, suspects, stakeholders, channels, impact."""
from __future__ import annotations

import datetime as dt

from ownership.analysis.impact import build_graph
from ownership.analysis.people import People
from ownership.routing import Context, Room, room
from tests.routing import orgs

UTC = dt.timezone.utc


def build(*names: str, at: dt.datetime = orgs.AT, roster: bool = True) -> Room:
    cat = orgs.catalog()
    ctx = Context(cat, at, People(cat, orgs.roster() if roster else None, at.date()))
    return room(ctx, build_graph(cat), [cat.systems[n] for n in names])


def test_commander_from_outside_the_owning_team_with_the_next_as_backup() -> None:
    # 2026-01-05: alice's week, but alice maintains payments-api; vera commands, walt backs up
    r = build("payments-api", at=dt.datetime(2026, 1, 6, tzinfo=UTC))
    assert r.commander is not None and r.commander.ref == "vera@acme.test"
    assert "covering" in r.commander.why
    assert r.backup is not None and r.backup.ref == "walt@acme.test"
    assert any("alice@acme.test is on an affected system's owning team" in n for n in r.notes)


def test_commander_is_the_scheduled_one_when_not_on_an_owning_team() -> None:
    r = build("db", at=dt.datetime(2026, 1, 6, tzinfo=UTC))  # alice's week; db is platform's
    assert r.commander is not None and r.commander.ref == "alice@acme.test"
    assert r.commander.why == "incident commander on call"
    assert r.backup is not None and r.backup.ref == "vera@acme.test"


def test_responders_are_each_systems_first_page_level() -> None:
    r = build("payments-api", "checkout")
    got = {x.system: (x.level.name if x.level else None, [c.ref for c in x.level.contacts] if x.level else [])
           for x in r.responders}
    assert got == {"payments-api": ("on-call", ["erin@acme.test"]), "checkout": ("team", ["wes@acme.test"])}


def test_suspects_are_upstream_owners_direct_first_then_by_tier() -> None:
    r = build("payments-api")
    assert [(s.name, s.depth, s.tier, s.owner) for s in r.suspects] == [
        ("ledger-api", 1, 1, "ledger"), ("auth", 1, 2, "platform"), ("db", 2, 1, "platform")]
    assert [c.ref for c in r.suspects[0].contacts] == ["liam@acme.test"]
    assert r.suspects[2].contacts == () and r.suspects[2].team_channel == "#platform"


def test_stakeholders_come_from_affected_and_impacted_customer_facing_systems() -> None:
    r = build("payments-api")
    groups = {g.name: (g.channel, [c.ref for c in g.contacts], g.because) for g in r.stakeholders}
    assert groups == {"customer-success": ("#cs", ["dana@acme.test"], ("payments-api",)),
                      "legal": ("#legal", [], ("checkout",))}
    assert {(s.ref, s.level, s.reason) for s in r.skipped} >= {("leo@acme.test", "stakeholder legal",
                                                                "left on 2026-01-15")}


def test_channels_per_system_fall_back_to_the_team_channel_and_say_so() -> None:
    r = build("payments-api", "checkout")
    assert [(c.system, c.incident, c.status) for c in r.channels] == [
        ("payments-api", "#inc-payments", "#status-payments"), ("checkout", "#web", None)]
    assert r.channels[1].note == "no incident channel in the catalog: using the team channel"


def test_impact_is_the_combined_blast_radius() -> None:
    r = build("payments-api")
    assert r.impact.summary() == "3 systems depend on payments-api: 1 tier-1, 2 customer-facing"


def test_no_commander_rotation_means_the_first_responder_leads() -> None:
    import dataclasses

    cat = orgs.catalog()
    cat = dataclasses.replace(cat, rotations={k: v for k, v in cat.rotations.items() if k != "incident-commander"})
    r = room(Context(cat, orgs.AT, People(cat, None, orgs.DAY)), build_graph(cat), [cat.systems["db"]])
    assert r.commander is None and r.backup is None
    assert any("no 'incident-commander' rotation" in n for n in r.notes)


def test_page_notes_of_affected_systems_reach_the_room() -> None:
    from tests.oncall.pdanswer import pd_answer

    cat = orgs.catalog()
    ctx = Context(cat, orgs.AT, People(cat, orgs.roster(), orgs.DAY), pd_answer(error="HTTP 503"))
    r = room(ctx, build_graph(cat), [cat.systems["ledger-api"]])
    assert ("ledger-api: PagerDuty unavailable (HTTP 503); using the catalog rotation ledger-primary"
            in r.notes)
    assert r.responders[0].level is not None and r.responders[0].level.source == "rotation ledger-primary"
