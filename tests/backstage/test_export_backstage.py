"""export backstage of a Backstage catalog: what it read is written back, loads into an equal model, and every
descriptor is one Backstage's own validators accept (tests/backstage_oracle).

"Equal" (`model`): the catalog's teams, systems, stakeholders, rotations, User profiles, described Systems /
APIs / Domains and dangling references, field by field, without where each is written (`location`,
`locations`, a repo's `location`): that is the one thing an export changes. Names compare case-insensitively
(as Backstage compares them; the model holds them lowercased). The native direction
(native -> Backstage -> native) is tests/backstage/test_roundtrip.py.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ownership.catalog import export
from ownership.catalog.load import load_paths
from ownership.model import Catalog
from tests.catalog import backstage_tree
from tests.catalog.test_backstage_parity import oracle, org
from tests.conftest import ROOT


def _plain(e: Any) -> Any:
    names = {f.name for f in dataclasses.fields(e)}
    changes: dict[str, Any] = {k: v for k, v in (("location", None), ("locations", {})) if k in names}
    if "repos" in names:
        changes["repos"] = tuple(dataclasses.replace(r, location=None) for r in e.repos)
    return dataclasses.replace(e, **changes)


def model(c: Catalog) -> dict[str, Any]:
    """The catalog as compared: every entity and field, not where it is written."""
    out: dict[str, Any] = {k: {n: _plain(e) for n, e in getattr(c, k).items()}
                           for k in ("teams", "systems", "stakeholders", "rotations", "profiles")}
    out["described"] = [_plain(d) for d in c.described]
    # a name compares case-insensitively, as in Backstage (the model holds names lowercased)
    out["dangling"] = sorted((r.subject.lower(), r.field, r.kind, r.target) for r in c.dangling)
    return out


def round_trip(paths: list[Path], out: Path) -> tuple[Catalog, Catalog]:
    original, findings = load_paths(paths)
    assert [f for f in findings if f.severity == "error"] == []
    export.write(original, out)
    again, findings = load_paths([out / "catalog-info.yaml"])
    assert [f for f in findings if f.severity == "error"] == []
    return original, again


def assert_backstage_accepts(out: Path) -> int:
    """Every document of the export (rotations.yaml is native) passes @backstage/catalog-model."""
    rows = oracle(sorted(p for p in out.glob("*.yaml") if p.name != "rotations.yaml"))
    assert [r for r in rows if not r["accepted"]] == []
    return len(rows)


def _docs(out: Path) -> dict[tuple[str, str], dict[str, Any]]:
    return {(d["kind"], d["metadata"]["name"]): d for p in out.glob("*.yaml") if p.name != "rotations.yaml"
            for d in yaml.safe_load_all(p.read_text())}


def test_a_backstage_org_round_trips_into_an_equal_model_keeping_kinds_names_and_relations(tmp_path: Path) -> None:
    cat = backstage_tree.write_relations(tmp_path / "org")
    original, again = round_trip([cat], tmp_path / "out")
    assert model(again) == model(original)
    docs = _docs(tmp_path / "out")
    kinds = {kind for kind, _ in docs}
    assert {"Component", "Resource", "System", "API", "Group", "User", "Location"} <= kinds
    assert docs[("User", "amelia.park")]["spec"]["memberOf"] == []  # the dot kept, no amelia-park
    assert docs[("Component", "guest-book")]["spec"]["owner"] == "user:amelia.park"  # a User owns it
    assert docs[("Resource", "ledger")]["kind"] == "Resource"  # a Component and a Resource both named ledger
    engineering = docs[("Group", "engineering")]["spec"]
    assert (engineering["type"], engineering["children"]) == ("department", ["group:team-a", "group:team-b"])
    assert docs[("Group", "team-a")]["spec"]["parent"] == "group:engineering"


def test_the_example_org_keeps_its_domain_system_api_and_text_definition(tmp_path: Path) -> None:
    root = tmp_path / "org"
    root.mkdir()
    (root / "artist-api.txt").write_text("openapi: 3.0.0\ninfo: {title: artists}\n")
    for name, body in org().items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump_all(body, sort_keys=False))
    original, again = round_trip([root / "all.yaml"], tmp_path / "out")
    assert model(again) == model(original)
    docs = _docs(tmp_path / "out")
    assert docs[("API", "artist-api")]["spec"]["definition"] == "openapi: 3.0.0\ninfo: {title: artists}\n"
    assert docs[("System", "podcast")]["spec"] == {"owner": "music", "domain": "artists"}
    assert docs[("Domain", "artists")]["spec"] == {"owner": "music"}
    web = docs[("Component", "artist-web")]
    assert web["spec"]["dependsOn"] == ["resource:artists-db"]
    assert web["spec"]["providesApis"] == ["api:artist-api"] and web["spec"]["system"] == "system:podcast"
    assert web["metadata"]["tags"] == ["java", "web"]
    assert web["metadata"]["annotations"] == {"backstage.io/techdocs-ref": "dir:."}
    assert docs[("Group", "music")]["spec"]["profile"] == {"displayName": "Music", "email": "music@example.com"}
    assert_backstage_accepts(tmp_path / "out")


NAMESPACED = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: Ledger-Team, namespace: finance}
spec: {type: team, children: [], parent: group:default/platform}
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: platform}
spec: {type: department, children: [], members: [amelia.park]}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: Amelia.Park}
spec: {memberOf: [platform, elsewhere]}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ledger
  namespace: finance
  annotations: {pagerduty.com/service-id: PABC123, ownership.dev/tier: "1"}
spec: {type: service, lifecycle: experimental, owner: Ledger-Team, dependsOn: [component:default/web]}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: web}
spec: {type: website, lifecycle: production, owner: group:finance/ledger-team, consumesApis: [finance/ledger-api]}
"""


