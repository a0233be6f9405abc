"""Plain, immutable data shared by every layer.

Sources build these records, analysis reads them and returns new ones, renderers format them.
Nothing in here does I/O.
"""
from __future__ import annotations

import array
import dataclasses
import datetime as dt
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from ownership.support.memo import ByIdentity

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}

LIFECYCLES = ("experimental", "production", "deprecated")


class SettingProblem(NamedTuple):
    """What is wrong with one setting of ownership.yaml. Each section's `check(value)` returns these;
    config.py adds file:line:col and reports all of them in one run."""

    path: tuple[str, ...]  # key path below the section's key; () for the section's value itself
    message: str
    kind: str = "invalid-value"  # the rule slug shown: invalid-value | unknown-field


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """Where something came from: a file (as given to the loader), 1-based line and column."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.column or 1}"
        return self.file


class Locations(Mapping[str, Location]):
    """Where each field of one entity is written (`"owner"`, `"members[2]"` -> Location), in insertion order.

    A Mapping like a dict, and equal to any mapping with the same items. It keeps each field as a file number,
    line and column and makes the Location only when asked for: a 10,000-system catalog has ~190,000 of them,
    almost none of which a query reads, and the per-file cache (catalog/cache.py) stores and loads them as one
    block of integers per entity instead of one object each. The parser fills it with `loc[key] = Location`.
    """

    __slots__ = ("_files", "_keys", "_at", "_index")

    def __init__(self, items: Mapping[str, Location] | None = None) -> None:
        self._files: list[str] | tuple[str, ...] = []
        self._keys: list[str] | tuple[str, ...] = []
        self._at: array.array[int] = array.array("q")  # file number, line, column for each key, in order
        self._index: dict[str, int] | None = {}
        for key, loc in (items or {}).items():
            self[key] = loc

    def __setitem__(self, key: str, loc: Location) -> None:
        if isinstance(self._keys, tuple):  # unpacked from the cache or sealed: lists again before growing
            self._keys, self._files = list(self._keys), list(self._files)
            self._index = None  # a sealed one shares its index with others of its shape: its own from here
        index = self._lookup()
        files = self._files
        assert isinstance(files, list) and isinstance(self._keys, list)
        try:
            n = files.index(loc.file)
        except ValueError:
            n = len(files)
            files.append(loc.file)
        at = index.get(key)
        if at is None:
            key = sys.intern(key)  # the same field names in every entity are one string (and pickled once)
            index[key] = len(self._keys)
            self._keys.append(key)
            self._at.extend((n, loc.line, loc.column))
        else:
            self._at[3 * at:3 * at + 3] = array.array("q", (n, loc.line, loc.column))

    def add(self, key: str, file: str, line: int, column: int) -> None:
        """`self[key] = Location(file, line, column)` without making the Location: the loader's way (a
        50,000-system catalog records a million fields)."""
        index = self._index
        keys = self._keys
        if index is None or type(keys) is not list or key in index:
            self[key] = Location(file, line, column)
            return
        files = self._files
        if files and files[0] == file:
            n = 0
        else:
            try:
                n = files.index(file)
            except ValueError:
                n = len(files)
                files.append(file)  # type: ignore[union-attr]  # a list while `keys` is one
        key = sys.intern(key)
        index[key] = len(keys)
        keys.append(key)
        self._at.extend((n, line, column))

    def seal(self) -> None:
        """Done growing (the loader has walked the entity): the keys become a tuple and the index a dict
        shared by every Locations of the same keys, in place of a list and a dict of its own each (two thirds
        of what the Locations of a 50,000-system catalog weighed). Growing again afterwards still works."""
        keys = tuple(self._keys)
        shared = _SHAPES.get(keys)
        if shared is None:
            if len(_SHAPES) >= _MAX_SHAPES:  # bounded: a catalog of all-different entities shares nothing
                _SHAPES.clear()
            shared = _SHAPES[keys] = (keys, {k: i for i, k in enumerate(keys)})
        self._keys, self._index = shared
        self._files = tuple(self._files)

    def _lookup(self) -> dict[str, int]:
        if self._index is None:
            self._index = {k: i for i, k in enumerate(self._keys)}
        return self._index

    def _find(self, key: object) -> int:
        keys = self._keys
        if self._index is None and len(keys) <= 16:  # a short tuple is searched faster than a dict is built
            try:
                return keys.index(key)  # type: ignore[arg-type]
            except ValueError:
                return -1
        return self._lookup().get(key, -1)  # type: ignore[call-overload, no-any-return]

    def _made(self, i: int) -> Location:
        at = self._at
        return Location(self._files[at[3 * i]], at[3 * i + 1], at[3 * i + 2])

    def __getitem__(self, key: str) -> Location:
        i = self._find(key)
        if i < 0:
            raise KeyError(key)
        return self._made(i)

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        i = self._find(key)
        return default if i < 0 else self._made(i)

    def __contains__(self, key: object) -> bool:
        return self._find(key) >= 0

    def __iter__(self) -> Iterator[str]:
        return iter(tuple(self._keys) if isinstance(self._keys, list) else self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return f"Locations({dict(self.items())!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_packed_locations, (tuple(self._files), tuple(self._keys), self._at.tobytes()))

    def packed(self) -> tuple[tuple[str, ...], tuple[str, ...], array.array[int]]:
        """(files, keys, file number, line and column of each key): what `unpacked` takes back."""
        return tuple(self._files), tuple(self._keys), self._at

    @classmethod
    def unpacked(cls, files: tuple[str, ...], keys: tuple[str, ...], at: array.array[int]) -> Locations:
        """The Locations `packed` gave: strings for `files` and distinct `keys`, and three integers in `at` per
        key, its file number within range (catalog/cachefmt.py checks what it read, once per entry)."""
        return _packed_locations(files, keys, at)


# seal(): the keys of each shape of Locations seen lately, and their index (read-only: shared)
_SHAPES: dict[tuple[str, ...], tuple[tuple[str, ...], dict[str, int]]] = {}
_MAX_SHAPES = 4096


def _packed_locations(files: tuple[str, ...], keys: tuple[str, ...], at: bytes | array.array[int]) -> Locations:
    """A Locations as __reduce__ stored it: nothing is unpacked until a field's Location is asked for."""
    out = Locations.__new__(Locations)
    out._files, out._keys, out._index = files, keys, None
    if isinstance(at, array.array):
        out._at = at
    else:
        out._at = array.array("q")
        out._at.frombytes(at)
    return out


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem, as every renderer and every contract sees it (see DESIGN.md, Finding)."""

    rule: str
    severity: Severity
    subject: str
    message: str
    location: Location | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)

    # the shape every problem record has (analysis/problems.py Problem): kind, subject, message, when, evidence
    @property
    def kind(self) -> str:
        return self.rule

    @property
    def when(self) -> None:
        """A finding holds as of the run."""
        return None

    @property
    def identity(self) -> tuple[str, str, str]:
        """What makes two findings "the same" across revisions: lines may move, this may not."""
        return (self.rule, self.subject, self.message)

    def sort_key(self) -> tuple[Any, ...]:
        loc = self.location or Location("")
        return (loc.file, loc.line, loc.column, self.rule, self.subject, self.message)

    def to_json(self) -> dict[str, Any]:
        loc = self.location
        return {
            "rule": self.rule,
            "severity": self.severity,
            "subject": self.subject,
            "message": self.message,
            "file": loc.file if loc else None,
            "line": loc.line if loc and loc.line else None,
            "column": loc.column if loc and loc.column else None,
            "evidence": dict(self.evidence),
        }

    def replace(self, **changes: Any) -> Finding:
        return dataclasses.replace(self, **changes)


# --------------------------------------------------------------------------- catalog


@dataclass(frozen=True, slots=True)
class Repo:
    url: str
    paths: tuple[str, ...] = ()
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class Link:
    """One entry of a Backstage entity's `metadata.links`."""

    url: str
    title: str | None = None
    type: str | None = None
    icon: str | None = None


