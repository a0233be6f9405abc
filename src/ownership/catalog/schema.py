"""The native catalog format, declared once.

This field specification drives three things, so they cannot disagree:
the loader's checks (catalog/load.py), the JSON Schema (`ownership schema`), and the field reference in
docs/catalog-format.md (regenerate it with ``python -m ownership.docsgen``).
"""
from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from ownership.catalog.typed import CONTROL_CLASS, TEXT_CONTROL_CLASS
from ownership.model import LIFECYCLES

NAME_PATTERN = r"^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$"
NAME_RE = re.compile(NAME_PATTERN)
# every string type below holds no control character (catalog/typed.py): the patterns say so too, for the JSON
# Schema; the loader reports such a character once, as itself, before any pattern is tried
_C = CONTROL_CLASS
PERSON_PATTERN = rf"^[^\s,;<>{_C}]+$"
PERSON_RE = re.compile(PERSON_PATTERN)
# Slack's rules for a channel name: lowercase letters, digits, `-` and `_`, no spaces or periods, at most 80
# characters; written with or without its leading `#`
CHANNEL_PATTERN = r"^#?[a-z0-9_-]{1,80}$"
CHANNEL_RE = re.compile(CHANNEL_PATTERN)
CHANNEL_EXPECT = ("a Slack channel name such as '#payments' (lowercase letters, digits, '-' and '_', at most 80, no "
                  "spaces or periods)")
DURATION_PATTERN = r"^[1-9][0-9]*[hdw]$"
DURATION_RE = re.compile(DURATION_PATTERN)
HTTP_URL_PATTERN = rf"^https?://[^\s/{_C}]+[^\s{_C}]*$"
HTTP_URL_RE = re.compile(HTTP_URL_PATTERN)
# git@host:org/repo(.git), scheme://host/path, or a local path (relative to the catalog file)
REPO_URL_PATTERN = (rf"^(?:[a-z][a-z0-9+.-]*://[^\s{_C}]+|[A-Za-z0-9._-]+@[^\s:{_C}]+:[^\s{_C}]+|[^\s:{_C}]"
                    rf"[^\s{_C}]*|/[^\s{_C}]*)$")
REPO_URL_RE = re.compile(REPO_URL_PATTERN)
# A path prefix inside a repository, written as it is into CODEOWNERS (`/services/api/`) and given to git as a
# pathspec: relative (no leading `/`), no `..` segment, no whitespace (CODEOWNERS separates owners with it), no
# glob or escape character (`*` `?` `[` `]` `\`: a pattern would own more than the path), and no leading `:`
# (git's pathspec magic, `:(exclude)`, `:!`), `!` (negation in ignore syntax) or `#` (a comment).
PATH_PATTERN = rf"^(?![/:!#])(?!(?:[^/]*/)*\.\.(?:/|$))[^\s*?\[\]\\{_C}]+$"
PATH_RE = re.compile(PATH_PATTERN)
PATH_EXPECT = ("a relative path inside the repository without whitespace, '..', glob characters (* ? [ ]), "
               "backslashes or a leading ':', '!' or '#'")
TEXT_PATTERN = rf"^[^{_C}]*$"  # one line of text
FREE_TEXT_PATTERN = rf"^[^{TEXT_CONTROL_CLASS}]*$"  # may span lines

# Characters that change how a name reads without being seen (issue 12): every format (Cf) character, such as
# zero-width spaces and joiners, bidi marks, embeddings, overrides and isolates, word joiners and U+FEFF;
# plus line and paragraph separators and the blank fillers. Free text (FREE_TEXT_FIELDS) may hold emoji
# joiners, so there only the text-direction controls count.
_ALSO_INVISIBLE = frozenset({0x034F, 0x115F, 0x1160, 0x180E, 0x2028, 0x2029, 0x3164, 0xFFA0})
_BIDI = frozenset({0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)})
FREE_TEXT_FIELDS = frozenset({"description", "title"})


def invisible_character(value: str, *, free_text: bool = False) -> tuple[int, str] | None:
    """(index, `U+202E RIGHT-TO-LEFT OVERRIDE`) of the first invisible or text-direction character in
    `value`, or None."""
    if value.isascii():  # every such character is above U+007F (a YAML escape is already decoded here)
        return None
    for i, ch in enumerate(value):
        cp = ord(ch)
        hit = cp in _BIDI if free_text else (
            cp in _BIDI or cp in _ALSO_INVISIBLE or unicodedata.category(ch) == "Cf")
        if hit:
            return i, f"U+{cp:04X} {unicodedata.name(ch, 'UNNAMED CHARACTER')}"
    return None


