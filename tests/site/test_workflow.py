"""site.yml is valid YAML that builds on catalog merges, weekly and by hand, and deploys to GitHub Pages."""
from __future__ import annotations

from typing import Any

import yaml

from tests.conftest import ROOT


def _workflow() -> dict[Any, Any]:
    doc = yaml.safe_load((ROOT / ".github" / "workflows" / "site.yml").read_text())
    assert isinstance(doc, dict)
    return doc


def test_builds_on_catalog_merges_weekly_and_by_hand() -> None:
    wf = _workflow()
    on: dict[str, Any] = wf["on"] if "on" in wf else wf[True]  # YAML 1.1 reads a bare `on` key as true
    assert set(on) == {"push", "schedule", "workflow_dispatch"}
    assert on["push"]["branches"] == ["main"] and "catalog/**" in on["push"]["paths"]
    minute, hour, dom, month, dow = on["schedule"][0]["cron"].split()
    assert (dom, month, dow) == ("*", "*", "1")


def test_has_the_permissions_pages_deployment_needs() -> None:
    perms = _workflow()["permissions"]
    assert perms["pages"] == "write" and perms["id-token"] == "write" and perms["contents"] == "read"


def test_builds_with_ownership_site_then_uploads_and_deploys() -> None:
    jobs = _workflow()["jobs"]
    steps = jobs["build"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert uses[0].startswith("actions/checkout@")
    assert "ownership site catalog/ --out _site" in runs
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["uses"] == "actions/upload-pages-artifact@v3" and upload["with"]["path"] == "_site"
    assert 'report="--report weekly"' in runs and "gh run download" in runs  # links the newest weekly report
    deploy = jobs["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert [s["uses"] for s in deploy["steps"]] == ["actions/deploy-pages@v4"]
    assert deploy["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"
    assert deploy["steps"][0]["id"] == "deployment"