@dataclass(frozen=True, slots=True)
class OnCall:
    """How a team, or a system itself, is reached out of hours: a catalog rotation, and what to ask each on-call
    provider (ownership.oncall.PROVIDERS), by provider name, as `kind:value` targets, for example
    {"<provider>": ("service:PABC", "policy:P1")}. The loaders fill `providers`; routing reads it through the
    providers, never by name."""

    rotation: str | None = None
    providers: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)

    @property
    def configured(self) -> bool:
        """Whether anything here reaches a person: the one test of "has an on-call"."""
        return bool(self.rotation or any(self.providers.values()))


@dataclass(frozen=True, slots=True)
class Reach:
    """How to reach one person besides email: a Slack handle or member id, a phone number, and their user id
    (or web page) in each on-call provider (`handles`, by provider name). From the roster's optional columns
    and the catalog (native `people:`, Backstage User annotations and links); the roster's value wins field by
    field (`over`)."""

    slack: str | None = None  # "@alice" or "alice" (a handle), or a member id such as "U024BE7LH"
    phone: str | None = None
    handles: Mapping[str, str] = field(default_factory=dict, hash=False)  # provider -> user id or web page

    def over(self, other: Reach | None) -> Reach:
        """These values, each missing one taken from `other`."""
        if other is None:
            return self
        return Reach(self.slack or other.slack, self.phone or other.phone, {**other.handles, **self.handles})

    def __bool__(self) -> bool:
        return bool(self.slack or self.phone or self.handles)

    @property
    def slack_id(self) -> str | None:
        """The Slack member id (what `conversations.invite` takes), when `slack` is one rather than a handle."""
        s = self.slack
        return s if s is not None and SLACK_ID_RE.match(s) is not None else None


