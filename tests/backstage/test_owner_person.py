"""A component a Backstage User owns names that person as its owner everywhere: blast radius, page, incident,
the report's team table and the site (issue 14: today "team ''", "(, production)" and an empty team row)."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from ownership.cli import cli

TREE = """\
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: amelia.park
spec:
  profile:
    displayName: Amelia Park
    email: amelia@acme.test
  memberOf: [team-a]
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-a
spec:
  type: team
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: solo
spec:
  type: service
  lifecycle: production
  owner: user:amelia.park
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: front
spec:
  type: website
  lifecycle: production
  owner: team-a
  dependsOn: [component:solo]
"""
AT = "2026-11-30T03:00:00+00:00"


def _tree(tmp_path: Path) -> str:
    (tmp_path / "cat").mkdir()
    (tmp_path / "cat" / "all.yaml").write_text(TREE)
    return str(tmp_path / "cat")


def _run(*args: str) -> str:
    r = CliRunner().invoke(cli, list(args))
    assert r.exit_code in (0, 1), r.output
    return r.stdout


def test_blast_radius_and_incident_name_the_person_who_owns_a_component(tmp_path: Path) -> None:
    cat = _tree(tmp_path)
    text = _run("blast-radius", "solo", "--catalog", cat)
    assert "Blast radius of solo (tier 3, person amelia@acme.test)" in text and "team team-a" in text
    assert "team )" not in text and "team ''" not in text
    data = json.loads(_run("blast-radius", "solo", "--catalog", cat, "--format", "json"))
    root = data["roots"][0] if "roots" in data else data["systems"][0]
    assert root["owner"] == "" and root["owner_person"] == "amelia@acme.test" and root["kind"] == "component"
    incident = _run("incident", "front", "--catalog", cat, "--at", AT)
    assert "person amelia@acme.test" in incident and "team )" not in incident


def test_page_says_a_person_owns_it_instead_of_an_unknown_team(tmp_path: Path) -> None:
    out = _run("page", "solo", "--catalog", _tree(tmp_path), "--at", AT)
    assert "component 'solo' is owned by a person (amelia@acme.test), not a team" in out
    assert "owning team '' is not in the catalog" not in out
    assert "Amelia Park <amelia@acme.test>" in out


def test_the_report_has_no_empty_team_row_and_the_site_shows_the_person_as_owner(tmp_path: Path) -> None:
    cat = _tree(tmp_path)
    _run("report", "--catalog", cat, "--out", str(tmp_path / "rep"), "--today", "2026-12-01")
    report = json.loads((tmp_path / "rep" / "report.json").read_text())
    assert [t["team"] for t in report["teams"]] == ["team-a"]
    assert report["teams"][0]["system_names"] == ["front"]
    _run("site", "--catalog", cat, "--out", str(tmp_path / "site"), "--at", AT)
    page = (tmp_path / "site" / "systems" / "solo.html").read_text()
    assert "<dt>Owner</dt>" in page and "amelia@acme.test</a>" in page and "<dt>Owning team</dt>" not in page
    assert "<dt>Kind</dt><dd>component (service)</dd>" in page
