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
    wf = _workflow()
    assert wf["permissions"] == {}  # each job asks for its own (tests/security/test_workflows.py)
    assert wf["jobs"]["build"]["permissions"]["contents"] == "read"
    perms = wf["jobs"]["deploy"]["permissions"]
    assert perms["pages"] == "write" and perms["id-token"] == "write"


def test_builds_with_ownership_site_then_uploads_and_deploys() -> None:
    jobs = _workflow()["jobs"]
    steps = jobs["build"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert uses[0].startswith("actions/checkout@")
    assert "ownership site catalog/ --out _site" in runs
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["uses"].startswith("actions/upload-pages-artifact@") and upload["with"]["path"] == "_site"
    assert 'report="--report weekly"' in runs and "gh run download" in runs  # links the newest weekly report
    # the artifact weekly-report.yml uploads, named after its day (the day of the run that gh run list gives)
    weekly = yaml.safe_load((ROOT / ".github" / "workflows" / "weekly-report.yml").read_text())
    artifact = next(s for s in weekly["jobs"]["report"]["steps"]
                    if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert artifact["with"]["name"] == "ownership-report-${{ steps.report.outputs.day }}"
    assert '--name "ownership-report-$2" --dir "weekly/$2"' in runs
    deploy = jobs["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert deploy["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"
    assert deploy["steps"][0]["id"] == "deployment"