SLACK_ID_RE = re.compile(r"^[UW][A-Z0-9]{6,}$")


@dataclass(frozen=True, slots=True)
class Target:
    """Where the people of an escalation step or an incident role come from: a rotation (who is on call, then
    the next), a team (its on-call, then its members), a stakeholder group (its contacts) or named people."""

    rotation: str | None = None
    team: str | None = None
    stakeholder: str | None = None
    people: tuple[str, ...] = ()
    location: Location | None = None

    def describe(self) -> str:
        if self.rotation:
            return f"rotation {self.rotation}"
        if self.team:
            return f"team {self.team}"
        if self.stakeholder:
            return f"stakeholder group {self.stakeholder}"
        return "named " + ("person " if len(self.people) == 1 else "people ") + ", ".join(self.people)


@dataclass(frozen=True, slots=True)
class Condition:
    """When a severity rule or a stakeholder group applies; every key given must hold (docs/incident.md)."""

    tier: int | None = None  # an affected system has this tier or a more critical one
    customer_facing: bool | None = None  # an affected system is (true) / none is (false) customer-facing
    hits_customer_facing: int | None = None  # at least N customer-facing systems affected or in the blast radius
    hits_tier1: int | None = None  # at least N tier-1 systems affected or in the blast radius
    dependents: int | None = None  # at least N systems in the blast radius
    severity: int | None = None  # the incident is SEV N or worse (stakeholders only)
    systems: tuple[str, ...] = ()  # one of these systems is affected
    lifecycle: str | None = None  # an affected system has this lifecycle

    def describe(self) -> str:
        parts = []
        if self.severity is not None:
            parts.append(f"SEV{self.severity} or worse")
        if self.tier is not None:
            parts.append("an affected system is tier 1" if self.tier == 1 else
                         f"an affected system is tier {self.tier} or more critical")
        if self.customer_facing is not None:
            parts.append("an affected system is customer-facing" if self.customer_facing
                         else "no affected system is customer-facing")
        if self.hits_customer_facing is not None:
            parts.append(_at_least(self.hits_customer_facing, "customer-facing system") + " hit")
        if self.hits_tier1 is not None:
            parts.append(_at_least(self.hits_tier1, "tier-1 system") + " hit")
        if self.dependents is not None:
            parts.append(_at_least(self.dependents, "system") + " in the blast radius")
        if self.systems:
            parts.append("affected: one of " + ", ".join(self.systems))
        if self.lifecycle:
            parts.append(f"an affected system is {self.lifecycle}")
        return " and ".join(parts) or "always"


def _at_least(n: int, what: str) -> str:
    return f"a {what} is" if n == 1 else f"at least {n} {what}s are"


@dataclass(frozen=True, slots=True)
class SeverityRule:
    sev: int  # 1 (worst) .. 4
    when: Condition
    location: Location | None = None
    number: int = 0  # its position in `severity:` (1-based), as messages name it


