"""Backstage records → catalog entities (teams, systems, stakeholders), resolving references as Backstage does.

- Component and Resource → system, keeping its kind (messages say "component 'x'"), `spec.type`, `spec.system`
  (part_of, and that System's `spec.domain`), `subcomponentOf`, `providesApis`/`consumesApis`, tags, links
  and annotations: `spec.owner` (default kind Group) → owner, `spec.dependsOn` (Component or Resource refs) →
  depends_on, `spec.lifecycle`, `metadata.description`, repos from `backstage.io/source-location` and
  `github.com/project-slug` (catalog/scm_urls.py), the runbook from a `metadata.links` entry of type or title
  "runbook", the system's own on-call from `pagerduty.com/*` and `opsgenie.com/team` (ONCALL_ANNOTATIONS;
  Groups' too). A User as owner is the system's owner_person, and a maintainer (so it is paged like one).
- Names (`system_name`): a Component and a Resource are different entities even when they share a name, as in
  Backstage. A system's name is its Backstage name (`model_name`); only a Resource whose name a Component also
  has is named `resource:NAME` (its Backstage reference), so no catalog without such a clash is renamed.
- Group → team with its parent, children (both directions of the hierarchy, as Backstage mirrors them), type,
  display name and email; members are the people of the Group's `spec.members` and of every User whose
  `spec.memberOf` names the Group, each as the User's `spec.profile.email` (or its name when it has none).
- User → a UserProfile (display name, email): how a person is named when no roster knows them; and how they
  are reached (model.Reach, checked by ownership/reach.py) from the annotations in REACH_ANNOTATIONS, else
  `metadata.links` whose URL is `tel:`, a Slack profile (`https://WORKSPACE.slack.com/team/U…`) or a
  PagerDuty user (`https://SUBDOMAIN.pagerduty.com/users/P…`); a refused value is a warning and left out.
- System, API and Domain stay descriptive, not model entities: they have no repositories, no on-call and no
  people of their own, so there is nothing to page, scan or orphan; what is judged about them (the owner
  exists, references resolve) is judged here and by `dangling-reference`. A component keeps its System,
  Domain and APIs by name, and API consumption is a dependency (analysis/impact.py). Each is kept as read
  in `Built.described` (model.Described), for `export backstage`.
- A reference to an entity outside the given files is kept (Backstage keeps dangling relations) and listed
  in `Built.dangling` for the `dangling-reference` rule, which knows ownership.yaml's `external_owners`.
- What Backstage has no field for is read from annotations under `ownership.dev/` (see docs/backstage.md).
References default to the entity's own namespace and compare case-insensitively.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any, NamedTuple

from ownership import reach
from ownership.catalog import scm_urls
from ownership.catalog.backstage import Record, Ref, items, parse_ref, text
from ownership.catalog.schema import CHANNEL_EXPECT, CHANNEL_RE, HTTP_URL_RE, PATH_EXPECT, PATH_RE
from ownership.catalog.yamlnodes import Map, Node, Scalar, to_python
from ownership.model import (LIFECYCLES, SLACK_ID_RE, Described, Finding, Link, Location, Reach, Reference,
                             UserProfile)

ANN = "ownership.dev/"
SOURCE_LOCATION = "backstage.io/source-location"
PROJECT_SLUG = "github.com/project-slug"
TECHDOCS_REF = "backstage.io/techdocs-ref"

# annotation -> where it goes under `oncall` (load.py `_oncall` makes the model's OnCall); rotation: Groups only
ONCALL_ANNOTATIONS = (
    ("pagerduty.com/service-id", ("pagerduty", "service")),
    ("pagerduty.com/integration-key", ("pagerduty", "integration_key")),
    (ANN + "escalation-policy", ("pagerduty", "escalation_policy")),
    ("opsgenie.com/team", ("opsgenie", "team")),
    (ANN + "rotation", ("rotation",)),
)
# a User's contacts, first found wins per kind: SeatGeek's Slack catalog processor writes slack.com/user_id;
# Backstage's Slack notifications module reads slack.com/bot-notify (a member id only: it may name a channel)
REACH_ANNOTATIONS = (
    ("slack.com/user_id", "slack"),
    (ANN + "slack", "slack"),
    ("slack.com/bot-notify", "slack"),
    (ANN + "phone", "phone"),
    (ANN + "pagerduty-user", "pagerduty"),
)
# what `export backstage` writes for each contact (read back by REACH_ANNOTATIONS)
REACH_WRITTEN = ((ANN + "slack", "slack"), (ANN + "phone", "phone"), (ANN + "pagerduty-user", "pagerduty"))
def condition_problem(c: Any) -> str | None:
    """Why a condition read from JSON is not one the native `when:` accepts (schema.CONDITION), else None."""
    from ownership.catalog.schema import CONDITION, NAME_RE

    if not isinstance(c, dict):
        return "a JSON object or a list of them"
    for key, value in c.items():
        f = CONDITION.child(key)
        if f is None:
            return f"conditions with the keys {', '.join(x.name for x in CONDITION.fields)}; '{key}' is not one"
        if f.kind == "int":
            ok = type(value) is int and (f.minimum is None or value >= f.minimum) and (
                f.maximum is None or value <= f.maximum)
        elif f.kind == "bool":
            ok = type(value) is bool
        elif f.kind == "enum":
            ok = value in f.choices
        else:  # systems: a list of names
            ok = isinstance(value, list) and all(isinstance(v, str) and NAME_RE.match(v) for v in value)
        if not ok:
            return f"conditions whose '{key}' is {_TYPE[f.kind]}"
    return None


_TYPE = {"int": "a whole number in range", "bool": "true or false", "enum": "a lifecycle", "list": "a list of names"}


PAGERDUTY_ID_RE = re.compile(r"^[A-Za-z0-9]{1,32}$")  # PagerDuty object ids: P and six letters or digits
SYSTEM_KINDS = ("component", "resource")  # the Backstage kinds that become model systems

Entity = tuple[str, dict[str, Any], Location, dict[str, Location]]  # kind, values, location, locations
Key = tuple[str, str, str]


class Built(NamedTuple):
    """What the Backstage records of a load become besides findings."""

    entities: list[Entity]
    profiles: dict[str, UserProfile]  # person ref -> the User's profile
    dangling: tuple[Reference, ...]  # references to entities outside the given files
    described: tuple[Described, ...]  # Systems, APIs and Domains as read (for `export backstage`)


def build(records: list[Record], findings: list[Finding], native_teams: Iterable[str] = ()) -> Built:
    """Catalog entities for every Group, Component and Resource, Users' profiles, dangling references;
    problems with references as findings."""
    index: dict[Key, Record] = {}
    for rec in records:
        first = index.get(rec.key)
        if first is not None:
            findings.append(Finding("duplicate-name", "error", f"{rec.kind}:{rec.name}",
                                    f"{rec.kind} '{rec.namespace}/{rec.name}' is defined more than once (Backstage "
                                    "compares names case-insensitively)", rec.name_loc,
                                    {"first_file": first.name_loc.file, "first_line": first.name_loc.line}))
            continue
        index[rec.key] = rec
    b = _Builder(index, findings, set(native_teams))
    out: list[Entity] = []
    described: list[Described] = []
    for rec in index.values():
        if rec.kind == "group":
            out.append(b.group(rec))
        elif rec.kind in SYSTEM_KINDS:
            out.append(b.system(rec))
        elif rec.kind in ("system", "api", "domain"):
            b.owner(rec, {}, {})
            if rec.kind == "system":
                b.resolve(rec, rec.spec.get("domain"), "domain", "spec.domain")
            described.append(_described(rec))
    return Built(out, b.profiles(), tuple(b.dangling), tuple(described))


def _described(rec: Record) -> Described:
    return Described(rec.kind, rec.model_name, text(rec.metadata.get("description")) or None,
                     {k: to_python(v) for k, v in rec.spec.items()},
                     _tags(rec), _links(rec), _annotation_texts(rec),
                     rec.location)


def system_name(kind: str, name: str, components: set[str]) -> str:
    """The model name of a Component or Resource (`name` is its `model_name`; `components` the model names
    of all Components): `resource:NAME` for a Resource whose name a Component also has (the Component keeps the
    plain name), else `name`. Stable: adding or removing other entities never renames one, and a catalog
    without such a clash keeps every name."""
    return f"resource:{name}" if kind == "resource" and name in components else name


def person(user: Record) -> str:
    """How a User is written in the model: `ownership.dev/person`, else its profile email, else its name."""
    explicit = text(user.annotations.get(ANN + "person"))
    if explicit:
        return explicit
    return _profile(user).get("email") or user.name


def _profile(rec: Record) -> dict[str, str]:
    """The text fields of `spec.profile` (displayName, email, picture)."""
    profile = rec.spec.get("profile")
    if type(profile) is not Map:
        return {}
    return {k.value: text(v) or "" for k, v in profile.pairs if type(k) is Scalar and text(v)}


class _Builder:
    def __init__(self, index: dict[Key, Record], findings: list[Finding], native_teams: set[str]) -> None:
        self.index = index
        self.findings = findings
        self.native_teams = native_teams
        self.dangling: list[Reference] = []
        self.components = {rec.model_name for rec in index.values() if rec.kind == "component"}
        self.memberships = self._memberships()
        self.parents, self.children = self._hierarchy()

    def problem(self, rule: str, rec: Record, message: str, loc: Location, severity: str = "error",
                **evidence: Any) -> None:
        self.findings.append(Finding(rule, severity, f"{rec.kind}:{rec.name}", message, loc,  # type: ignore[arg-type]
                                     evidence))

    def ref(self, rec: Record, node: Node, default_kind: str | None, what: str) -> Ref | None:
        raw = text(node)
        r = parse_ref(raw, default_kind, rec.namespace) if raw else None
        if r is None:
            need = "" if default_kind else " with a kind (e.g. component:NAME)"
            self.problem("invalid-value", rec, f"{what} '{raw}' of {rec.kind} '{rec.name}' is not an entity "
                         f"reference{need}: [kind:][namespace/]name", rec.loc(node), field=what, value=raw)
        return r

    def name(self, r: Ref) -> str:
        """The model name of the entity `r` refers to, defined in the given files or not."""
        if r.kind in SYSTEM_KINDS:
            return system_name(r.kind, r.model_name, self.components)
        return r.model_name

    def dangle(self, rec: Record, field: str, r: Ref, loc: Location) -> None:
        self.dangling.append(Reference(f"{rec.kind}:{rec.name}", f"{rec.kind} '{rec.name}'", field, r.kind,
                                       self.name(r), loc))

    def resolve(self, rec: Record, node: Node | None, default_kind: str, field: str) -> Ref | None:
        """The reference in `node` (None when absent or unparsable); one outside the files is kept dangling."""
        if node is None or text(node) is None:
            return None
        r = self.ref(rec, node, default_kind, field.rsplit(".", 1)[-1])
        if r is not None and r.key not in self.index:
            self.dangle(rec, field, r, rec.loc(node))
        return r

    def profiles(self) -> dict[str, UserProfile]:
        out: dict[str, UserProfile] = {}
        for rec in self.index.values():
            if rec.kind == "user":
                p = _profile(rec)
                out.setdefault(person(rec), UserProfile(person(rec), rec.model_name, p.get("displayName"),
                                                    p.get("email"), rec.name_loc, self._reach(rec)))
        return out

    def _reach(self, rec: Record) -> Reach | None:
        """A User's contacts: REACH_ANNOTATIONS, then contact links (module docstring)."""
        found: dict[str, str] = {}
        for key, kind in REACH_ANNOTATIONS:
            node = rec.annotations.get(key)
            if kind in found or node is None or not text(node):
                continue
            if key == "slack.com/bot-notify" and not SLACK_ID_RE.match((text(node) or "").strip()):
                continue  # a channel, a DM or an email: not this person's Slack id
            self._contact(rec, found, kind, text(node), rec.loc(node), f"annotation {key}")
        for link in items(rec.metadata.get("links")):
            url = text(_fields(link).get("url")) if type(link) is Map else None
            shape = reach.from_link(url) if url else None
            if shape is not None and shape[0] not in found:
                self._contact(rec, found, shape[0], shape[1], rec.loc(link), "link")
        return reach.of(found) or None

    def _contact(self, rec: Record, found: dict[str, str], kind: str, value: str | None, loc: Location,
                 what: str) -> None:
        kept, why = reach.check(kind, value)
        if kept:
            found[kind] = kept
        elif why:
            self.problem("invalid-value", rec, f"{what} of user '{rec.name}': {why}; it is not used", loc,
                         "warning", field=f"reach.{kind}")

    def _memberships(self) -> dict[Key, list[tuple[str, Location]]]:
        """Group key → (person, where) from every User's spec.memberOf."""
        out: dict[Key, list[tuple[str, Location]]] = {}
        for rec in self.index.values():
            if rec.kind != "user":
                continue
            for node in items(rec.spec.get("memberOf")):
                r = self.resolve(rec, node, "group", "spec.memberOf")
                if r is not None and r.key in self.index:
                    out.setdefault(r.key, []).append((person(rec), rec.loc(node)))
        return out

    def _hierarchy(self) -> tuple[dict[Key, str], dict[Key, list[str]]]:
        """Each Group's parent and children (team names), from either side: Backstage mirrors `spec.parent`
        and `spec.children` into parentOf/childOf, so a child listed only by its parent still has it."""
        parents: dict[Key, str] = {}
        children: dict[Key, list[str]] = {}
        for rec in self.index.values():
            if rec.kind != "group":
                continue
            for node in items(rec.spec.get("parent"))[:1]:
                r = self.resolve(rec, node, "group", "spec.parent")
                if r is not None:
                    parents[rec.key] = r.model_name
                    if r.key in self.index:
                        children.setdefault(r.key, []).append(rec.model_name)
            for node in items(rec.spec.get("children")):
                r = self.resolve(rec, node, "group", "spec.children")
                if r is not None:
                    children.setdefault(rec.key, []).append(r.model_name)
                    if r.key in self.index:
                        parents.setdefault(r.key, rec.model_name)
        return parents, {k: list(dict.fromkeys(v)) for k, v in children.items()}

    # ----------------------------------------------------------------------- groups

    def group(self, rec: Record) -> Entity:
        values: dict[str, Any] = {"name": rec.model_name}
        locs: dict[str, Location] = {"name": rec.name_loc}
        members: list[str] = []
        for node in items(rec.spec.get("members")):
            r = self.ref(rec, node, "user", "members")
            if r is None:
                continue
            user = self.index.get(r.key)
            who = person(user) if user is not None else r.name  # an unknown User: the roster decides
            if who not in members:
                locs[f"members[{len(members)}]"] = rec.loc(node)
                members.append(who)
        for who, loc in self.memberships.get(rec.key, []):
            if who not in members:
                locs[f"members[{len(members)}]"] = loc
                members.append(who)
        self._text(rec, values, locs, "description", rec.metadata.get("description"))
        if text(rec.annotations.get(ANN + "kind")) == "stakeholder":
            values["contacts"] = tuple(members)
            locs.update({k.replace("members", "contacts"): v for k, v in locs.items() if k.startswith("members")})
            self._channel(rec, values, locs, "channel", "channel")
            self._when(rec, values, locs)
            return ("stakeholders", values, rec.location, locs)
        values["members"] = tuple(members)
        if rec.key in self.parents:
            values["parent"] = self.parents[rec.key]
        if self.children.get(rec.key):
            values["children"] = tuple(self.children[rec.key])
        self._text(rec, values, locs, "type", rec.spec.get("type"))
        profile = _profile(rec)
        if profile.get("displayName"):
            values["display_name"] = profile["displayName"]
        if profile.get("email"):
            values["email"] = profile["email"]
        self._text(rec, values, locs, "manager", rec.annotations.get(ANN + "manager"))
        self._channel(rec, values, locs, "channel", "channel")
        self._oncall(rec, values, locs)
        return ("teams", values, rec.location, locs)

    # ----------------------------------------------------------------------- systems

    def owner(self, rec: Record, values: dict[str, Any], locs: dict[str, Location]) -> None:
        node = rec.spec.get("owner")
        if text(node) is None or node is None:
            if rec.kind in ("component", "resource", "system", "api", "domain") and rec.spec:
                self.problem("missing-field", rec, f"{rec.kind} '{rec.name}' has no 'spec.owner' (required)",
                             rec.location, field="spec.owner")
            return
        r = self.ref(rec, node, "group", "owner")
        if r is None:
            return
        locs["owner"] = rec.loc(node)
        if r.kind == "user":
            # Backstage lets a person own an entity; the model's owner is a team, so the person is the
            # owner_person, shown as the owner, and a maintainer, paged as one
            user = self.index.get(r.key)
            values.setdefault("owner_person", person(user) if user is not None else r.name)
            if rec.kind in SYSTEM_KINDS:
                self.problem("invalid-value", rec, f"{rec.kind} '{rec.name}' is owned by user '{r.name}'; an "
                             "owner must be a Group (a team) so someone is paged when the person is away; the "
                             "user is kept as a maintainer", rec.loc(node), "warning", field="owner")
            elif user is None:
                self.dangle(rec, "spec.owner", r, rec.loc(node))
            return
        if r.kind != "group":
            self.problem("invalid-value", rec, f"owner '{text(node)}' of {rec.kind} '{rec.name}' must be a Group "
                         "or a User", rec.loc(node), field="owner")
            return
        values["owner"] = r.model_name
        if rec.kind not in SYSTEM_KINDS and r.key not in self.index and r.model_name not in self.native_teams:
            # systems' owners are judged on the model (rules/catalog.py); descriptive kinds' here
            self.dangle(rec, "spec.owner", r, rec.loc(node))

    def system(self, rec: Record) -> Entity:
        key_name = system_name(rec.kind, rec.model_name, self.components)
        values: dict[str, Any] = {"name": key_name, "kind": rec.kind}
        locs: dict[str, Location] = {"name": rec.name_loc}
        self.owner(rec, values, locs)
        self._text(rec, values, locs, "description", rec.metadata.get("description"))
        self._text(rec, values, locs, "type", rec.spec.get("type"))
        self._lifecycle(rec, values, locs)
        deps: list[str] = []
        for node in items(rec.spec.get("dependsOn")):
            r = self.ref(rec, node, None, "dependsOn")
            if r is not None and r.kind in SYSTEM_KINDS:
                locs[f"depends_on[{len(deps)}]"] = rec.loc(node)
                deps.append(self.name(r))
        values["depends_on"] = tuple(deps)
        part_of = self.resolve(rec, rec.spec.get("system"), "system", "spec.system")
        if part_of is not None:
            values["part_of"] = part_of.model_name
            locs["part_of"] = rec.loc(rec.spec["system"])
            system = self.index.get(part_of.key)
            domain = parse_ref(text(system.spec.get("domain")) or "", "domain", system.namespace) \
                if system is not None else None
            if domain is not None:
                values["domain"] = domain.model_name
        sub = rec.spec.get("subcomponentOf")
        if text(sub) and sub is not None:
            r = self.ref(rec, sub, "component", "subcomponentOf")
            if r is not None:
                values["subcomponent_of"] = self.name(r)
                locs["subcomponent_of"] = rec.loc(sub)
        for field, spec_key in (("provides_apis", "providesApis"), ("consumes_apis", "consumesApis")):
            apis: list[str] = []
            for node in items(rec.spec.get(spec_key)):
                r = self.resolve(rec, node, "api", f"spec.{spec_key}")
                if r is not None:
                    locs[f"{field}[{len(apis)}]"] = rec.loc(node)
                    apis.append(r.model_name)
            if apis:
                values[field] = tuple(apis)
        tags = _tags(rec)
        if tags:
            values["tags"] = tags
        annotations = _annotation_texts(rec)
        if annotations:
            values["annotations"] = annotations
        links = _links(rec)
        if links:
            values["links"] = links
        self._annotations(rec, values, locs)
        return ("systems", values, rec.location, locs)

    def _lifecycle(self, rec: Record, values: dict[str, Any], locs: dict[str, Location]) -> None:
        node = rec.spec.get("lifecycle")
        value = text(node)
        if value is None or node is None:
            if rec.kind == "component":
                self.problem("missing-field", rec, f"component '{rec.name}' has no 'spec.lifecycle' (required)",
                             rec.location, field="spec.lifecycle")
            return
        locs["lifecycle"] = rec.loc(node)
        if value.lower() in LIFECYCLES:
            values["lifecycle"] = value.lower()
        else:
            self.problem("invalid-value", rec, f"lifecycle '{value}' of {rec.kind} '{rec.name}' is not one of "
                         f"{', '.join(LIFECYCLES)}; it counts as production", rec.loc(node), "warning",
                         field="lifecycle", value=value)

    def _annotations(self, rec: Record, values: dict[str, Any], locs: dict[str, Location]) -> None:
        a = rec.annotations
        self._level(rec, values, locs, "tier")
        cf = a.get(ANN + "customer-facing")
        if cf is not None and text(cf):
            locs["customer_facing"] = rec.loc(cf)
            flag = (text(cf) or "").lower()
            if flag in ("true", "false"):
                values["customer_facing"] = flag == "true"
            else:
                self.problem("invalid-value", rec, f"annotation {ANN}customer-facing must be true or false",
                             rec.loc(cf), field="customer_facing", value=text(cf))
        cap = a.get(ANN + "capability")
        if cap is not None and text(cap):
            locs["capability"] = rec.loc(cap)
            values["capability"] = text(cap)
        self._level(rec, values, locs, "severity")
        maint = self._list(rec, locs, "maintainers", a.get(ANN + "maintainers"))
        user = values.get("owner_person")
        if user and user not in maint:
            maint.append(user)
            locs[f"maintainers[{len(maint) - 1}]"] = locs.get("owner", rec.location)
        values["maintainers"] = tuple(maint)
        values["stakeholders"] = tuple(self._list(rec, locs, "stakeholders", a.get(ANN + "stakeholders")))
        channels: dict[str, str] = {}
        for key in ("incident", "status"):
            self._channel(rec, channels, locs, f"{key}-channel", key, prefix="channels.")
        if channels:
            values["channels"] = channels
        self._repos(rec, values, locs)
        self._runbook(rec, values, locs)
        self._oncall(rec, values, locs)

    def _oncall(self, rec: Record, values: dict[str, Any], locs: dict[str, Location]) -> None:
        """`oncall` of a Group, Component or Resource from the on-call annotations (ONCALL_ANNOTATIONS)."""
        oncall: dict[str, Any] = {}
        for key, path in ONCALL_ANNOTATIONS:
            node = rec.annotations.get(key)
            value = text(node)
            if node is None or not value or (path == ("rotation",) and rec.kind != "group"):
                continue
            field = ".".join(("oncall", *path))
            if path == ("pagerduty", "service") and not PAGERDUTY_ID_RE.match(value):
                self.problem("invalid-value", rec, f"annotation {key} must be a PagerDuty service id such as "
                             f"'PABC123', got '{value[:40]}'; it is not asked", rec.loc(node), "warning",
                             field=field)
                continue
            *outer, last = path
            inner = oncall
            for part in outer:
                inner = inner.setdefault(part, {})
            inner[last] = value
            locs[field] = rec.loc(node)
        if oncall:
            values["oncall"] = oncall

    def _list(self, rec: Record, locs: dict[str, Location], field: str, node: Scalar | None) -> list[str]:
        if node is None or not text(node):
            return []
        out = [v.strip() for v in (text(node) or "").split(",") if v.strip()]
        for i in range(len(out)):
            locs[f"{field}[{i}]"] = rec.loc(node)
        return out

    def _text(self, rec: Record, values: dict[str, Any], locs: dict[str, Location], field: str,
              node: Node | None) -> None:
        if node is not None and text(node):
            values[field] = text(node)
            locs[field] = rec.loc(node)

    def _channel(self, rec: Record, values: dict[str, Any], locs: dict[str, Location], ann: str, field: str,
                 prefix: str = "") -> None:
        node = rec.annotations.get(ANN + ann)
        value = text(node)
        if node is None or value is None:
            return
        locs[prefix + field] = rec.loc(node)
        if CHANNEL_RE.match(value):
            values[field] = value
        else:
            self.problem("invalid-value", rec, f"annotation {ANN}{ann} must be {CHANNEL_EXPECT}, got {value!r}",
                         rec.loc(node), field=prefix + field, value=value)

    def _repos(self, rec: Record, values: dict[str, Any], locs: dict[str, Location]) -> None:
        repos: list[dict[str, Any]] = []
        explicit = rec.annotations.get(ANN + "repos")
        if explicit is not None and text(explicit):
            # one repository per line: URL followed by its paths
            for line in (text(explicit) or "").splitlines():
                parts = line.split()
                if parts:
                    locs[f"repos[{len(repos)}]"] = rec.loc(explicit)
                    repos.append({"url": parts[0], "paths": tuple(parts[1:])})
        else:
            for key in (SOURCE_LOCATION, PROJECT_SLUG):
                node = rec.annotations.get(key)
                repo = _repo_from(key, text(node) or "")
                if node is None or not text(node) or (repo is None and (text(node) or "").startswith("dir:")):
                    continue
                if repo is None:
                    self._no_repo(rec, key, node)
                    continue
                same = next((r for r in repos if r["url"] == repo["url"]), None)
                if same is None:
                    locs[f"repos[{len(repos)}]"] = rec.loc(node)
                    repos.append(repo)
                elif repo["paths"] and not same["paths"]:
                    same["paths"] = repo["paths"]
        for i, repo in reversed(list(enumerate(repos))):  # the path type of the native field (schema.PATH_RE)
            bad = next((p for p in repo["paths"] if not PATH_RE.match(p)), None)
            if bad is not None:  # the whole entry goes: without its paths it would claim the whole repository
                self.problem("invalid-value", rec, f"repository path {bad[:80]!r} of {rec.kind} '{rec.name}' must "
                             f"be {PATH_EXPECT}; the repository entry is not used",
                             locs.get(f"repos[{i}]", rec.location), field=f"repos[{i}]")
                del repos[i]
        if repos:
            values["repos"] = tuple(repos)
        docs = rec.annotations.get(TECHDOCS_REF)
        if docs is not None and text(docs) and scm_urls.techdocs_ref(text(docs) or "") is None:
            self._no_repo(rec, TECHDOCS_REF, docs, "dir:PATH or url:https://…")

    def _no_repo(self, rec: Record, key: str, node: Node, expect: str = "url:https://… or an ssh address") -> None:
        # the value is not quoted: it may be anything, a credential included
        self.problem("invalid-value", rec, f"annotation {key} of {rec.kind} '{rec.name}' names no repository "
                     f"address ownership can use ({expect}, see docs/backstage.md); it is not used",
                     rec.loc(node), "warning", field=key)

    def _level(self, rec: Record, values: dict[str, Any], locs: dict[str, Location], field: str) -> None:
        """`ownership.dev/tier` or `ownership.dev/severity`: "1" to "4"; anything else is reported and left out."""
        node = rec.annotations.get(ANN + field)
        value = text(node)
        if node is None or not value:
            return
        locs[field] = rec.loc(node)
        if value in ("1", "2", "3", "4"):
            values[field] = int(value)
        else:
            self.problem("invalid-value", rec, f"annotation {ANN}{field} must be 1, 2, 3 or 4, got '{value}'",
                         rec.loc(node), field=field, value=value)

    def _when(self, rec: Record, values: dict[str, Any], locs: dict[str, Location]) -> None:
        """A stakeholder Group's `ownership.dev/when`: its conditions as JSON (what `export backstage` writes;
        docs/backstage.md), each checked against the native `when:` field spec."""
        node = rec.annotations.get(ANN + "when")
        raw = text(node)
        if node is None or not raw:
            return
        locs["when"] = rec.loc(node)
        try:
            data = json.loads(raw)
        except ValueError:
            data = None
        conditions = [data] if isinstance(data, dict) else data
        why = None if isinstance(conditions, list) and conditions else "a JSON object or a list of them"
        for c in conditions if why is None else ():
            why = why or condition_problem(c)
        if why:
            self.problem("invalid-value", rec, f"annotation {ANN}when must be {why}", rec.loc(node), field="when")
            return
        values["when"] = tuple(conditions)

    def _runbook(self, rec: Record, values: dict[str, Any], locs: dict[str, Location]) -> None:
        for link in items(rec.metadata.get("links")):
            if type(link) is not Map:
                continue
            fields = {k.value: v for k, v in link.pairs if type(k) is Scalar}
            kind = (text(fields.get("type")) or "").lower()
            title = (text(fields.get("title")) or "").lower()
            url = text(fields.get("url"))
            if url and (kind == "runbook" or "runbook" in title):
                locs["runbook"] = rec.loc(link)
                if HTTP_URL_RE.match(url):
                    values["runbook"] = url
                else:
                    self.problem("invalid-value", rec, f"runbook link must be an http(s):// URL, got '{url}'",
                                 rec.loc(link), field="runbook", value=url)
                return


def _fields(link: Map) -> dict[str, Node]:
    return {k.value: v for k, v in link.pairs if type(k) is Scalar}


def _tags(rec: Record) -> tuple[str, ...]:
    """`metadata.tags` as written (empty entries left out)."""
    return tuple(t for t in (text(n) for n in items(rec.metadata.get("tags"))) if t)


def _annotation_texts(rec: Record) -> dict[str, str]:
    """Every annotation whose value is text, as written."""
    return {k: v for k, v in ((k, text(n)) for k, n in rec.annotations.items()) if v is not None}


def _links(rec: Record) -> tuple[Link, ...]:
    """`metadata.links` as written (entries without a url are left out)."""
    out = []
    for link in items(rec.metadata.get("links")):
        if type(link) is Map:
            fields = {k.value: text(v) for k, v in link.pairs if type(k) is Scalar}
            url = fields.get("url")
            if url:
                out.append(Link(url, fields.get("title"), fields.get("type"), fields.get("icon")))
    return tuple(out)


def _repo_from(key: str, value: str) -> dict[str, Any] | None:
    found = scm_urls.project_slug(value) if key == PROJECT_SLUG else scm_urls.source_location(value)
    return None if found is None else {"url": found.url, "paths": found.paths}
