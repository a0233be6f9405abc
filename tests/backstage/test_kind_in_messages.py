"""Findings about a Backstage Component or Resource name its kind ("component 'x'"), not "system" (issue 14)."""
from __future__ import annotations

from pathlib import Path

import json

from click.testing import CliRunner

from ownership.cli import cli

DOCS = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: team-a}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: shop
  annotations:
    ownership.dev/stakeholders: legal
spec: {type: service, lifecycle: production, owner: team-a}
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: shop-db
  annotations:
    ownership.dev/stakeholders: comms
spec: {type: database, owner: team-a}
"""


def test_a_component_and_a_resource_are_named_by_their_kind_in_findings(tmp_path: Path) -> None:
    (tmp_path / "all.yaml").write_text(DOCS)
    r = CliRunner().invoke(cli, ["validate", "--catalog", str(tmp_path / "all.yaml"), "--format", "json"])
    assert r.exit_code == 1, r.output
    messages = sorted(f["message"] for f in json.loads(r.stdout)["findings"] if f["rule"] == "unknown-stakeholder")
    assert messages == ["component 'shop' lists unknown stakeholder group 'legal'",
                        "resource 'shop-db' lists unknown stakeholder group 'comms'"]
