"""The org's incident practice from the catalog: the fallback when a team has nobody, incident roles, severity,
stakeholder conditions, status messages, contacts and time zones (issue 15). The small org of orgs.py, with
the practice sections appended to its catalog."""
from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest

from ownership.analysis.impact import build_graph
from ownership.analysis.people import People
from ownership.analysis.rotation import TimeError, parse_tz, shown
from ownership.render.routing import page_json, page_text, room_json, room_markdown, room_text
from ownership.routing import Context, Page, Room, page, room
from ownership.routing.severity import DEFAULT_RULES, holds, severity
from ownership.model import Condition
from tests.routing import orgs

UTC = dt.timezone.utc

PRACTICE = """\
fallback:
  - rotation: sre
  - team: platform
incident_roles:
  commander: {rotation: incident-commander}
  deputy: {rotation: incident-commander}
  communications: {stakeholder: customer-success}
  scribe: {people: [walt@acme.test]}
  customer_liaison: {stakeholder: customer-success}
people:
  - {person: erin@acme.test, slack: U0ERINKIM1, phone: "+1 555 0104", pagerduty: PERIN01}
  - {person: omar@acme.test, slack: "@omar"}
"""
SRE = """\
  - name: sre
    members: [bob@acme.test, omar@acme.test]
    shift: 7d
    start: 2026-01-05
"""


def practice(extra: str = PRACTICE, sre: bool = True) -> str:
    text = orgs.CATALOG.replace("rotations:\n", "rotations:\n" + (SRE if sre else ""), 1)
    return text + extra


def ctx_for(text: str, at: dt.datetime = orgs.AT, roster: bool = True, tz: dt.tzinfo = UTC) -> Context:
    cat = orgs.catalog(text)
    return Context(cat, at, People(cat, orgs.roster() if roster else None, at.date()), tz=tz)


def page_of(name: str, text: str, **kw: object) -> Page:
    ctx = ctx_for(text, **kw)  # type: ignore[arg-type]
    return page(ctx, ctx.catalog.systems[name])


def room_of(*names: str, text: str, sev: int | None = None, at: dt.datetime = orgs.AT) -> Room:
    ctx = ctx_for(text, at=at)
    return room(ctx, build_graph(ctx.catalog), [ctx.catalog.systems[n] for n in names], sev)


# --------------------------------------------------------------------------- the org fallback


def test_a_team_with_nobody_pages_the_fallback_first_skipping_leavers_and_still_exits_as_a_gap() -> None:
    p = page_of("haunted", practice())
    assert p.first is None and p.gap is not None  # the gap stays: the team really has nobody
    assert p.fallback is not None and p.reach is p.fallback
    # step 1: rotation sre's scheduled bob left, so omar (next) covers; step 2: platform's people, omar is
    # already listed, nina is its member
    assert [c.ref for c in p.fallback.contacts] == ["omar@acme.test", "nina@acme.test"]
    assert p.fallback.contacts[0].why.startswith("org fallback step 1: next in rotation sre")
    assert "covering for bob@acme.test" in p.fallback.contacts[0].why
    assert p.fallback.contacts[1].why.startswith("org fallback step 2: ")
    assert ("bob@acme.test", "fallback", "left on 2026-03-01") in {(s.ref, s.level, s.reason) for s in p.skipped}
    assert "paging the org fallback: omar@acme.test, nina@acme.test" in p.gap


def test_the_fallback_is_not_used_while_the_team_has_someone() -> None:
    p = page_of("payments-api", practice())
    assert p.fallback is None and p.gap is None
    assert p.reach is p.first


def test_without_a_fallback_the_gap_says_to_add_one() -> None:
    p = page_of("haunted", orgs.CATALOG)
    assert p.fallback is None and p.reach is None
    assert p.gap is not None and "or an org fallback (fallback:)" in p.gap


def test_a_fallback_with_nobody_reachable_says_so() -> None:
    text = practice("fallback:\n  - people: [leo@acme.test]\n", sre=False)
    p = page_of("haunted", text)
    assert p.fallback is not None and p.fallback.contacts == ()
    assert p.gap is not None and "the org fallback has nobody who can be paged either" in p.gap
    assert any("fallback step 1 (named person leo@acme.test) has nobody" in n for n in p.notes)


