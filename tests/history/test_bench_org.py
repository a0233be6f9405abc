"""bench/org.py's synthetic org at a tiny size: the repositories and the catalog are what the script says."""
from __future__ import annotations

import importlib.util
import random
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from ownership.catalog.load import load_paths
from ownership.cli import cli
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def org_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ownership_bench_org", ROOT / "bench" / "org.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _count(repo: Path) -> int:
    return int(subprocess.run(["git", f"--git-dir={repo}", "rev-list", "--count", "main"], capture_output=True,
                              text=True, check=True, timeout=30).stdout)


def test_sizes_add_up_to_the_total_within_the_bounds_and_are_skewed(org_bench: ModuleType) -> None:
    sizes = org_bench.sizes(500, 1_000_000, random.Random(11))
    assert len(sizes) == 500 and sum(sizes) == 1_000_000
    assert min(sizes) == 50 and max(sizes) == 20_000
    ordered = sorted(sizes)
    assert ordered[250] < 1_000  # most repositories are small ...
    assert sum(ordered[-50:]) > 0.5 * 1_000_000  # ... and a tenth of them hold most of the commits


def test_tiny_org_has_the_repositories_commits_and_systems_it_reports(org_bench: ModuleType, tmp_path: Path) -> None:
    started = time.monotonic()
    org = org_bench.generate(tmp_path / "org", repos=5, commits=200, systems=12, seed=3, jobs=1)
    assert sorted(p.name for p in (tmp_path / "org" / "repos").iterdir()) == [f"repo-{i:03d}.git" for i in range(5)]
    assert [_count(repo) for repo in org.repos] == list(org.commits)
    assert sum(org.commits) == 200
    catalog, findings = load_paths([str(org.catalog)])
    assert len(catalog.systems) == 12 == org.systems
    named = [r for s in catalog.systems.values() for r in s.repos]
    assert {r.url for r in named} == {f"{org_bench.URL}repo-{i:03d}.git" for i in range(5)}  # every repo used
    assert sum(1 for s in catalog.systems.values() if any(r.paths for r in s.repos)) == org.narrowed > 0
    assert not [f for f in findings if f.severity == "error"]
    result = CliRunner().invoke(cli, ["validate", "--catalog", str(org.catalog), "--config", str(org.config),
                                      "--format", "text"])
    assert result.exit_code == 0, result.output
    # the rewrite in ownership.yaml reaches every generated repository
    scan = CliRunner().invoke(cli, ["scan", "--catalog", str(org.catalog), "--config", str(org.config), "--today",
                                    org_bench.TODAY])
    assert scan.exit_code == 0, scan.output
    assert "history read for 5 of 5 repositories" in scan.output
    assert time.monotonic() - started < 60


def test_same_seed_same_org_and_a_week_of_commits_lands_on_main(org_bench: ModuleType, tmp_path: Path) -> None:
    started = time.monotonic()
    a = org_bench.generate(tmp_path / "a", repos=3, commits=150, systems=6, seed=5, jobs=1)
    b = org_bench.generate(tmp_path / "b", repos=3, commits=150, systems=6, seed=5, jobs=1)

    def heads(org: ModuleType) -> list[str]:
        return [subprocess.run(["git", f"--git-dir={r}", "rev-parse", "main"], capture_output=True, text=True,
                               check=True, timeout=30).stdout for r in org.repos]

    assert heads(a) == heads(b)
    assert (a.catalog / "systems" / "s00.yaml").read_text() == (b.catalog / "systems" / "s00.yaml").read_text()
    before = _count(a.repos[0])
    old = org_bench.append_week(a.repos[0], 7, random.Random(1))
    assert _count(a.repos[0]) == before + 7
    assert subprocess.run(["git", f"--git-dir={a.repos[0]}", "merge-base", "--is-ancestor", old, "main"],
                          timeout=30).returncode == 0
    assert time.monotonic() - started < 60


@pytest.mark.slow
def test_side_branch_files_reach_main_at_the_merge_so_later_renames_and_deletes_import(org_bench: ModuleType,
                                                                                      tmp_path: Path) -> None:
    """Repository 466 of the default org: main renamed or deleted a file its side branch had made, which main's
    tree (fast-import takes a merge's tree from its first parent) did not have: fast-import stopped."""
    started = time.monotonic()
    repo = tmp_path / "r.git"
    org_bench._make_repo((str(repo), 16_949, 11 * 100_003 + 466))
    assert _count(repo) == 16_949
    assert time.monotonic() - started < 60
