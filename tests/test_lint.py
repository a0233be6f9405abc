"""src/ lints clean (issue 26): ruff's pyflakes rules (F) and complexity (C901, at most 15) with the settings in
pyproject.toml, and vulture finds no dead code. Both tools are in the test extras; a test skips only when its
tool is not installed.

The functions over the complexity limit today are named in COMPLEX with their complexity as a ceiling, and
their files are the only per-file-ignores in pyproject.toml. The list only shrinks: a named function that
grows fails, a new one over the limit fails, and one that dropped to the limit must leave the list.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT

MAX_COMPLEXITY = 15
COMPLEX = {  # "file:function": complexity today (ruff C901)
    "src/ownership/catalog/backstage_valid.py:_metadata": 19,
    "src/ownership/catalog/load.py:_load_file": 16,
    "src/ownership/catalog/yamlnodes.py:_build": 22,
    "src/ownership/codeowners/glob.py:compile_pattern": 18,
    "src/ownership/history/activity.py:_system": 20,
    "src/ownership/history/git.py:stream": 16,
    "src/ownership/history/gitlog.py:parse": 16,
    "src/ownership/history/ranges.py:_walk": 16,
    "src/ownership/history/scan.py:split": 18,
    "src/ownership/oncall/pagerduty.py:_get": 16,
    "src/ownership/render/routing.py:room_sections": 20,
    "src/ownership/routing/page.py:reachable": 18,
}
_TOO_COMPLEX = re.compile(r"`(?P<name>[^`]+)` is too complex \((?P<n>\d+) > \d+\)")


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("ruff", reason="ruff is not installed (pip install -e '.[test]')")
    return subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def complexity_over_limit() -> dict[str, int]:
    """Every function of src/ over the limit, ignoring the per-file-ignores: "file:function" -> complexity."""
    proc = _ruff("--isolated", "--select", "C901", "--config", f"lint.mccabe.max-complexity = {MAX_COMPLEXITY}",
                 "--output-format", "json", "src")
    found = {}
    for d in json.loads(proc.stdout):
        m = _TOO_COMPLEX.search(d["message"])
        assert m, d
        found[f"{d['filename'].removeprefix(str(ROOT) + '/')}:{m['name']}"] = int(m["n"])
    return found


def ratchet(found: dict[str, int], allowed: dict[str, int], limit: int, what: str) -> list[str]:
    """The allow-list may only shrink: what grew past its ceiling, what is new, and what left the list."""
    bad = [f"{key}: {what} {n}, over {limit} and not allowed (split it)" for key, n in sorted(found.items())
           if key not in allowed]
    bad += [f"{key}: {what} {found[key]}, its ceiling is {ceiling} (split it, never raise the ceiling)"
            for key, ceiling in sorted(allowed.items()) if found.get(key, 0) > ceiling]
    bad += [f"{key}: no longer over {limit}: remove it from the list" for key in sorted(allowed)
            if key not in found]
    return bad


def test_src_passes_ruff_pyflakes_and_complexity() -> None:
    proc = _ruff("src")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_functions_over_the_complexity_limit_only_get_fewer() -> None:
    assert ratchet(complexity_over_limit(), COMPLEX, MAX_COMPLEXITY, "complexity") == []


def test_pyproject_ignores_complexity_only_in_the_files_of_the_named_functions() -> None:
    lint = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["ruff"]["lint"]
    assert lint["select"] == ["F", "C901"] and lint["mccabe"]["max-complexity"] == MAX_COMPLEXITY
    assert lint["per-file-ignores"] == {key.split(":")[0]: ["C901"] for key in COMPLEX}


def test_the_ratchet_fails_a_grown_a_new_and_a_fixed_function() -> None:
    allowed = {"a.py:grew": 16, "a.py:fixed": 18, "a.py:same": 17}
    assert ratchet({"a.py:grew": 17, "a.py:same": 17, "b.py:new": 16}, allowed, 15, "complexity") == [
        "b.py:new: complexity 16, over 15 and not allowed (split it)",
        "a.py:grew: complexity 17, its ceiling is 16 (split it, never raise the ceiling)",
        "a.py:fixed: no longer over 15: remove it from the list"]


def test_ruff_sees_an_unused_import_and_a_complex_function(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n\n\ndef f(x: int) -> int:\n" +
                   "".join(f"    if x == {i}:\n        return {i}\n" for i in range(16)) + "    return -1\n")
    proc = _ruff("--config", str(ROOT / "pyproject.toml"), "--output-format", "concise", str(bad))
    assert proc.returncode == 1 and "F401" in proc.stdout and "C901" in proc.stdout, proc.stdout + proc.stderr


def test_vulture_finds_no_dead_code_in_src() -> None:
    """Settings and paths in pyproject [tool.vulture]; dynamic uses are named in tests/vulture_whitelist.py."""
    pytest.importorskip("vulture", reason="vulture is not installed (pip install -e '.[test]')")
    proc = subprocess.run([sys.executable, "-m", "vulture"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_vulture_sees_an_unused_function(tmp_path: Path) -> None:
    pytest.importorskip("vulture", reason="vulture is not installed (pip install -e '.[test]')")
    (tmp_path / "dead.py").write_text("def used() -> None:\n    pass\n\n\ndef unused() -> None:\n    pass\n\n\n"
                                      "used()\n")
    proc = subprocess.run([sys.executable, "-m", "vulture", "dead.py"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 3 and "unused function 'unused'" in proc.stdout, proc.stdout + proc.stderr
