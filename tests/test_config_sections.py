"""ownership.yaml: every section checked the same way, an unknown key is an error everywhere, and every problem
of the file comes out in one run, each with file:line:col (issue 13, "Rules declare their options")."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ownership.cli import cli
from ownership.config import SECTIONS, ConfigError, section_check
from ownership.config import load as load_config
from ownership.rules import RULES


def problems_of(tmp_path: Path, text: str) -> list[str]:
    cfg = tmp_path / "ownership.yaml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(cfg)
    lines = str(caught.value).splitlines()
    assert all(line.startswith(f"{cfg}:") for line in lines), lines
    return [line[len(str(cfg)):] for line in lines]


@pytest.mark.parametrize(("text", "expected"), [
    ("rules:\n  owner-transferred: {maintainer: false}\n",
     ":2:3: unknown-field: unknown option 'maintainer' of rule 'owner-transferred'; did you mean 'maintainers'?"),
    ("rules:\n  unknown-person: {severityy: info}\n",
     ":2:3: unknown-field: unknown option 'severityy' of rule 'unknown-person'; did you mean 'severity'?"),
    ("codeowners: {orgg: acme}\n", ":1:13: unknown-field: codeowners: unknown key 'orgg' (known: org, team_handles)"),
])
def test_an_unknown_option_key_that_used_to_load_silently_is_an_error(tmp_path: Path, text: str,
                                                                       expected: str) -> None:
    [problem] = problems_of(tmp_path, text)
    assert problem.startswith(expected), problem


@pytest.mark.parametrize("slug", sorted(RULES))
def test_an_option_typo_is_an_error_for_every_rule(tmp_path: Path, slug: str) -> None:
    [problem] = problems_of(tmp_path, f"rules:\n  {slug}: {{no_such_option: 1}}\n")
    assert f"unknown option 'no_such_option' of rule '{slug}'" in problem


@pytest.mark.parametrize("slug", sorted(RULES))
def test_every_rule_takes_severity_and_enabled_and_checks_them(tmp_path: Path, slug: str) -> None:
    cfg = tmp_path / "ownership.yaml"
    cfg.write_text(f"rules:\n  {slug}: {{severity: info, enabled: false}}\n", encoding="utf-8")
    assert load_config(cfg).rules[slug] == {"severity": "info", "enabled": False}
    assert problems_of(tmp_path, f"rules:\n  {slug}: {{severity: loud, enabled: 0}}\n") == [
        f":2:3: invalid-value: rules.{slug}.severity must be one of error, warning, info, got 'loud'",
        f":2:3: invalid-value: rules.{slug}.enabled must be true or false, got 0"]


def test_options_declared_beside_each_rule_are_the_ones_accepted(tmp_path: Path) -> None:
    cfg = tmp_path / "ownership.yaml"
    cfg.write_text("rules:\n  owner-transferred: {maintainers: false}\n  owner-left: {idle_days: 30}\n"
                   "  orphaned: {idle_maintainers: false}\n  dormant: {tier4_days: 1000}\n", encoding="utf-8")
    assert load_config(cfg).rules["owner-transferred"] == {"maintainers": False}
    assert sorted(RULES["dormant"].options) == ["tier1_days", "tier2_days", "tier3_days", "tier4_days"]
    assert sorted(RULES["owner-left"].options) == sorted(RULES["orphaned"].options) == ["idle_days",
                                                                                        "idle_maintainers"]


ALL_WRONG = """\
fail_on: sometimes
rules:
  dormant:
    tier1_days: soon
  unknown-person: {severityy: info}
history:
  jobs: 0
  window: [90]
site:
  pagerduty_web: acme.pagerduty.com
codeowners: {orgg: acme}
scim: {token_env: MY_TOKEN}
rooster: hr.csv
"""


def test_every_config_problem_comes_out_in_one_run_with_file_line_and_column(tmp_path: Path) -> None:
    assert problems_of(tmp_path, ALL_WRONG) == [
        ":1:10: invalid-value: fail_on must be one of error, warning, never",
        ":4:5: invalid-value: rules.dormant.tier1_days must be a whole number of days > 0, got 'soon'",
        ":5:3: unknown-field: unknown option 'severityy' of rule 'unknown-person'; did you mean 'severity'? "
        "known: enabled, severity",
        ":7:3: invalid-value: history.jobs must be a whole number >= 1",
        ":8:3: unknown-field: unknown history setting 'window'; known: windows, bots, cache, jobs, rewrite, "
        "protocols, stall, deadline",
        ":10:3: invalid-value: site.pagerduty_web must be an http(s) URL, e.g. https://acme.pagerduty.com",
        ":11:13: unknown-field: codeowners: unknown key 'orgg' (known: org, team_handles)",
        ":12:19: invalid-value: scim.token_env must name an environment variable starting with OWNERSHIP_ "
        "(upper case letters, digits, _); a config file may not choose which other secret is sent",
        ":13:1: unknown-field: unknown key 'rooster'; did you mean 'roster'?",
    ]


def test_validate_prints_every_config_problem_and_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "teams.yaml").write_text("teams:\n  - name: payments\n", encoding="utf-8")
    (tmp_path / "ownership.yaml").write_text(ALL_WRONG, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate"])
    lines = result.stderr.splitlines()
    assert result.exit_code == 2 and result.stdout == ""
    assert len(lines) == 9 and all(line.startswith("ownership: error: ownership.yaml:") for line in lines), lines


def test_every_section_has_a_check_of_the_one_shape() -> None:
    for key in SECTIONS:
        assert isinstance(section_check(key)({}), list), key
