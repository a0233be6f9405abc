"""People rules: the catalog against the HR roster. They run only when a roster is given (`--roster`).

Every reference is resolved exactly (roster/identity.py): emails in any case, secondary emails, usernames,
GitHub noreply addresses, aliases. A reference that does not resolve is reported as `unknown-person` and
never guessed, so the other rules here only speak about people the roster really knows.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from ownership.analysis import people
from ownership.analysis.assessment import Assessment
from ownership.model import Location, Person, Severity, Snapshot, Team
from ownership.roster.identity import Resolver, resolver_for
from ownership.rules.registry import IDLE_OPTIONS, SWITCH, Hit, Rule, assessed, rule


def _resolver(snap: Snapshot) -> Resolver:
    assert snap.roster is not None  # the engine runs these rules only with a roster
    return resolver_for(snap.roster)


def _evidence(p: Person, role: str, **more: Any) -> dict[str, Any]:
    return {"person": p.label, "person_id": p.id, "role": role, "active": p.active,
            "end_date": p.end_date.isoformat() if p.end_date else None, "hr_team": p.team, **more}


@rule("unknown-person", "error", "people", needs=("roster",))
def unknown_person(snap: Snapshot) -> Iterator[Hit]:
    """The catalog names someone the HR roster does not know.

    Checked everywhere the catalog names people: team members and managers, system maintainers, stakeholder
    contacts and rotation members. A reference matches an email (any case, primary or secondary), a username
    or GitHub handle, a GitHub noreply address, or an alias from `aliases:` in ownership.yaml. Nothing is
    guessed: fix the spelling, or add an alias when the catalog and HR use different identities.
    """
    resolver = _resolver(snap)
    for r in snap.catalog.person_refs():
        if resolver.resolve(r.ref) is None:
            yield Hit(r.subject, f"{r.where}: {r.role} '{r.ref}' is not in the HR roster", r.location,
                      {"reference": r.ref, "role": r.role, "roster": snap.roster.source if snap.roster else None})


@assessed("owner-left", "warning", "people", needs=("roster",), options=IDLE_OPTIONS)
def owner_left(facts: Assessment) -> Iterator[Hit]:
    """A system maintainer or team member is no longer employed (inactive in HR, or past the end date).

    The severity is raised to error when that person was the only employed owner: for a maintainer, no other
    maintainer and no member of the owning team is employed; for a team member, no other member is. People
    with an end date in the future are reported as a warning that gives the date ("leaves on 2026-12-31"),
    so the hand-over can happen before. A team's manager is reported by `manager-left`.

    With git activity (`ownership audit`) it also reports a maintainer who is employed but listed in no team
    and has not committed to the system in the last 365 days (`idle_days`; `idle_maintainers: false` turns
    this off): named, but no longer really there.
    """
    snap = facts.snapshot
    resolver, today, cat = _resolver(snap), snap.today, snap.catalog
    for s in cat.systems.values():
        team = cat.teams.get(s.owner)
        others = people.employed_people(snap, s.maintainers + (team.members if team else ()))
        for i, ref in enumerate(s.maintainers):
            p = resolver.resolve(ref)
            hit = _left(p, today, f"system:{s.name}", f"{s.name}: maintainer", s.loc(f"maintainers[{i}]"),
                        "maintainer", alone=not [o for o in others if p is None or o.id != p.id])
            if hit:
                yield hit
    for t in cat.teams.values():
        others = people.employed_people(snap, t.members)
        for i, ref in enumerate(t.members):
            p = resolver.resolve(ref)
            hit = _left(p, today, f"team:{t.name}", f"team {t.name}: member", t.loc(f"members[{i}]"), "member",
                        alone=not [o for o in others if p is None or o.id != p.id])
            if hit:
                yield hit
    # with git activity (ownership audit): maintainers employed in HR but in no team and idle
    from ownership.rules.health import idle_owner_left

    yield from idle_owner_left(facts)


def _left(p: Person | None, today: dt.date, subject: str, what: str, loc: Location | None, role: str,
          alone: bool) -> Hit | None:
    if p is None:
        return None
    gone = people.departure(p, today)
    if gone is None:
        return None
    if p.employed_on(today):  # a future end date: time to hand over, not yet a gap
        return Hit(subject, f"{what} {p.label} {gone}", loc, _evidence(p, role, only_owner=alone), "warning")
    note = "; no other owner is employed" if alone else ""
    return Hit(subject, f"{what} {p.label} {gone}{note}", loc, _evidence(p, role, only_owner=alone),
               "error" if alone else "warning")


@rule("manager-left", "warning", "people", needs=("roster",))
def manager_left(snap: Snapshot) -> Iterator[Hit]:
    """A team's manager is no longer employed, or has an end date in the future.

    Escalations and "who decides" questions for the team dead-end until the catalog names a new manager.
    Raised to error when the team also has no employed members.
    """
    resolver, today = _resolver(snap), snap.today
    for t in snap.catalog.teams.values():
        p = resolver.resolve(t.manager) if t.manager else None
        if p is None:
            continue
        gone = people.departure(p, today)
        if gone is None:
            continue
        severity: Severity = "warning"
        if not p.employed_on(today) and not people.employed_people(snap, t.members):
            severity = "error"
        yield Hit(f"team:{t.name}", f"team {t.name}: manager {p.label} {gone}", t.loc("manager"),
                  _evidence(p, "manager"), severity)


@rule("owner-transferred", "warning", "people", needs=("roster",), options={"maintainers": SWITCH})
def owner_transferred(snap: Snapshot) -> Iterator[Hit]:
    """A team member or system maintainer is employed, but HR now places them in another team.

    The HR team (department) is matched to a catalog team through `team_map:` in ownership.yaml, else by the
    same name (case-insensitive; spaces and underscores count as hyphens). When HR names no team, or one the
    catalog does not have, nothing is reported. Maintainers from other teams can be intentional; set
    `rules: {owner-transferred: {maintainers: false}}` to check team members only.
    """
    resolver, cat = _resolver(snap), snap.catalog
    for t in cat.teams.values():
        for i, ref in enumerate(t.members):
            hit = _moved(snap, resolver.resolve(ref), t, t.name, f"team:{t.name}", f"team {t.name}: member",
                         t.loc(f"members[{i}]"), "member")
            if hit:
                yield hit
    if snap.option("owner-transferred", "maintainers", True) is False:
        return
    for s in cat.systems.values():
        for i, ref in enumerate(s.maintainers):
            hit = _moved(snap, resolver.resolve(ref), cat.teams.get(s.owner), s.owner, f"system:{s.name}",
                         f"{s.name}: maintainer", s.loc(f"maintainers[{i}]"), "maintainer")
            if hit:
                yield hit


def _moved(snap: Snapshot, p: Person | None, team: Team | None, owner: str, subject: str, what: str,
           loc: Location | None, role: str) -> Hit | None:
    if p is None or team is None:
        return None
    now_in = people.transferred(snap, p, owner)
    if now_in is None:
        return None
    return Hit(subject, f"{what} {p.label} now works in team {now_in} (HR: '{p.team}'), not {owner}", loc,
               _evidence(p, role, catalog_team=now_in, owning_team=owner))


@rule("team-without-active-members", "warning", "people", needs=("roster",))
def team_without_active_members(snap: Snapshot) -> Iterator[Hit]:
    """No member of a team is employed (members who left, or whom the roster does not know, do not count).

    An error when the team owns systems: those systems have nobody to maintain them or to page. A Backstage
    Group with child groups and no members of its own (a department) is not reported: its people are in its
    child teams.
    """
    resolver, today = _resolver(snap), snap.today
    for t in snap.catalog.teams.values():
        if people.employed_people(snap, t.members) or (t.children and not t.members):
            continue
        systems = snap.catalog.owned_by(t.name)
        statuses = {}
        for ref in t.members:
            st = people.status(resolver.resolve(ref), today)
            statuses[ref] = st.state if st.state == "unknown" else st.phrase
        tail = f"; it owns {', '.join(systems)}" if systems else ""
        yield Hit(f"team:{t.name}", f"team {t.name} has no employed members{tail}", t.loc("members"),
                  {"members": statuses, "systems": systems}, "error" if systems else "warning")


RULES: tuple[Rule, ...] = (
    unknown_person,
    owner_left,
    owner_transferred,
    team_without_active_members,
    manager_left,
)
