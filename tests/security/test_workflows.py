"""Issue 12, hole 8: the workflows and the composite action give an attacker nothing.

zizmor (run offline) finds nothing at medium severity or above; every action is pinned to a commit; each job
holds only the permissions it needs; expressions never expand inside a script; checkouts keep no credentials;
secrets reach only the steps that use them; fork PRs do not upload SARIF. The step scripts are also run for
real with hostile values, and the weekly push goes to a git server on 127.0.0.1 that demands the token.
"""
from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from click.testing import CliRunner

from ownership.cli import cli
from tests.conftest import ROOT
from tests.gitrepo import git_env
from tests.security.gitserver import GitServer

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTION = ROOT / "action.yml"
FILES = [*WORKFLOWS, ACTION]
TIMEOUT = 60
DEPLOY_ONLY = {"pages", "id-token"}
FORK_GUARD = "github.event.pull_request.head.repo.full_name == github.repository"


def _load(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(doc, dict), path
    return doc


def _steps(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(where, step) for every step of a workflow's jobs or of the composite action."""
    doc = _load(path)
    if path == ACTION:
        for i, step in enumerate(doc["runs"]["steps"]):
            yield f"{path.name} step {i + 1}", step
        return
    for job_id, job in doc["jobs"].items():
        for i, step in enumerate(job.get("steps", [])):
            yield f"{path.name} job {job_id} step {step.get('name', i + 1)}", step


def _step(path: Path, name: str) -> dict[str, Any]:
    return next(step for _, step in _steps(path) if step.get("name") == name)


def _unquoted(script: str, names: set[str]) -> list[str]:
    """Expansions of `names` outside double quotes (`${X:+...}` only tests presence and is allowed)."""
    found: list[str] = []
    stack: list[tuple[bool, int]] = []  # one entry per open $( ... ): the quoting outside it, its open parens
    dq, parens, i = False, 0, 0
    while i < len(script):
        c = script[i]
        if c == "\\":
            i += 2
            continue
        if c == "'" and not dq:
            end = script.find("'", i + 1)
            i = len(script) if end < 0 else end + 1
            continue
        if c == "#" and not dq and (i == 0 or script[i - 1] in " \t\n;"):
            end = script.find("\n", i)
            i = len(script) if end < 0 else end
            continue
        if c == '"':
            dq = not dq
        elif script.startswith("$(", i):
            stack.append((dq, parens))
            dq, parens = False, 0
            i += 2
            continue
        elif c == "(" and stack and not dq:
            parens += 1
        elif c == ")" and stack and not dq:
            if parens:
                parens -= 1
            else:
                dq, parens = stack.pop()
        elif c == "$":
            m = re.match(r"\$(?:\{([A-Za-z_]\w*)(:\+)?|([A-Za-z_]\w*))", script[i:])
            if m:
                name = m.group(1) or m.group(3)
                if name in names and not dq and not m.group(2):
                    found.append(m.group(0))
                i += m.end()
                continue
        i += 1
    return found


def _bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A `run:` script as GitHub runs it (bash --noprofile --norc -eo pipefail)."""
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=TIMEOUT)


def _recorder(bin_dir: Path, name: str, log: Path) -> None:
    """A stand-in command on PATH that only records its arguments, one JSON list a line."""
    bin_dir.mkdir(exist_ok=True)
    exe = bin_dir / name
    exe.write_text(f"#!{sys.executable}\nimport json, sys\n"
                   f"open({str(log)!r}, 'a').write(json.dumps([{name!r}, *sys.argv[1:]]) + '\\n')\n")
    exe.chmod(0o755)


# -- zizmor ---------------------------------------------------------------------------------------------------

def _zizmor() -> str:
    exe = shutil.which("zizmor") or str(Path(sys.executable).with_name("zizmor"))
    if not os.access(exe, os.X_OK):
        pytest.skip("zizmor is not installed (pip install -e '.[test]' installs it)")
    return exe


def _where(finding: dict[str, Any]) -> str:
    """`file:line: audit (severity)` of a zizmor JSON finding."""
    loc = (finding.get("locations") or [{}])[0]
    path = loc.get("symbolic", {}).get("key", {}).get("Local", {}).get("verbatim_path", "?")
    row = loc.get("concrete", {}).get("location", {}).get("start_point", {}).get("row", -1) + 1
    return f"{path}:{row}: {finding.get('ident')} ({finding.get('determinations', {}).get('severity')})"


def test_zizmor_offline_finds_nothing_at_medium_or_above() -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN", "ZIZMOR_CONFIG")}
    proc = subprocess.run([_zizmor(), "--offline", "--no-config", "--min-severity", "medium", "--format", "json",
                           ".github/workflows", "action.yml"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    findings = json.loads(proc.stdout or "[]")
    assert findings == [], "\n".join(_where(f) for f in findings)
    assert proc.returncode == 0, proc.stderr


def test_no_blanket_zizmor_suppressions_and_every_ignore_says_why() -> None:
    for config in ("zizmor.yml", "zizmor.yaml", ".github/zizmor.yml", ".github/zizmor.yaml"):
        assert not (ROOT / config).exists(), f"{config}: findings are fixed, not configured away"
    for path in FILES:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "zizmor:" in line:
                assert re.search(r"#\s*zizmor:\s*ignore\[[\w-]+\]\s*\S{3,}", line), \
                    f"{path.name}:{n}: an ignore names one audit and gives its reason"


def _init_workflows(tmp_path: Path) -> list[Path]:
    """The workflows `ownership init` writes into a new repository."""
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "init"), "--yes"])
    assert result.exit_code == 0, result.output
    written = sorted((tmp_path / "init" / ".github" / "workflows").glob("*.yml"))
    assert written
    return written


def test_zizmor_auditor_persona_finds_no_secret_outside_an_environment(tmp_path: Path) -> None:
    """Issue 24, point 8: the roster secrets are environment secrets (docs/github-actions.md), in this
    repository's workflows and in those `ownership init` writes."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN", "ZIZMOR_CONFIG")}
    generated = _init_workflows(tmp_path)
    for targets in ([".github/workflows", "action.yml"], [str(generated[0].parent)]):
        proc = subprocess.run([_zizmor(), "--persona", "auditor", "--offline", "--no-config", "--format", "json",
                               *targets], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        findings = json.loads(proc.stdout or "[]")
        assert proc.stdout.startswith("["), proc.stderr
        outside = [_where(f) for f in findings if f.get("ident") == "secrets-outside-env"]
        assert outside == [], "\n".join(outside)
    # and every job that reads a secret names the environment holding it
    for path in [*WORKFLOWS, *generated]:
        for job_id, job in _load(path)["jobs"].items():
            if "secrets." in json.dumps(job):
                assert job.get("environment") == ROSTER_ENVIRONMENT, f"{path.name} job {job_id}"


ROSTER_ENVIRONMENT = "ownership-roster"
# where a workflow script puts something of the ownership-reports branch (roster snapshots among it)
_REPORTS_DESTINATIONS = re.compile(r"git worktree add (?:--?[\w-]+ )*([^\s);]+)|tar -x[^|\n]*?-C ([^\s);]+)"
                                   r"|--history ([^\s);]+)|--report ([^\s);]+)"
                                   r"|ownership report [^\n]*?--out ([^\s);]+)")


def _expanded(word: str, script: str) -> str:
    """`word` with the plain `name="value"` assignments of `script` expanded into it, quotes removed."""
    assigned = dict(re.findall(r'^\s*(\w+)="([^"$]*(?:\$RUNNER_TEMP)?[^"]*)"\s*(?:#.*)?$', script, re.M))
    for _ in range(3):
        word = re.sub(r"\$\{?(\w+)\}?", lambda m: assigned.get(m.group(1), m.group(0)), word.strip('"'))
    return word.replace('"', "")


def test_the_reports_branch_is_kept_outside_the_catalogs_work_tree(tmp_path: Path) -> None:
    """Issue 24, point 6: the reports branch holds the HR roster snapshots. Every copy of it a workflow makes
    (a worktree, an extracted archive, the report written) goes to the runner's temp folder, outside the
    checkout, so nothing a catalog file names can reach it; a checkout of another ref needs a `path:` there."""
    destinations = []
    for path in [*WORKFLOWS, *_init_workflows(tmp_path)]:
        for where, step in _steps(path):
            if step.get("uses", "").startswith("actions/checkout@"):
                with_ = step.get("with", {})
                if "ref" in with_ or "path" in with_:
                    assert str(with_.get("path", "")).startswith("${{ runner.temp }}/"), where
            script = step.get("run", "")
            for match in _REPORTS_DESTINATIONS.finditer(script):
                word = _expanded(next(g for g in match.groups() if g), script)
                destinations.append(word)
                assert word.startswith("$RUNNER_TEMP/"), f"{where}: {match.group(0)} -> {word}"
    # site.yml's worktree and --report; weekly-report.yml's archive, worktree, report --out and --history
    assert len(destinations) >= 6, destinations


# -- structure ------------------------------------------------------------------------------------------------

def test_every_action_is_pinned_to_a_full_commit_sha_with_its_version_in_a_comment() -> None:
    pinned = 0
    for path in FILES:
        uses_values = [step["uses"] for _, step in _steps(path) if "uses" in step]
        for value in uses_values:
            if value.startswith("./"):
                continue
            assert re.fullmatch(r"[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}", value), f"{path.name}: {value}"
        lines = [line for line in path.read_text(encoding="utf-8").splitlines()
                 if re.match(r"\s*(- )?uses:", line)]
        assert len(lines) == len(uses_values), path.name
        for line in lines:
            assert re.search(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+\b", line), f"{path.name}: {line.strip()}"
        pinned += len(lines)
    assert pinned >= 10


def test_every_checkout_keeps_no_credentials() -> None:
    checkouts = [(where, step) for path in FILES for where, step in _steps(path)
                 if step.get("uses", "").startswith("actions/checkout@")]
    assert len(checkouts) == len(WORKFLOWS) + 1  # weekly-report.yml checks out in its shards and its report job
    for where, step in checkouts:
        assert step.get("with", {}).get("persist-credentials") is False, where


def test_no_expression_expands_inside_a_run_script() -> None:
    scripts = 0
    for path in FILES:
        for where, step in _steps(path):
            if "run" in step:
                scripts += 1
                assert "${{" not in step["run"], f"{where}: pass the value through env: and quote it"
    assert scripts >= 10


def test_every_value_passed_through_env_is_expanded_inside_double_quotes() -> None:
    for path in FILES:
        for where, step in _steps(path):
            names = {k for k, v in step.get("env", {}).items() if "${{" in str(v)}
            if "run" in step and names:
                assert _unquoted(step["run"], names) == [], where


def test_the_quote_checker_flags_unquoted_expansions() -> None:
    assert _unquoted('ownership validate $CATALOG', {"CATALOG"}) == ["$CATALOG"]
    assert _unquoted("x ${CATALOG} '$CATALOG' \"$CATALOG\"", {"CATALOG"}) == ["${CATALOG"]
    assert _unquoted('n="$(wc -c < "$DIR/a")"; cp $DIR b', {"DIR"}) == ["$DIR"]
    assert _unquoted('v ${B:+--base "$B"} # not $B', {"B"}) == []


def test_permissions_are_empty_at_the_top_and_declared_per_job_pages_only_on_deploy() -> None:
    for path in WORKFLOWS:
        doc = _load(path)
        assert doc.get("permissions") == {}, f"{path.name}: top-level permissions: {{}}"
        for job_id, job in doc["jobs"].items():
            perms = job.get("permissions")
            assert isinstance(perms, dict), f"{path.name} job {job_id}: permissions per job"
            deploys = any(s.get("uses", "").startswith("actions/deploy-pages@") for s in job.get("steps", []))
            if not deploys:
                assert not DEPLOY_ONLY & set(perms), f"{path.name} job {job_id}: {sorted(perms)}"
            assert all(v in ("read", "write", "none") for v in perms.values()), perms
    site = _load(ROOT / ".github" / "workflows" / "site.yml")
    assert site["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def _strings(node: Any, where: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(v, (*where, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _strings(v, (*where, i))
    elif isinstance(node, str):
        yield where, node


def test_secrets_only_in_the_env_of_the_steps_that_use_them() -> None:
    used = 0
    for path in FILES:
        doc = _load(path)
        assert "secrets." not in json.dumps(doc.get("env", {})), f"{path.name}: workflow-level env"
        for job_id, job in doc.get("jobs", {}).items():
            assert "secrets." not in json.dumps(job.get("env", {})), f"{path.name} job {job_id}: job-level env"
        for where, value in _strings(doc):
            if "secrets." in value:
                used += 1
                assert len(where) == 6 and where[0] == "jobs" and where[2] == "steps" and where[4] == "env", \
                    f"{path.name}: {'.'.join(map(str, where))}"
    assert used >= 2


def test_sarif_upload_is_skipped_on_fork_pull_requests() -> None:
    uploads = [(where, step) for path in WORKFLOWS for where, step in _steps(path)
               if step.get("uses", "").startswith("github/codeql-action/upload-sarif@")]
    assert uploads
    for where, step in uploads:
        assert FORK_GUARD in " ".join(str(step.get("if", "")).split()), where


def test_every_pull_request_validate_takes_its_settings_from_the_base() -> None:
    """A PR's ownership.yaml must not choose the roster host or the token, also in the SARIF step."""
    path = ROOT / ".github" / "workflows" / "catalog-check.yml"
    runs = [(where, step["run"]) for where, step in _steps(path) if "ownership validate" in step.get("run", "")]
    assert len(runs) >= 2
    for where, script in runs:
        branch = script.split("else", 1)[0]
        assert 'if [ "$EVENT_NAME" = "pull_request" ]' in branch, where
        assert '--base "origin/$BASE_REF"' in branch, where


# -- the scripts, run for real with hostile values ------------------------------------------------------------

def test_action_inputs_are_data_never_shell_code_or_options(tmp_path: Path) -> None:
    log = tmp_path / "argv.jsonl"
    _recorder(tmp_path / "bin", "ownership", log)
    _recorder(tmp_path / "bin", "git", log)
    work = tmp_path / "work"
    work.mkdir()
    (work / "catalog").mkdir()
    (work / "catalog" / "a.yaml").write_text("systems: []\n")
    step = _load(ACTION)["runs"]["steps"][-1]
    env = {"PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}", "HOME": str(tmp_path),
           "CATALOG": "--fail-on=never $(touch pwned-catalog) catalog/*", "FAIL_ON": "error;touch pwned-fail",
           "BASE": "origin/main`touch pwned-base`", "SARIF": "out $(touch pwned-sarif).sarif"}
    proc = _bash(step["run"], work, env)
    assert proc.returncode == 0, proc.stderr
    assert not list(work.glob("pwned*")) and not list(tmp_path.glob("pwned*"))
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    # each word of the input is the value of its own --catalog=: a path, never an option nor a glob
    catalog = ["--catalog=--fail-on=never", "--catalog=$(touch", "--catalog=pwned-catalog)", "--catalog=catalog/*"]
    assert calls == [
        ["git", "fetch", "--quiet", "--", "origin", "main`touch pwned-base`"],
        ["ownership", "validate", "--format", "sarif", "--fail-on", "never", "-o", "out $(touch pwned-sarif).sarif",
         *catalog],
        ["ownership", "validate", "--format", "github", "--fail-on", "error;touch pwned-fail",
         "--base", "origin/main`touch pwned-base`", *catalog],
    ]


def test_pr_base_ref_reaches_validate_as_one_argument_never_as_code(tmp_path: Path) -> None:
    log = tmp_path / "argv.jsonl"
    _recorder(tmp_path / "bin", "ownership", log)
    step = _step(ROOT / ".github" / "workflows" / "catalog-check.yml",
                 "Validate (annotations on the PR's lines; fails only on new findings)")
    hostile = 'main" && touch pwned && echo "$(touch pwned2)'
    env = {"PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}", "HOME": str(tmp_path),
           "EVENT_NAME": "pull_request", "BASE_REF": hostile}
    proc = _bash(step["run"], tmp_path, env)
    assert proc.returncode == 0, proc.stderr
    assert not list(tmp_path.glob("pwned*"))
    assert json.loads(log.read_text()) == ["ownership", "validate", "--catalog", "catalog/", "--format", "github",
                                           "--base", f"origin/{hostile}"]


def _run(cmd: list[str], cwd: Path, env: dict[str, str]) -> str:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    assert proc.returncode == 0, f"{cmd}: {proc.stderr}"
    return proc.stdout


WEEKLY = ROOT / ".github" / "workflows" / "weekly-report.yml"


def _temp(checkout: Path) -> Path:
    """The runner's temp folder (RUNNER_TEMP) beside a runner's checkout: outside its work tree."""
    return checkout.with_name(f"{checkout.name}-temp")


def _week(checkout: Path, day: str, state: dict[str, str]) -> dict[str, str]:
    """What the report job has made before it pushes: $RUNNER_TEMP/reports/<day>/ and the merged state
    (name -> content)."""
    report = _temp(checkout) / "reports" / day
    report.mkdir(parents=True)
    for name in ("report.json", "report.md", "report.html"):
        (report / name).write_text(f"{name} of {day}\n")
    (report / "roster-snapshot.json").write_text('{"people": 120}\n')
    (checkout / "merged-state" / "repos").mkdir(parents=True)
    (checkout / "merged-state" / "manifest.json").write_text(f'{{"week": "{day}"}}\n')
    for name, text in state.items():
        (checkout / "merged-state" / "repos" / name).write_text(text)
    return {"DAY": day, "DIR": str(report), "RUNNER_TEMP": str(_temp(checkout))}


def test_weekly_push_gets_the_token_in_its_own_step_only_and_keeps_report_roster_snapshot_and_state(
        tmp_path: Path) -> None:
    token = "ghs_WeeklyReportToken0123456789"
    auth = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    env = {**git_env(date="2026-11-30"), "HOME": str(tmp_path), "GIT_TERMINAL_PROMPT": "0"}
    # the repository on the server, and the runner's checkout of it as actions/checkout leaves it with
    # fetch-depth 0 and persist-credentials false: remote branches fetched, no credentials anywhere
    seed = tmp_path / "seed"
    seed.mkdir()
    _run(["git", "init", "-q", "-b", "main"], seed, env)
    (seed / "catalog.yaml").write_text("systems: []\n")
    _run(["git", "add", "."], seed, env)
    _run(["git", "commit", "-qm", "catalog"], seed, env)
    (tmp_path / "srv").mkdir()
    _run(["git", "clone", "-q", "--bare", str(seed), str(tmp_path / "srv" / "repo.git")], tmp_path, env)
    server = GitServer(tmp_path / "srv", auth)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        def runner(name: str, step: str = "Restore previous reports (branch ownership-reports)",
                   home: Path = tmp_path) -> Path:
            checkout = tmp_path / name
            _run(["git", "clone", "-q", str(tmp_path / "srv" / "repo.git"), str(checkout)], tmp_path, env)
            _run(["git", "remote", "set-url", "origin", f"{server.url}/repo.git"], checkout, env)
            _temp(checkout).mkdir()
            # the scan cache is where ownership looks for it (cachedir.root(): $XDG_CACHE_HOME, else ~/.cache)
            proc = _bash(_step(WEEKLY, step)["run"], checkout,
                         {k: v for k, v in {**env, "HOME": str(home), "RUNNER_TEMP": str(_temp(checkout))}.items()
                          if k != "XDG_CACHE_HOME"})
            assert proc.returncode == 0, proc.stderr
            # the reports branch (roster snapshots included) is never inside the catalog's work tree
            assert sorted(p.name for p in checkout.iterdir()) == [".git", "catalog.yaml"]
            return checkout

        keep = _step(WEEKLY, "Keep the report, the roster snapshot and the merged state on ownership-reports")
        first = runner("runner1")
        step_env = {**env, **_week(first, "2026-11-30", {"a.json": "A1", "b.json": "B1"}), "GIT_TOKEN": token,
                    "SERVER_URL": server.url}
        proc = _bash(keep["run"], first, step_env)
        assert proc.returncode == 0, proc.stderr
        assert token not in proc.stdout + proc.stderr
        assert f"::add-mask::{auth}" in proc.stdout  # the header value is masked too

        srv = tmp_path / "srv" / "repo.git"
        files = _run(["git", "ls-tree", "-r", "--name-only", "ownership-reports"], srv, env).split()
        assert files == ["2026-11-30/report.html", "2026-11-30/report.json", "2026-11-30/report.md",
                         "2026-11-30/roster-snapshot.json", "state/manifest.json", "state/repos/a.json",
                         "state/repos/b.json"]
        for config in first.glob(".git/**/config*"):
            assert token not in config.read_text(errors="replace"), config
            assert "extraheader" not in config.read_text(errors="replace"), config
        # nothing was left behind for later steps: a push without the step's token is refused
        denied = server.denied
        push = subprocess.run(["git", "push", "-q", "origin", "HEAD:refs/heads/other"],
                              cwd=_temp(first) / "ownership-reports",
                              env=env, capture_output=True, text=True, timeout=TIMEOUT)
        assert push.returncode != 0 and server.denied > denied

        # a fresh shard runner (empty cache) copies last week's merged state into its scan cache
        shard_home = tmp_path / "shard-home"
        runner("shard1", "Start from last week's merged state (branch ownership-reports, state/)", shard_home)
        cached = shard_home / ".cache" / "ownership" / "history"
        assert {p.name: p.read_text() for p in cached.iterdir()} == {"a.json": "A1", "b.json": "B1"}

        # a fresh report runner finds last week's roster snapshot with the report; its week replaces state/
        second = runner("runner2")
        assert (_temp(second) / "ownership-reports" / "2026-11-30" / "roster-snapshot.json").read_text() == \
            '{"people": 120}\n'
        step_env.update(_week(second, "2026-12-07", {"a.json": "A2", "c.json": "C2"}))
        proc = _bash(keep["run"], second, step_env)
        assert proc.returncode == 0, proc.stderr
        files = _run(["git", "ls-tree", "-r", "--name-only", "ownership-reports"], srv, env).split()
        assert [f for f in files if f.startswith("state/")] == ["state/manifest.json", "state/repos/a.json",
                                                                 "state/repos/c.json"]  # b.json is gone
        assert "2026-11-30/report.json" in files and "2026-12-07/report.html" in files
        assert _run(["git", "show", "ownership-reports:state/repos/a.json"], srv, env) == "A2"
        assert _run(["git", "rev-list", "--count", "ownership-reports"], srv, env).strip() == "2"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_a_shard_with_no_branch_yet_starts_from_an_empty_cache(tmp_path: Path) -> None:
    env = {**git_env(date="2026-11-30"), "HOME": str(tmp_path), "GIT_TERMINAL_PROMPT": "0"}
    repo = tmp_path / "repo"
    repo.mkdir()
    _run(["git", "init", "-q", "-b", "main"], repo, env)
    (repo / "catalog.yaml").write_text("systems: []\n")
    _run(["git", "add", "."], repo, env)
    _run(["git", "commit", "-qm", "catalog"], repo, env)
    proc = _bash(_step(WEEKLY, "Start from last week's merged state (branch ownership-reports, state/)")["run"],
                 repo, {**env, "XDG_CACHE_HOME": str(tmp_path / ".cache")})
    assert proc.returncode == 0, proc.stderr
    assert "no state on ownership-reports yet" in proc.stdout
    assert list((tmp_path / ".cache" / "ownership" / "history").iterdir()) == []
