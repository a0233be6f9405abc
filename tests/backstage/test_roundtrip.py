"""export backstage → load → the same model, for the bundled example catalog and a catalog with edge cases."""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ownership.catalog import export
from ownership.catalog.load import load_paths, load_sources
from ownership.cli import cli
from ownership.model import BACKSTAGE_SYSTEM_FIELDS, BACKSTAGE_TEAM_FIELDS, Catalog
from tests.conftest import ROOT


def _plain(entities: Mapping[str, Any]) -> dict[str, Any]:
    """Entities without where they were written (that is the one thing an export changes), and without what
    only a Backstage catalog says (kind, spec.type, annotations...: the export is read back as one)."""
    out = {}
    for name, e in entities.items():
        changes: dict[str, Any] = {"location": None, "locations": {}}
        fields = {f.name: f for f in dataclasses.fields(e)}
        for key in (*BACKSTAGE_TEAM_FIELDS, *BACKSTAGE_SYSTEM_FIELDS):
            f = fields.get(key)
            if f is not None:
                changes[key] = f.default_factory() if f.default is dataclasses.MISSING else f.default  # type: ignore[misc]
        if hasattr(e, "repos"):
            changes["repos"] = tuple(dataclasses.replace(r, location=None) for r in e.repos)
        out[name] = dataclasses.replace(e, **changes)
    return out


def _assert_same(a: Catalog, b: Catalog) -> None:
    for kind in ("teams", "systems", "stakeholders", "rotations"):
        assert _plain(getattr(b, kind)) == _plain(getattr(a, kind)), kind


@pytest.mark.parametrize("entry", ["catalog-info.yaml", "."])
def test_the_example_catalog_round_trips_through_backstage(tmp_path: Path, entry: str) -> None:
    original, findings = load_paths([ROOT / "catalog"])
    assert findings == []
    export.write(original, tmp_path / "out")
    again, findings = load_paths([tmp_path / "out" / entry])
    assert findings == []
    assert len(again.systems) == len(original.systems) > 0
    _assert_same(original, again)


EDGE = """\
teams:
  - name: ops
    members: [alice@acme.test, bob, alice@other.test]
    oncall: {rotation: ops-primary}
  - name: empty
stakeholders:
  - name: legal
    contacts: [alice@acme.test]
    channel: "#legal"
rotations:
  - name: ops-primary
    members: [alice@acme.test, bob]
    shift: 12h
    start: 2026-01-05T09:30:00Z
systems:
  - name: tool
    owner: ops
    tier: 4
    lifecycle: experimental
    repos:
      - url: git@github.com:acme/tool.git
        paths: [cmd/, pkg/tool/]
      - url: ../local/checkout
  - name: other
    owner: empty
    customer_facing: true
    depends_on: [tool]
    channels: {status: "#status"}
"""


def test_edge_cases_round_trip_people_with_the_same_local_part_and_odd_rotations(tmp_path: Path) -> None:
    original, findings = load_sources([("edge.yaml", EDGE)])
    assert findings == []
    files = export.documents(original)
    assert sorted(files) == ["catalog-info.yaml", "components.yaml", "groups.yaml", "rotations.yaml", "users.yaml"]
    assert "name: alice-2" in files["users.yaml"]  # two people called alice: unique User names
    export.write(original, tmp_path)
    again, findings = load_paths([tmp_path / "catalog-info.yaml"])
    assert findings == []
    _assert_same(original, again)


def test_export_command_writes_the_files_and_says_where(tmp_path: Path) -> None:
    out = tmp_path / "bs"
    result = CliRunner().invoke(cli, ["export", "backstage", "--catalog", str(ROOT / "catalog"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "catalog-info.yaml").is_file()
    assert "catalog-info.yaml" in result.output


def test_export_refuses_a_catalog_with_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("systems:\n  - name: x\n")
    result = CliRunner().invoke(cli, ["export", "backstage", "--catalog", str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "missing-field" in result.output
    assert not (tmp_path / "o").exists()


def test_the_incident_practice_and_contacts_survive_the_round_trip(tmp_path: Path) -> None:
    from ownership.analysis.people import reach

    original, _ = load_paths([ROOT / "catalog"])
    assert original.incident.fallback and original.incident.roles and original.contacts
    export.write(original, tmp_path / "out")
    again, findings = load_paths([tmp_path / "out" / "catalog-info.yaml"])
    assert findings == []
    strip = lambda ts: [dataclasses.replace(t, location=None) for t in ts]  # noqa: E731
    assert strip(again.incident.fallback) == strip(original.incident.fallback)
    assert strip(again.incident.roles.values()) == strip(original.incident.roles.values())
    assert list(again.incident.roles) == list(original.incident.roles)
    for ref in original.contacts:
        assert reach(again, ref, None) == reach(original, ref, None), ref
    assert {n: s.when for n, s in again.stakeholders.items()} == {n: s.when for n, s in original.stakeholders.items()}
    assert {n: (s.capability, s.severity) for n, s in again.systems.items()} == {
        n: (s.capability, s.severity) for n, s in original.systems.items()}


def test_severity_rules_and_a_list_of_conditions_survive_the_round_trip(tmp_path: Path) -> None:
    text = ("teams:\n  - name: ops\n    members: [a@x.test]\nsystems:\n  - name: s\n    owner: ops\n"
            "stakeholders:\n  - name: legal\n    contacts: [a@x.test]\n"
            "    when: [{severity: 1}, {systems: [s], customer_facing: false}]\n"
            "severity:\n  - sev: 1\n    when: {tier: 1, hits_tier1: 2}\n  - sev: 3\n")
    original, findings = load_sources([("c.yaml", text)])
    assert findings == []
    export.write(original, tmp_path / "out")
    again, findings = load_paths([tmp_path / "out" / "catalog-info.yaml"])
    assert findings == []
    assert [(r.sev, r.when) for r in again.incident.severity] == [(r.sev, r.when) for r in original.incident.severity]
    assert again.stakeholders["legal"].when == original.stakeholders["legal"].when and len(original.stakeholders["legal"].when) == 2
