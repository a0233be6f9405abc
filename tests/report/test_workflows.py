"""The weekly-report workflow and the composite action are valid YAML with the triggers and steps they need."""
from __future__ import annotations

import subprocess
from typing import Any

import yaml

from tests.conftest import ROOT


def _load(rel: str) -> dict[Any, Any]:
    doc = yaml.safe_load((ROOT / rel).read_text())
    assert isinstance(doc, dict), rel
    return doc


def _runs(steps: list[dict[str, Any]]) -> str:
    return "\n".join(s.get("run", "") for s in steps)


def test_weekly_report_runs_on_monday_mornings_and_by_hand() -> None:
    wf = _load(".github/workflows/weekly-report.yml")
    on = wf["on"] if "on" in wf else wf[True]  # YAML 1.1 reads a bare `on` key as true
    assert set(on) == {"schedule", "workflow_dispatch"}
    minute, hour, dom, month, dow = on["schedule"][0]["cron"].split()
    assert dow == "1" and int(hour) < 12 and (dom, month) == ("*", "*")
    assert wf["permissions"] == {}  # each job asks for its own (tests/security/test_workflows.py)
    assert wf["jobs"]["report"]["permissions"] == {"contents": "write", "issues": "write"}


def test_weekly_report_restores_history_reports_uploads_and_opens_an_issue() -> None:
    steps = _load(".github/workflows/weekly-report.yml")["jobs"]["report"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert uses[0].startswith("actions/checkout@") and steps[0]["with"]["fetch-depth"] == 0
    assert any(u.startswith("actions/upload-artifact@") for u in uses)
    runs = _runs(steps)
    assert "ownership-reports" in runs  # the branch that keeps earlier report.json files
    assert 'ownership report catalog/ ${ROSTER:+--roster "$ROSTER"}' in runs and "--history history/" in runs
    assert "gh issue edit" in runs and "gh issue create" in runs and "report.md" in runs
    env = next(s["env"] for s in steps if s.get("name") == "Write the report")  # secrets on that step only
    assert env["ROSTER"].startswith("${{ secrets.") and env["OWNERSHIP_SCIM_TOKEN"].startswith("${{ secrets.")


def test_weekly_report_shell_steps_are_valid_bash() -> None:
    steps = _load(".github/workflows/weekly-report.yml")["jobs"]["report"]["steps"]
    for step in steps:
        if "run" in step:
            done = subprocess.run(["bash", "-n"], input=step["run"], text=True, capture_output=True, check=False)
            assert done.returncode == 0, (step.get("name"), done.stderr)


def test_action_is_a_composite_catalog_check_usable_in_two_lines() -> None:
    action = _load("action.yml")
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) >= {"catalog", "base", "fail-on", "sarif"}
    assert all(not i.get("required") for i in action["inputs"].values())  # `uses:` alone works
    steps = action["runs"]["steps"]
    assert all("shell" in s for s in steps if "run" in s)  # composite run steps must name their shell
    runs = _runs(steps)
    assert "ownership validate" in runs and "--format github" in runs and "--base" in runs
    readme = (ROOT / "README.md").read_text()
    assert "uses: acme/ownership@" in readme
