"""`ownership validate`: exit codes, --fail-on, ownership.yaml, default paths, and the real entry points."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ownership.cli import cli
from tests.conftest import positional_as_catalog as _named

ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "fixtures" / "bad"
TODAY = "2026-07-01"

ERROR = """\
teams:
  - name: payments
systems:
  - name: payments-api
    owner: paymnets
"""

# a stakeholder group that systems list but nobody can reach: one warning, nothing else
WARNING_ONLY = """\
teams:
  - name: payments
stakeholders:
  - name: legal
systems:
  - name: payments-api
    owner: payments
    stakeholders: [legal]
"""

# a rotation no team uses: one info, nothing else
INFO_ONLY = """\
teams:
  - name: payments
rotations:
  - name: spare
    members: [alice.nguyen@acme.test]
    start: 2026-01-05
"""


def write(folder: Path, text: str, name: str = "catalog.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def validate(*args: str) -> Result:
    return CliRunner().invoke(cli, ["validate", *_named(args)])


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _rules(result: Result) -> list[str]:
    return [f["rule"] for f in json.loads(result.stdout)["findings"]]


# --------------------------------------------------------------------------- exit codes and --fail-on


@pytest.mark.parametrize(
    ("text", "fail_on", "code"),
    [
        (ERROR, None, 1),
        (ERROR, "error", 1),
        (ERROR, "warning", 1),
        (ERROR, "never", 0),
        (WARNING_ONLY, None, 0),
        (WARNING_ONLY, "warning", 1),
        (WARNING_ONLY, "never", 0),
        (INFO_ONLY, None, 0),
        (INFO_ONLY, "warning", 0),
    ],
    ids=["error", "error-fail-on-error", "error-fail-on-warning", "error-fail-on-never", "warning",
         "warning-fail-on-warning", "warning-fail-on-never", "info", "info-fail-on-warning"],
)
def test_exit_code_follows_fail_on(tmp_path: Path, text: str, fail_on: str | None, code: int) -> None:
    write(tmp_path / "cat", text)
    args = ["cat", "--format", "json", "--today", TODAY] + (["--fail-on", fail_on] if fail_on else [])
    result = validate(*args)
    assert result.exit_code == code, result.output
    assert len(_rules(result)) == 1  # --fail-on changes the exit code, never what is reported


def test_fail_on_in_ownership_yaml_applies_and_the_flag_overrides_it(tmp_path: Path) -> None:
    write(tmp_path / "cat", WARNING_ONLY)
    write(tmp_path / "cat", "fail_on: warning\n", "ownership.yaml")
    assert validate("cat").exit_code == 1
    assert validate("cat", "--fail-on", "error").exit_code == 0


def test_rule_severity_from_ownership_yaml_is_applied(tmp_path: Path) -> None:
    write(tmp_path / "cat", WARNING_ONLY)
    write(tmp_path / "cat", "rules:\n  unreachable-stakeholder: {severity: error}\n", "ownership.yaml")
    result = validate("cat", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["findings"][0]["severity"] == "error"


def test_missing_path_exits_2_with_one_clear_line(tmp_path: Path) -> None:
    result = validate("no-such-catalog", "--today", TODAY)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "ownership: error: no-such-catalog: no such file or folder\n"


def test_bad_today_exits_2(tmp_path: Path) -> None:
    write(tmp_path / "cat", ERROR)
    result = validate("cat", "--today", "01/07/2026")
    assert result.exit_code == 2
    assert "--today must be YYYY-MM-DD, got '01/07/2026'" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("config", "says"),
    [
        ("fail_on: sometimes\n", "ownership.yaml:1:10: invalid-value: fail_on must be one of"),
        ("fail_ob: warning\n", "ownership.yaml:1:1: unknown-field: unknown key 'fail_ob'; did you mean 'fail_on'?"),
        ("rules:\n  unknown-tem: {severity: warning}\n", "no rule 'unknown-tem'; did you mean 'unknown-team'?"),
        ("rules: [1, 2\n", "ownership.yaml:1:8: yaml-syntax: did not find expected ',' or ']'"),
        ("fail_on: error\nfail_on: never\n", "ownership.yaml:2:1: duplicate-key"),
    ],
    ids=["bad-value", "typo", "unknown-rule", "syntax", "duplicate"],
)
def test_invalid_ownership_yaml_exits_2_with_file_and_line(tmp_path: Path, config: str, says: str) -> None:
    write(tmp_path / "cat", ERROR)
    write(tmp_path / "cat", config, "ownership.yaml")
    result = validate("cat", "--today", TODAY)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("ownership: error: ")
    assert says in result.stderr
    assert "Traceback" not in result.stderr


def test_explicit_config_that_does_not_exist_exits_2(tmp_path: Path) -> None:
    write(tmp_path / "cat", ERROR)
    result = validate("cat", "--config", "nope.yaml")
    assert result.exit_code == 2
    assert "nope.yaml: cannot read" in result.stderr


# --------------------------------------------------------------------------- default paths


def test_without_paths_validates_catalog_in_the_working_directory(tmp_path: Path) -> None:
    write(tmp_path / "catalog", ERROR)
    result = validate("--format", "json", "--today", TODAY)
    assert result.exit_code == 1
    assert json.loads(result.stdout)["findings"][0]["file"] == os.path.join("catalog", "catalog.yaml")


def test_without_paths_uses_the_catalog_named_in_ownership_yaml(tmp_path: Path) -> None:
    write(tmp_path / "ops" / "acme", ERROR)
    write(tmp_path, "catalog: ops/acme\n", "ownership.yaml")
    result = validate("--format", "json", "--today", TODAY)
    assert result.exit_code == 1
    assert _rules(result) == ["unknown-team"]


def test_several_paths_are_one_catalog(tmp_path: Path) -> None:
    write(tmp_path / "teams", "teams:\n  - name: payments\n")
    write(tmp_path / "systems", "systems:\n  - name: payments-api\n    owner: payments\n")
    result = validate("teams", "systems/catalog.yaml", "--format", "json", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert _rules(result) == []


def test_a_folder_without_yaml_files_cannot_be_checked(tmp_path: Path) -> None:
    """Issue 17: it was "clean", a gate that passes forever over nothing."""
    (tmp_path / "empty").mkdir()
    result = validate(str(tmp_path / "empty"), "--today", TODAY)
    assert result.exit_code == 2
    assert result.stdout == "" and f"no catalog files under {tmp_path / 'empty'}" in result.stderr


# --------------------------------------------------------------------------- the real entry points


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GIT_"))}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def test_installed_entry_point_validates_the_bundled_catalog_and_a_bad_fixture(tmp_path: Path) -> None:
    exe = shutil.which("ownership", path=str(Path(sys.executable).parent)) or shutil.which("ownership")
    assert exe, "the `ownership` console script is not installed (pip install -e '.[test]')"
    ok = subprocess.run([exe, "validate", "--catalog", str(ROOT / "catalog"), "--today", TODAY], capture_output=True,
                        text=True, env=_env(), cwd=tmp_path, timeout=120)
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "0 error(s), 0 warning(s), 0 info\n", "")
    bad = subprocess.run([exe, "validate", "--catalog", str(BAD / "alias-bomb.yaml"), "--format", "json"],
                         capture_output=True, text=True, env=_env(), cwd=tmp_path, timeout=120)
    assert bad.returncode == 1
    assert [f["rule"] for f in json.loads(bad.stdout)["findings"]] == ["alias-bomb"]
    assert "Traceback" not in bad.stderr


def test_python_dash_m_ownership_runs_the_same_cli(tmp_path: Path) -> None:
    missing = subprocess.run([sys.executable, "-m", "ownership", "validate", "--catalog", "nope"], capture_output=True,
                             text=True, env=_env(), cwd=tmp_path, timeout=120)
    assert missing.returncode == 2
    assert missing.stderr == "ownership: error: nope: no such file or folder\n"
    bad = subprocess.run([sys.executable, "-m", "ownership", "validate", "--catalog", str(BAD / "deep-nesting.yaml")],
                         capture_output=True, text=True, env=_env(), cwd=tmp_path, timeout=120)
    assert bad.returncode == 1
    assert "deep-nesting.yaml:4:1: error yaml-syntax nesting deeper than 500 levels" in bad.stdout
    assert "Traceback" not in bad.stderr


def test_an_unexpected_error_is_one_line_and_exit_2_and_the_traceback_is_on_request(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from ownership import cli as cli_module
    from ownership.commands import validate as command

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(command, "check", broken)
    assert cli_module.main(["validate", "--catalog", str(ROOT / "catalog")]) == 2
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: boom" in err and "Traceback" not in err
    monkeypatch.setenv("OWNERSHIP_DEBUG", "1")
    with pytest.raises(RuntimeError, match="boom"):
        cli_module.main(["validate", "--catalog", str(ROOT / "catalog")])
