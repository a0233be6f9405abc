"""site.yml is valid YAML that builds on catalog merges, weekly and by hand, and deploys to GitHub Pages."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from ownership.cli import cli
from tests.conftest import ROOT
from tests.gitrepo import git_env

TIMEOUT = 60


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
    assert "ownership site --catalog catalog/ --out _site" in runs
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["uses"].startswith("actions/upload-pages-artifact@") and upload["with"]["path"] == "_site"
    # the newest weekly report and state come from the ownership-reports branch, not from an artifact
    # ...checked out outside the work tree, where no catalog placeholder reaches its roster snapshots
    assert 'git worktree add --detach "$RUNNER_TEMP/ownership-reports" origin/ownership-reports' in runs
    assert 'weekly+=(--report "$reports")' in runs and 'weekly+=(--state "$reports/state")' in runs
    assert "gh run" not in runs and "|| echo" not in runs and "|| true" not in runs
    assert jobs["build"]["permissions"] == {"contents": "read"}  # no artifact API any more
    deploy = jobs["deploy"]
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert deploy["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"
    assert deploy["steps"][0]["id"] == "deployment"


def _stub(bin_dir: Path, log: Path) -> None:
    """`ownership` on PATH that only records its arguments (the build step's choice of options is tested)."""
    bin_dir.mkdir()
    exe = bin_dir / "ownership"
    exe.write_text(f"#!{sys.executable}\nimport json, sys\nopen({str(log)!r}, 'a').write(json.dumps(sys.argv[1:]))\n")
    exe.chmod(0o755)


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=git_env(date="2026-11-30"), check=True, capture_output=True,
                   timeout=TIMEOUT)


def _checkout(tmp_path: Path, branch: dict[str, str] | None) -> Path:
    """A runner's checkout (fetch-depth 0): origin/ownership-reports holds `branch` (path -> text) when given."""
    origin = tmp_path / "origin"
    origin.mkdir()
    _git(origin, "init", "-q", "-b", "main")
    (origin / "catalog").mkdir()
    (origin / "catalog" / "a.yaml").write_text("systems: []\n")
    _git(origin, "add", ".")
    _git(origin, "commit", "-qm", "catalog")
    if branch is not None:
        _git(origin, "checkout", "-q", "--orphan", "ownership-reports")
        _git(origin, "rm", "-rfq", ".")
        for rel, text in branch.items():
            (origin / rel).parent.mkdir(parents=True, exist_ok=True)
            (origin / rel).write_text(text)
        _git(origin, "add", ".")
        _git(origin, "commit", "-qm", "report")
        _git(origin, "checkout", "-q", "main")
    _git(tmp_path, "clone", "-q", str(origin), "checkout")
    return tmp_path / "checkout"


def _build(tmp_path: Path, branch: dict[str, str] | None) -> tuple[list[str], str, Path]:
    """Run the two site steps as GitHub does: (the arguments ownership got, what the steps printed, the
    runner's temp folder, RUNNER_TEMP)."""
    checkout = _checkout(tmp_path, branch)
    log = tmp_path / "argv.json"
    _stub(tmp_path / "bin", log)
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    steps = {s.get("name"): s for s in _workflow()["jobs"]["build"]["steps"]}
    env = {**git_env(), "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}", "ROSTER": "", "HOME": str(tmp_path),
           "RUNNER_TEMP": str(temp)}
    printed = ""
    for name in ("The latest weekly report and state (branch ownership-reports)", "Build the site"):
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", steps[name]["run"]],
                              cwd=checkout, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False)
        assert done.returncode == 0, (name, done.stderr)
        printed += done.stdout
    # nothing of the reports branch is inside the catalog's work tree
    assert not (checkout / "weekly").exists() and sorted(p.name for p in checkout.iterdir()) == [".git", "catalog"]
    return json.loads(log.read_text()), printed, temp


def test_site_builds_from_the_branch_state_and_links_its_newest_report(tmp_path: Path) -> None:
    branch = {"2026-11-23/report.json": "{}\n", "2026-11-30/report.html": "<p>week 48</p>\n",
              "2026-11-30/report.json": "{}\n", "state/manifest.json": "{}\n", "state/repos/a.json": "{}\n"}
    argv, printed, temp = _build(tmp_path, branch)
    reports = temp / "ownership-reports"
    assert argv == ["site", "--catalog", "catalog/", "--out", "_site", "--report", str(reports), "--state",
                    f"{reports}/state"]
    assert "::warning::" not in printed
    # the real command links the newest dated report of that folder; state/ beside the reports is no report
    result = CliRunner().invoke(cli, ["site", "--catalog", str(tmp_path / "checkout" / "catalog"),
                                      "--out", str(tmp_path / "_site"), "--report", str(reports), "--no-scan"])
    assert result.exit_code == 0, result.output
    assert "report 2026-11-30" in result.output
    assert (tmp_path / "_site" / "report" / "report.html").read_text() == "<p>week 48</p>\n"


def test_site_before_any_weekly_run_says_so_and_links_nothing(tmp_path: Path) -> None:
    argv, printed, _ = _build(tmp_path, None)
    assert argv == ["site", "--catalog", "catalog/", "--out", "_site"]
    assert "::warning::no ownership-reports branch yet" in printed


def test_site_from_a_branch_without_state_scans_itself_but_still_requires_the_report(tmp_path: Path) -> None:
    argv, printed, temp = _build(tmp_path, {"2026-11-30/report.json": "{}\n"})
    reports = temp / "ownership-reports"
    assert argv == ["site", "--catalog", "catalog/", "--out", "_site", "--report", str(reports)]
    assert "::warning::ownership-reports has no state/ yet" in printed
    # a branch whose report is really missing stops the build (exit 2) instead of publishing without the link
    (reports / "2026-11-30" / "report.json").unlink()
    result = CliRunner().invoke(cli, ["site", "--catalog", str(tmp_path / "checkout" / "catalog"),
                                      "--out", str(tmp_path / "_site"), "--report", str(reports), "--no-scan"])
    assert result.exit_code == 2 and "holds no weekly report" in result.output