@dataclass(frozen=True)
class Field:
    """One key of the format: its type, constraints, default, and the words the docs print for it."""

    name: str
    kind: str  # name | text | free-text | person | channel | int | bool | enum | http-url | repo-url | date
    #            | duration | path | list | object  (free-text: may span lines; every other string is one line)
    doc: str
    required: bool = False
    default: Any = None
    choices: tuple[Any, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    item: Field | None = None  # for lists
    fields: tuple[Field, ...] = ()  # for objects
    min_items: int = 0
    example: Any = None
    refers_to: str | None = None  # "team", "system", ... for the docs
    one_or_many: bool = False  # a list that may also be written as its one item (`when: {tier: 1}`)
    exactly_one: bool = False  # an object that holds exactly one of its fields (a fallback step, a role)

    def child(self, key: str) -> Field | None:
        """The field of this object named `key` (the loader asks once per key it reads)."""
        return self._by_name.get(key)

    @functools.cached_property
    def _by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}


def _obj(name: str, doc: str, *fields: Field, required: bool = False) -> Field:
    return Field(name, "object", doc, required=required, fields=tuple(fields))


def _list(name: str, doc: str, item: Field, **kw: Any) -> Field:
    return Field(name, "list", doc, item=item, default=(), **kw)


_PERSON = Field("person", "person", "A roster email or username.", example="alice@acme.test")

TEAM = _obj(
    "team",
    "A group of people that owns systems and is paged for them.",
    Field("name", "name", "Unique team name.", required=True, example="payments"),
    Field("description", "free-text", "What the team does."),
    _list("members", "The people in the team (roster emails or usernames).", _PERSON,
          example=["alice@acme.test", "bob@acme.test"]),
    Field("manager", "person", "The team's manager (roster email or username).", example="carol@acme.test"),
    Field("channel", "channel", "The team's chat channel.", example="#payments"),
    _obj(
        "oncall",
        "How the team is reached out of hours: a PagerDuty escalation policy and/or a catalog rotation.",
        _obj(
            "pagerduty",
            "PagerDuty settings.",
            Field("escalation_policy", "text", "PagerDuty escalation policy id.", required=True,
                  example="PABC123"),
        ),
        Field("rotation", "name", "Name of a rotation in this catalog.", refers_to="rotation",
              example="payments-primary"),
    ),
)

SYSTEM = _obj(
    "system",
    "A service, library, pipeline or other thing that can break and needs an owner.",
    Field("name", "name", "Unique system name.", required=True, example="payments-api"),
    Field("description", "free-text", "One line on what it does.", example="Card payments API"),
    Field("owner", "name", "The owning team.", required=True, refers_to="team", example="payments"),
    _list("maintainers", "Named people who maintain it, in addition to the owning team.", _PERSON,
          example=["alice@acme.test"]),
    Field("tier", "int", "Criticality: 1 = most critical … 4 = least.", default=3, minimum=1, maximum=4,
          example=1),
    Field("lifecycle", "enum", "Where it is in its life.", default="production", choices=LIFECYCLES,
          example="production"),
    Field("customer_facing", "bool", "Whether customers notice when it breaks.", default=False, example=True),
    _list(
        "repos",
        "Where its code lives.",
        _obj(
            "repo",
            "A repository, optionally narrowed to sub-paths of a monorepo.",
            Field("url", "repo-url", "Clone URL (`git@…`, `https://…`) or a local path relative to this file.",
                  required=True, example="git@github.com:acme/payments.git"),
            _list("paths", "Sub-paths of a monorepo that belong to this system; the whole repo if absent.",
                  Field("path", "path", "A path prefix inside the repository."),
                  example=["services/api/"]),
        ),
    ),
    _list("depends_on", "Systems this one needs in order to work.",
          Field("system", "name", "A system name.", refers_to="system"), example=["ledger", "auth"]),
    _obj(
        "channels",
        "Where to talk during an incident.",
        Field("incident", "channel", "Channel where responders work the incident.", example="#inc-payments"),
        Field("status", "channel", "Read-only channel for status updates.", example="#status-payments"),
    ),
    _list("stakeholders", "Non-engineering groups to bring into its incidents.",
          Field("stakeholder", "name", "A stakeholder group name.", refers_to="stakeholder"),
          example=["customer-success"]),
    Field("runbook", "http-url", "Link to the runbook.", example="https://wiki.acme.test/payments/runbook"),
    _list("links", "Dashboards, logs and other pages responders open (shown by `page` and `incident`).",
          _obj("link", "One link.",
               Field("url", "http-url", "Where it points.", required=True,
                     example="https://grafana.acme.test/d/payments"),
               Field("title", "text", "What it is.", example="Payments dashboard"),
               Field("type", "text", "What kind of page: dashboard, logs, traces…", example="dashboard"))),
    Field("capability", "text", "What customers call it, for the public status page draft (no internal "
          "names there).", example="Card payments"),
    Field("severity", "int", "The severity (1 = SEV1 … 4 = SEV4) of any incident on it, instead of the "
          "severity rules.", minimum=1, maximum=4, example=1),
)

