"""Issue 12, hole 3: writes and reads never follow a planted symlink out of the repository.

`suggest --write` edits a catalog file through a mkstemp file and one rename (mode and line endings kept);
`export codeowners` and `codeowners check` refuse a CODEOWNERS that resolves outside the repository.
"""
from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from ownership.catalog.edit import EditError, add_maintainer
from ownership.cli import cli
from tests.audit.test_commands import catalog_args, invoke, org  # noqa: F401  (org is a fixture)
from tests.codeowners.test_check import CATALOG, CODEOWNERS, FILES
from tests.gitrepo import GitRepo

SECRET = "root:x:0:0:do-not-quote-me\n"


def _git_init(path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(path)], check=True, timeout=30, capture_output=True)


def test_suggest_write_ignores_a_planted_tmp_symlink_and_keeps_the_catalog_a_regular_file(org: Path) -> None:
    _git_init(org)
    outside = org.parent / f"{org.name}-outside.txt"
    outside.write_text(SECRET)
    path = org / "catalog" / "systems" / "pay.yaml"
    (path.parent / "pay.yaml.ownership-tmp").symlink_to(outside)  # the old fixed temporary name
    r = invoke(org, "suggest", "old-gateway", "--write", *catalog_args(org))
    assert r.exit_code == 0, r.output
    assert outside.read_text() == SECRET
    assert path.is_file() and not path.is_symlink()
    assert "maintainers: [cy@acme.test]" in path.read_text()
    assert sorted(p.name for p in path.parent.iterdir()) == ["pay.yaml", "pay.yaml.ownership-tmp"]


def test_suggest_write_refuses_a_catalog_file_that_is_a_symlink_out_of_the_repository(org: Path) -> None:
    _git_init(org)
    path = org / "catalog" / "systems" / "pay.yaml"
    outside = org.parent / f"{org.name}-pay.yaml"
    outside.write_text(path.read_text())
    path.unlink()
    path.symlink_to(outside)
    before = outside.read_text()
    r = invoke(org, "suggest", "old-gateway", "--write", *catalog_args(org))
    assert r.exit_code == 2
    assert f"{path}: resolves outside" in r.output and "Traceback" not in r.output
    assert outside.read_text() == before and path.is_symlink()


def _catalog_file(tmp_path: Path, text: str) -> Path:
    _git_init(tmp_path)
    path = tmp_path / "systems.yaml"
    path.write_bytes(text.encode())
    return path


def test_an_edit_keeps_crlf_line_endings(tmp_path: Path) -> None:
    path = _catalog_file(tmp_path, "systems:\r\n  - name: api\r\n    owner: team\r\n")
    assert add_maintainer(path, "api", "cy@acme.test")
    assert path.read_bytes() == b"systems:\r\n  - name: api\r\n    owner: team\r\n    maintainers: [cy@acme.test]\r\n"


def test_an_edit_keeps_the_files_mode(tmp_path: Path) -> None:
    path = _catalog_file(tmp_path, "systems:\n  - name: api\n    owner: team\n")
    path.chmod(0o600)
    assert add_maintainer(path, "api", "cy@acme.test")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name != ".git"] == ["systems.yaml"]  # no temporary left


def test_an_edit_through_a_symlink_inside_the_repository_writes_its_target(tmp_path: Path) -> None:
    real = _catalog_file(tmp_path, "systems:\n  - name: api\n    owner: team\n")
    link = tmp_path / "link.yaml"
    link.symlink_to(real.name)
    assert add_maintainer(link, "api", "cy@acme.test")
    assert link.is_symlink() and "maintainers: [cy@acme.test]" in real.read_text()


def test_an_edit_refuses_a_symlink_out_of_the_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git_init(repo)
    outside = tmp_path / "outside.yaml"
    outside.write_text("systems:\n  - name: api\n    owner: team\n")
    (repo / "systems.yaml").symlink_to(outside)
    with pytest.raises(EditError, match="resolves outside"):
        add_maintainer(repo / "systems.yaml", "api", "cy@acme.test")
    assert "maintainers" not in outside.read_text()


@pytest.fixture()
def linked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The codeowners test org, with the repository's .github/CODEOWNERS a symlink to a file outside it."""
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "catalog.yaml").write_text(CATALOG)
    (tmp_path / "catalog" / "ownership.yaml").write_text("codeowners: {org: acme}\n")
    repo = GitRepo.init(tmp_path / "monorepo")
    repo.git("remote", "add", "origin", "https://github.com/acme/monorepo")
    repo.commit(FILES, date="2026-01-10")
    (tmp_path / "outside").write_text(SECRET)
    (tmp_path / "monorepo" / ".github").mkdir()
    (tmp_path / "monorepo" / ".github" / "CODEOWNERS").symlink_to(tmp_path / "outside")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_export_codeowners_refuses_a_codeowners_symlink_out_of_the_repository(linked: Path) -> None:
    for extra in ([], ["--stdout"]):
        r = CliRunner().invoke(cli, ["export", "codeowners", "--catalog", "catalog", "--repo", "monorepo", *extra])
        assert r.exit_code == 2, r.output
        assert "CODEOWNERS: resolves outside" in r.output and "do-not-quote-me" not in r.output
    assert (linked / "outside").read_text() == SECRET


