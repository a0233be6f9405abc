"""Issue 12, hole 2: a PR's ownership.yaml must not send secrets anywhere nor switch the gate off.

Each test builds the attack for real: a git repository whose `main` holds the operator's ownership.yaml and a
`pr` branch that changes it, SCIM servers on 127.0.0.1 that record what they were sent, and `ownership` run
as a subprocess with a timeout (a regression fails instead of hanging).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ownership.commands.validate import trusted_config
from ownership.config import candidates, load
from ownership.oncall.pagerduty import DEFAULT_BASE_URL
from ownership.oncall.pagerduty import PagerDutySettings
from tests.gitrepo import GitRepo
from tests.security.scim_recorder import ScimRecorder, users

ROOT = Path(__file__).resolve().parents[2]
TODAY = "2026-07-01"
BASE_TOKEN = "base-5ecret-ZQX9-token"  # in OWNERSHIP_SCIM_TOKEN: the operator's secret
PR_SECRET = "pr-5ecret-KW3-value"  # in every other variable a PR might name

TEAMS = """\
teams:
  - name: payments
    members: [alice.nguyen@acme.test]
  - name: ledger
    members: [liam.park@acme.test]
"""
SYSTEMS = """\
systems:
  - name: payments-api
    owner: payments
"""
# the PR's real problem, which the gate must still fail on
BROKEN_SYSTEMS = SYSTEMS + """\
  - name: refunds
    owner: paymnts
