"""Our verdict on Backstage descriptors against Backstage's own (tests/backstage_oracle/validate.js runs
@backstage/catalog-model's entity policies and kind validators on the same files), entity by entity:

- every document Backstage rejects gets an error at that entity with a `backstage-*` slug, one of them at the
  line of the field Backstage names;
- every document Backstage accepts gets no `backstage-*` finding, and no error but ownership's own, stricter
  checks (OWN_CHECKS, documented in docs/backstage.md);
- a document of a kind no catalog kind validator accepts (a Template, a custom kind) is one
  backstage-skipped-kind info line, unless it names a catalog kind (`kind: component`), which is an error.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ownership.catalog import load, yamlnodes
from ownership.catalog.backstage_valid import KIND_SPECS
from ownership.catalog.yamlnodes import Map, Node, Scalar, Seq
from ownership.model import Finding

ORACLE = Path(__file__).resolve().parents[1] / "backstage_oracle"
# ownership's own checks of entities Backstage accepts: references, people, names across files, its own
# annotations and lifecycle values (docs/backstage.md, "Stricter than Backstage")
OWN_CHECKS = {"unknown-team", "unknown-system", "duplicate-name", "dependency-cycle", "invalid-value",
              "location-not-found", "location-not-followed", "location-outside-root", "invisible-character"}


def oracle(files: list[Path]) -> list[dict[str, Any]]:
    """Backstage's verdict on every document of `files`, in one node run."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed: the Backstage parity test needs node to run @backstage/catalog-model")
    if not (ORACLE / "node_modules" / "@backstage" / "catalog-model").is_dir():
        pytest.skip("@backstage/catalog-model is not installed: run `npm ci --prefix tests/backstage_oracle`")
    done = subprocess.run(["node", str(ORACLE / "validate.js")], input=json.dumps([str(f) for f in files]),
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    rows: list[dict[str, Any]] = json.loads(done.stdout)
    return rows


def _line_of(doc: Node, path: list[Any] | None) -> int:
    """The line of the key (or list item) the path ends at, or of the deepest part of it that exists."""
    line, node = doc.line, doc
    for part in path or []:
        if type(node) is Map:  # ajv writes list indices as strings ("tags/0"), FieldFormat as numbers
            hit = next(((k, v) for k, v in yamlnodes.merged_pairs(node) if type(k) is Scalar and k.value == str(part)),
                       None)
            if hit is None:
                break
            line, node = hit[0].line, hit[1]
        elif type(node) is Seq and str(part).isdigit() and int(part) < len(node.items):
            node = node.items[int(part)]
            line = node.line
        else:
            break
    return line


def compare(files: list[Path]) -> dict[str, int]:
    """Assert the agreement entity by entity; return the counts (accepted, rejected, skipped)."""
    rows = oracle(files)
    _, findings = load.load_paths(files)
    counts = {"accepted": 0, "rejected": 0, "skipped": 0}
    for row in rows:
        path = row["file"]
        docs, _ = yamlnodes.parse(Path(path).read_bytes())
        doc = docs[row["index"]] if row["index"] is not None else None
        end = docs[row["index"] + 1].line if doc is not None and row["index"] + 1 < len(docs) else 10**9
        mine = [f for f in findings if f.location and f.location.file == path
                and (doc is None or doc.line <= f.location.line < end)]
        kind, name = row["kind"], row["name"]
        label = f"{path} document {row['index']} ({kind} {name!r}): Backstage says {row['errors'] or 'accepted'}"
        if row["accepted"]:
            counts["accepted"] += 1
            wrong = [f for f in mine if f.rule.startswith("backstage-")
                     or (f.severity == "error" and f.rule not in OWN_CHECKS)]
            assert not wrong, f"{label}; we say {_show(wrong)}"
        elif not row["recognized"] and str(kind).lower() not in {k.lower() for k in KIND_SPECS}:
            counts["skipped"] += 1
            skipped = [f for f in findings if f.rule == "backstage-skipped-kind" and f.evidence["kind"] == kind]
            assert skipped and path in skipped[0].evidence["files"], f"{label}; not counted as skipped"
            assert not [f for f in mine if f.severity == "error"], f"{label}; we say {_show(mine)}"
        else:
            counts["rejected"] += 1
            errors = [f for f in mine if f.severity == "error"]
            assert errors, f"{label}; we say nothing"
            if row["errors"][0]["stage"] in ("yaml", "placeholder"):
                continue  # a YAML or substitution error: reported under its own slug
            ours = [f for f in errors if f.rule.startswith("backstage-")]
            assert ours, f"{label}; we say {_show(errors)}"
            if isinstance(name, str) and name and isinstance(kind, str) and kind:
                assert {f.subject for f in ours} == {f"{kind.lower()}:{name}"}, f"{label}; we say {_show(ours)}"
            assert doc is not None
            # at the field Backstage names, or at a field holding it (`relations:` for `relations[0]`)
            bad = row["errors"][0]["path"] or []
            want = {_line_of(doc, bad[:i]) for i in range(1, len(bad) + 1)} or {doc.line}
            assert want & {f.location.line for f in ours if f.location}, f"{label} (line {want}); we say {_show(ours)}"
    return counts


def _show(findings: list[Finding]) -> str:
    return "; ".join(f"{f.location.line if f.location else '?'} {f.rule} {f.message}" for f in findings) or "nothing"


# --------------------------------------------------------------------------- hand-written cases

HEAD = "apiVersion: backstage.io/v1alpha1\n"
OK_SPEC = "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n"
CASES: dict[str, str] = {
    "component-without-type": HEAD + "kind: Component\nmetadata:\n  name: c1\nspec:\n  lifecycle: production\n"
                              "  owner: team-a\n",
    "group-without-children": HEAD + "kind: Group\nmetadata:\n  name: g1\nspec:\n  type: team\n",
    "user-without-memberof": HEAD + "kind: User\nmetadata:\n  name: u1\nspec:\n  profile:\n    email: u@x.test\n",
    "user-without-spec": HEAD + "kind: User\nmetadata:\n  name: u2\n",
    "api-without-definition": HEAD + "kind: API\nmetadata:\n  name: a1\nspec:\n  type: openapi\n"
                              "  lifecycle: production\n  owner: team-a\n",
    "tag-with-spaces": HEAD + "kind: Component\nmetadata:\n  name: c2\n  tags:\n    - go 1.15.3\n" + OK_SPEC,
    "tag-uppercase": HEAD + "kind: Component\nmetadata:\n  name: c3\n  tags: [Java]\n" + OK_SPEC,
    "label-number": HEAD + "kind: Component\nmetadata:\n  name: c4\n  labels:\n    replicas: 3\n" + OK_SPEC,
    "label-bad-format": HEAD + "kind: Component\nmetadata:\n  name: c5\n  labels:\n    team: a b\n" + OK_SPEC,
    "annotation-number": HEAD + "kind: Component\nmetadata:\n  name: c6\n  annotations:\n    acme.io/x: 1\n"
                         + OK_SPEC,
    "annotation-bad-key": HEAD + "kind: Component\nmetadata:\n  name: c7\n  annotations:\n    'bad key': x\n"
                          + OK_SPEC,
    "foreign-root-field": HEAD + "kind: Component\nmetadata:\n  name: c8\n" + OK_SPEC + "owner: team-a\n",
    "name-number": HEAD + "kind: Component\nmetadata:\n  name: 12345\n" + OK_SPEC,
    "kind-lowercase": HEAD + "kind: component\nmetadata:\n  name: c9\n" + OK_SPEC,
    "link-not-url-docs": HEAD + "kind: Component\nmetadata:\n  name: c10\n  links:\n    - url: not a url\n"
                         "      title: Docs\n" + OK_SPEC,
    "link-not-url-runbook": HEAD + "kind: Component\nmetadata:\n  name: c11\n  links:\n    - url: wiki/runbook\n"
                            "      title: Runbook\n" + OK_SPEC,
    "unknown-api-version": "apiVersion: backstage.io/v1alpha2\nkind: Component\nmetadata:\n  name: c12\n"
                           + OK_SPEC,
    "missing-kind": HEAD + "metadata:\n  name: c13\n" + OK_SPEC,
    "empty-title": HEAD + "kind: Component\nmetadata:\n  name: c14\n  title: ''\n" + OK_SPEC,
    "owner-list": HEAD + "kind: Component\nmetadata:\n  name: c15\nspec:\n  type: service\n"
                  "  lifecycle: production\n  owner: [team-a]\n",
    # accepted by Backstage
    "group": HEAD + "kind: Group\nmetadata:\n  name: team-a\nspec:\n  type: team\n  children: []\n",
    "component": HEAD + "kind: Component\nmetadata:\n  name: ok\n  tags: [java, c++]\n  links:\n"
                 "    - url: https://wiki.example.com/ok\n      title: Runbook\n" + OK_SPEC,
    "owner-yes": HEAD + "kind: System\nmetadata:\n  name: s1\nspec:\n  owner: yes\n",
    "template": "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: t1\n"
                "spec:\n  type: service\n",
    "custom-kind": "apiVersion: acme.io/v1\nkind: Widget\nmetadata:\n  name: w1\n",
}


def _write(root: Path, files: dict[str, str]) -> list[Path]:
    out = []
    for rel, body in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
        out.append(path)
    return out


def test_each_missed_rule_gets_backstages_verdict_at_its_line(tmp_path: Path) -> None:
    files = _write(tmp_path, {f"{name}.yaml": body for name, body in CASES.items()})
    counts = compare(files)
    assert counts == {"accepted": 3, "rejected": 20, "skipped": 2}


# --------------------------------------------------------------------------- a realistic org, mutated


def org() -> dict[str, list[dict[str, Any]]]:
    """Backstage's example org in miniature: a Location tree, groups with parent/children, a User per file,
    components, resources, an API with a `$text` definition, systems and a domain."""
    def ent(kind: str, name: str, spec: dict[str, Any], **meta: Any) -> dict[str, Any]:
        return {"apiVersion": "backstage.io/v1alpha1", "kind": kind, "metadata": {"name": name, **meta},
                "spec": spec}

    files: dict[str, list[dict[str, Any]]] = {
        "all.yaml": [ent("Location", "example", {"targets": ["./org.yaml", "./systems.yaml", "./people/*.yaml"]})],
        "org.yaml": [ent("Group", "acme", {"type": "organization", "children": ["infra", "music"]}),
                     ent("Group", "infra", {"type": "team", "parent": "acme", "children": []},
                         description="Infrastructure"),
                     ent("Group", "music", {"type": "team", "parent": "acme", "children": [],
                                            "profile": {"displayName": "Music", "email": "music@example.com"}})],
        "systems.yaml": [
            ent("Domain", "artists", {"owner": "music"}),
            ent("System", "podcast", {"owner": "music", "domain": "artists"}),
            ent("Component", "artist-web", {"type": "website", "lifecycle": "production", "owner": "music",
                                            "system": "podcast", "dependsOn": ["resource:artists-db"],
                                            "providesApis": ["artist-api"]},
                tags=["java", "web"], links=[{"url": "https://example.com/runbook", "title": "Runbook"}],
                annotations={"backstage.io/techdocs-ref": "dir:."}, labels={"tier": "gold"}),
            ent("Resource", "artists-db", {"type": "database", "owner": "infra", "system": "podcast"}),
            ent("API", "artist-api", {"type": "openapi", "lifecycle": "production", "owner": "music",
                                      "system": "podcast", "definition": {"$text": "./artist-api.txt"}}),
        ],
    }
    for i, team in enumerate(["infra", "infra", "music", "music"]):
        files[f"people/user-{i}.yaml"] = [ent("User", f"user-{i}", {"profile": {"email": f"user-{i}@example.com"},
                                                                    "memberOf": [team]})]
    return files


# (where, what): a mutation of one document; `where` a path into it, `what` the new value (DROP deletes)
DROP = object()
BAD_VALUES: list[Any] = ["", "go 1.15.3", "Java", 12345, True, None, ["team-a"], {"a": 1}, "not a url", "ok",
                         "Bad_Name-", "x" * 64, "yes", 3.5]
PATHS = [("kind",), ("apiVersion",), ("metadata",), ("metadata", "name"), ("metadata", "title"),
         ("metadata", "namespace"), ("metadata", "tags"), ("metadata", "tags", 0), ("metadata", "labels", "tier"),
         ("metadata", "annotations", "acme.io/note"), ("metadata", "links", 0, "url"),
         ("metadata", "links", 0, "title"), ("spec",), ("spec", "type"), ("spec", "owner"), ("spec", "lifecycle"),
         ("spec", "children"), ("spec", "memberOf"), ("spec", "definition"), ("spec", "dependsOn"),
         ("spec", "profile", "email"), ("foreign",), ("relations",)]
mutation = st.tuples(st.sampled_from(PATHS), st.sampled_from([DROP, *BAD_VALUES, "Component", "component",
                                                              "backstage.io/v1beta2", "acme.io/v1"]))


def _apply(doc: dict[str, Any], where: tuple[Any, ...], what: Any) -> None:
    node: Any = doc
    for part in where[:-1]:
        if isinstance(part, int):
            if not isinstance(node, list) or not node:
                return
            node = node[0]
        else:
            if not isinstance(node, dict):
                return
            node = node.setdefault(part, [] if isinstance(where[where.index(part) + 1], int) else {})
    last = where[-1]
    if isinstance(last, int):
        if isinstance(node, list):
            if node and what is DROP:
                node.pop(0)
            elif what is not DROP:
                node[:1] = [what]
    elif isinstance(node, dict):
        if what is DROP:
            node.pop(last, None)
        else:
            node[last] = what


@settings(max_examples=12, deadline=None, phases=[Phase.explicit, Phase.generate], suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 100), mutation), min_size=1, max_size=8))
def test_mutations_of_a_realistic_org_get_backstages_verdict(tmp_path_factory: pytest.TempPathFactory,
                                                             mutations: list[tuple[int, Any]]) -> None:
    root = tmp_path_factory.mktemp("org")
    files = org()
    docs = [d for name in files for d in files[name] if name != "all.yaml"]
    for i, (where, what) in mutations:
        _apply(docs[i % len(docs)], where, what)
    (root / "artist-api.txt").write_text("openapi: 3.0.0\n", encoding="utf-8")
    paths = _write(root, {name: yaml.safe_dump_all(body, sort_keys=False) for name, body in files.items()})
    counts = compare(paths)
    assert sum(counts.values()) == sum(len(b) for b in files.values())


def test_an_entity_without_apiversion_is_a_malformed_entity_as_backstage_says(tmp_path: Path) -> None:
    # found by the mutation test (hypothesis seed 5): without apiVersion, `kind`/`metadata`/`spec` were read as
    # unknown keys of a native file
    f = tmp_path / "user.yaml"
    f.write_text("kind: User\nmetadata:\n  name: user-2\nspec:\n  memberOf: []\n")
    (row,) = oracle([f])
    assert not row["accepted"] and "apiVersion" in str(row["errors"])
    _, findings = load.load_paths([f])
    assert [(x.rule, x.location.line if x.location else None) for x in findings] == [("backstage-missing-field", 1)]
    assert "'apiVersion' is required" in findings[0].message
