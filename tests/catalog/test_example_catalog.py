"""The bundled Acme catalog (catalog/) is clean, valid against the published JSON Schema, and keeps the
shape the demo and the report rely on: a real dependency graph and the deliberately stale facts."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import networkx as nx
import pytest
import yaml
from click.testing import CliRunner

from ownership.analysis.impact import build_graph, cycles
from ownership.catalog.load import load_paths
from ownership.catalog.schema import json_schema
from ownership.cli import cli
from ownership.model import Catalog

CATALOG = Path(__file__).resolve().parents[2] / "catalog"

PEOPLE = {
    f"{p}@acme.test"
    for p in (
        "alice.nguyen bob.martin carol.diaz dan.okafor erin.kim frank.weber grace.liu hector.silva ivy.chen "
        "jamal.brooks kate.olsen liam.park maya.patel nina.rossi omar.haddad priya.shah quinn.adams "
        "rosa.garcia sam.taylor tara.singh umar.farouk vera.novak will.johnson xena.costa yusuf.demir "
        "zoe.fischer dana.white leo.marsh mia.evans victor.hale"
    ).split()
}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    cat, findings = load_paths([CATALOG])
    assert findings == []
    return cat


def _everyone(cat: Catalog) -> set[str]:
    people: set[str] = set()
    for t in cat.teams.values():
        people.update(t.members)
        people.update([t.manager] if t.manager else [])
    for s in cat.systems.values():
        people.update(s.maintainers)
    for sh in cat.stakeholders.values():
        people.update(sh.contacts)
    for r in cat.rotations.values():
        people.update(r.members)
    return people


def test_validate_reports_nothing_and_exits_0(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["validate", "--catalog", str(CATALOG), "--format", "json", "--fail-on", "warning",
                                      "--today", "2026-07-01"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["findings"] == []
    assert doc["counts"] == {"error": 0, "warning": 0, "info": 0}


@pytest.mark.parametrize("path", sorted(CATALOG.rglob("*.yaml")), ids=lambda p: p.name)
def test_every_file_validates_against_the_json_schema(path: Path) -> None:
    data = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
    jsonschema.Draft202012Validator(json_schema()).validate(data)


def test_org_size_and_layout(catalog: Catalog) -> None:
    assert len(catalog.teams) >= 7
    assert len(catalog.systems) >= 28
    assert (CATALOG / "teams.yaml").is_file()
    area_files = sorted((CATALOG / "systems").glob("*.yaml"))
    assert len(area_files) >= 5
    assert all(s.location is not None and "systems" in Path(s.location.file).parts
               for s in catalog.systems.values())


def test_uses_exactly_the_named_people(catalog: Catalog) -> None:
    assert _everyone(catalog) == PEOPLE


def test_dependency_graph_is_layered_and_acyclic(catalog: Catalog) -> None:
    g = build_graph(catalog)
    assert nx.is_directed_acyclic_graph(g)
    assert cycles(g) == []
    assert len(nx.dag_longest_path(g)) >= 5  # frontend -> api -> core -> ... -> datastore
    for hub in ("auth-service", "ledger-service", "postgres-main"):
        assert g.in_degree(hub) >= 3, hub
    roots = [n for n in g if g.in_degree(n) == 0 and catalog.systems[n].lifecycle == "production"]
    assert "web-storefront" in roots and "mobile-bff" in roots


def test_tiers_lifecycles_and_deprecated_dependency(catalog: Catalog) -> None:
    systems = catalog.systems.values()
    assert {s.tier for s in systems} == {1, 2, 3, 4}
    assert {s.lifecycle for s in systems} == {"experimental", "production", "deprecated"}
    deprecated = {s.name for s in systems if s.lifecycle == "deprecated"}
    assert len(deprecated) >= 3
    still_used = [(s.name, d) for s in systems if s.lifecycle == "production" for d in s.depends_on
                  if d in deprecated]
    assert ("invoicing", "billing-legacy") in still_used
    assert any(s.customer_facing for s in systems) and not all(s.customer_facing for s in systems)


def test_tier_1_and_2_systems_have_incident_and_status_channels_and_a_runbook(catalog: Catalog) -> None:
    for s in catalog.systems.values():
        if s.tier <= 2:
            assert set(s.channels) == {"incident", "status"}, s.name
            assert s.runbook and s.runbook.startswith("https://"), s.name


def test_oncall_covers_most_but_not_all_teams_with_critical_systems(catalog: Catalog) -> None:
    assert "incident-commander" in catalog.rotations
    critical_teams = {s.owner for s in catalog.systems.values() if s.tier <= 2}
    covered = {t for t in critical_teams if catalog.teams[t].oncall is not None}
    assert len(covered) > len(critical_teams) / 2
    assert covered != critical_teams
    uses_pd = [t for t in catalog.teams.values() if t.oncall and t.oncall.providers.get("pagerduty")]
    uses_rotation = [t for t in catalog.teams.values() if t.oncall and t.oncall.rotation]
    assert uses_pd and uses_rotation


def test_stakeholders_are_listed_by_systems(catalog: Catalog) -> None:
    assert {"customer-success", "legal", "comms"} <= set(catalog.stakeholders)
    listed = {n for s in catalog.systems.values() for n in s.stakeholders}
    assert listed == set(catalog.stakeholders)


def test_repos_use_the_acme_git_host_and_a_shared_monorepo(catalog: Catalog) -> None:
    monorepo = "https://git.acme.test/acme/monorepo.git"
    in_monorepo = []
    for s in catalog.systems.values():
        assert s.repos, s.name
        for r in s.repos:
            assert r.url.startswith("https://git.acme.test/acme/") and r.url.endswith(".git"), r.url
            if r.url == monorepo:
                assert r.paths, s.name
                in_monorepo.append(s.name)
    assert len(in_monorepo) >= 5
    assert any(s.maintainers for s in catalog.systems.values())


def test_the_deliberately_stale_facts_are_in_place(catalog: Catalog) -> None:
    """The HR roster of the demo turns these into findings; keep them when editing the catalog."""
    t, s = catalog.teams, catalog.systems
    # bob.martin (left) still maintains payments-api, which also has an employed maintainer
    assert "bob.martin@acme.test" in s["payments-api"].maintainers
    assert "bob.martin@acme.test" in t["payments"].members
    # hector.silva (left) is the sole maintainer of a deprecated system in a small team
    legacy = [x for x in s.values() if x.maintainers == ("hector.silva@acme.test",)]
    assert legacy and legacy[0].lifecycle == "deprecated"
    assert len(t[legacy[0].owner].members) <= 2
    # will.johnson (left) is the only member of a team whose only system is a tier-3 legacy one
    (lonely,) = [x for x in t.values() if x.members == ("will.johnson@acme.test",)]
    owned = [x for x in s.values() if x.owner == lonely.name]
    assert [(x.tier, x.lifecycle) for x in owned] == [(3, "deprecated")]
    assert lonely.manager is None and not owned[0].maintainers
    # dan.okafor moved to data; the catalog still has him in payments
    assert "dan.okafor@acme.test" in t["payments"].members
    assert all("dan.okafor@acme.test" not in x.members for x in t.values() if x.name != "payments")
    # nina.rossi and kate.olsen are still listed
    assert "nina.rossi@acme.test" in catalog.rotations["incident-commander"].members
    assert "kate.olsen@acme.test" in {x.manager for x in t.values()}
