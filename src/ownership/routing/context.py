"""What routing reads (`Context`) and how it lists each person once (`Collector`). Pure: no I/O."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from ownership.analysis import rotation as rot
from ownership.analysis.people import Contact, People, Skip
from ownership.model import Catalog
from ownership.oncall.provider import OnCallAnswer


@dataclass(frozen=True)
class Context:
    """Everything routing reads. `oncall`: each asked on-call provider's answer, by provider name (a provider
    that reaches the systems but is missing here was not asked). `activity`: system -> person identity
    (email/username/id) -> last commit. `webs`: where each provider's web links point."""

    catalog: Catalog
    at: dt.datetime
    people: People
    oncall: Mapping[str, OnCallAnswer] = field(default_factory=dict)
    activity: Mapping[str, Mapping[str, dt.datetime]] | None = None
    tz: dt.tzinfo = rot.UTC  # every time shown is in this zone (`--tz`), with the zone written
    webs: Mapping[str, str] = field(default_factory=dict)  # provider -> its web address (user links)

    def when(self, t: dt.datetime) -> str:
        return rot.shown(t, self.tz)


class Collector:
    """Builds the levels, listing each person once and each skipped person once."""

    def __init__(self, people: People) -> None:
        self.people = people
        self.seen: set[str] = set()
        self.skipped: list[Skip] = []
        self.skipped_keys: set[str] = set()

    def consider(self, ref: str, level: str, why: str, team: str | None = None, note: str | None = None,
                 listed_elsewhere: bool = False) -> Contact | None:
        """The contact for `ref`, or None (skipped, or already listed). `listed_elsewhere`: someone an on-call
        provider pages anyway is listed even when the roster does not know them (with a note saying so)."""
        person = self.people.resolve(ref)
        key = self.people.key(ref, person)
        if key in self.seen:
            return None
        reason = self.people.cannot_page(person, team)
        if person is None and listed_elsewhere:
            reason = None
        if reason:
            if key not in self.skipped_keys:
                self.skipped_keys.add(key)
                self.skipped.append(self.people.skip(ref, person, level, reason))
            return None
        self.seen.add(key)
        return self.people.contact(ref, person, why, note)
