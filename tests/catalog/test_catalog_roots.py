"""backstage.catalog_roots looks at each folder once; it must answer exactly what the per-file definition
answers, for every shape of tree: files in a work tree, outside any, in a nested work tree, a linked
worktree's `.git` file, symlinked files and symlinked folders, relative and absolute paths."""
from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from ownership.support import confine
from ownership.catalog.backstage import catalog_roots


def per_file(files: list[str]) -> list[Path]:
    """The plain definition: each file's work tree, else the deepest folder holding all loose files."""
    roots: set[Path] = set()
    loose = []
    for f in files:
        repo = confine.repository_of(f)
        if repo is not None:
            roots.add(Path(os.path.realpath(repo)))
        else:
            loose.append(os.path.dirname(os.path.realpath(f)))
    if loose:
        roots.add(Path(os.path.commonpath(loose)))
    return sorted(roots)


def test_catalog_roots_equals_the_per_file_definition_on_every_tree_shape(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "a").mkdir()
    (repo / "nested" / "inner").mkdir(parents=True)
    (repo / "nested" / ".git").write_text("gitdir: /elsewhere\n")  # a linked worktree or submodule
    loose = tmp_path / "loose" / "deep"
    loose.mkdir(parents=True)
    other = tmp_path / "other"
    other.mkdir()
    files = {
        "in-repo": repo / "a" / "x.yaml",
        "repo-top": repo / "catalog-info.yaml",
        "nested": repo / "nested" / "inner" / "y.yaml",
        "loose": loose / "z.yaml",
        "loose-top": tmp_path / "loose" / "w.yaml",
        "other": other / "v.yaml",
    }
    for f in files.values():
        f.write_text("x: 1\n")
    (loose / "link.yaml").symlink_to(other / "v.yaml")  # a loose symlinked file resolving elsewhere
    files["loose-link"] = loose / "link.yaml"
    (tmp_path / "dirlink").symlink_to(loose, target_is_directory=True)  # a symlinked folder
    files["via-dirlink"] = tmp_path / "dirlink" / "z.yaml"
    (repo / "a" / "out.yaml").symlink_to(other / "v.yaml")  # a repo file that is a symlink out of it
    files["repo-link"] = repo / "a" / "out.yaml"
    names = sorted(files)
    monkeypatch.chdir(tmp_path)  # relative paths too
    checked = 0
    for n in range(1, 4):
        for combo in itertools.combinations(names, n):
            for relative in (False, True):
                paths = [os.path.relpath(files[c]) if relative else str(files[c]) for c in combo]
                assert catalog_roots(paths) == per_file(paths), combo
                checked += 1
    assert checked == 2 * (9 + 36 + 84)  # every set of up to 3 of the 9 shapes
