"""The people of the site: everyone the catalog names, merged by roster identity, each with a stable slug and
what they own. Pure: a Catalog and analysis/people.py's `People` (the employment look-ups) in, data out.

What a person owns are the facts `ownership roster show` prints (member of, manages, maintains, owns via
team, stakeholder of, rotations), gathered here in ONE pass over the catalog: `roster show` answers for one
person by scanning the whole catalog, which for a 10,000-system catalog and thousands of people would be
quadratic. tests/site/test_people.py checks both agree on the example catalog.

Slug rule (docs/site.md): the person's label (primary roster email; else the reference as the catalog writes
it), lower-cased, `@` written as `-at-`, every run of characters outside `a-z 0-9 . _ -` as one `-`. Should two
people still end up with the same slug, each of them gets `-` and 8 hex digits of a hash of its identity.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ownership.catalog.schema import NAME_RE
from ownership.model import Catalog, Person
from ownership.roster.identity import normalize
from ownership.analysis.people import People

_UNSAFE = re.compile(r"[^a-z0-9._-]+")


def slug(label: str) -> str:
    """The file name (without .html) of a person's page; see the module docstring."""
    text = _UNSAFE.sub("-", label.strip().lower().replace("@", "-at-")).strip("-.")
    return text[:120] or "person"


def file_name(name: str) -> str:
    """A catalog name as a file name: itself when it is a valid catalog name (the stable URL), else a slug
    with a hash, so a name the loader flagged (capitals, spaces, '../') still gets a safe, distinct page."""
    if NAME_RE.match(name):
        return name
    return f"{slug(name)}-{_digest(name)}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


@dataclass
class Entry:
    """One person as the site shows them."""

    key: str  # "id:<roster id>" or "ref:<normalized reference>"
    label: str
    name: str | None
    person: Person | None
    # employed | employed, leaves on … | left on … | inactive in HR … | not found in the roster | roster not checked
    status: str
    state: str  # css class: ok | gone | unknown
    slug: str = ""
    refs: set[str] = field(default_factory=set)  # normalized references the catalog uses for them
    member_of: list[str] = field(default_factory=list)
    manages: list[str] = field(default_factory=list)
    maintains: list[str] = field(default_factory=list)
    owns_via_team: list[str] = field(default_factory=list)
    stakeholder_of: list[str] = field(default_factory=list)
    rotations: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"people/{self.slug}.html"

    @property
    def owns_nothing(self) -> bool:
        return not (self.member_of or self.manages or self.maintains or self.stakeholder_of or self.rotations)


class Directory:
    """Every person the catalog names, looked up by any reference the catalog uses for them."""

    def __init__(self, catalog: Catalog, people: People) -> None:
        self.people = people
        self.by_key: dict[str, Entry] = {}
        self._by_ref: dict[str, Entry] = {}
        self._gather(catalog)
        self._assign_slugs()

    def of(self, ref: str | None) -> Entry | None:
        return self._by_ref.get(normalize(ref)) if ref else None

    def find(self, ref: str | None) -> Entry | None:
        """The entry of `ref` as the catalog writes it, or of the roster person it resolves to (findings
        name people by roster label or id, not always by the catalog's reference)."""
        hit = self.of(ref)
        if hit is not None or not ref:
            return hit
        person = self.people.resolve(ref)
        return self.by_key.get(self.people.key(ref, person)) if person is not None else None

    def entries(self) -> list[Entry]:
        return sorted(self.by_key.values(), key=lambda e: e.slug)

    def _entry(self, ref: str) -> Entry:
        norm = normalize(ref)
        hit = self._by_ref.get(norm)
        if hit is not None:
            return hit
        person = self.people.resolve(ref)
        key = self.people.key(ref, person)
        entry = self.by_key.get(key)
        if entry is None:
            entry = self._new(ref, person, key)
            self.by_key[key] = entry
        entry.refs.add(norm)
        self._by_ref[norm] = entry
        return entry

    def _new(self, ref: str, person: Person | None, key: str) -> Entry:
        st = self.people.now(person)
        if st is None:
            status, state = "roster not checked", "unknown"
        else:
            status, state = st.phrase, "ok" if st.employed else "gone"
        label = person.label if person is not None else ref.strip()
        return Entry(key, label, person.name if person else None, person, status, state)

    def _gather(self, catalog: Catalog) -> None:
        def add(refs: Iterable[str], bucket: str, what: str) -> None:
            for ref in refs:
                lst = getattr(self._entry(ref), bucket)
                if not lst or lst[-1] != what:
                    lst.append(what)

        for team in catalog.teams.values():
            add(team.members, "member_of", team.name)
            if team.manager:
                add([team.manager], "manages", team.name)
        for system in catalog.systems.values():
            add(system.maintainers, "maintains", system.name)
        for group in catalog.stakeholders.values():
            add(group.contacts, "stakeholder_of", group.name)
        for rotation in catalog.rotations.values():
            add(rotation.members, "rotations", rotation.name)
        for entry in self.by_key.values():
            entry.owns_via_team = sorted({s for t in entry.member_of for s in catalog.owned_by(t)})
            for bucket in ("member_of", "manages", "maintains", "stakeholder_of", "rotations"):
                setattr(entry, bucket, sorted(set(getattr(entry, bucket))))

    def _assign_slugs(self) -> None:
        taken: dict[str, list[Entry]] = {}
        for entry in self.by_key.values():
            taken.setdefault(slug(entry.label), []).append(entry)
        for base, entries in taken.items():
            for entry in entries:
                entry.slug = base if len(entries) == 1 else f"{base}-{_digest(entry.key)}"