ROLES = ("commander", "deputy", "communications", "scribe", "operations", "customer_liaison")
ROLE_TITLES = {"commander": "incident commander", "deputy": "deputy commander",
               "communications": "communications lead", "scribe": "scribe", "operations": "operations lead",
               "customer_liaison": "customer liaison"}


@dataclass(frozen=True, slots=True)
class IncidentPolicy:
    """The org's incident practice from the catalog (`fallback:`, `incident_roles:`, `severity:`)."""

    fallback: tuple[Target, ...] = ()  # tried in order when a system's own people cannot be reached
    roles: Mapping[str, Target] = field(default_factory=dict)  # role (ROLES) -> where its person comes from
    severity: tuple[SeverityRule, ...] = ()  # first match wins; empty: the documented default rules
    location: Location | None = None  # where `fallback:` is written (for findings)
    locations: Mapping[str, Location] = field(default_factory=dict)  # "fallback", "incident_roles", "severity"

    def teams(self, *sections: str) -> list[str]:
        """The teams the given sections' steps and roles name ("fallback", "incident_roles")."""
        return [t.team for section, _, t in self.targets() if section in sections and t.team]

    def targets(self) -> Iterator[tuple[str, str, Target]]:
        """(section, how messages name it, target) of every fallback step and role, in catalog order."""
        for i, t in enumerate(self.fallback):
            yield "fallback", f"fallback step {i + 1}", t
        for role, t in self.roles.items():
            yield "incident_roles", f"incident role {role}", t


class _Located:
    """Entities loaded from a file: where they are, and where each field is (`"owner"`, `"members[2]"`...)."""

    __slots__ = ()
    location: Location | None
    locations: Mapping[str, Location]

    def loc(self, key: str) -> Location | None:
        """Where field `key` is written, else where the entity starts: findings point at the line to edit."""
        return self.locations.get(key) or self.location


@dataclass(frozen=True, slots=True)
class Team(_Located):
    name: str
    members: tuple[str, ...] = ()
    manager: str | None = None
    channel: str | None = None
    oncall: OnCall | None = None
    description: str | None = None
    location: Location | None = None
    # field name (or "members[2]") -> where it is written, so findings point at the exact line
    locations: Mapping[str, Location] = field(default_factory=dict)
    # Backstage Group hierarchy (team names) and what the Group says of itself; native teams leave them empty
    parent: str | None = None
    children: tuple[str, ...] = ()
    type: str | None = None  # Backstage spec.type: team, department, business-unit...
    display_name: str | None = None  # spec.profile.displayName
    email: str | None = None  # spec.profile.email


@dataclass(frozen=True, slots=True)
class System(_Located):
    name: str
    owner: str
    description: str | None = None
    maintainers: tuple[str, ...] = ()
    tier: int = 3
    lifecycle: str = "production"
    customer_facing: bool = False
    repos: tuple[Repo, ...] = ()
    depends_on: tuple[str, ...] = ()
    channels: Mapping[str, str] = field(default_factory=dict)
    stakeholders: tuple[str, ...] = ()
    runbook: str | None = None
    # the system's own on-call (Backstage on-call provider annotations): before its team's
    oncall: OnCall | None = None
    location: Location | None = None
    locations: Mapping[str, Location] = field(default_factory=dict)
    # What a Backstage Component or Resource says besides (docs/backstage.md); native systems keep the defaults.
    kind: str = "system"  # system (native) | component | resource: how messages name it (`label`)
    type: str | None = None  # spec.type: service, website, database...
    part_of: str | None = None  # spec.system: the Backstage System it belongs to
    subcomponent_of: str | None = None  # the system (model name) this one is a part of
    provides_apis: tuple[str, ...] = ()  # API names
    consumes_apis: tuple[str, ...] = ()
    domain: str | None = None  # the spec.domain of its Backstage System
    tags: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    annotations: Mapping[str, str] = field(default_factory=dict)
    owner_person: str | None = None  # a Backstage User owns it: the person, as person refs write them
    capability: str | None = None  # what customers call it, for the public status page ("Card payments")
    severity: int | None = None  # the severity of an incident on it, instead of the rules (SEV1-4)

    @property
    def label(self) -> str:
        """How every message names it: "system 'payments-api'", "component 'ledger'", "resource 'ledger-db'"."""
        return f"{self.kind} '{self.name}'"

    @property
    def owner_label(self) -> str:
        """Who owns it, as a person reads it: the team, else the User who owns it (Backstage), else ''."""
        return self.owner or self.owner_person or ""

    @property
    def owned_by(self) -> str:
        """Who owns it, as every renderer words it: "team payments", "person amelia@acme.test" (a Backstage User
        owns it), or "no owner"."""
        return owned_by(self.owner, self.owner_person)


