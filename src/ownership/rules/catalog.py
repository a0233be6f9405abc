"""Catalog rules: the file is readable, well-formed, and everything it names exists."""
from __future__ import annotations

from collections.abc import Collection, Iterator

from ownership.analysis.impact import build_graph, cycles, edge_field
from ownership.support.closenames import CloseNames
from ownership.support.memo import ByIdentity
from ownership.model import Catalog, Condition, Location, Snapshot, System
from ownership.rules.registry import Hit, Option, Rule, declared, rule

INCIDENT_COMMANDER_ROTATION = "incident-commander"

# --------------------------------------------------------------------------- emitted by the loader

YAML_SYNTAX = declared("yaml-syntax", "error", "catalog", """
    The file is not valid YAML (or not UTF-8, or nested absurdly deep).

    The finding points at the line and column where the parser gave up ("tab character" when a tab stopped
    it: YAML indents with spaces only). Nothing else in that file is checked until it parses. It is listed
    before every other finding, and a finding such as `unknown-team` that follows only from a name the file
    writes (`name: payments`) says that the file did not parse; evidence.names lists those names.
    """)
DUPLICATE_KEY = declared("duplicate-key", "error", "catalog", """
    The same key appears twice in one mapping.

    Plain YAML loaders silently keep the last value, so half of what was written is ignored. The finding
    points at the second occurrence; evidence.first_line is the first.
    """)
UNKNOWN_FIELD = declared("unknown-field", "error", "catalog", """
    A key the catalog format does not know, usually a typo; the message suggests the closest known field.
    """)
INVALID_VALUE = declared("invalid-value", "error", "catalog", """
    A value of the wrong type or outside its allowed values.

    Examples: tier 5, lifecycle "prod", a name with capitals or spaces, a runbook that is not an http(s)
    URL, `owner: yes` (YAML reads that as a boolean: quote it). In Backstage descriptors, what Backstage
    rejects is `backstage-invalid-field`.
    """)
MISSING_FIELD = declared("missing-field", "error", "catalog", """
    A required field is absent: every team, system, stakeholder and rotation needs a name; a system needs an
    owner; a rotation needs members and a start. In Backstage descriptors, a field Backstage requires is
    `backstage-missing-field`.
    """)
DUPLICATE_NAME = declared("duplicate-name", "error", "catalog", """
    Two teams (or systems, stakeholders, rotations) share a name, possibly in different files.

    The first definition is kept; evidence names where it is.
    """)
UNSAFE_TAG = declared("unsafe-tag", "error", "catalog", """
    The file uses a YAML tag such as `!!python/object`. Tags are never constructed or executed; the catalog
    is plain data, so remove the tag.
    """)
ALIAS_BOMB = declared("alias-bomb", "error", "catalog", """
    YAML aliases in the file would expand to an enormous document ("billion laughs"). The file is not read.
    """)
FILE_TOO_LARGE = declared("file-too-large", "error", "catalog", """
    The file is larger than 10 MB. The file is not read; split the catalog into several files.
    """)
INVISIBLE_CHARACTER = declared("invisible-character", "error", "catalog", """
    A name, reference or other value holds a character that is invisible or changes the direction of the
    text: zero-width spaces and joiners (U+200B-U+200D, U+2060-U+2064, U+FEFF), bidi marks, embeddings,
    overrides and isolates (U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), and every other Unicode format
    (Cf) character, line separator or blank filler.

    Such a character makes `payments` and `pay\u200bments` two different teams that look the same, or
    shows a reviewer a name in a different order than the tools read it. The message names the code point
    (`U+202E RIGHT-TO-LEFT OVERRIDE`) and the finding points at the value; evidence.index is its position
    in the value. Free text (`description`, Backstage `metadata.title`) may hold emoji joiners; only the
    text-direction controls are errors there.
    """)
