"""What a drill finds in a room (routing/gameday.py): each gap read from routing's answer, blamelessly."""
from __future__ import annotations

from ownership.analysis.impact import build_graph
from ownership.analysis.people import People
from ownership.routing import Context, Room, room
from ownership.routing.gameday import KINDS, gaps
from tests.routing import orgs


def build(*names: str) -> Room:
    cat = orgs.catalog()
    ctx = Context(cat, orgs.AT, People(cat, orgs.roster(), orgs.DAY))
    return room(ctx, build_graph(cat), [cat.systems[n] for n in names])


def test_roles_without_a_source_are_unassigned_gaps() -> None:
    r = build("payments-api")
    unassigned = [role.title for role in r.roles if role.contact is None]
    assert unassigned  # the test org configures no incident_roles:
    assert [g.subject for g in gaps(r) if g.kind == "unassigned-role"] == unassigned


def test_a_stakeholder_group_whose_contacts_left_is_a_gap() -> None:
    r = build("checkout")  # legal's only contact, leo, left on 2026-01-15
    assert [(g.subject, g.message) for g in gaps(r) if g.kind == "stakeholder-without-contacts"] == [
        ("legal", "stakeholder group legal is pulled in but has no contact who can be reached (only its channel "
                  "#legal)")]


def test_people_listed_who_cannot_be_paged_are_named_with_the_place_that_lists_them() -> None:
    found = {g.message for g in gaps(build("payments-api")) if g.kind == "cannot-be-paged"}
    assert "payments-api's maintainers level still lists Bob Martin <bob@acme.test>, who cannot be paged: left on " \
           "2026-03-01" in found


def test_a_system_without_runbook_or_status_channel_and_nobody_to_page() -> None:
    r = build("haunted")  # team ghosts: everyone left
    kinds = [g.kind for g in gaps(r)]
    assert {"nobody-to-page", "no-runbook", "no-status-channel", "no-incident-channel"} <= set(kinds)
    assert kinds == sorted(kinds, key=KINDS.index)  # in the documented order
    assert next(g.message for g in gaps(r) if g.kind == "nobody-to-page") == r.responders[0].gap
