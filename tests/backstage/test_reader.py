"""Backstage details: entity references, names, namespaces, owners, annotations and Location targets."""
from __future__ import annotations

from pathlib import Path

import pytest

from ownership.catalog.backstage import parse_ref
from ownership.catalog.load import load_paths, load_sources
from ownership.model import Catalog

HEAD = "apiVersion: backstage.io/v1alpha1\n"


def _load(text: str) -> tuple[Catalog, list[tuple[str, int, str]]]:
    cat, findings = load_sources([("c.yaml", text)])
    return cat, [(f.rule, f.location.line if f.location else 0, f.message) for f in findings]


def _rules(findings: list[tuple[str, int, str]]) -> list[tuple[str, int]]:
    return [(r, line) for r, line, _ in findings]


@pytest.mark.parametrize(("text", "default_kind", "expected"), [
    ("payments", "group", ("group", "default", "payments")),
    ("group:payments", "group", ("group", "default", "payments")),
    ("Group:Default/Payments", "group", ("group", "default", "Payments")),
    ("user:ops/alice", "group", ("user", "ops", "alice")),
    ("finance/ledger", "group", ("group", "finance", "ledger")),
    ("component:ledger", None, ("component", "default", "ledger")),
])
def test_entity_references_follow_backstage_defaults(text: str, default_kind: str | None,
                                                     expected: tuple[str, str, str]) -> None:
    ref = parse_ref(text, default_kind, "default")
    assert ref is not None
    assert (ref.kind, ref.namespace, ref.name) == expected


@pytest.mark.parametrize("text", ["a:b:c", "a/b/c", "", "ledger"])
def test_references_that_do_not_parse_or_lack_a_required_kind_are_none(text: str) -> None:
    assert parse_ref(text, None, "default") is None


def test_references_resolve_case_insensitively_and_namespaces_prefix_model_names() -> None:
    cat, findings = _load(HEAD + """kind: Group
metadata: {name: Payments, namespace: finance}
spec: {type: team, children: []}
---
""" + HEAD + """kind: Component
metadata: {name: Ledger, namespace: finance}
spec: {type: service, lifecycle: production, owner: PAYMENTS}
---
""" + HEAD + """kind: Component
metadata: {name: api}
spec: {type: service, lifecycle: production, owner: group:finance/payments, dependsOn: [component:finance/LEDGER]}
""")
    assert findings == []
    assert sorted(cat.teams) == ["finance/payments"]
    assert cat.systems["finance/ledger"].owner == "finance/payments"  # own namespace is the default
    assert cat.systems["api"].depends_on == ("finance/ledger",)


def test_a_user_owner_becomes_a_maintainer_with_a_warning() -> None:
    cat, findings = _load(HEAD + """kind: User
metadata: {name: alice}
spec: {profile: {email: alice@acme.test}, memberOf: []}
---
""" + HEAD + """kind: Component
metadata: {name: tool}
spec: {type: service, lifecycle: production, owner: user:alice}
""")
    assert _rules(findings) == [("invalid-value", 9)]
    assert "owned by user 'alice'" in findings[0][2]
    assert cat.systems["tool"].owner == ""
    assert cat.systems["tool"].maintainers == ("alice@acme.test",)


def test_names_that_differ_only_in_case_are_duplicates() -> None:
    _, findings = _load(HEAD + "kind: Group\nmetadata: {name: Ops}\nspec: {type: team, children: []}\n---\n"
                        + HEAD + "kind: Group\nmetadata: {name: ops}\nspec: {type: team, children: []}\n")
    assert _rules(findings) == [("duplicate-name", 8)]