CONDITION = _obj(
    "condition",
    "When a severity rule or a stakeholder group applies: every key given must hold.",
    Field("tier", "int", "An affected system has this tier or a more critical one.", minimum=1, maximum=4,
          example=1),
    Field("customer_facing", "bool", "An affected system is (true) or none is (false) customer-facing.",
          example=True),
    Field("hits_customer_facing", "int", "At least this many customer-facing systems are affected or in the "
          "blast radius.", minimum=1, example=1),
    Field("hits_tier1", "int", "At least this many tier-1 systems are affected or in the blast radius.",
          minimum=1, example=3),
    Field("dependents", "int", "At least this many systems are in the blast radius.", minimum=1, example=10),
    Field("severity", "int", "The incident is this severity or worse (1 = SEV1); stakeholders only.",
          minimum=1, maximum=4, example=2),
    _list("systems", "One of these systems is affected.", Field("system", "name", "A system name.",
                                                               refers_to="system"), example=["payments-api"]),
    Field("lifecycle", "enum", "An affected system has this lifecycle.", choices=LIFECYCLES,
          example="production"),
)

TARGET_FIELDS = ("rotation", "team", "stakeholder", "people")


def _target(name: str, doc: str) -> Field:
    return Field(
        name, "object", doc + " Exactly one of `rotation`, `team`, `stakeholder`, `people`.", exactly_one=True,
        fields=(
        Field("rotation", "name", "Who is on call in this rotation, then the next members.",
              refers_to="rotation", example="platform-primary"),
        Field("team", "name", "The team's on-call, then its members.", refers_to="team", example="platform"),
        Field("stakeholder", "name", "The group's contacts.", refers_to="stakeholder",
              example="customer-success"),
        _list("people", "Named people, in order.", _PERSON, example=["omar.haddad@acme.test"]),
        ))


STAKEHOLDER = _obj(
    "stakeholder",
    "A non-engineering group pulled into incidents (customer success, legal, comms…).",
    Field("name", "name", "Unique stakeholder group name.", required=True, example="customer-success"),
    Field("description", "free-text", "Who they are."),
    _list("contacts", "People to bring in.", _PERSON, example=["dana@acme.test"]),
    Field("channel", "channel", "Their channel.", example="#cs-escalations"),
    Field("when", "list", "Also bring them into every incident where one of these conditions holds (a "
          "condition, or a list of them), besides the systems that list them.", item=CONDITION, default=(),
          one_or_many=True, example={"customer_facing": True}),
)

ROTATION = _obj(
    "rotation",
    "A round-robin on-call rotation: members take turns for one shift each, starting at `start`.",
    Field("name", "name", "Unique rotation name.", required=True, example="incident-commander"),
    _list("members", "People in rotation order.", _PERSON, required=True, min_items=1,
          example=["erin@acme.test", "frank@acme.test"]),
    Field("shift", "duration", "Shift length: a number and h (hours), d (days) or w (weeks).", default="7d",
          example="7d"),
    Field("start", "date", "When the first member's first shift begins (date, or date and time in UTC).",
          required=True, example="2026-01-05"),
)

PERSON_CONTACT = _obj(
    "person",
    "How to reach one person besides email (the roster's own columns win, field by field).",
    Field("person", "person", "The person (roster email or username), as the catalog names them.",
          required=True, example="erin.kim@acme.test"),
    Field("slack", "text", "Slack handle (@erin) or member id (U024BE7LH; needed to invite them to a channel).",
          example="U024BE7LH"),
    Field("phone", "text", "Phone number, international format.", example="+1 555 0100"),
    Field("pagerduty", "text", "PagerDuty user id or the user's PagerDuty URL.", example="PXPGF42"),
)