def test_namespaces_case_and_memberships_outside_the_files_survive_the_round_trip(tmp_path: Path) -> None:
    (tmp_path / "org").mkdir()
    (tmp_path / "org" / "catalog-info.yaml").write_text(NAMESPACED)
    original, again = round_trip([tmp_path / "org" / "catalog-info.yaml"], tmp_path / "out")
    assert model(again) == model(original)
    assert again.teams["finance/ledger-team"].parent == "platform"
    assert again.profiles["Amelia.Park"].user == "amelia.park"
    docs = _docs(tmp_path / "out")
    ledger = docs[("Component", "ledger")]
    assert ledger["metadata"]["namespace"] == "finance"
    assert ledger["spec"]["dependsOn"] == ["component:default/web"]
    assert docs[("User", "amelia.park")]["spec"]["memberOf"] == ["group:platform", "group:elsewhere"]
    assert_backstage_accepts(tmp_path / "out")


def test_the_exported_corpus_and_example_catalog_pass_backstages_validators(tmp_path: Path) -> None:
    cat = backstage_tree.write_relations(tmp_path / "org")
    for name, paths in (("relations", [cat]), ("example", [ROOT / "catalog"])):
        catalog, _ = load_paths(paths)
        export.write(catalog, tmp_path / name)
        assert assert_backstage_accepts(tmp_path / name) >= len(catalog.teams) + len(catalog.systems)


