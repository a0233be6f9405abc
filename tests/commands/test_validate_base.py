"""`ownership validate --base REF`: in a PR, fail only on findings the catalog at REF did not already have.

Every test builds a real git repository under tmp_path with pinned authors and dates: `main` holds the base
catalog, and the working tree (or a `pr` branch) holds the pull request.
"""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from ownership.cli import cli
from tests.conftest import positional_as_catalog as _named

TODAY = "2026-07-01"

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
    depends_on: [ledger-service]
  - name: ledger-service
    owner: ledger
"""

# a legacy system whose team was dissolved long ago: a finding the base already has
LEGACY = """\
systems:
  - name: fax-gateway
    owner: telephony
    tier: 4
"""


def git(repo: Path, *args: str, date: str = "2026-06-01T12:00:00+00:00") -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="Alice Nguyen", GIT_AUTHOR_EMAIL="alice.nguyen@acme.test",
               GIT_COMMITTER_NAME="Alice Nguyen", GIT_COMMITTER_EMAIL="alice.nguyen@acme.test",
               GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date, GIT_CONFIG_NOSYSTEM="1")
    done = subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True)
    return done.stdout


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def make_repo(root: Path, files: dict[str, str]) -> Path:
    """A repository whose `main` branch has `files` in one commit."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    write(root, files)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Catalog as it is on main", date="2026-05-04T09:00:00+00:00")
    return root


def commit_pr(repo: Path, files: dict[str, str], message: str = "PR") -> None:
    """The pull request as a commit on branch `pr` (what CI checks out)."""
    git(repo, "checkout", "-q", "-b", "pr")
    write(repo, files)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date="2026-06-02T10:00:00+00:00")


def validate(cwd: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(cli, ["validate", *_named(args), "--today", TODAY])


def as_json(result: Result) -> dict[str, Any]:
    return json.loads(result.stdout)


def rules_and_subjects(findings: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(f["rule"], f["subject"]) for f in findings]


def test_pr_adding_a_team_and_a_system_it_owns_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "repo", {"catalog/teams.yaml": TEAMS, "catalog/systems/core.yaml": SYSTEMS})
    commit_pr(repo, {
        "catalog/teams.yaml": TEAMS + "  - name: search\n    members: [zoe.fischer@acme.test]\n",
        "catalog/systems/search.yaml": "systems:\n  - name: search-service\n    owner: search\n"
                                       "    depends_on: [payments-api]\n",
    })
    result = validate(repo, monkeypatch, "catalog", "--base", "main", "--format", "json")
    assert result.exit_code == 0, result.output
    assert as_json(result)["findings"] == []
    assert "preexisting" not in as_json(result)


def test_pr_adding_a_system_with_an_unknown_owner_fails_on_that_finding_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path / "repo", {"catalog/teams.yaml": TEAMS, "catalog/systems/core.yaml": SYSTEMS,
                                         "catalog/systems/legacy.yaml": LEGACY})
    commit_pr(repo, {"catalog/systems/refunds.yaml": "systems:\n  - name: refunds\n    owner: paymnets\n"})
    result = validate(repo, monkeypatch, "catalog", "--base", "main", "--format", "json")
    assert result.exit_code == 1
    doc = as_json(result)
    assert rules_and_subjects(doc["findings"]) == [("unknown-team", "system:refunds")]
    assert doc["findings"][0]["file"] == os.path.join("catalog", "systems", "refunds.yaml")
    assert doc["findings"][0]["line"] == 3
    assert rules_and_subjects(doc["preexisting"]) == [("unknown-team", "system:fax-gateway")]
    assert doc["counts"] == {"error": 1, "warning": 0, "info": 0}
    # without --base both count
    full = validate(repo, monkeypatch, "catalog", "--format", "json")
    assert sorted(rules_and_subjects(as_json(full)["findings"])) == [
        ("unknown-team", "system:fax-gateway"), ("unknown-team", "system:refunds")]