def owned_by(team: str, person: str | None) -> str:
    """`System.owned_by` for records that keep a system's owner and owner_person (blast-radius hits, suspects)."""
    return f"team {team}" if team else f"person {person}" if person else "no owner"


# The fields only a Backstage catalog fills (catalog/backstage_model.py), beside the native ones
BACKSTAGE_TEAM_FIELDS = ("parent", "children", "type", "display_name", "email")
BACKSTAGE_SYSTEM_FIELDS = ("kind", "type", "part_of", "subcomponent_of", "provides_apis", "consumes_apis", "domain",
                           "tags", "links", "annotations", "owner_person")


@dataclass(frozen=True, slots=True)
class Stakeholder(_Located):
    """A non-engineering group pulled into incidents (customer success, legal, comms...)."""

    name: str
    contacts: tuple[str, ...] = ()
    channel: str | None = None
    description: str | None = None
    location: Location | None = None
    locations: Mapping[str, Location] = field(default_factory=dict)
    when: tuple[Condition, ...] = ()  # brought in when any holds, besides being listed by a system


@dataclass(frozen=True, slots=True)
class Rotation(_Located):
    """A simple round-robin: member i is on call during shift number i (mod len) counted from start."""

    name: str
    members: tuple[str, ...]
    shift: dt.timedelta
    start: dt.datetime
    location: Location | None = None
    locations: Mapping[str, Location] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PersonRef:
    """One place the catalog names a person."""

    subject: str  # "team:payments", "system:payments-api", "stakeholder:cs", "rotation:ic"
    where: str  # how messages name the entity: "team payments", "payments-api"
    role: str  # member | manager | maintainer | contact | rotation member
    ref: str  # as the catalog writes it
    location: Location | None

    @property
    def name(self) -> str:
        """The entity's name (the subject without its kind)."""
        return self.subject.split(":", 1)[1]


@dataclass(frozen=True, slots=True)
class UserProfile:
    """A person as a Backstage User entity describes them: used for their name and email when no roster
    knows them (analysis/people.py)."""

    ref: str  # as the catalog's person refs write the User (catalog/backstage_model.py `person`)
    user: str  # the User's entity name
    display_name: str | None = None
    email: str | None = None
    location: Location | None = None
    reach: Reach | None = None  # native `people:` fields; Backstage User annotations and links


@dataclass(frozen=True, slots=True)
class Reference:
    """A reference the loader could not resolve within the given files (Backstage keeps it as a dangling
    relation); the `dangling-reference` rule judges it, knowing ownership.yaml's `external_owners`."""

    subject: str  # "group:payments", "api:wayback"
    source: str  # how messages name the entity that refers: "group 'payments'"
    field: str  # spec.parent, spec.system, spec.owner...
    kind: str  # the kind of the entity referred to: group, system, api, component...
    target: str  # its model name
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class Described:
    """A Backstage System, API or Domain as read (catalog/backstage_model.py). Not a model system: it has no
    repositories, on-call or people of its own; kept so that `export backstage` writes it back."""

    kind: str  # system | api | domain
    name: str  # its model name (`namespace/name` outside the default namespace)
    description: str | None = None
    spec: Mapping[str, Any] = field(default_factory=dict)  # as read (placeholders resolved), plain values
    tags: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    annotations: Mapping[str, str] = field(default_factory=dict)
    location: Location | None = None