def test_page_text_and_json_show_the_fallback_first() -> None:
    p = page_of("haunted", practice())
    text = page_text(p)
    assert text.index("page the org fallback first") < text.index("0. fallback") < text.index("1. on-call")
    data = json.loads(page_json(p))
    assert [x["ref"] for x in data["fallback"]["people"]] == ["omar@acme.test", "nina@acme.test"]
    assert data["gap"] and data["levels"][0]["name"] == "on-call"  # the levels keep their numbers


def test_incident_responders_of_a_team_with_nobody_are_the_fallback() -> None:
    r = room_of("haunted", text=practice())
    x = r.responders[0]
    assert x.gap is not None and x.level is not None and x.level.name == "fallback"
    assert "org fallback: " in room_text(r)


# --------------------------------------------------------------------------- roles


def test_every_role_gets_its_own_person_when_the_candidates_allow_it() -> None:
    # 2026-03-02: incident-commander shift 8 -> walt; walt is also the only scribe candidate, so the matching
    # gives scribe to walt and commander to the next one
    r = room_of("db", text=practice())
    roles = {x.role: x for x in r.roles}
    assert roles["scribe"].contact is not None and roles["scribe"].contact.ref == "walt@acme.test"
    # customer liaison shares customer-success's only contact with communications (the next test)
    holders = [x.contact.ref for x in r.roles if x.contact and x.role != "customer_liaison"]
    assert len(holders) == len(set(holders)), holders
    assert roles["commander"].contact is not None and roles["commander"].contact.ref != "walt@acme.test"
    assert roles["commander"].source == "rotation incident-commander"
    assert roles["communications"].source == "stakeholder group customer-success"


def test_a_person_holds_two_roles_only_when_nobody_else_is_available_and_it_is_said() -> None:
    r = room_of("db", text=practice())
    roles = {x.role: x for x in r.roles}
    # communications and customer liaison both come from customer-success, which has only dana
    comms, liaison = roles["communications"], roles["customer_liaison"]
    assert comms.contact is not None and liaison.contact is not None
    assert comms.contact.ref == liaison.contact.ref == "dana@acme.test"
    assert liaison.note == "also communications lead: nobody else is available"


def test_people_who_left_are_never_assigned_a_role() -> None:
    text = practice(PRACTICE.replace("scribe: {people: [walt@acme.test]}", "scribe: {people: [leo@acme.test]}"))
    r = room_of("db", text=text)
    scribe = {x.role: x for x in r.roles}["scribe"]
    assert scribe.contact is None and scribe.note == "nobody in named person leo@acme.test can be paged"
    assert ("leo@acme.test", "left on 2026-01-15") in {(s.ref, s.reason) for s in r.skipped}


def test_operations_defaults_to_the_first_responder_and_unconfigured_roles_say_so() -> None:
    r = room_of("payments-api", text=orgs.CATALOG)
    roles = {x.role: x for x in r.roles}
    assert roles["operations"].source == "the first responder"
    assert roles["operations"].contact is not None and roles["operations"].contact.ref == "erin@acme.test"
    assert roles["scribe"].contact is None and "incident_roles" in roles["scribe"].source


def test_a_transferred_team_member_is_not_a_role_holder_for_that_team() -> None:
    text = practice(PRACTICE.replace("scribe: {people: [walt@acme.test]}", "scribe: {team: payments}"))
    r = room_of("db", text=text)
    scribe = {x.role: x for x in r.roles}["scribe"]
    assert scribe.contact is not None and scribe.contact.ref != "dan@acme.test"  # dan moved to ledger
    assert ("dan@acme.test", "transferred to team ledger") in {(s.ref, s.reason) for s in r.skipped}


# --------------------------------------------------------------------------- severity


def test_default_severity_rules() -> None:
    cat = orgs.catalog()
    g = build_graph(cat)
    from ownership.analysis.impact import blast_radius

    def sev(name: str) -> int:
        s = cat.systems[name]
        return severity(cat, [s], blast_radius(cat, g, [name])).level

    assert sev("payments-api") == 1  # tier 1, customer-facing
    assert sev("ledger-api") == 2  # tier 1, not customer-facing
    assert sev("auth") == 2  # tier 2 internal, but payments-api (tier 1, customer-facing) depends on it
    assert sev("reports") == 4  # tier 3, nothing depends on it
    assert len(DEFAULT_RULES) >= 6