def test_preexisting_finding_whose_line_moved_is_not_new(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "repo", {"catalog/teams.yaml": TEAMS, "catalog/systems/core.yaml": SYSTEMS,
                                         "catalog/systems/legacy.yaml": LEGACY})
    base = as_json(validate(repo, monkeypatch, "catalog", "--format", "json"))["findings"]
    assert [(f["subject"], f["line"]) for f in base] == [("system:fax-gateway", 3)]
    # the PR inserts a valid system and a comment above the old problem (uncommitted: a local run)
    write(repo, {"catalog/systems/legacy.yaml": LEGACY.replace(
        "systems:\n",
        "systems:\n  # moved here from core.yaml\n  - name: old-reports\n    owner: ledger\n    tier: 4\n", 1)})
    result = validate(repo, monkeypatch, "catalog", "--base", "main", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = as_json(result)
    assert doc["findings"] == []
    (moved,) = doc["preexisting"]
    assert (moved["subject"], moved["line"]) == ("system:fax-gateway", 7)
    text = validate(repo, monkeypatch, "catalog", "--base", "main", "--format", "text")
    assert text.exit_code == 0
    assert "1 finding already present at the base revision (not failing):" in text.stdout
    assert os.path.join("catalog", "systems", "legacy.yaml") + ":7:12: error unknown-team" in text.stdout
    assert text.stdout.endswith("0 error(s), 0 warning(s), 0 info\n")


def test_preexisting_finding_stays_old_when_the_pr_changes_its_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path / "repo", {"catalog/teams.yaml": TEAMS, "catalog/systems/legacy.yaml": LEGACY,
                                         "catalog/systems/core.yaml": SYSTEMS})
    # adding team 'telephone' makes the old finding suggest it: still the same old problem
    commit_pr(repo, {"catalog/teams.yaml": TEAMS + "  - name: telephone\n"})
    result = validate(repo, monkeypatch, "catalog", "--base", "main", "--format", "json")
    assert result.exit_code == 0, result.output
    (old,) = as_json(result)["preexisting"]
    assert old["message"].endswith("did you mean 'telephone'?")


def test_a_second_copy_of_an_existing_problem_is_new(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one_dup = "systems:\n  - name: fax-gateway\n    owner: payments\n    tier: 4\n    tier: 3\n"
    repo = make_repo(tmp_path / "repo", {"catalog/teams.yaml": TEAMS, "catalog/systems/legacy.yaml": one_dup})
    commit_pr(repo, {"catalog/systems/legacy.yaml": one_dup + "    tier: 2\n"})
    result = validate(repo, monkeypatch, "catalog", "--base", "main", "--format", "json")
    assert result.exit_code == 1
    doc = as_json(result)
    assert [(f["rule"], f["line"]) for f in doc["findings"]] == [("duplicate-key", 6)]
    assert [(f["rule"], f["line"]) for f in doc["preexisting"]] == [("duplicate-key", 5)]


def test_base_without_the_catalog_makes_every_finding_new(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "repo", {"README.md": "# acme\n"})
    commit_pr(repo, {"catalog/systems/legacy.yaml": LEGACY, "catalog/teams.yaml": TEAMS})
    result = validate(repo, monkeypatch, "catalog", "--base", "main", "--format", "json")
    assert result.exit_code == 1
    assert rules_and_subjects(as_json(result)["findings"]) == [("unknown-team", "system:fax-gateway")]


def test_base_can_be_a_commit_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "repo", {"catalog/teams.yaml": TEAMS, "catalog/systems/legacy.yaml": LEGACY})
    sha = git(repo, "rev-parse", "HEAD").strip()
    commit_pr(repo, {"catalog/systems/legacy.yaml": LEGACY + "  - name: pager\n    owner: telephony\n"})
    result = validate(repo, monkeypatch, "catalog", "--base", sha, "--format", "json")
    assert rules_and_subjects(as_json(result)["findings"]) == [("unknown-team", "system:pager")]
    assert validate(repo, monkeypatch, "catalog", "--base", "HEAD", "--format", "json").exit_code == 0


