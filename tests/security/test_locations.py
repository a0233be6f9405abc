"""Issue 12, hole 5: Backstage Location targets stay inside the catalog root; nothing outside is read or quoted.

The catalog root is the git work tree of the catalog files (or, outside git, the folder holding them).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ownership.catalog.load import load_paths
from ownership.cli import cli
from tests.conftest import ROOT

HEAD = "apiVersion: backstage.io/v1alpha1\n"
SECRET_KEY = "secret_key_do_not_quote"


def _location(*targets: str) -> str:
    return HEAD + "kind: Location\nmetadata: {name: root}\nspec:\n  targets:\n" + \
        "".join(f"    - {t!r}\n" for t in targets)


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """A git work tree with catalog/ in it, a secret YAML file beside the work tree, and .git/config keys."""
    root = tmp_path / "repo"
    (root / "catalog").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True, timeout=30, capture_output=True)
    with (root / ".git" / "config").open("a") as fh:
        fh.write(f"[{SECRET_KEY}]\n\tvalue = 1\n")
    (tmp_path / "outside.yaml").write_text(f"{SECRET_KEY}: 1\n")
    return root


def _load(root: Path, text: str) -> list[tuple[str, int, str]]:
    """`ownership validate catalog` in a subprocess with a timeout: a glob that walked the disk fails the test
    instead of hanging it. Nothing of the secret files may appear in the output."""
    (root / "catalog" / "catalog-info.yaml").write_text(text)
    done = subprocess.run([sys.executable, "-m", "ownership", "validate", "--catalog", "catalog", "--format", "json"],
                          cwd=root, env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode in (0, 1), done.stderr
    assert SECRET_KEY not in done.stdout + done.stderr
    return [(f["rule"], f["line"], f["message"]) for f in json.loads(done.stdout)["findings"]]


@pytest.mark.parametrize("target, why", [
    ("/etc/passwd", "absolute path"),
    ("/**/*.yaml", "absolute path"),
    ("../../outside.yaml", "leaves the root"),
    ("../.git/config", "inside the .git folder"),
    ("../../*.yaml", "leaves the root"),
    ("../../**/*.yaml", "leaves the root"),
])
def test_a_target_outside_the_root_is_a_finding_at_its_line_and_is_not_read(repo: Path, target: str,
                                                                             why: str) -> None:
    rows = _load(repo, _location(target))
    assert [(r, line) for r, line, _ in rows] == [("location-outside-root", 6)]
    assert why in rows[0][2] and "it was not read" in rows[0][2]


def test_a_symlink_resolving_outside_the_root_is_not_read(repo: Path) -> None:
    (repo / "other").mkdir()  # not under catalog/, so only the Location leads to it
    (repo / "other" / "link.yaml").symlink_to(repo.parent / "outside.yaml")
    rows = _load(repo, _location("../other/link.yaml"))
    assert [(r, line) for r, line, _ in rows] == [("location-outside-root", 6)]


def test_a_glob_does_not_follow_symlinks_out_of_the_root(repo: Path) -> None:
    (repo / "other" / "sub").mkdir(parents=True)
    (repo / "other" / "sub" / "team.yaml").write_text("teams:\n  - name: a\n")
    (repo / "other" / "disk").symlink_to("/")  # a walk through it would read the whole disk
    (repo / "other" / "sub" / "leak.yaml").symlink_to(repo.parent / "outside.yaml")
    rows = _load(repo, _location("../other/**/*.yaml"))
    assert [(r, line) for r, line, _ in rows] == [("location-outside-root", 6)]
    assert "1 of the files it matches are symlinks" in rows[0][2]


def test_targets_inside_the_work_tree_are_followed_even_above_the_catalog_folder(repo: Path) -> None:
    (repo / "services" / "api").mkdir(parents=True)
    (repo / "services" / "api" / "catalog-info.yaml").write_text("teams:\n  - name: api-team\n")
    (repo / "catalog" / "catalog-info.yaml").write_text(_location("../services/*/catalog-info.yaml"))
    catalog, findings = load_paths([repo / "catalog"])
    assert findings == [] and list(catalog.teams) == ["api-team"]


def test_many_double_stars_stay_fast(repo: Path) -> None:
    deep = repo / "catalog" / "/".join("a" * 30)
    deep.mkdir(parents=True)
    rows = _load(repo, _location("./" + "**/" * 25 + "x*.yaml"))
    assert [r for r, _, _ in rows] == ["location-not-found"]


def test_validate_reports_the_slug_and_exits_1(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / "catalog" / "catalog-info.yaml").write_text(_location("/etc/passwd"))
    monkeypatch.chdir(repo)
    r = CliRunner().invoke(cli, ["validate", "--catalog", "catalog"])
    assert r.exit_code == 1
    assert "catalog/catalog-info.yaml:6:7: error location-outside-root" in r.output
    assert "root:" not in r.output.replace("catalog root", "")  # nothing of /etc/passwd