def test_catalog_rules_replace_the_defaults_and_a_system_severity_and_sev_override_win() -> None:
    text = practice("severity:\n  - sev: 3\n    when: {tier: 1}\n  - sev: 2\n")
    r = room_of("payments-api", text=text)
    assert r.severity is not None and r.severity.level == 3 and "catalog severity rule 1" in r.severity.reason
    assert room_of("reports", text=text).severity.level == 2  # type: ignore[union-attr]
    fixed = text.replace("  - name: reports\n    owner: ledger\n", "  - name: reports\n    owner: ledger\n"
                                                                   "    severity: 1\n")
    got = room_of("reports", text=fixed).severity
    assert got is not None and got.level == 1 and got.source == "system"
    forced = room_of("payments-api", text=text, sev=4).severity
    assert forced is not None and forced.level == 4 and forced.source == "override"


def test_condition_keys_all_must_hold() -> None:
    cat = orgs.catalog()
    pay = cat.systems["payments-api"]
    assert holds(Condition(tier=1, customer_facing=True), [pay], None)
    assert not holds(Condition(tier=1, customer_facing=False), [pay], None)
    assert not holds(Condition(severity=2), [pay], None, sev=3)
    assert holds(Condition(severity=2), [pay], None, sev=1)
    assert holds(Condition(systems=("payments-api",)), [pay], None)
    assert not holds(Condition(hits_customer_facing=2), [pay], None)


# --------------------------------------------------------------------------- stakeholders and status


def test_stakeholder_when_pulls_a_group_in_and_says_why() -> None:
    text = orgs.CATALOG.replace('    channel: "#legal"\n', '    channel: "#legal"\n    when: {severity: 2}\n')
    r = room_of("auth", text=text)  # SEV2 (payments-api depends on it); auth lists no stakeholder
    legal = {g.name: g for g in r.stakeholders}.get("legal")
    assert legal is not None and legal.condition == "SEV2 or worse"
    assert room_of("auth", text=orgs.CATALOG).severity.level == 2  # type: ignore[union-attr]
    r4 = room_of("reports", text=text)  # SEV4: the condition does not hold
    assert "legal" not in {g.name for g in r4.stakeholders}


def test_status_messages_name_severity_commander_and_channels_and_the_public_draft_only_capabilities() -> None:
    text = orgs.CATALOG.replace("  - name: checkout\n    owner: web\n",
                                "  - name: checkout\n    owner: web\n    capability: Checkout\n")
    r = room_of("payments-api", text=text)
    assert r.status is not None and r.severity is not None
    assert r.status.declared.startswith(f"{r.severity.label} incident declared: payments-api")
    assert r.commander is not None and (r.commander.name or "") in r.status.declared
    assert "#inc-payments" in r.status.declared and "every 30 minutes" in r.status.declared
    assert r.status.public is not None and "Checkout" in r.status.public
    for internal in ("payments-api", "storefront", "#inc", "@acme.test", "team"):
        assert internal not in r.status.public
    assert r.status.public_note is not None and "payments-api" in r.status.public_note  # no capability


def test_no_public_draft_when_nothing_customer_facing_is_hit() -> None:
    r = room_of("reports", text=orgs.CATALOG)
    assert r.status is not None and r.status.public is None
    assert r.status.public_note == "no public status update: no customer-facing system is affected or impacted"


def test_room_json_and_markdown_carry_roles_severity_and_status() -> None:
    r = room_of("payments-api", text=practice())
    data = json.loads(room_json(r))
    assert data["severity"]["label"] == "SEV1" and [x["role"] for x in data["roles"]][:2] == ["commander", "deputy"]
    assert set(data["status_messages"]) == {"declared", "update", "resolved", "public", "public_note"}
    md = room_markdown(r)
    assert "*Roles:*" in md and "*Status channel messages:*" in md and "*Severity:* SEV1" in md


# --------------------------------------------------------------------------- contacts and time zones


