"""Is this catalog reference someone we can page today? Employment, transfers and managers, with or without
a roster. Pure: works on a Roster already loaded.

Without a roster every reference is taken as employed and the page says the roster was not checked. With one,
a reference is paged only when it resolves to a person employed on the day; everyone else is skipped with the
reason a person can act on ("left on 2026-03-01", "inactive in HR", "transferred to team ledger").
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ownership.model import Catalog, Person, Roster
from ownership.roster.identity import Resolver, normalize


@dataclass(frozen=True, slots=True)
class Contact:
    """One person to page, and why they are on the list."""

    ref: str  # as the catalog (or PagerDuty) names them
    why: str
    name: str | None = None
    email: str | None = None
    person_id: str | None = None
    note: str | None = None

    @property
    def label(self) -> str:
        return self.email or self.ref

    def to_json(self) -> dict[str, str | None]:
        return {"ref": self.ref, "name": self.name, "email": self.email, "person_id": self.person_id,
                "why": self.why, "note": self.note}


@dataclass(frozen=True, slots=True)
class Skip:
    """Someone who would have been listed but cannot be paged, and why (blameless: a fact, not a fault)."""

    ref: str
    level: str
    reason: str
    name: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return {"ref": self.ref, "name": self.name, "level": self.level, "reason": self.reason}


class People:
    """Employment look-ups for one day. `roster` None means "not checked": everyone counts as employed."""

    def __init__(self, catalog: Catalog, roster: Roster | None, day: dt.date,
                 roster_problem: str | None = None) -> None:
        self.catalog = catalog
        self.roster = roster
        self.day = day
        self.roster_problem = roster_problem  # why a configured roster could not be used
        self.resolver = Resolver(roster, aliases=roster.aliases, mailmap=roster.mailmap) if roster else None
        self._team_map = {k.lower(): v for k, v in (roster.team_map if roster else {}).items()}
        self._catalog_teams = {name.lower(): name for name in catalog.teams}

    @property
    def checked(self) -> bool:
        return self.resolver is not None

    def resolve(self, ref: str) -> Person | None:
        return self.resolver.resolve(ref) if self.resolver else None

    def key(self, ref: str, person: Person | None) -> str:
        """What makes two references the same person (for listing each person once)."""
        return f"id:{person.id}" if person is not None else f"ref:{normalize(ref)}"

    def why_not(self, ref: str, person: Person | None) -> str | None:
        """The reason `ref` cannot be paged today, or None when they can."""
        if self.resolver is None:
            return None
        if person is None:
            return "not found in the roster"
        if person.employed_on(self.day):
            return None
        if person.end_date is not None and person.end_date <= self.day:
            return f"left on {person.end_date.isoformat()}"
        if person.end_date is not None:
            return f"inactive in HR (end date {person.end_date.isoformat()})"
        return "inactive in HR (no end date recorded: on leave or left)"

    def transferred(self, person: Person | None, team: str) -> str | None:
        """'transferred to team X' when HR places the person in another catalog team, else None.

        Only judged when the HR team maps to a team of the catalog (directly or through `team_map`): HR
        department names that mean nothing to the catalog say nothing about a transfer.
        """
        if person is None or not person.team:
            return None
        mapped = self._team_map.get(person.team.lower(), person.team)
        # HR names match catalog team names case-insensitively (as team_map does)
        known = self._catalog_teams.get(mapped.lower())
        if known is None or known == team:
            return None
        return f"transferred to team {known}"

    def note(self, person: Person | None) -> str | None:
        """A heads-up about someone who can be paged (e.g. they leave soon)."""
        if person is not None and person.end_date is not None and person.end_date > self.day:
            return f"leaves on {person.end_date.isoformat()}"
        if self.resolver is not None and person is None:
            return "not found in the roster"
        return None

    def manager_of(self, person: Person | None) -> Person | None:
        if person is None or not person.manager or self.resolver is None:
            return None
        return self.resolver.person(person.manager) or self.resolver.resolve(person.manager)

    def contact(self, ref: str, person: Person | None, why: str, note: str | None = None) -> Contact:
        notes = [n for n in (note, self.note(person)) if n]
        return Contact(ref=ref, why=why, name=person.name if person else None,
                       email=(person.email if person else None) or (ref if "@" in ref else None),
                       person_id=person.id if person else None, note="; ".join(notes) or None)

    def skip(self, ref: str, person: Person | None, level: str, reason: str) -> Skip:
        return Skip(ref=ref, level=level, reason=reason, name=person.name if person else None)
