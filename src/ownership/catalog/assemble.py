"""Assembling the catalog model: every entity a catalog file wrote (native or Backstage, as `Entity` values
the loader checked), merged by name into Teams, Systems, Stakeholders, Rotations, the incident policy and the
people's contact values. Pure: no I/O; catalog/load.py reads and checks the files, then calls `assemble`.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ownership.catalog.schema import ENTITY_KINDS, SECTIONS, TARGET_FIELDS
from ownership.model import (
    BACKSTAGE_SYSTEM_FIELDS,
    BACKSTAGE_TEAM_FIELDS,
    Condition,
    Finding,
    IncidentPolicy,
    Link,
    Location,
    Locations,
    OnCall,
    Reach,
    Repo,
    Rotation,
    SeverityRule,
    Stakeholder,
    System,
    Target,
    Team,
)

KIND_SINGULAR = {"teams": "team", "systems": "system", "stakeholders": "stakeholder", "rotations": "rotation",
                  "people": "person", "fallback": "section", "incident_roles": "section", "severity": "section"}


@dataclass
class Entity:
    kind: str  # teams | systems | stakeholders | rotations
    values: dict[str, Any]
    location: Location
    locations: Locations | dict[str, Location] = field(default_factory=Locations)  # a dict from Backstage




def targets_of(key: str, value: Any) -> list[tuple[str, dict[str, Any]]]:
    """(field path, target mapping) of each escalation step or role a section's value holds."""
    if key == "fallback":
        return [(f"fallback[{i}]", t) for i, t in enumerate(value) if isinstance(t, dict)]
    if key == "incident_roles":
        return [(f"incident_roles.{role}", t) for role, t in value.items() if isinstance(t, dict)]
    return []


def assemble(entities: list[Entity], findings: list[Finding]) -> dict[str, dict[str, Any]]:
    """The model objects by kind and name, duplicates reported. Takes the entities out of `entities` as it goes
    (it is empty afterwards): each entity's values are let go of as soon as its model object is made, instead
    of all of them living beside the whole model until the load ends (a fifth of a 50,000-system load's peak)."""
    out: dict[str, dict[str, Any]] = {k: {} for k in (*ENTITY_KINDS, *SECTIONS)}
    first: dict[tuple[str, str], tuple[Location, Locations | dict[str, Location]]] = {}  # where each name was
    entities.reverse()
    while entities:
        ent = entities.pop()
        name = ent.values["name"]
        key = (ent.kind, name)
        prev = first.get(key)
        singular = KIND_SINGULAR[ent.kind]
        if prev is not None and ent.kind in SECTIONS:
            findings.append(Finding(
                "duplicate-name", "error", f"catalog:{name}",
                f"'{name}:' is written more than once; a catalog has one (first in {prev[0]})",
                ent.location, {"first_file": prev[0].file, "first_line": prev[0].line}))
            continue
        if prev is not None:
            prev_at = prev[1].get("name", prev[0])
            findings.append(
                Finding(
                    "duplicate-name",
                    "error",
                    f"{singular}:{name}",
                    f"{singular} '{name}' is defined more than once; names must be unique across the catalog",
                    ent.locations.get("name", ent.location),
                    {"first_file": prev_at.file, "first_line": prev_at.line},
                )
            )
            continue
        first[key] = (ent.location, ent.locations)
        out[ent.kind][name] = _BUILD[ent.kind](ent) if ent.kind in _BUILD else ent
    return out


def _target(t: Mapping[str, Any], loc: Location | None) -> Target:
    return Target(rotation=t.get("rotation"), team=t.get("team"), stakeholder=t.get("stakeholder"),
                  people=tuple(t.get("people", ())), location=loc)


def _condition(c: Mapping[str, Any] | None) -> Condition:
    c = c or {}
    return Condition(tier=c.get("tier"), customer_facing=c.get("customer_facing"),
                     hits_customer_facing=c.get("hits_customer_facing"), hits_tier1=c.get("hits_tier1"),
                     dependents=c.get("dependents"), severity=c.get("severity"),
                     systems=tuple(c.get("systems", ())), lifecycle=c.get("lifecycle"))


def one_source(t: Mapping[str, Any]) -> bool:
    """A step or role that names exactly one source (the others are reported, and left out of the model)."""
    return sum(1 for f in TARGET_FIELDS if f in t) == 1


def incident_policy(sections: Mapping[str, Entity]) -> IncidentPolicy:
    """`fallback:`, `incident_roles:` and `severity:` as the model's IncidentPolicy."""
    locs: dict[str, Location] = {}
    fallback: list[Target] = []
    roles: dict[str, Target] = {}
    rules: list[SeverityRule] = []
    if (ent := sections.get("fallback")) is not None:
        locs["fallback"] = ent.location
        fallback = [_target(t, ent.locations.get(f"fallback[{i}]")) for i, t in enumerate(ent.values["value"])
                    if one_source(t)]
    if (ent := sections.get("incident_roles")) is not None:
        locs["incident_roles"] = ent.location
        roles = {r: _target(t, ent.locations.get(f"incident_roles.{r}")) for r, t in ent.values["value"].items()
                 if one_source(t)}
    if (ent := sections.get("severity")) is not None:
        locs["severity"] = ent.location
        rules = [SeverityRule(r["sev"], _condition(r.get("when")), ent.locations.get(f"severity[{i}]"), i + 1)
                 for i, r in enumerate(ent.values["value"]) if "sev" in r]
    return IncidentPolicy(tuple(fallback), roles, tuple(rules), locs.get("fallback"), locs)