"""


def ownership(cwd: Path, *args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "OWNERSHIP_", "GITHUB_"))}
    env.update(PYTHONPATH=str(ROOT / "src"), XDG_CACHE_HOME=str(cache), NO_PROXY="127.0.0.1",
               no_proxy="127.0.0.1", OWNERSHIP_SCIM_TOKEN=BASE_TOKEN, OWNERSHIP_PR_TOKEN=PR_SECRET,
               HOME=PR_SECRET, GITHUB_TOKEN=PR_SECRET, AWS_SECRET_ACCESS_KEY=PR_SECRET)
    return subprocess.run([sys.executable, "-m", "ownership", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=60)


def pr_repo(root: Path, base_config: str | None, pr_config: str) -> GitRepo:
    """`main`: a clean catalog (and `base_config` as ownership.yaml); branch `pr`: BROKEN_SYSTEMS and
    `pr_config`, checked out as CI would."""
    repo = GitRepo.init(root)
    files = {"catalog/teams.yaml": TEAMS, "catalog/systems.yaml": SYSTEMS}
    if base_config is not None:
        files["ownership.yaml"] = base_config
    repo.commit(files, date="2026-05-04", message="catalog on main")
    repo.branch("pr")
    repo.commit({"catalog/systems.yaml": BROKEN_SYSTEMS, "ownership.yaml": pr_config}, date="2026-06-02",
                message="PR")
    return repo


def validate_base(repo: GitRepo, tmp: Path) -> tuple[int, dict[str, Any], str]:
    done = ownership(repo.path, "validate", "--catalog", "catalog", "--base", "main", "--format", "json", "--today",
                     TODAY,
                     cache=tmp / "cache")
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout), done.stdout + done.stderr


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def changed(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["subject"].removeprefix("config:"): f for f in doc["findings"]
            if f["rule"] == "protected-setting-changed"}


def assert_gate_fails_on_the_real_problem(code: int, doc: dict[str, Any]) -> None:
    assert code == 1
    assert any(f["rule"] == "unknown-team" and "paymnts" in f["message"] for f in doc["findings"])


# --------------------------------------------------------------------------- point 1: token variables


@pytest.mark.parametrize("variable", ["HOME", "GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY"])
@pytest.mark.parametrize("section", ["scim", "pagerduty"])
def test_a_token_variable_not_named_ownership_is_refused_before_any_request(
        tmp_path: Path, variable: str, section: str) -> None:
    with ScimRecorder(users(2)) as server:
        extra = f"  base_url: {server.url}\n" if section == "pagerduty" else ""
        config = f"roster: {server.url}\n{section}:\n{extra}  token_env: {variable}\n"
        repo = pr_repo(tmp_path / "org", None, config)
        done = ownership(repo.path, "validate", "--catalog", "catalog", "--today", TODAY, cache=tmp_path / "cache")
        assert server.requests == []
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert f"ownership.yaml:{line_of(config, 'token_env')}:" in done.stderr
    assert f"{section}.token_env must name an environment variable starting with OWNERSHIP_" in done.stderr
    assert PR_SECRET not in done.stdout + done.stderr


def test_an_ownership_token_variable_is_accepted(tmp_path: Path) -> None:
    with ScimRecorder(users(2)) as server:
        repo = pr_repo(tmp_path / "org", None, f"roster: {server.url}\nscim:\n  token_env: OWNERSHIP_SCIM_TOKEN\n")
        done = ownership(repo.path, "validate", "--catalog", "catalog", "--today", TODAY, cache=tmp_path / "cache")
        assert server.requests and {auth for _, auth in server.requests} == {f"Bearer {BASE_TOKEN}"}
    assert done.returncode == 1, done.stderr  # the PR's unknown team; the config itself is fine


# --------------------------------------------------------------------------- point 2: --base uses the base's


def test_fail_on_never_in_the_pr_does_not_switch_the_gate_off(tmp_path: Path) -> None:
    with ScimRecorder(users(2)) as hr:
        base = f"roster: {hr.url}\n"
        pr = base + "fail_on: never\n"
        code, doc, _ = validate_base(pr_repo(tmp_path / "org", base, pr), tmp_path)
        assert hr.requests  # the base's roster was read
    assert_gate_fails_on_the_real_problem(code, doc)
    change = changed(doc)["fail_on"]
    assert (change["file"], change["line"], change["severity"]) == ("ownership.yaml", 2, "error")
    assert "'never'" in change["message"] and "not set" in change["message"]


def test_rules_disabled_in_the_pr_still_run(tmp_path: Path) -> None:
    pr = "rules:\n  unknown-team: {enabled: false}\n  unknown-system:\n    severity: info\n"
    code, doc, _ = validate_base(pr_repo(tmp_path / "org", "fail_on: error\n", pr), tmp_path)
    assert_gate_fails_on_the_real_problem(code, doc)
    found = changed(doc)
    assert set(found) == {"fail_on", "rules.unknown-team.enabled", "rules.unknown-system.severity"}
    assert found["rules.unknown-team.enabled"]["line"] == 2
    assert found["rules.unknown-system.severity"]["line"] == 4
    assert found["fail_on"]["line"] is None  # removed: no line of the PR's file names it


def test_a_changed_roster_url_is_not_contacted(tmp_path: Path) -> None:
    with ScimRecorder(users(2)) as hr, ScimRecorder(users(2)) as attacker:
        # credentials in the attacker's URL must not be echoed either
        evil = attacker.url.replace("http://", f"http://spy:{PR_SECRET}@") + f"?k={PR_SECRET}"
        code, doc, output = validate_base(pr_repo(tmp_path / "org", f"roster: {hr.url}\n", f"roster: {evil}\n"),
                                          tmp_path)
        assert attacker.requests == []
        assert hr.requests and {auth for _, auth in hr.requests} == {f"Bearer {BASE_TOKEN}"}
    assert_gate_fails_on_the_real_problem(code, doc)
    assert changed(doc)["roster"]["line"] == 1
    assert PR_SECRET not in output and BASE_TOKEN not in output


def test_a_changed_pagerduty_base_url_is_reported_and_not_used(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    with ScimRecorder([]) as attacker:
        base = "pagerduty:\n  timeout: 3\n"
        pr = f"pagerduty:\n  timeout: 3\n  base_url: {attacker.url}\n"
        repo = pr_repo(tmp_path / "org", base, pr)
        code, doc, _ = validate_base(repo, tmp_path)
        assert attacker.requests == []
    assert_gate_fails_on_the_real_problem(code, doc)
    assert changed(doc)["pagerduty.base_url"]["line"] == 3
    # what every command that pages gets from the trusted config: the base's (default) base_url
    monkeypatch.chdir(repo.path)
    pr_config = load(Path("ownership.yaml"))
    trusted, _ = trusted_config(pr_config, "main", candidates(["catalog"]), repo.path)
    assert PagerDutySettings.from_values(trusted.get("pagerduty"), trusted.relative).base_url == DEFAULT_BASE_URL
    assert PagerDutySettings.from_values(trusted.get("pagerduty"), trusted.relative).timeout == 3


def test_a_changed_scim_token_env_does_not_choose_the_secret_sent(tmp_path: Path) -> None:
    with ScimRecorder(users(2)) as hr:
        base = f"roster: {hr.url}\nscim:\n  token_env: OWNERSHIP_SCIM_TOKEN\n"
        pr = f"roster: {hr.url}\nscim:\n  token_env: OWNERSHIP_PR_TOKEN\n"
        code, doc, output = validate_base(pr_repo(tmp_path / "org", base, pr), tmp_path)
        assert hr.requests and {auth for _, auth in hr.requests} == {f"Bearer {BASE_TOKEN}"}
    assert_gate_fails_on_the_real_problem(code, doc)
    change = changed(doc)["scim.token_env"]
    assert change["line"] == 3 and "OWNERSHIP_PR_TOKEN" in change["message"]
    assert PR_SECRET not in output and BASE_TOKEN not in output


def test_a_pr_that_adds_ownership_yaml_gets_the_defaults(tmp_path: Path) -> None:
    with ScimRecorder(users(2)) as attacker:
        pr = (f"fail_on: never\nroster: {attacker.url}\n"
              "scim:\n  token_env: OWNERSHIP_PR_TOKEN\n  allow_http: true\n")
        code, doc, output = validate_base(pr_repo(tmp_path / "org", None, pr), tmp_path)
        assert attacker.requests == []
    assert_gate_fails_on_the_real_problem(code, doc)
    assert {k: v["line"] for k, v in changed(doc).items()} == {
        "fail_on": 1, "roster": 2, "scim.token_env": 4, "scim.allow_http": 5}
    assert PR_SECRET not in output


def test_a_pr_that_leaves_protected_settings_alone_gets_no_finding(tmp_path: Path) -> None:
    base = "fail_on: warning\nsite:\n  title: Acme\n"
    code, doc, _ = validate_base(pr_repo(tmp_path / "org", base, base.replace("Acme", "Acme Corp")), tmp_path)
    assert_gate_fails_on_the_real_problem(code, doc)
    assert changed(doc) == {}


def test_a_pr_config_that_shadows_the_base_one_still_gets_the_base_values(tmp_path: Path) -> None:
    """catalog/ownership.yaml is found before ./ownership.yaml: adding one must not reset the base's."""
    same = "rules:\n  unknown-team: {severity: error}\n"
    repo = pr_repo(tmp_path / "org", same, same)
    repo.commit({"catalog/ownership.yaml": "fail_on: never\nrules:\n  unknown-team: {enabled: false}\n"},
                date="2026-06-03")
    code, doc, _ = validate_base(repo, tmp_path)
    assert_gate_fails_on_the_real_problem(code, doc)
    found = changed(doc)
    assert {f["file"] for f in found.values()} == {"catalog/ownership.yaml"}
    assert {"fail_on", "rules.unknown-team.enabled", "rules.unknown-team.severity"} == set(found)