@dataclass(frozen=True, slots=True)
class Catalog:
    teams: Mapping[str, Team] = field(default_factory=dict)
    systems: Mapping[str, System] = field(default_factory=dict)
    stakeholders: Mapping[str, Stakeholder] = field(default_factory=dict)
    rotations: Mapping[str, Rotation] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    # Backstage: User entities by person ref, and references outside the given files
    profiles: Mapping[str, UserProfile] = field(default_factory=dict)
    dangling: tuple[Reference, ...] = ()
    described: tuple[Described, ...] = ()  # Backstage Systems, APIs and Domains, in the order read
    incident: IncidentPolicy = field(default_factory=IncidentPolicy)
    contacts: Mapping[str, Reach] = field(default_factory=dict)  # native `people:`: person ref -> contacts

    def person_refs(self) -> Iterator[PersonRef]:
        """Every place the catalog names a person, in catalog order: team members and managers, system
        maintainers, stakeholder contacts, rotation members. The one walker every people question uses."""
        for t in self.teams.values():
            for i, ref in enumerate(t.members):
                yield PersonRef(f"team:{t.name}", f"team {t.name}", "member", ref, t.loc(f"members[{i}]"))
            if t.manager:
                yield PersonRef(f"team:{t.name}", f"team {t.name}", "manager", t.manager, t.loc("manager"))
        for s in self.systems.values():
            for i, ref in enumerate(s.maintainers):
                yield PersonRef(f"system:{s.name}", s.name, "maintainer", ref, s.loc(f"maintainers[{i}]"))
        for sh in self.stakeholders.values():
            for i, ref in enumerate(sh.contacts):
                yield PersonRef(f"stakeholder:{sh.name}", f"stakeholder group {sh.name}", "contact", ref,
                                sh.loc(f"contacts[{i}]"))
        for r in self.rotations.values():
            for i, ref in enumerate(r.members):
                yield PersonRef(f"rotation:{r.name}", f"rotation {r.name}", "rotation member", ref,
                                r.loc(f"members[{i}]"))
        for section, where, tg in self.incident.targets():
            for ref in tg.people:
                yield PersonRef(f"catalog:{section}", where, "incident contact", ref, tg.location)

    def oncalls(self, system: System) -> tuple[tuple[str, OnCall], ...]:
        """The on-call set-ups that reach `system`, in the order they are tried: the system's own, then its
        owning team's; each with whose it is ("system payments-api", "team payments")."""
        out: list[tuple[str, OnCall]] = []
        if system.oncall is not None and system.oncall.configured:
            out.append((f"system {system.name}", system.oncall))
        team = self.teams.get(system.owner)
        if team is not None and team.oncall is not None and team.oncall.configured:
            out.append((f"team {team.name}", team.oncall))
        return tuple(out)

    def owned_by(self, team: str) -> list[str]:
        """The names of the systems `team` owns, sorted (indexed once per catalog)."""
        return list(_OWNED.get(self.systems, make=lambda: _owned(self.systems)).get(team, ()))