INCIDENT_ROLES = _obj(
    "incident_roles",
    "Where each incident role's person comes from. One person never holds two roles while someone else is "
    "available; people who left or transferred are never assigned.",
    _target("commander", "The incident commander (default: rotation `incident-commander`)."),
    _target("deputy", "The deputy (backup) commander (default: the commander's source, next person)."),
    _target("communications", "Writes the status updates and talks to stakeholders."),
    _target("scribe", "Keeps the timeline."),
    _target("operations", "Leads the hands-on fix (default: the first responder)."),
    _target("customer_liaison", "Talks to affected customers (e.g. `stakeholder: customer-success`)."),
)

SEVERITY_RULE = _obj(
    "severity rule",
    "An incident is SEV `sev` when `when` holds; the first matching rule wins.",
    Field("sev", "int", "The severity: 1 (worst) … 4.", required=True, minimum=1, maximum=4, example=1),
    Field("when", "object", CONDITION.doc + " Absent: always.", fields=CONDITION.fields,
          example={"tier": 1, "customer_facing": True}),
)

FALLBACK = _list("fallback", "The org's fallback escalation, tried in order when nobody of a system's own on-call, "
                 "maintainers, team or management can be paged.", _target("step", "One escalation step."),
                 min_items=1, example=[{"rotation": "platform-primary"}, {"rotation": "incident-commander"}])
SEVERITY_RULES = _list("severity", "Severity rules replacing the default ones (docs/incident.md); the first match "
                       "wins.", SEVERITY_RULE, example=[{"sev": 1, "when": {"tier": 1, "customer_facing": True}}])

FILE = _obj(
    "catalog file",
    "A catalog file holds any of these lists and sections; a catalog is every file in a folder, merged.",
    _list("teams", "Teams.", TEAM),
    _list("systems", "Systems.", SYSTEM),
    _list("stakeholders", "Stakeholder groups.", STAKEHOLDER),
    _list("rotations", "On-call rotations.", ROTATION),
    _list("people", "Contacts of people: Slack, phone, PagerDuty user.", PERSON_CONTACT),
    FALLBACK,
    INCIDENT_ROLES,
    SEVERITY_RULES,
)

ENTITY_KINDS = {"teams": TEAM, "systems": SYSTEM, "stakeholders": STAKEHOLDER, "rotations": ROTATION,
                "people": PERSON_CONTACT}
# the field that names an entry (every kind but people has `name`)
KEY_FIELD = {"people": "person"}
# sections written once per catalog (in any one file): the org's incident practice
SECTIONS = {"fallback": FALLBACK, "incident_roles": INCIDENT_ROLES, "severity": SEVERITY_RULES}


def _all_fields(f: Field) -> list[Field]:
    return [f, *(g for c in (*f.fields, *((f.item,) if f.item is not None else ())) for g in _all_fields(c))]


# the keys whose value is free text (may span lines), in a native file; a Backstage descriptor's
# `metadata.description` is free text too (catalog/characters.py)
MULTILINE_KEYS = frozenset(f.name for f in _all_fields(FILE) if f.kind == "free-text")


# --------------------------------------------------------------------------- JSON Schema


def _json_schema(f: Field) -> dict[str, Any]:
    s: dict[str, Any]
    k = f.kind
    if k == "object":
        s = {
            "type": "object",
            "properties": {c.name: _json_schema(c) for c in f.fields},
            "additionalProperties": False,
        }
        req = [c.name for c in f.fields if c.required]
        if req:
            s["required"] = req
        if f.exactly_one:
            s["minProperties"] = s["maxProperties"] = 1
    elif k == "list":
        assert f.item is not None
        s = {"type": "array", "items": _json_schema(f.item)}
        if f.min_items:
            s["minItems"] = f.min_items
        if f.one_or_many:
            s = {"oneOf": [s, s["items"]]}
    elif k == "int":
        s = {"type": "integer"}
        if f.minimum is not None:
            s["minimum"] = f.minimum
        if f.maximum is not None:
            s["maximum"] = f.maximum
    elif k == "bool":
        s = {"type": "boolean"}
    elif k == "enum":
        s = {"enum": list(f.choices)}
    elif k == "date":
        # YAML gives a date or a timestamp; as JSON it is the ISO string
        s = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}([Tt ].*)?$"}
    else:
        s = {"type": "string"} if k in ("text", "free-text") else {"type": "string", "minLength": 1}
        pattern = {
            "text": TEXT_PATTERN,
            "free-text": FREE_TEXT_PATTERN,
            "path": PATH_PATTERN,
            "name": NAME_PATTERN,
            "person": PERSON_PATTERN,
            "channel": CHANNEL_PATTERN,
            "duration": DURATION_PATTERN,
            "http-url": HTTP_URL_PATTERN,
            "repo-url": REPO_URL_PATTERN,
        }.get(k)
        if pattern:
            s["pattern"] = pattern
    s["description"] = f.doc
    if f.default not in (None, ()):
        s["default"] = f.default
    return s