def test_contacts_from_the_catalog_reach_the_page_and_its_renderings() -> None:
    p = page_of("payments-api", practice())
    erin = next(c for lv in p.levels for c in lv.contacts if c.ref == "erin@acme.test")
    assert erin.reach is not None and erin.reach.slack_id == "U0ERINKIM1"
    text = page_text(p)
    assert "Slack U0ERINKIM1 · phone +1 555 0104 · PagerDuty https://app.pagerduty.com/users/PERIN01" in text
    person = next(x for lv in json.loads(page_json(p))["levels"] for x in lv["people"] if x["ref"] == "erin@acme.test")
    assert (person["slack"], person["phone"], person["pagerduty"]) == ("U0ERINKIM1", "+1 555 0104", "PERIN01")


def test_every_time_is_shown_in_the_asked_zone_with_the_zone() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    p = page_of("payments-api", practice(), tz=berlin)
    text = page_text(p)
    assert "at 2026-03-02 04:00 CET (times in Europe/Berlin)" in text
    assert "on call until 2026-03-02 10:00 CET" in text  # payments-primary hands over Mondays 09:00 UTC
    assert "UTC" not in text.replace("(times in Europe/Berlin)", "")
    assert json.loads(page_json(p))["time_zone"] == "Europe/Berlin"


def test_tz_parsing() -> None:
    assert parse_tz(None) is UTC and parse_tz("utc") is UTC
    assert shown(orgs.AT, parse_tz("America/New_York")) == "2026-03-01 22:00 EST"
    with pytest.raises(TimeError, match="IANA time zone"):
        parse_tz("Mars/Olympus")


def test_a_people_entry_with_a_bad_contact_value_is_a_warning_and_the_value_is_not_used() -> None:
    from ownership.catalog.load import load_sources

    cat, findings = load_sources([("c.yaml", 'people:\n  - {person: a@x.test, slack: "<!channel>", phone: '
                                             '"+1 555 0100", pagerduty: "javascript:alert(1)"}\n')])
    assert sorted((f.rule, f.severity, f.evidence["field"]) for f in findings) == [
        ("invalid-value", "warning", "pagerduty"), ("invalid-value", "warning", "slack")]
    assert all(f.location is not None and f.location.line == 2 for f in findings)
    reach = cat.contacts["a@x.test"]
    assert reach is not None and (reach.slack, reach.phone, reach.handles.get("pagerduty")) == (None, "+1 555 0100", None)


def test_the_commander_is_not_the_person_the_fallback_pages_when_someone_else_can_command() -> None:
    # haunted's team has nobody; the fallback pages rotation sre's omar (bob left). Make omar the scheduled
    # commander too: the room passes him over for the next one and says why
    text = practice().replace("    members: [alice@acme.test, vera@acme.test, walt@acme.test]\n",
                              "    members: [omar@acme.test, vera@acme.test, walt@acme.test]\n", 1)
    r = room_of("haunted", text=text, at=dt.datetime(2026, 1, 6, tzinfo=UTC))
    x = r.responders[0]
    assert x.level is not None and x.level.name == "fallback" and x.level.contacts[0].ref == "omar@acme.test"
    assert r.commander is not None and r.commander.ref != "omar@acme.test"
    commander = {ro.role: ro for ro in r.roles}["commander"]
    assert commander.note is not None and "omar@acme.test is on an affected system's owning team or paged for it" \
        in commander.note


def test_someone_hr_moved_to_another_team_holds_no_role_from_a_rotation_either() -> None:
    # dan is a payments member whom HR places in ledger (here not also listed in ledger); put him first in the
    # commander rotation
    text = practice().replace("    members: [alice@acme.test, vera@acme.test, walt@acme.test]\n",
                              "    members: [dan@acme.test, vera@acme.test, walt@acme.test]\n", 1)
    text = text.replace("members: [liam@acme.test, dan@acme.test]", "members: [liam@acme.test]")
    r = room_of("db", text=text, at=dt.datetime(2026, 1, 6, tzinfo=UTC))  # dan's week
    assert r.commander is not None and r.commander.ref != "dan@acme.test"
    assert all(x.contact is None or x.contact.ref != "dan@acme.test" for x in r.roles)
    assert ("dan@acme.test", "rotation incident-commander", "transferred to team ledger") in {
        (s.ref, s.level, s.reason) for s in r.skipped}
