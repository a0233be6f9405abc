"""README's Quickstart is exactly two shell lines, and CI runs the second one verbatim."""
from __future__ import annotations

import re

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
