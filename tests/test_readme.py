"""README's Quickstart is exactly two shell lines, and CI runs the second one verbatim."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _quickstart() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Quickstart", 1)[1]
    block = re.search(r"```(?:sh|bash|console)?\n(.*?)```", section, re.S)
    assert block, "Quickstart has no code block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quickstart_is_exactly_two_lines_install_and_run_then_test() -> None:
    lines = _quickstart()
    assert len(lines) == 2
    assert lines[0].startswith("pip install -e .") and "ownership " in lines[0]
    assert "[test]" in lines[1] and "pytest" in lines[1]


def test_ci_script_runs_quickstart_line_two_verbatim_and_fails_on_no_tests() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    assert _quickstart()[1] in script.splitlines()
    assert '"$status" -eq 5' in script and "exit 1" in script


def test_ci_runs_the_tests_the_default_run_deselects_and_an_empty_marker_run_is_not_a_failure() -> None:
    import tomllib

    script = (ROOT / ".ci" / "run").read_text()
    pytest_ini = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert "-m 'not slow'" in pytest_ini["addopts"] and any(m.startswith("slow:") for m in pytest_ini["markers"])
    lines = script.splitlines()
    assert lines.index("python -m pytest -q -n 0 -m slow") > lines.index(_quickstart()[1])
    assert '"$slow" -eq 5' in script and 'exit "$slow"' in script and 'exit "$status"' in script


@pytest.mark.parametrize(("main", "slow", "exit_code"), [
    (0, 0, 0), (0, 5, 0),  # no test marked slow: nothing to run there, not a failure
    (5, 0, 1), (1, 0, 1), (0, 1, 1), (2, 5, 2)])
def test_ci_script_exits_non_zero_on_any_failure_and_on_a_suite_that_collects_nothing(
        tmp_path: Path, main: int, slow: int, exit_code: int) -> None:
    """.ci/run itself, with stand-ins for pip, python and the system tools it looks for."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("pip", "chromium", "dot", "npm"):
        (bin_dir / tool).write_text("#!/bin/sh\nexit 0\n")
    (bin_dir / "python").write_text(f'#!/bin/sh\ncase "$*" in *"-m slow"*) exit {slow};; *) exit {main};; esac\n')
    for stand_in in bin_dir.iterdir():
        stand_in.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}/usr/bin{os.pathsep}/bin"}
    done = subprocess.run(["bash", str(ROOT / ".ci" / "run")], env=env, capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == exit_code, done.stderr


def test_ci_workflow_and_hook_files_are_valid_yaml() -> None:
    import yaml

    for rel in (".pre-commit-hooks.yaml", ".github/workflows/catalog-check.yml"):
        doc = yaml.safe_load((ROOT / rel).read_text())
        assert doc
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hooks[0]["id"] == "ownership-validate"
    wf = yaml.safe_load((ROOT / ".github/workflows/catalog-check.yml").read_text())
    steps = wf["jobs"]["validate"]["steps"]
    assert any(s.get("with", {}).get("fetch-depth") == 0 for s in steps)
    assert any("upload-sarif" in s.get("uses", "") for s in steps)
    assert any("--format github" in s.get("run", "") and "--base" in s.get("run", "") for s in steps)