def test_export_codeowners_refuses_a_github_folder_linked_out_of_the_repository(tmp_path: Path,
                                                                                 linked: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    github = linked / "monorepo" / ".github"
    (github / "CODEOWNERS").unlink()
    github.rmdir()
    github.symlink_to(elsewhere)
    r = CliRunner().invoke(cli, ["export", "codeowners", "--catalog", "catalog", "--repo", "monorepo"])
    assert r.exit_code == 2 and "resolves outside" in r.output
    assert list(elsewhere.iterdir()) == []


def test_codeowners_check_reports_the_symlink_and_quotes_nothing_from_outside(linked: Path) -> None:
    r = CliRunner().invoke(cli, ["codeowners", "check", "--catalog", "catalog", "--repo", "monorepo", "--today",
                                 "2026-06-01"])
    assert r.exit_code == 1
    assert "do-not-quote-me" not in r.output
    assert "monorepo/.github/CODEOWNERS: error codeowners-outside-repo" in r.output


def test_export_codeowners_keeps_crlf_and_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "catalog.yaml").write_text(CATALOG)
    (tmp_path / "catalog" / "ownership.yaml").write_text("codeowners: {org: acme}\n")
    repo = GitRepo.init(tmp_path / "monorepo")
    repo.git("remote", "add", "origin", "https://github.com/acme/monorepo")
    repo.commit({**FILES, ".github/CODEOWNERS": CODEOWNERS.replace("\n", "\r\n")}, date="2026-01-10")
    target = tmp_path / "monorepo" / ".github" / "CODEOWNERS"
    os.chmod(target, 0o600)
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(cli, ["export", "codeowners", "--catalog", "catalog", "--repo", "monorepo"])
    assert r.exit_code == 0, r.output
    data = target.read_bytes()
    assert data.startswith(CODEOWNERS.replace("\n", "\r\n").encode()) and b"# END ownership catalog\r\n" in data
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_report_files_are_written_through_mkstemp_never_a_planted_fixed_name(org: Path) -> None:
    outside = org.parent / f"{org.name}-outside.txt"
    outside.write_text(SECRET)
    out = org / "reports" / "2026-06-30"
    out.mkdir(parents=True)
    for name in ("report.md", "report.html", "report.json"):
        (out / f".{name}.tmp").symlink_to(outside)  # the old fixed temporary names
    r = invoke(org, "report", "--catalog", str(org / "catalog"), "--roster", str(org / "roster.csv"), "--out", str(out))
    assert r.exit_code == 0, r.output
    assert outside.read_text() == SECRET
    assert all((out / n).is_file() and not (out / n).is_symlink() for n in ("report.md", "report.html"))


def test_a_catalog_file_found_in_a_folder_that_links_out_of_the_repository_is_refused_unread(org: Path) -> None:
    _git_init(org)
    outside = org.parent / f"{org.name}-secret.yaml"
    outside.write_text("teams: [{name: " + SECRET.strip() + "\n")  # a YAML error would quote the line
    (org / "catalog" / "leak.yaml").symlink_to(outside)
    r = invoke(org, "validate", "--catalog", str(org / "catalog"))
    assert r.exit_code == 2, r.output
    assert "resolves outside" in r.output and "leak.yaml" in r.output
    assert "do-not-quote-me" not in r.output


def test_suggest_write_on_a_full_disk_names_the_file_and_leaves_it_and_no_temporary(org: Path) -> None:
    """Issue 25, point 6: the error said `[Errno 28] No space left on device` without naming the file."""
    from tests.fulldisk import full

    _git_init(org)
    folder = org / "catalog" / "systems"
    with full(folder):
        before = (folder / "pay.yaml").read_bytes()
        r = invoke(org, "suggest", "old-gateway", "--write", *catalog_args(org))
        assert r.exit_code == 2, r.output
        assert f"{folder / 'pay.yaml'}: cannot write (No space left on device)" in r.output, r.output
        assert "Traceback" not in r.output
        assert (folder / "pay.yaml").read_bytes() == before
        assert not list(folder.glob(".pay.yaml.*.tmp"))


def test_export_backstage_on_a_full_disk_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.fulldisk import full

    out = tmp_path / "exported"
    out.mkdir()
    with full(out, size="16k"):
        r = CliRunner().invoke(cli, ["export", "backstage", "--catalog", str(Path(__file__).parents[2] / "catalog"),
                                     "--out", str(out)])
        assert r.exit_code == 2, r.output
        assert f"{out}/" in r.output and ": cannot write (No space left on device)" in r.output, r.output
        assert "Traceback" not in r.output