@pytest.mark.parametrize("ref", ["no-such-branch", "origin/main", "0123456789abcdef0123", "-x"])
def test_unknown_base_ref_exits_2_with_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        ref: str) -> None:
    repo = make_repo(tmp_path / "repo", {"catalog/teams.yaml": TEAMS})
    result = validate(repo, monkeypatch, "catalog", f"--base={ref}")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"ownership: error: --base {ref}: '{ref}' is not a commit, branch or tag in ")
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_base_outside_a_git_repository_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "plain", {"catalog/teams.yaml": TEAMS})
    result = validate(tmp_path / "plain", monkeypatch, "catalog", "--base", "main")
    assert result.exit_code == 2
    assert "not a git repository" in result.stderr
    assert "stderr:" not in result.stderr  # git's own words, not GitPython's wrapping


def test_catalog_in_a_sub_folder_run_from_sub_directories(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "repo", {
        "infra/ownership/catalog/teams.yaml": TEAMS,
        "infra/ownership/catalog/systems/legacy.yaml": LEGACY,
        "infra/ownership/catalog/systems/core.yaml": SYSTEMS,
        "docs/README.md": "# docs\n",
        "infra/ownership.yaml": "catalog: ownership/catalog\n",
        # a look-alike outside the catalog folder must not be read at the base
        "infra/other/systems.yaml": "systems:\n  - name: stray\n    owner: nobody\n",
    })
    commit_pr(repo, {"infra/ownership/catalog/systems/core.yaml": SYSTEMS + "  - name: payouts\n"
                                                                   "    owner: payments\n"
                                                                   "    depends_on: [ledger-servce]\n"})
    expected_new = [("unknown-system", "system:payouts")]
    # from the folder that holds the catalog
    here = validate(repo / "infra", monkeypatch, "ownership/catalog", "--base", "main", "--format", "json")
    assert here.exit_code == 1
    doc = as_json(here)
    assert rules_and_subjects(doc["findings"]) == expected_new
    assert doc["findings"][0]["file"] == os.path.join("ownership", "catalog", "systems", "core.yaml")
    assert rules_and_subjects(doc["preexisting"]) == [("unknown-team", "system:fax-gateway")]
    # from an unrelated sub-directory, pointing up and across
    there = validate(repo / "docs", monkeypatch, "../infra/ownership/catalog", "--base", "main", "--format", "json")
    assert rules_and_subjects(as_json(there)["findings"]) == expected_new
    assert as_json(there)["findings"][0]["file"] == os.path.join(
        "..", "infra", "ownership", "catalog", "systems", "core.yaml")
    # from inside the catalog, one file at a time: the base is narrowed to that file too
    inside = validate(repo / "infra" / "ownership" / "catalog", monkeypatch, "systems/legacy.yaml",
                      "--base", "main", "--format", "json")
    assert inside.exit_code == 0, inside.output
    assert rules_and_subjects(as_json(inside)["preexisting"]) == [("unknown-team", "system:fax-gateway")]
    # with the config next to the catalog (committed on main: `catalog:` is a protected setting) and no path
    default = validate(repo / "infra", monkeypatch, "--base", "main", "--format", "json")
    assert rules_and_subjects(as_json(default)["findings"]) == expected_new


def test_git_variables_inherited_from_a_hook_do_not_redirect_the_base_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a pre-commit or CI hook may export GIT_DIR / GIT_INDEX_FILE for another repository
    other = make_repo(tmp_path / "other", {"README": "not a catalog\n"})
    repo = make_repo(tmp_path / "repo", {"catalog/teams.yaml": TEAMS, "catalog/systems/core.yaml": SYSTEMS})
    commit_pr(repo, {"catalog/systems/x.yaml": "systems:\n  - name: x\n    owner: nobody-team\n"})
    monkeypatch.setenv("GIT_DIR", str(other / ".git"))
    monkeypatch.setenv("GIT_INDEX_FILE", str(other / ".git" / "index"))
    result = validate(repo, monkeypatch, "catalog", "--base", "main", "--format", "json")
    assert result.exit_code == 1, result.output
    assert rules_and_subjects(as_json(result)["findings"]) == [("unknown-team", "system:x")]
    assert "preexisting" not in as_json(result)
