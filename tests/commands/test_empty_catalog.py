"""A catalog path that stands for no catalog file cannot be checked: exit 2 with "no catalog files under X" on
every command that reads a catalog, never a green gate over nothing (issue 17)."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ownership.cli import cli

TODAY = "2026-07-01"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def readme_only(tmp_path: Path) -> Path:
    folder = tmp_path / "catalog"
    folder.mkdir()
    (folder / "README.md").write_text("# our catalog\n")
    return folder


@pytest.mark.parametrize("command", [
    ["validate", "{p}"],
    ["audit", "{p}", "--today", TODAY, "--no-scan"],
    ["report", "{p}", "--today", TODAY, "--out", "{out}"],
    ["page", "anything", "--catalog", "{p}"],
], ids=["validate", "audit", "report", "page"])
def test_a_folder_without_catalog_files_is_exit_2_no_catalog_files(command: list[str], readme_only: Path,
                                                                     tmp_path: Path) -> None:
    args = [a.format(p=readme_only, out=tmp_path / "out") for a in command]
    r = run(*args)
    assert r.exit_code == 2, r.output
    assert f"ownership: error: no catalog files under {readme_only}" in r.stderr
    assert "Traceback" not in r.output


def test_an_empty_folder_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    r = run("validate", str(tmp_path / "empty"))
    assert r.exit_code == 2 and f"no catalog files under {tmp_path / 'empty'}" in r.stderr


def test_a_folder_whose_only_yaml_files_are_excluded_is_empty_and_says_they_were_left_out(tmp_path: Path) -> None:
    folder = tmp_path / "catalog"
    (folder / "drafts").mkdir(parents=True)
    (folder / "drafts" / "teams.yaml").write_text("teams:\n  - name: payments\n")
    r = run("validate", str(folder), "--exclude", "drafts")
    assert r.exit_code == 2
    assert f"no catalog files under {folder} (1 YAML file left out by include:/exclude:" in r.stderr


def test_a_backstage_tree_of_only_a_location_is_a_catalog_not_an_empty_one(tmp_path: Path) -> None:
    """The Location file is a catalog file (its targets are what it reads): a finding, not exit 2."""
    root = tmp_path / "catalog"
    root.mkdir()
    (root / "all.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: all\n"
        "spec:\n  targets: [./services/api.yaml]\n")
    r = run("validate", str(root))
    assert "no catalog files" not in r.output
    assert r.exit_code == 1 and "services/api.yaml" in r.output


def test_a_file_that_is_only_comments_is_a_catalog_file_not_an_empty_catalog(tmp_path: Path) -> None:
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "teams.yaml").write_text("# to be written\n")
    r = run("validate", str(tmp_path / "c"))
    assert r.exit_code == 0 and "0 error(s)" in r.output