def test_a_history_rewrite_added_by_the_pr_is_reported_without_credentials(tmp_path: Path) -> None:
    pr = f'history:\n  windows: [30]\n  rewrite:\n    "https://ci:{PR_SECRET}@git.acme.test/": /\n'
    code, doc, output = validate_base(pr_repo(tmp_path / "org", "history:\n  windows: [30]\n", pr), tmp_path)
    assert_gate_fails_on_the_real_problem(code, doc)
    (setting, change), = changed(doc).items()
    assert setting == "history.rewrite.https://***@git.acme.test/" and change["line"] == 4
    assert PR_SECRET not in output


def test_a_pr_that_lets_git_read_local_folders_or_wait_longer_is_reported(tmp_path: Path) -> None:
    base = "history:\n  windows: [30]\n"
    pr = "history:\n  windows: [30]\n  protocols: [https, ssh, file]\n  stall: 3600\n"
    code, doc, _ = validate_base(pr_repo(tmp_path / "org", base, pr), tmp_path)
    assert_gate_fails_on_the_real_problem(code, doc)
    assert set(changed(doc)) == {"history.protocols", "history.stall"}


def test_a_pr_that_gives_git_remotes_a_longer_deadline_is_reported(tmp_path: Path) -> None:
    base = "history:\n  windows: [30]\n  deadline: 600\n"
    pr = "history:\n  windows: [30]\n  deadline: 86400\n"
    code, doc, _ = validate_base(pr_repo(tmp_path / "org", base, pr), tmp_path)
    assert_gate_fails_on_the_real_problem(code, doc)
    assert set(changed(doc)) == {"history.deadline"}
