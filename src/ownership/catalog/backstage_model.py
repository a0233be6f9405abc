"""Backstage records → catalog entities (teams, systems, stakeholders), resolving references as Backstage does.

- Component and Resource → system: `spec.owner` (default kind Group) → owner, `spec.dependsOn` (Component or
  Resource refs) → depends_on, `spec.lifecycle`, `metadata.description`, repos from
  `backstage.io/source-location` and `github.com/project-slug` (catalog/scm_urls.py), the runbook from a
  `metadata.links` entry of type or title "runbook", the system's own on-call from `pagerduty.com/*` and
  `opsgenie.com/team` (ONCALL_ANNOTATIONS; Groups' too). A User as owner becomes a maintainer (a catalog
  owner must be a team).
- Group → team; members are the people of the Group's `spec.members` and of every User whose `spec.memberOf`
  names the Group, each as the User's `spec.profile.email` (or its name when it has none).
- System, API and Domain are descriptive: their owners and the `spec.system` of components are checked.
- What Backstage has no field for is read from annotations under `ownership.dev/` (see docs/backstage.md).
References default to the entity's own namespace and compare case-insensitively.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ownership.catalog import scm_urls
from ownership.catalog.backstage import Record, Ref, items, parse_ref, text
from ownership.catalog.schema import CHANNEL_RE, HTTP_URL_RE
from ownership.catalog.yamlnodes import Map, Node, Scalar
from ownership.model import LIFECYCLES, Finding, Location

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
PAGERDUTY_ID_RE = re.compile(r"^[A-Za-z0-9]{1,32}$")  # PagerDuty object ids: P and six letters or digits

Entity = tuple[str, dict[str, Any], Location, dict[str, Location]]  # kind, values, location, locations


def entities(records: list[Record], findings: list[Finding], native_teams: Iterable[str] = ()) -> list[Entity]:
    """Catalog entities for every Group, Component and Resource; problems with references as findings."""
    index: dict[tuple[str, str, str], Record] = {}
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
    for rec in index.values():
        if rec.kind == "group":
            out.append(b.group(rec))
        elif rec.kind in ("component", "resource"):
            out.append(b.system(rec))
        elif rec.kind in ("system", "api", "domain"):
            b.owner(rec, {}, {})
    return out


def person(user: Record) -> str:
    """How a User is written in the model: `ownership.dev/person`, else its profile email, else its name."""
    explicit = text(user.annotations.get(ANN + "person"))
    if explicit:
        return explicit
    profile = user.spec.get("profile")
    if type(profile) is Map:
        for k, v in profile.pairs:
            if type(k) is Scalar and k.value == "email" and text(v):
                return text(v) or ""
    return user.name


class _Builder:
    def __init__(self, index: dict[tuple[str, str, str], Record], findings: list[Finding],
                 native_teams: set[str]) -> None:
        self.index = index
        self.findings = findings
        self.native_teams = native_teams
        self.memberships = self._memberships()

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

    def _memberships(self) -> dict[tuple[str, str, str], list[tuple[str, Location]]]:
        """Group key → (person, where) from every User's spec.memberOf."""
        out: dict[tuple[str, str, str], list[tuple[str, Location]]] = {}
        for rec in self.index.values():
            if rec.kind != "user":
                continue
            for node in items(rec.spec.get("memberOf")):
                r = self.ref(rec, node, "group", "memberOf")
                if r is None:
                    continue
                if r.key not in self.index:
                    self.problem("unknown-team", rec, f"user '{rec.name}' is a member of unknown group "
                                 f"'{r.model_name}'", rec.loc(node), team=r.model_name)
                    continue
                out.setdefault(r.key, []).append((person(rec), rec.loc(node)))
        return out

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
        for field in ("parent", "children"):
            for node in items(rec.spec.get(field)):
                r = self.ref(rec, node, "group", field)
                if r is not None and r.key not in self.index:
                    self.problem("unknown-team", rec, f"group '{rec.name}' names unknown group '{r.model_name}' as "
                                 f"its {field}", rec.loc(node), team=r.model_name)
        self._text(rec, values, locs, "description", rec.metadata.get("description"))
        if text(rec.annotations.get(ANN + "kind")) == "stakeholder":
            values["contacts"] = tuple(members)
            locs.update({k.replace("members", "contacts"): v for k, v in locs.items() if k.startswith("members")})
            self._channel(rec, values, locs, "channel", "channel")
            return ("stakeholders", values, rec.location, locs)
        values["members"] = tuple(members)
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
            # Backstage lets a person own an entity; the model needs a team, so the person maintains it
            user = self.index.get(r.key)
            values.setdefault("_owner_user", person(user) if user is not None else r.name)
            if rec.kind in ("component", "resource"):
                self.problem("invalid-value", rec, f"{rec.kind} '{rec.name}' is owned by user '{r.name}'; an "
                             "owner must be a Group (a team) so someone is paged when the person is away; the "
                             "user is kept as a maintainer", rec.loc(node), "warning", field="owner")
            return
        if r.kind != "group":
            self.problem("invalid-value", rec, f"owner '{text(node)}' of {rec.kind} '{rec.name}' must be a Group "
                         "or a User", rec.loc(node), field="owner")
            return
        values["owner"] = r.model_name
        if rec.kind not in ("component", "resource") and r.key not in self.index \
                and r.model_name not in self.native_teams:
            # systems get this from the unknown-team rule; descriptive kinds are checked here
            self.problem("unknown-team", rec, f"{rec.kind} '{rec.name}' is owned by unknown team "
                         f"'{r.model_name}'", rec.loc(node), team=r.model_name)

    def system(self, rec: Record) -> Entity:
        values: dict[str, Any] = {"name": rec.model_name}
        locs: dict[str, Location] = {"name": rec.name_loc}
        self.owner(rec, values, locs)
        self._text(rec, values, locs, "description", rec.metadata.get("description"))
        self._lifecycle(rec, values, locs)
        deps: list[str] = []
        for node in items(rec.spec.get("dependsOn")):
            r = self.ref(rec, node, None, "dependsOn")
            if r is not None and r.kind in ("component", "resource"):
                locs[f"depends_on[{len(deps)}]"] = rec.loc(node)
                deps.append(r.model_name)
        values["depends_on"] = tuple(deps)
        part_of = rec.spec.get("system")
        if text(part_of) and part_of is not None:
            r = self.ref(rec, part_of, "system", "system")
            if r is not None and r.key not in self.index:
                self.problem("unknown-system", rec, f"{rec.kind} '{rec.name}' is part of unknown Backstage System "
                             f"'{r.model_name}'", rec.loc(part_of), system=r.model_name)
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
        tier = a.get(ANN + "tier")
        if tier is not None and text(tier):
            locs["tier"] = rec.loc(tier)
            if text(tier) in ("1", "2", "3", "4"):
                values["tier"] = int(text(tier) or 3)
            else:
                self.problem("invalid-value", rec, f"annotation {ANN}tier must be 1, 2, 3 or 4, got "
                             f"'{text(tier)}'", rec.loc(tier), field="tier", value=text(tier))
        cf = a.get(ANN + "customer-facing")
        if cf is not None and text(cf):
            locs["customer_facing"] = rec.loc(cf)
            flag = (text(cf) or "").lower()
            if flag in ("true", "false"):
                values["customer_facing"] = flag == "true"
            else:
                self.problem("invalid-value", rec, f"annotation {ANN}customer-facing must be true or false",
                             rec.loc(cf), field="customer_facing", value=text(cf))
        maint = self._list(rec, locs, "maintainers", a.get(ANN + "maintainers"))
        user = values.pop("_owner_user", None)
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
            self.problem("invalid-value", rec, f"annotation {ANN}{ann} must be a channel such as '#payments', "
                         f"got '{value}'", rec.loc(node), field=prefix + field, value=value)

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


def _repo_from(key: str, value: str) -> dict[str, Any] | None:
    found = scm_urls.project_slug(value) if key == PROJECT_SLUG else scm_urls.source_location(value)
    return None if found is None else {"url": found.url, "paths": found.paths}