UNSUPPORTED_FORMAT = declared("unsupported-format", "warning", "catalog", """
    Retired: nothing reports it any more; the slug stays so that an ownership.yaml that configures it
    still loads.

    It named a YAML document in a format this version did not read. A catalog kind Backstage does not read
    (wrong case, unknown apiVersion) is now `backstage-unknown-kind`, a Template or custom kind
    `backstage-skipped-kind`.
    """)


# --------------------------------------------------------------------------- cross-reference rules


_CLOSE: ByIdentity[CloseNames] = ByIdentity()


def _did_you_mean(name: str, known: Collection[str]) -> str:
    """The closest known name (difflib's, through one index per catalog mapping: closenames.py)."""
    close = _CLOSE.get(known, make=lambda: CloseNames(known)).matches(name, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _from_backstage(s: System) -> bool:
    """Read from a Backstage Component or Resource: its references are judged by dangling-reference."""
    return s.kind in ("component", "resource")


def external_owners(snap: Snapshot) -> frozenset[str]:
    """Teams ownership.yaml says exist outside the catalog (`external_owners:`, config.py)."""
    return frozenset(snap.option(DANGLING, "external_owners", ()))


@rule("unknown-team", "error", "catalog")
def unknown_team(snap: Snapshot) -> Iterator[Hit]:
    """A system's owner (or a `fallback:` step or `incident_roles:` role) names a team the catalog does not
    define (nor `external_owners:` in ownership.yaml).

    Backstage Components and Resources are judged by `dangling-reference` instead.
    """
    teams = snap.catalog.teams
    external = external_owners(snap)
    for s in snap.catalog.systems.values():
        if s.owner and s.owner not in teams and s.owner not in external and not _from_backstage(s):
            yield Hit(f"system:{s.name}", f"{s.label} is owned by unknown team '{s.owner}'"
                      + _did_you_mean(s.owner, teams), s.loc("owner"), {"team": s.owner})
    for section, where, t in snap.catalog.incident.targets():
        if t.team and t.team not in teams:
            yield Hit(f"catalog:{section}", f"{where} names unknown team '{t.team}'" + _did_you_mean(t.team, teams),
                      t.location, {"team": t.team})


@rule("unknown-system", "error", "catalog")
def unknown_system(snap: Snapshot) -> Iterator[Hit]:
    """A system depends on a system the catalog does not define (or a severity rule or stakeholder `when:`
    names one).

    Backstage Components and Resources are judged by `dangling-reference` instead.
    """
    systems = snap.catalog.systems
    for s in systems.values():
        if _from_backstage(s):
            continue
        for i, dep in enumerate(s.depends_on):
            if dep not in systems:
                yield Hit(f"system:{s.name}", f"{s.label} depends on unknown system '{dep}'"
                          + _did_you_mean(dep, systems), s.loc(f"depends_on[{i}]"), {"system": dep})
    for where, subject, cond, loc in _conditions(snap.catalog):
        for name in cond.systems:
            if name not in systems:
                yield Hit(subject, f"{where} names unknown system '{name}'" + _did_you_mean(name, systems), loc,
                          {"system": name})


def _conditions(cat: Catalog) -> Iterator[tuple[str, str, Condition, Location | None]]:
    """(how messages name it, subject, condition, where) of every severity rule and stakeholder condition."""
    for rule_ in cat.incident.severity:
        yield f"severity rule {rule_.number}", "catalog:severity", rule_.when, rule_.location
    for sh in cat.stakeholders.values():
        for i, cond in enumerate(sh.when):
            yield (f"stakeholder group {sh.name}'s condition", f"stakeholder:{sh.name}", cond,
                   sh.loc(f"when[{i}]"))


DANGLING = "dangling-reference"


@rule(DANGLING, "error", "catalog", options={"external_owners": Option(
    lambda v: isinstance(v, (list, tuple)) and all(isinstance(x, str) for x in v), "a list of team names",
    {"type": "array", "items": {"type": "string"}})})
def dangling_reference(snap: Snapshot) -> Iterator[Hit]:
    """A Backstage entity refers to an entity that is not in the files read: an owner, a `dependsOn`, a
    `spec.system`, `subcomponentOf`, an API, a Group's `parent`, `children` or a User's `memberOf`.

    Backstage accepts this (it keeps a dangling relation, and the entity may come from another location);
    ownership is stricter, because a system whose owner or dependency it cannot see cannot be paged or
    counted in a blast radius. Teams that exist elsewhere are listed in ownership.yaml,
    `external_owners: [billing, group:finance/ledger]` (model names: `billing`, `finance/ledger`), and are not
    reported. The severity is configurable like any rule's: `rules: {dangling-reference: {severity:
    warning}}`. Native catalogs report the same mistakes as `unknown-team` and `unknown-system`.
    """
    cat = snap.catalog
    external = external_owners(snap)
    for s in cat.systems.values():
        if not _from_backstage(s):
            continue
        if s.owner and s.owner not in cat.teams and s.owner not in external:
            yield Hit(f"system:{s.name}", f"{s.label} is owned by group '{s.owner}', which is not in the files "
                      f"read{_did_you_mean(s.owner, cat.teams)}{_ELSEWHERE}", s.loc("owner"),
                      {"field": "spec.owner", "kind": "group", "target": s.owner})
        targets = [(f"depends_on[{i}]", "spec.dependsOn", d) for i, d in enumerate(s.depends_on)]
        if s.subcomponent_of:
            targets.append(("subcomponent_of", "spec.subcomponentOf", s.subcomponent_of))
        for key, field, dep in targets:
            if dep not in cat.systems:
                yield Hit(f"system:{s.name}", f"{s.label} names '{dep}' in {field}, which is not in the files "
                          f"read{_did_you_mean(dep, cat.systems)}", s.loc(key),
                          {"field": field, "kind": "component", "target": dep})
    for r in cat.dangling:
        if r.kind == "group" and r.target in external:
            continue
        hint = _ELSEWHERE if r.kind == "group" else ""
        yield Hit(r.subject, f"{r.source} names {r.kind} '{r.target}' in {r.field}, which is not in the files "
                  f"read{hint}", r.location, {"field": r.field, "kind": r.kind, "target": r.target})


_ELSEWHERE = " (if it is defined elsewhere, list it under external_owners: in ownership.yaml)"


@rule("unknown-stakeholder", "error", "catalog")
def unknown_stakeholder(snap: Snapshot) -> Iterator[Hit]:
    """A system, a `fallback:` step or an `incident_roles:` role names a stakeholder group the catalog does not
    define."""
    known = snap.catalog.stakeholders
    for s in snap.catalog.systems.values():
        for i, name in enumerate(s.stakeholders):
            if name not in known:
                yield Hit(f"system:{s.name}", f"{s.label} lists unknown stakeholder group '{name}'"
                          + _did_you_mean(name, known), s.loc(f"stakeholders[{i}]"), {"stakeholder": name})
    for section, where, t in snap.catalog.incident.targets():
        if t.stakeholder and t.stakeholder not in known:
            yield Hit(f"catalog:{section}", f"{where} names unknown stakeholder group '{t.stakeholder}'"
                      + _did_you_mean(t.stakeholder, known), t.location, {"stakeholder": t.stakeholder})


@rule("unknown-rotation", "error", "catalog")
def unknown_rotation(snap: Snapshot) -> Iterator[Hit]:
    """A team's on-call, a `fallback:` step or an `incident_roles:` role names a rotation the catalog does not
    define."""
    known = snap.catalog.rotations
    for t in snap.catalog.teams.values():
        if t.oncall and t.oncall.rotation and t.oncall.rotation not in known:
            name = t.oncall.rotation
            yield Hit(f"team:{t.name}", f"team '{t.name}' is on call through unknown rotation '{name}'"
                      + _did_you_mean(name, known), t.loc("oncall.rotation"), {"rotation": name})
    for section, where, tg in snap.catalog.incident.targets():
        if tg.rotation and tg.rotation not in known:
            yield Hit(f"catalog:{section}", f"{where} names unknown rotation '{tg.rotation}'"
                      + _did_you_mean(tg.rotation, known), tg.location, {"rotation": tg.rotation})


@rule("unused-definition", "info", "catalog")
def unused_definition(snap: Snapshot) -> Iterator[Hit]:
    """A stakeholder group no system lists, or a rotation no team uses: it is never reached.

    The `incident-commander` rotation is used by `ownership incident` and is exempt; so are rotations and
    stakeholder groups named by `fallback:` or `incident_roles:`, and stakeholder groups with a `when:`.
    """
    cat = snap.catalog
    listed = {n for s in cat.systems.values() for n in s.stakeholders}
    listed |= {t.stakeholder for _, _, t in cat.incident.targets() if t.stakeholder}
    for sh in cat.stakeholders.values():
        if sh.name not in listed and not sh.when:
            yield Hit(f"stakeholder:{sh.name}", f"stakeholder group '{sh.name}' is not listed by any system, so "
                      "no incident brings it in", sh.loc("name"))
    used = {t.oncall.rotation for t in cat.teams.values() if t.oncall and t.oncall.rotation}
    used |= {t.rotation for _, _, t in cat.incident.targets() if t.rotation}
    for r in cat.rotations.values():
        if r.name not in used and r.name != INCIDENT_COMMANDER_ROTATION:
            yield Hit(f"rotation:{r.name}", f"rotation '{r.name}' is not the on-call of any team", r.loc("name"))


@rule("unreachable-stakeholder", "warning", "catalog")
def unreachable_stakeholder(snap: Snapshot) -> Iterator[Hit]:
    """A stakeholder group has neither contacts nor a channel, so nobody can bring it into an incident."""
    for sh in snap.catalog.stakeholders.values():
        if not sh.contacts and not sh.channel:
            yield Hit(f"stakeholder:{sh.name}", f"stakeholder group '{sh.name}' has no contacts and no channel",
                      sh.loc("name"))


@rule("dependency-cycle", "error", "catalog")
def dependency_cycle(snap: Snapshot) -> Iterator[Hit]:
    """Systems depend on each other in a circle; the message prints the cycle path.

    A cycle makes blast radius and start-up order meaningless. One finding per cycle, reported at the
    dependency entry of the first system of the cycle (alphabetically) that closes it. Dependencies are
    `depends_on` (Backstage `spec.dependsOn`), API consumption (a consumer depends on the API's providers)
    and `subcomponentOf` (a parent depends on its subcomponents).
    """
    for cycle in cycles(build_graph(snap.catalog)):
        first = cycle[0]
        nxt = cycle[1] if len(cycle) > 1 else cycle[0]
        s = snap.catalog.systems[first]
        path = " -> ".join([*cycle, cycle[0]])
        yield Hit(f"system:{first}", f"dependency cycle: {path}", s.loc(edge_field(snap.catalog, first, nxt)),
                  {"cycle": list(cycle)})


RULES: tuple[Rule, ...] = (
    YAML_SYNTAX,
    DUPLICATE_KEY,
    UNKNOWN_FIELD,
    INVALID_VALUE,
    MISSING_FIELD,
    DUPLICATE_NAME,
    UNSAFE_TAG,
    ALIAS_BOMB,
    FILE_TOO_LARGE,
    INVISIBLE_CHARACTER,
    UNSUPPORTED_FORMAT,
    unknown_team,
    unknown_system,
    dangling_reference,
    unknown_stakeholder,
    unknown_rotation,
    dependency_cycle,
    unreachable_stakeholder,
    unused_definition,
)