@pytest.mark.parametrize(("doc", "expected"), [
    ("kind: Template\nmetadata: {name: t}\nspec: {}\n", [("backstage-skipped-kind", 1)]),
    ("kind: Component\nmetadata: {description: x}\nspec: {}\n",
     [("backstage-missing-field", 3)] + [("backstage-missing-field", 4)] * 3),
    ("kind: Component\nmetadata: {name: c}\nspec: {type: service, lifecycle: production}\n",
     [("backstage-missing-field", 4)]),
    ("kind: Component\nmetadata: {name: c}\nspec: {type: service, owner: x}\n", [("backstage-missing-field", 4)]),
    ("kind: Component\nmetadata: {name: c, namespace: Bad_NS}\nspec: {type: s, lifecycle: production, owner: t}\n",
     [("backstage-invalid-field", 3)]),
    ("kind: Component\nmetadata: {name: c}\nspec: {type: s, lifecycle: beta, owner: t}\n", [("invalid-value", 4)]),
    ("kind: Component\nmetadata:\n  name: c\n  annotations: {ownership.dev/tier: '9'}\n"
     "spec: {type: s, lifecycle: production, owner: t}\n", [("invalid-value", 5)]),
    ("kind: Component\nmetadata: {name: c}\nspec: {type: s, lifecycle: production, owner: t, dependsOn: [c2]}\n",
     [("invalid-value", 4)]),
    ("kind: Component\nmetadata: {name: c, name: d}\nspec: {type: s, lifecycle: production, owner: t}\n",
     [("duplicate-key", 3)]),
])
def test_backstage_mistakes_are_findings_at_their_line(doc: str, expected: list[tuple[str, int]]) -> None:
    group = HEAD + "kind: Group\nmetadata: {name: t}\nspec: {type: team, children: []}\n---\n"
    _, findings = _load(group + HEAD + doc)
    assert [(r, line - 5) for r, line in _rules(findings)] == expected


def test_templates_are_counted_and_skipped_with_one_info_line_per_kind() -> None:
    template = "apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata: {name: t%d}\nspec: {}\n"
    cat, findings = _load("---\n".join(template % i for i in range(3))
                          + "---\napiVersion: acme.io/v1\nkind: Widget\nmetadata: {name: w}\n")
    assert _rules(findings) == [("backstage-skipped-kind", 1), ("backstage-skipped-kind", 16)]
    assert findings[0][2] == "3 Template documents (scaffolder.backstage.io/v1beta3) are not catalog entities; skipped"
    assert findings[1][2] == "1 Widget document (acme.io/v1) is not a catalog entity; skipped"
    assert cat.systems == {} and cat.teams == {}


def test_a_stakeholder_group_becomes_a_stakeholder_with_contacts() -> None:
    cat, findings = _load(HEAD + """kind: Group
metadata:
  name: legal
  annotations: {ownership.dev/kind: stakeholder, ownership.dev/channel: "#legal"}
spec: {type: stakeholder, children: [], members: [dana]}
---
""" + HEAD + "kind: User\nmetadata: {name: dana}\nspec: {profile: {email: dana@acme.test}, memberOf: []}\n")
    assert findings == []
    assert cat.teams == {}
    assert cat.stakeholders["legal"].contacts == ("dana@acme.test",)
    assert cat.stakeholders["legal"].channel == "#legal"


def test_globs_that_match_nothing_and_folders_are_location_findings(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "root.yaml").write_text(HEAD + """kind: Location
metadata: {name: root}
spec:
  targets: [./nothing/*.yaml, ./sub, ./root.yaml]
""")
    _, findings = load_paths([tmp_path / "root.yaml"])
    assert [(f.rule, f.location.line if f.location else 0) for f in findings] == [
        ("location-not-found", 5), ("location-not-found", 5)]
    assert "matches no file" in findings[0].message
    assert "is a folder" in findings[1].message


def test_a_location_without_targets_is_a_missing_field(tmp_path: Path) -> None:
    (tmp_path / "root.yaml").write_text(HEAD + "kind: Location\nmetadata: {name: root}\nspec: {type: file}\n")
    _, findings = load_paths([tmp_path / "root.yaml"])
    assert [f.rule for f in findings] == ["missing-field"]


def test_recursive_globs_reach_nested_descriptors(tmp_path: Path) -> None:
    for team in ("a", "b"):
        nested = tmp_path / "teams" / team / "deep"
        nested.mkdir(parents=True)
        (nested / "catalog-info.yaml").write_text(
            HEAD + f"kind: Group\nmetadata: {{name: {team}}}\nspec: {{type: team, children: []}}\n")
    (tmp_path / "root.yaml").write_text(
        HEAD + "kind: Location\nmetadata: {name: root}\nspec: {targets: ['./teams/**/catalog-info.yaml']}\n")
    cat, findings = load_paths([tmp_path / "root.yaml"])
    assert findings == []
    assert sorted(cat.teams) == ["a", "b"]
    assert len(cat.files) == 3