def json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of one native catalog file, generated from the field spec."""
    schema = _json_schema(FILE)
    for prop in schema["properties"].values():
        prop["type"] = [prop["type"], "null"]  # `systems:` with nothing under it yet is allowed
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://ownership.dev/schemas/catalog-v1.json",
        "title": "ownership catalog file",
        **schema,
    }


# --------------------------------------------------------------------------- docs

_TYPE_WORDS = {
    "name": "name",
    "text": "string",
    "free-text": "free text",
    "person": "person",
    "channel": "channel",
    "int": "integer",
    "bool": "boolean",
    "enum": "one of",
    "http-url": "http(s) URL",
    "repo-url": "repo URL or path",
    "date": "date",
    "duration": "duration",
    "path": "path",
    "object": "mapping",
}


def _type_word(f: Field) -> str:
    if f.kind == "list":
        assert f.item is not None
        return f"list of {_type_word(f.item)}"
    if f.kind == "enum":
        return "one of " + ", ".join(f"`{c}`" for c in f.choices)
    word = _TYPE_WORDS[f.kind]
    if f.kind == "int" and f.minimum is not None:
        word += f" {f.minimum}–{f.maximum}" if f.maximum is not None else f" ≥ {f.minimum}"
    return word


def _doc_rows(f: Field, prefix: str) -> list[str]:
    rows = []
    for c in f.fields:
        path = f"{prefix}{c.name}"
        default = "required" if c.required else ("—" if c.default in (None, ()) else f"`{c.default}`")
        if c.default is False:
            default = "`false`"
        example = "" if c.example is None else f"`{json.dumps(c.example)}`"
        doc = c.doc + (f" Must name a {c.refers_to} in the catalog." if c.refers_to else "")
        rows.append(f"| `{path}` | {_type_word(c)} | {default} | {doc} | {example} |")
        if c.kind == "object":
            rows.extend(_doc_rows(c, path + "."))
        elif c.kind == "list" and c.item is not None and c.item.kind == "object":
            rows.extend(_doc_rows(c.item, path + "[]."))
    return rows


def markdown_reference() -> str:
    """The field reference tables for docs/catalog-format.md."""
    out = ["<!-- generated by `python -m ownership.docsgen`; do not edit by hand -->", ""]
    for key, spec in ENTITY_KINDS.items():
        out += [f"### `{key}[]` — {spec.doc}", "", "| field | type | default | meaning | example |",
                "|---|---|---|---|---|", *_doc_rows(spec, ""), ""]
    for key, spec in SECTIONS.items():
        item = spec.item if spec.kind == "list" and spec.item is not None else spec
        name = f"`{key}[]`" if spec.kind == "list" else f"`{key}`"
        out += [f"### {name} — {spec.doc}", "", "At most once in the whole catalog.", "",
                "| field | type | default | meaning | example |", "|---|---|---|---|---|", *_doc_rows(item, ""), ""]
    out += [
        "Types: **name** is 1–63 characters of lowercase letters, digits, `.`, `_`, `-`, starting and ending "
        "with a letter or digit; **person** is a roster email or username (no spaces); **channel** is a Slack "
        "channel name such as `#payments` (lowercase letters, digits, `-` and `_`, at most 80 characters, the `#` "
        "optional; no spaces or periods); **path** is a path prefix inside the repository (relative, no `..`, no "
        "whitespace, none of `*` `?` `[` `]` `\\`, not starting with `:`, `!` or `#`); **duration** is a number "
        "followed by `h`, `d` or `w`; **date** is `YYYY-MM-DD` or an ISO date-time (UTC when no offset is given). "
        "No value holds a control character (U+0000–U+001F, U+007F–U+009F, `invalid-value`); **free text** may "
        "span lines (line breaks and tabs), a **string** and every other type is one line.",
        "",
    ]
    return "\n".join(out)
