"""Without libyaml the loader falls back to PyYAML's pure-Python parser: same answers, and a warning."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from ownership.catalog import yamlnodes
from ownership.catalog.load import load_sources
from ownership.cli import cli
from tests.conftest import FIXTURES, ROOT


@pytest.fixture()
def pure_python(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlnodes, "_Loader", yaml.SafeLoader)
    monkeypatch.setattr(yamlnodes, "LIBYAML", False)


def _answers(path: Path) -> list[tuple[str, int]]:
    _, findings = load_sources([(path.name, path.read_bytes())])
    return sorted((f.rule, f.location.line if f.location else 0) for f in findings)


@pytest.mark.parametrize("name", ["duplicate-key-in-system.yaml", "unknown-field-typo.yaml", "tier-five.yaml",
                                  "owner-yes.yaml", "python-object-tag.yaml", "recursive-alias.yaml",
                                  "alias-bomb.yaml", "deep-nesting.yaml", "syntax-unclosed-quote.yaml"])
def test_pure_python_parser_gives_the_same_findings_as_libyaml(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = FIXTURES / "bad" / name
    with_libyaml = _answers(path)
    monkeypatch.setattr(yamlnodes, "_Loader", yaml.SafeLoader)
    assert _answers(path) == with_libyaml != []


def test_validate_says_when_it_runs_without_libyaml(pure_python: None) -> None:
    result = CliRunner().invoke(cli, ["validate", "--catalog", str(ROOT / "catalog")])
    assert result.exit_code == 0, result.output
    assert "libyaml is not available" in result.stderr
    assert "0 error(s)" in result.stdout
