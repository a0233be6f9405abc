"""Issue 12, hole 1: nothing configured inside a repository or the catalog ever runs."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from ownership.history import git, repos, scan
from ownership.history.repos import Source
from tests.gitrepo import GitRepo
from tests.security import attack


@pytest.fixture
def planted(tmp_path: Path) -> attack.Attack:
    return attack.build(tmp_path)


@pytest.mark.parametrize("command", [["scan"], ["audit"], ["report", "--out", "out/report"],
                                     ["site", "--out", "out/site"]])
def test_a_planted_partial_clone_in_the_catalog_never_runs_its_uploadpack(planted: attack.Attack,
                                                                          command: list[str]) -> None:
    result = attack.ownership(planted.org, *command)
    assert not planted.marker.exists(), "the planted command ran"
    assert "Traceback" not in result.stderr
    shown = result.stdout + result.stderr
    assert "untrusted-repository" in shown and "legacy-history.git" in shown
    assert attack.SECRET not in shown


def test_validate_reports_the_planted_repository_at_its_line(planted: attack.Attack) -> None:
    result = attack.ownership(planted.org, "validate", "--catalog", "catalog/")
    assert result.returncode == 1
    assert "catalog/systems.yaml:4:" in result.stdout and "error untrusted-repository" in result.stdout
    assert not planted.marker.exists()


def test_validate_base_fails_the_pull_request_that_plants_the_repository(planted: attack.Attack) -> None:
    result = attack.ownership(planted.org, "validate", "--base", planted.base, "--catalog", "catalog/")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "catalog/systems.yaml:4:" in result.stdout and "untrusted-repository" in result.stdout
    assert not planted.marker.exists()


def test_validate_base_fails_when_the_base_named_the_path_and_the_pr_adds_only_the_planted_files(
        tmp_path: Path) -> None:
    """The base's catalog already lists `url: legacy-history.git` (harmless: nothing there); the PR adds only
    the repository's files. The finding reads the same at base, and must still fail the PR."""
    marker = tmp_path / "pwned.env"
    bare = attack.partial_clone(tmp_path, marker)
    org = GitRepo.init(tmp_path / "org")
    org.commit({"catalog/teams.yaml": attack.TEAMS, "catalog/systems.yaml": attack.SYSTEMS,
                "ownership.yaml": "history: {protocols: [https, ssh, file]}\n"}, date="2024-01-01")
    base = org.head()
    shutil.copytree(bare, org.path / "catalog" / "legacy-history.git")
    org.commit(date="2024-01-02", message="pull request: plain files only")
    result = attack.ownership(org.path, "validate", "--base", base, "--catalog", "catalog/")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "error untrusted-repository" in result.stdout
    assert not marker.exists()


def test_a_partial_clone_outside_the_catalog_that_ownership_did_not_make_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "pwned.env"
    bare = attack.partial_clone(tmp_path, marker)
    source = Source(str(bare), False, "../legacy-history.git", str(tmp_path / "elsewhere" / "catalog.yaml"))
    scanned = scan.scan_repo(source, {()}, tmp_path / "cache", lambda _: None, git.Transport(("file",)))
    assert scanned.mode == "failed" and "untrusted-repository" in (scanned.problem or "")
    assert "partial clone" in (scanned.problem or "")
    assert not marker.exists()


def test_a_foreign_partial_clone_cannot_fetch_lazily_even_when_git_reads_it_directly(tmp_path: Path) -> None:
    marker = tmp_path / "pwned.env"
    bare = attack.partial_clone(tmp_path, marker)
    with pytest.raises(git.GitError):
        git.output(bare, "log", "-M", "--name-status", "HEAD")  # needs a blob it may not fetch
    assert not marker.exists()


def test_command_valued_config_of_a_repository_read_in_place_never_runs(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "svc")
    repo.commit({"a.py": "x"})
    marker = tmp_path / "ran"
    hook = attack.evil_command(tmp_path, marker)
    repo.git("config", "core.fsmonitor", str(hook))
    repo.git("config", "core.hooksPath", str(tmp_path))
    shutil.copy(hook, tmp_path / "post-index-change")
    live = subprocess.run(["git", "status"], cwd=repo.path, capture_output=True, timeout=30, check=False,
                          env={k: v for k, v in os.environ.items() if not k.startswith("GIT_")})
    assert live.returncode == 0 and marker.exists()  # plain git runs it: the attack is real
    marker.unlink()
    git.run(repo.path, "status")
    assert git.tracked_files(repo.path) == ["a.py"]
    assert not marker.exists()


def test_an_option_looking_url_is_passed_after_double_dash_and_never_parsed_as_an_option(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "ran"
    url = f"--upload-pack=touch {marker}; false"
    with pytest.raises(git.GitError, match="starts with '-'"):
        git.clone_blobless(url, tmp_path / "cache" / "x.git")
    monkeypatch.setattr(git, "check_url", lambda _: None)  # even past the URL check, git sees no option
    with pytest.raises(git.GitError):
        git.clone_blobless(url, tmp_path / "cache" / "x.git", git.Transport(("https", "ssh", "file"), 10))
    assert not marker.exists()
    assert not (tmp_path / "cache" / "x.git").exists()


@pytest.mark.parametrize("url", ["ext::sh%s-c%sid", "fd::3", "--upload-pack=id"])
def test_validate_rejects_unsafe_repository_urls_at_their_line(tmp_path: Path, url: str) -> None:
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "c.yaml").write_text(
        f"teams:\n  - name: payments\nsystems:\n  - name: svc\n    owner: payments\n    repos:\n"
        f"      - url: '{url}'\n")
    result = attack.ownership(tmp_path, "validate", "--catalog", "catalog/")
    assert result.returncode == 1
    assert "catalog/c.yaml:7:" in result.stdout and "error unsafe-repository-url" in result.stdout


def test_a_local_folder_named_by_the_catalog_needs_the_operators_file_protocol(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "svc")
    repo.commit({"a.py": "x"})
    source = Source(str(repo.path), False, "../svc", str(tmp_path / "catalog" / "c.yaml"))
    refused = scan.scan_repo(source, {()}, tmp_path / "cache", lambda _: None)
    assert refused.mode == "failed" and "history.protocols" in (refused.problem or "")
    allowed = scan.scan_repo(source, {()}, tmp_path / "cache", lambda _: None, git.Transport(("file",)))
    assert allowed.mode == "full" and allowed.new_commits == 1


def test_the_catalogs_own_work_tree_is_not_a_planted_repository(tmp_path: Path) -> None:
    mono = GitRepo.init(tmp_path / "mono")
    mono.commit({"catalog/c.yaml": "teams: []\n", "services/api/a.py": "x"})
    catalog_file = str(mono.path / "catalog" / "c.yaml")
    assert repos.planted(mono.path, catalog_file) is None
    assert repos.planted(mono.path / "services" / "api", catalog_file) is None