def _owned(systems: Mapping[str, System]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for s in systems.values():
        out.setdefault(s.owner, []).append(s.name)
    return {team: sorted(names) for team, names in out.items()}


_OWNED: ByIdentity[dict[str, list[str]]] = ByIdentity(8)


# --------------------------------------------------------------------------- people


@dataclass(frozen=True, slots=True)
class Person:
    """One person as the HR roster knows them."""

    id: str
    emails: tuple[str, ...] = ()
    usernames: tuple[str, ...] = ()
    name: str | None = None
    active: bool = True
    end_date: dt.date | None = None
    team: str | None = None
    manager: str | None = None  # the manager's person id
    title: str | None = None
    location: Location | None = None
    reach: Reach | None = None  # the roster's optional slack, phone and on-call provider user columns

    @property
    def email(self) -> str | None:
        return self.emails[0] if self.emails else None

    @property
    def label(self) -> str:
        return self.email or (self.usernames[0] if self.usernames else self.id)

    def employed_on(self, day: dt.date) -> bool:
        """Active in HR and not past the end date on `day`."""
        if not self.active:
            return False
        return self.end_date is None or self.end_date > day


@dataclass(frozen=True, slots=True)
class Roster:
    """Everyone HR knows about, as of `as_of`. Identity look-ups live in roster/identity.py."""

    people: tuple[Person, ...] = ()
    source: str = ""
    as_of: dt.date | None = None
    # identity settings from ownership.yaml, carried with the roster so every Resolver sees the same ones
    aliases: Mapping[str, str] = field(default_factory=dict)  # reference -> email/username/id
    mailmap: Mapping[str, str] = field(default_factory=dict)  # lowercased email -> canonical email
    team_map: Mapping[str, str] = field(default_factory=dict)  # HR team/department -> catalog team
    notes: tuple[str, ...] = ()  # contact values the loader left out, one line each ("FILE:ROW: why")

    def active_count(self, day: dt.date) -> int:
        return sum(1 for p in self.people if p.employed_on(day))


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything the analysis layer reads: one catalog, optionally the roster and git activity, and the day
    "now" is (so results are reproducible)."""

    catalog: Catalog
    today: dt.date
    roster: Roster | None = None
    activity: Activity | None = None  # once scanned (history/activity.py)
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # rule slug -> options

    def option(self, slug: str, key: str, default: Any) -> Any:
        return self.options.get(slug, {}).get(key, default)


# --------------------------------------------------------------------------- activity (git history)


@dataclass(frozen=True, slots=True)
class CommitRef:
    """One commit as activity reports it: author identity after .mailmap, author date in UTC."""

    repo: str  # the repository URL or path as the catalog writes it
    sha: str
    when: dt.datetime
    name: str
    email: str
    bot: bool = False


@dataclass(frozen=True, slots=True)
class Contributor:
    """Someone who committed to a system, merged over their emails when the roster or .mailmap says so."""

    key: str  # roster person id when resolved, else the commit email (lower case)
    name: str
    emails: tuple[str, ...] = ()
    person: str | None = None  # roster person id
    employed: bool | None = None  # on the day of the scan; None: no roster, or not found on it
    bot: bool = False
    commits: Mapping[int, int] = field(default_factory=dict)  # window in days -> commits within it
    total_commits: int = 0  # over the whole scanned history
    last_commit: dt.datetime | None = None
    files_authored: int = 0  # files of the system this contributor is a DOA author of

    @property
    def left(self) -> bool:
        """Known to the roster and no longer employed (unknown people are not assumed to have left)."""
        return self.person is not None and self.employed is False


@dataclass(frozen=True, slots=True)
class FileAuthorship:
    """The authors of one file at HEAD by Degree-of-Authorship (Contributor keys, strongest first)."""

    repo: str
    path: str
    authors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SystemActivity:
    """What the git history says about one system (its repositories, narrowed to its paths)."""

    system: str
    repos: tuple[str, ...] = ()
    last_commit: CommitRef | None = None
    last_human_commit: CommitRef | None = None
    contributors: tuple[Contributor, ...] = ()  # most commits in the shortest window first
    files: tuple[FileAuthorship, ...] = ()
    truck_factor: int = 0  # greedy, over every author
    truck_factor_people: tuple[str, ...] = ()  # the keys the greedy algorithm removed, in order
    truck_factor_pruned: int = 0  # the reference tool's pruned variant (history/authorship.py `pruned`)
    partial: bool = False  # a shallow clone: history (and the numbers) are incomplete
    shallow_repos: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()  # repositories that could not be read, paths missing at HEAD...
    unread: tuple[tuple[str, str], ...] = ()  # (repository, git's reason) of each repository not read

    @property
    def read(self) -> bool:
        """Whether the history of at least one of the system's repositories was read. When not, every number
        above is unknown (not 0): renderers say so, and rules say nothing about the system's history."""
        return len(self.unread) < len(self.repos) or not self.repos

    def active(self, window: int) -> tuple[Contributor, ...]:
        """Human contributors with at least one commit within the last `window` days."""
        return tuple(c for c in self.contributors if not c.bot and c.commits.get(window, 0) > 0)


@dataclass(frozen=True, slots=True)
class Activity:
    """Git activity of every system with repositories, as of `today`."""

    today: dt.date
    windows: tuple[int, ...] = (90, 365)
    systems: Mapping[str, SystemActivity] = field(default_factory=dict)
    roster_used: bool = False

    @property
    def repositories(self) -> tuple[int, int]:
        """(repositories whose history was read, repositories named): "history read for N of M"."""
        named = {r for sa in self.systems.values() for r in sa.repos}
        unread = {r for sa in self.systems.values() for r, _ in sa.unread}
        return len(named - unread), len(named)
