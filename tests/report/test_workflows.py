"""The weekly-report workflow and the composite action are valid YAML with the triggers and steps they need."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
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


def _step(steps: list[dict[str, Any]], prefix: str) -> dict[str, Any]:
    return next(s for s in steps if s.get("name", "").startswith(prefix))


def test_weekly_report_is_a_matrix_of_shards_from_a_variable_merged_by_one_report_job() -> None:
    jobs = _load(".github/workflows/weekly-report.yml")["jobs"]
    assert list(jobs) == ["shards", "scan", "report"]
    # the shard count: the repository variable, validated, as the list the matrix runs over
    plan = jobs["shards"]["steps"][0]
    assert plan["env"]["SHARDS"] == "${{ vars.OWNERSHIP_SHARDS }}" and plan["id"] == "shards"
    assert jobs["shards"]["outputs"] == {"count": "${{ steps.shards.outputs.count }}",
                                         "list": "${{ steps.shards.outputs.list }}"}
    scan = jobs["scan"]
    assert scan["needs"] == "shards" and scan["strategy"]["fail-fast"] is False
    assert scan["strategy"]["matrix"] == {"shard": "${{ fromJSON(needs.shards.outputs.list) }}"}
    steps = scan["steps"]
    # every shard starts from last week's merged state on the branch, copied into its scan cache
    restore = _step(steps, "Start from last week's merged state")
    assert "origin/ownership-reports" in restore["run"] and 'ownership/history"' in restore["run"]
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == "~/.cache/ownership/clones"  # clones only: the state is the branch's
    assert steps.index(restore) < steps.index(_step(steps, "Scan this shard"))
    shard = _step(steps, "Scan this shard")
    assert shard["env"] == {"SHARD": "${{ matrix.shard }}", "SHARDS": "${{ needs.shards.outputs.count }}"}
    assert ('ownership scan --catalog catalog/ --shard "$SHARD/$SHARDS" --state-out "state-$SHARD" || status=$?'
            in shard["run"])
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["name"] == "ownership-state-${{ matrix.shard }}"
    assert upload["with"]["path"] == "state-${{ matrix.shard }}" and upload["with"]["if-no-files-found"] == "error"
    # the report job waits for every shard, downloads every state and passes each of them
    report = jobs["report"]
    assert report["needs"] == ["shards", "scan"] and "if" not in report  # no report from a partial matrix
    steps = report["steps"]
    download = next(s for s in steps if s.get("uses", "").startswith("actions/download-artifact@"))
    assert download["with"] == {"pattern": "ownership-state-*", "path": "states"}
    loop = 'for i in $(seq 1 "$SHARDS"); do states+=(--state "states/ownership-state-$i"); done'
    for name in ("Write the report", "Merge the shards' states"):
        step = _step(steps, name)
        assert step["env"]["SHARDS"] == "${{ needs.shards.outputs.count }}" and loop in step["run"], name
    write = _step(steps, "Write the report")["run"]
    # the report and the history live under $RUNNER_TEMP, outside the catalog's work tree (issue 24, point 6);
    # the weekly job is strict about the roster shrink guard's baseline (issue 25, point 2)
    assert 'out="$RUNNER_TEMP/reports/$day"' in write
    assert '"${states[@]}" --out "$out" --history "$RUNNER_TEMP/ownership-reports"' in write
    assert "ownership report --strict-roster " in write
    assert 'ownership scan --catalog catalog/ "${states[@]}" --state-out merged-state' in \
        _step(steps, "Merge the shards' states")["run"]
    # the merged state goes to the branch with the report and the roster snapshot
    keep = _step(steps, "Keep the report")["run"]
    assert 'cp -R merged-state "$history/state"' in keep and 'git add -A -- "$DAY" state' in keep
    assert "roster-snapshot.json" in keep and "git push" in keep
    order = [s.get("name", s.get("uses", "")) for s in steps]
    assert order.index("Merge the shards' states into one, for next week and the site") < \
        order.index("Keep the report, the roster snapshot and the merged state on ownership-reports")


def _plan(value: str | None, tmp_path: Path) -> tuple[int, str, str]:
    """Run the shards job's script as GitHub does: (exit code, what it wrote to GITHUB_OUTPUT, stdout)."""
    script = _load(".github/workflows/weekly-report.yml")["jobs"]["shards"]["steps"][0]["run"]
    out = tmp_path / "output"
    out.write_text("")
    env = {"PATH": os.environ["PATH"], "GITHUB_OUTPUT": str(out)}
    if value is not None:
        env["SHARDS"] = value
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], env=env,
                          capture_output=True, text=True, timeout=30, check=False)
    return done.returncode, out.read_text(), done.stdout