def _reexport(paths: list[Path], out: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The export of `paths`, and the export of that export read back."""
    first = export.documents(load_paths(paths)[0])
    export.write(load_paths(paths)[0], out)
    return first, export.documents(load_paths([out])[0])


def test_exporting_the_export_of_a_backstage_catalog_writes_the_same_files(tmp_path: Path) -> None:
    first, again = _reexport([backstage_tree.write_relations(tmp_path / "org")], tmp_path / "a")
    assert again == first


def test_a_native_catalog_exported_once_is_backstage_and_exports_the_same_files_from_then_on(tmp_path: Path) -> None:
    _, second = _reexport([ROOT / "catalog"], tmp_path / "a")
    export.write(load_paths([tmp_path / "a"])[0], tmp_path / "b")
    assert export.documents(load_paths([tmp_path / "b"])[0]) == second


# --------------------------------------------------------------------------- generated orgs

NAMES = ["team-a", "Team.B", "ops_1", "x"]
PEOPLE = ["amelia.park", "Bob", "c-3po"]


@st.composite
def orgs(draw: st.DrawFn) -> str:
    """A Backstage org: groups in a hierarchy, Users (dots, capitals, with or without email and display name,
    members of groups here and elsewhere), Components and Resources owned by groups or Users, depending on
    each other, in Systems of a Domain, providing and consuming an API."""
    docs: list[dict[str, Any]] = []

    def ent(kind: str, name: str, spec: dict[str, Any], **meta: Any) -> None:
        docs.append({"apiVersion": "backstage.io/v1alpha1", "kind": kind, "metadata": {"name": name, **meta},
                     "spec": spec})

    groups = NAMES[:draw(st.integers(1, len(NAMES)))]
    for i, g in enumerate(groups):
        spec: dict[str, Any] = {"type": draw(st.sampled_from(["team", "department"])), "children": []}
        if i and draw(st.booleans()):
            spec["parent"] = draw(st.sampled_from(groups[:i]))
        ent("Group", g, spec)
    users = PEOPLE[:draw(st.integers(0, len(PEOPLE)))]
    for u in users:
        profile = {k: v for k, v in (("email", f"{u.lower()}@example.com" if draw(st.booleans()) else None),
                                     ("displayName", u.title() if draw(st.booleans()) else None)) if v}
        member_of = draw(st.lists(st.sampled_from([*groups, "elsewhere"]), unique=True, max_size=3))
        ent("User", u, {"memberOf": member_of, **({"profile": profile} if profile else {})})
    owners = [*groups, *(f"user:{u}" for u in users)]
    ent("Domain", "shop", {"owner": groups[0]})
    ent("System", "store", {"owner": groups[0], "domain": "shop"})
    ent("API", "store-api", {"type": "openapi", "lifecycle": "production", "owner": groups[0],
                             "definition": "openapi: 3.0.0\n"})
    systems: list[str] = []
    for i in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["Component", "Resource"]))
        name = f"part-{i}"
        spec = {"type": "service" if kind == "Component" else "database", "owner": draw(st.sampled_from(owners))}
        if kind == "Component":
            spec["lifecycle"] = draw(st.sampled_from(["production", "experimental", "deprecated"]))
            if draw(st.booleans()):
                spec[draw(st.sampled_from(["providesApis", "consumesApis"]))] = ["store-api"]
        if systems:
            spec["dependsOn"] = draw(st.lists(st.sampled_from(systems), unique=True, max_size=2))
        if draw(st.booleans()):
            spec["system"] = "store"
        meta: dict[str, Any] = {}
        if draw(st.booleans()):
            meta["tags"] = ["java"]
            meta["links"] = [{"url": "https://wiki.example.com/runbook", "title": "Runbook"}]
            meta["annotations"] = {"pagerduty.com/service-id": "PABC123", "ownership.dev/tier": "2"}
        ent(kind, name, spec, **meta)
        systems.append(f"{kind.lower()}:{name}")
    return yaml.safe_dump_all(docs, sort_keys=False)


@settings(max_examples=15, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(orgs())
def test_generated_orgs_round_trip_and_their_export_passes_backstages_validators(
        tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    root = tmp_path_factory.mktemp("gen")
    (root / "org").mkdir()
    (root / "org" / "catalog-info.yaml").write_text(text)
    original, again = round_trip([root / "org" / "catalog-info.yaml"], root / "out")
    assert model(again) == model(original)
    assert assert_backstage_accepts(root / "out") == len(list(yaml.safe_load_all(text))) + 1  # + the Location
