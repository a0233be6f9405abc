"""The model keeps what Backstage users rely on: kinds, relations, hierarchy, users, dangling references."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner

from ownership.analysis.impact import build_graph, dependents
from ownership.analysis.people import People
from ownership.catalog.load import load_paths
from ownership.cli import cli
from ownership.model import Catalog, Finding, Link, Person, Roster, Snapshot
from ownership.routing.page import Context, page
from ownership.rules import engine
from tests.catalog import backstage_tree

TODAY = dt.date(2026, 6, 1)


@pytest.fixture()
def org(tmp_path: Path) -> Path:
    return backstage_tree.write_relations(tmp_path / "org")


def _load(folder: Path, **options: dict[str, object]) -> tuple[Catalog, list[Finding]]:
    catalog, loaded = load_paths([folder])
    return catalog, engine.run(Snapshot(catalog, TODAY, options=options), ["catalog"], loaded)


def test_a_component_and_a_resource_of_one_name_are_two_systems_without_duplicate_or_cycle(org: Path) -> None:
    cat, findings = _load(org)
    assert cat.systems["ledger"].kind == "component"
    assert cat.systems["resource:ledger"].kind == "resource"
    assert cat.systems["ledger"].depends_on == ("resource:ledger",)
    assert not [f for f in findings if f.rule in ("duplicate-name", "dependency-cycle")]
    assert cat.systems["artists-db"].kind == "resource"  # no clash: the plain name, as before


def test_kind_type_system_domain_apis_tags_links_and_annotations_are_kept(org: Path) -> None:
    cat, _ = _load(org)
    archive = cat.systems["wayback-archive"]
    assert (archive.kind, archive.type, archive.part_of) == ("component", "service", "artist-engagement-portal")
    assert archive.provides_apis == ("wayback-archive",)
    assert cat.systems["wayback-search"].consumes_apis == ("wayback-archive",)
    assert cat.systems["wayback-archive-ingestion"].subcomponent_of == "wayback-archive"
    assert archive.tags == ("archive", "java")
    assert archive.links == (Link("https://wiki.example.com/wayback", "Wiki", "docs", "help"),)
    assert archive.annotations == {"example.com/team-slack": "wayback"}
    assert archive.label == "component 'wayback-archive'" and cat.systems["resource:ledger"].label == \
        "resource 'resource:ledger'"
    assert pickle.loads(pickle.dumps(cat)) == cat


def test_blast_radius_follows_api_consumption_and_subcomponents(org: Path) -> None:
    cat, _ = _load(org)
    g = build_graph(cat)
    assert dependents(g, ["wayback-archive"]) == {"wayback-search": 1}  # consumes its API
    # a subcomponent's failure reaches the component it is part of, and what depends on that
    assert dependents(g, ["wayback-archive-ingestion"]) == {"wayback-archive": 1, "wayback-search": 2}
    out = CliRunner().invoke(cli, ["blast-radius", "wayback-archive", "--catalog", str(org)])
    assert "wayback-search" in out.output and "nothing depends on it" not in out.output, out.output


def test_groups_keep_their_hierarchy_and_a_department_is_not_a_team_without_members(org: Path) -> None:
    cat, _ = _load(org)
    eng = cat.teams["engineering"]
    assert (eng.type, eng.children, eng.members) == ("department", ("team-a", "team-b"), ())
    assert cat.teams["team-a"].parent == "engineering"  # mirrored from the parent's spec.children
    roster = Roster(tuple(Person(e, (e,)) for e in backstage_tree.TEAM_A))
    findings = engine.run(Snapshot(cat, TODAY, roster), ["people"])
    silent = {f.subject for f in findings if f.rule == "team-without-active-members"}
    assert "team:engineering" not in silent and "team:team-b" in silent


def test_escalation_goes_to_the_parent_groups_people_after_the_teams_own(org: Path) -> None:
    cat, _ = _load(org)
    head = dataclasses.replace(cat.teams["engineering"], members=("head@example.com",))
    cat2 = dataclasses.replace(cat, teams={**cat.teams, "engineering": head})
    at = dt.datetime(2026, 6, 1, 10, tzinfo=dt.timezone.utc)
    p = page(Context(cat2, at, People(cat2, None, TODAY)), cat2.systems["wayback-archive"])
    names = [lv.name for lv in p.levels]
    assert names[-1] == "parent team" and p.levels[-1].source == "engineering"
    assert [c.ref for c in p.levels[-1].contacts] == ["head@example.com"]
    native = page(Context(cat2, at, People(cat2, None, TODAY)), cat2.systems["guest-book"])
    assert [lv.name for lv in native.levels] == ["on-call", "maintainers", "team", "management"]


def test_a_user_owned_component_names_the_user_with_the_users_display_name(org: Path) -> None:
    cat, _ = _load(org)
    book = cat.systems["guest-book"]
    assert (book.owner, book.owner_person, book.owner_label) == ("", "amelia.park@example.com",
                                                                 "amelia.park@example.com")
    at = dt.datetime(2026, 6, 1, 10, tzinfo=dt.timezone.utc)
    p = page(Context(cat, at, People(cat, None, TODAY)), book)
    contact = p.levels[1].contacts[0]
    assert (contact.name, contact.email) == ("Amelia Park", "amelia.park@example.com")


def test_references_outside_the_files_are_dangling_references_with_configurable_severity(org: Path) -> None:
    _, findings = _load(org)
    dangling = sorted((f.location.line if f.location else 0, f.severity) for f in findings
                      if f.rule == "dangling-reference" and f.location and f.location.file.endswith("relations.yaml"))
    lines = backstage_tree.EXTERNAL_LINES
    assert dangling == sorted((lines[k], "error") for k in lines)
    assert not [f for f in findings if f.rule in ("unknown-team", "unknown-system")]
    _, lowered = _load(org, **{"dangling-reference": {"severity": "warning"}})
    assert {f.severity for f in lowered if f.rule == "dangling-reference"} == {"warning"}


def test_external_owners_in_ownership_yaml_silence_the_owner_but_not_the_other_references(org: Path) -> None:
    (org / "ownership.yaml").write_text("external_owners: [group:billing]\n")
    out = CliRunner().invoke(cli, ["validate", "--catalog", str(org), "--format", "json"])
    assert out.exit_code == 1, out.output
    rows = [f for f in json.loads(out.output)["findings"] if f["rule"] == "dangling-reference"]
    assert sorted(f["line"] for f in rows) == [backstage_tree.EXTERNAL_LINES["system"],
                                               backstage_tree.EXTERNAL_LINES["dependsOn"]]
    assert "component 'billing-ui'" in rows[0]["message"]
    (org / "ownership.yaml").write_text("external_owners: [12]\n")
    bad = CliRunner().invoke(cli, ["validate", "--catalog", str(org)])
    assert bad.exit_code == 2 and "external_owners[0]" in bad.output