def test_shard_count_defaults_to_one_and_is_a_whole_number_from_1_to_64(tmp_path: Path) -> None:
    assert _plan(None, tmp_path)[:2] == (0, "count=1\nlist=[1]\n")
    assert _plan("", tmp_path)[:2] == (0, "count=1\nlist=[1]\n")
    assert _plan("3", tmp_path)[:2] == (0, "count=3\nlist=[1,2,3]\n")
    code, output, _ = _plan("64", tmp_path)
    assert code == 0 and output.startswith("count=64\nlist=[1,2,") and output.endswith(",63,64]\n")
    for bad in ("0", "65", "100", "-1", "07", "1.5", " 2", "2\n", "a", "[1,2]", "2\n::stop-commands::x"):
        code, output, stdout = _plan(bad, tmp_path)
        assert code == 1 and output == "", bad
        # the message names the variable but never echoes its value (no workflow command from it)
        assert re.fullmatch(r"::error::the repository variable OWNERSHIP_SHARDS must be a whole number "
                            r"from 1 to 64\n", stdout), (bad, stdout)


def _shard(tmp_path: Path, writes_state: bool, code: int) -> tuple[int, str, list[str]]:
    """Run the shard's scan step with an `ownership` that writes (or not) a state and exits `code`."""
    steps = _load(".github/workflows/weekly-report.yml")["jobs"]["scan"]["steps"]
    script = _step(steps, "Scan this shard")["run"]
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    log = tmp_path / "argv"
    state = 'mkdir -p "$7" && echo {} > "$7/manifest.json"' if writes_state else ":"  # $7: --state-out's value
    (bin_dir / "ownership").write_text(f'#!/bin/sh\necho "$@" > {log}\n{state}\nexit {code}\n')
    (bin_dir / "ownership").chmod(0o755)
    work = tmp_path / f"work-{writes_state}-{code}"
    work.mkdir()
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "SHARD": "2", "SHARDS": "3"}
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=work, env=env,
                          capture_output=True, text=True, timeout=30, check=False)
    return done.returncode, done.stdout, log.read_text().split()


def test_a_shard_fails_only_when_it_wrote_no_state(tmp_path: Path) -> None:
    code, out, argv = _shard(tmp_path, True, 0)
    assert (code, out) == (0, "")
    assert argv == ["scan", "--catalog", "catalog/", "--shard", "2/3", "--state-out", "state-2"]
    # unreadable repositories (scan exits 2) are in the state with their reason: the report shows them
    code, out, _ = _shard(tmp_path, True, 2)
    assert code == 0 and out.startswith("::warning::shard 2 of 3: ownership scan exited 2")
    code, out, _ = _shard(tmp_path, False, 2)
    assert code == 1 and out == "::error::shard 2 of 3 wrote no state (ownership scan exited 2)\n"


def test_weekly_report_restores_history_reports_uploads_and_opens_an_issue() -> None:
    steps = _load(".github/workflows/weekly-report.yml")["jobs"]["report"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert uses[0].startswith("actions/checkout@") and steps[0]["with"]["fetch-depth"] == 0
    assert any(u.startswith("actions/upload-artifact@") for u in uses)
    runs = _runs(steps)
    assert "ownership-reports" in runs  # the branch that keeps earlier report.json files
    assert 'ownership report --strict-roster --catalog catalog/ ${ROSTER:+--roster "$ROSTER"}' in runs
    assert '--history "$RUNNER_TEMP/ownership-reports"' in runs
    assert "gh issue edit" in runs and "gh issue create" in runs and "report.md" in runs
    env = next(s["env"] for s in steps if s.get("name") == "Write the report")  # secrets on that step only
    assert env["ROSTER"].startswith("${{ secrets.") and env["OWNERSHIP_SCIM_TOKEN"].startswith("${{ secrets.")


def test_weekly_report_and_site_shell_steps_are_valid_bash() -> None:
    steps = [step for rel in (".github/workflows/weekly-report.yml", ".github/workflows/site.yml")
             for job in _load(rel)["jobs"].values() for step in job.get("steps", [])]
    assert sum("run" in step for step in steps) >= 12
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