def _contact(ent: Entity) -> Reach | None:
    from ownership import reach

    v = ent.values
    return reach.reach(v.get("slack"), v.get("phone"), v.get("pagerduty"))[0]


# where an `oncall:` value names what to ask an on-call provider: (section, key) -> (provider, target kind).
# Backstage annotations land in the same keys (backstage_model.ONCALL_ANNOTATIONS); the order is the order the
# targets are tried. catalog/export.py writes them back from the same table.
ONCALL_KEYS: tuple[tuple[tuple[str, str], tuple[str, str]], ...] = (
    (("pagerduty", "service"), ("pagerduty", "service")),
    (("pagerduty", "escalation_policy"), ("pagerduty", "policy")),
    (("pagerduty", "integration_key"), ("pagerduty", "integration_key")),
    (("opsgenie", "team"), ("opsgenie", "team")),
)


def _oncall(oncall: Any) -> OnCall | None:
    """An `oncall:` value (native teams; Backstage Groups, Components and Resources) as the model's OnCall:
    its rotation, and what to ask each on-call provider (ONCALL_KEYS)."""
    if not oncall:
        return None
    providers: dict[str, tuple[str, ...]] = {}
    for (section, key), (provider, kind) in ONCALL_KEYS:
        value = (oncall.get(section) or {}).get(key)
        if value:
            providers[provider] = (*providers.get(provider, ()), f"{kind}:{value}")
    return OnCall(rotation=oncall.get("rotation"), providers=providers)


def _team(ent: Entity) -> Team:
    v = ent.values
    return Team(
        name=v["name"],
        members=v.get("members", ()),
        manager=v.get("manager"),
        channel=v.get("channel"),
        oncall=_oncall(v.get("oncall")),
        description=v.get("description"),
        location=ent.location,
        locations=ent.locations,
        **{k: v[k] for k in BACKSTAGE_TEAM_FIELDS if k in v},
    )


def _system(ent: Entity) -> System:
    v = ent.values
    repos = []
    for i, r in enumerate(v.get("repos", ())):
        if f"repos[{i}].paths[{len(r.get('paths', ()))}]" in ent.locations:
            continue  # a path was refused (reported): without it the entry would claim more of the repository
        if "url" in r:
            repos.append(Repo(r["url"], tuple(r.get("paths", ())), ent.locations.get(f"repos[{i}]")))
    return System(
        name=v["name"],
        owner=v.get("owner", ""),
        description=v.get("description"),
        maintainers=v.get("maintainers", ()),
        tier=v.get("tier", 3),
        lifecycle=v.get("lifecycle", "production"),
        customer_facing=v.get("customer_facing", False),
        repos=tuple(repos),
        depends_on=v.get("depends_on", ()),
        channels={k: c for k, c in (v.get("channels") or {}).items()},
        stakeholders=v.get("stakeholders", ()),
        runbook=v.get("runbook"),
        links=tuple(x if isinstance(x, Link) else Link(x["url"], x.get("title"), x.get("type"))
                    for x in v.get("links", ()) if isinstance(x, Link) or "url" in x),  # Backstage's are Links
        capability=v.get("capability"),
        severity=v.get("severity"),
        oncall=_oncall(v.get("oncall")),
        location=ent.location,
        locations=ent.locations,
        **{k: v[k] for k in BACKSTAGE_SYSTEM_FIELDS if k in v and k != "links"},
    )


def _stakeholder(ent: Entity) -> Stakeholder:
    v = ent.values
    return Stakeholder(v["name"], v.get("contacts", ()), v.get("channel"), v.get("description"),
                       ent.location, ent.locations, tuple(_condition(c) for c in v.get("when", ())))


_UNITS = {"h": dt.timedelta(hours=1), "d": dt.timedelta(days=1), "w": dt.timedelta(weeks=1)}


def parse_duration(text: str) -> dt.timedelta:
    return int(text[:-1]) * _UNITS[text[-1]]


def _rotation(ent: Entity) -> Rotation:
    v = ent.values
    start = v.get("start") or dt.date(1970, 1, 1)
    if not isinstance(start, dt.datetime):
        start = dt.datetime(start.year, start.month, start.day, tzinfo=dt.timezone.utc)
    elif start.tzinfo is None:
        start = start.replace(tzinfo=dt.timezone.utc)
    return Rotation(v["name"], v.get("members", ()), parse_duration(v.get("shift", "7d")), start,
                    ent.location, ent.locations)


_BUILD = {"teams": _team, "systems": _system, "stakeholders": _stakeholder, "rotations": _rotation,
          "people": _contact}
