"""Roster keys of ownership.yaml: good values become settings, bad ones stop at their file:line."""
from __future__ import annotations

from pathlib import Path

import pytest

from ownership.config import ConfigError
from ownership.config import load as load_config
from ownership.roster.settings import ScimSettings, RosterSettings


def test_roster_settings_with_defaults(tmp_path: Path) -> None:
    cfg = tmp_path / "ownership.yaml"
    cfg.write_text("roster: hr/roster.csv\n"
                   "roster_columns: workday\n"
                   "roster_shrink_limit: 25%\n"
                   "scim: {token_env: OWNERSHIP_HR_TOKEN, page_size: 50, timeout: 3}\n"
                   "aliases: {Bob Builder: bob@acme.test}\n"
                   "team_map: {Money Movement: payments}\n"
                   "mailmap: .mailmap\n")
    config = load_config(cfg)
    settings = RosterSettings.from_values(config.values, config.relative)

    assert settings.columns.preset == "workday"
    assert settings.shrink_limit == 0.25
    assert settings.scim == ScimSettings(token_env="OWNERSHIP_HR_TOKEN", page_size=50, timeout=3)
    assert settings.scim.retries == 3 and settings.scim.max_retry_after == 30.0
    assert settings.aliases == {"Bob Builder": "bob@acme.test"}
    assert settings.team_map == {"Money Movement": "payments"}
    assert settings.mailmap == str(tmp_path / ".mailmap")


@pytest.mark.parametrize(("text", "expected"), [
    ("roster_columns: peoplesoft\n", ":1:17: invalid-value: roster_columns: unknown preset 'peoplesoft'"),
    ("roster_columns: {email: Mail, manger: Boss}\n", "unknown field 'manger'"),
    ("roster_columns: {date_format: MM/DD}\n", "strftime format"),
    ("roster_shrink_limit: lots\n", "percentage such as '10%'"),
    ("roster_shrink_limit: 150%\n", "between 0% and 100%"),
    ("scim: {page_size: 0}\n", "scim.page_size must be a whole number from 1 to 1000"),
    ("scim: {timeout: -1}\n", "scim.timeout must be seconds, more than 0"),
    ("scim: {token: abc}\n", "scim: unknown setting 'token'"),
    ("scim: {token_env: 'MY TOKEN'}\n", "scim.token_env must be the name of an OWNERSHIP_* environment variable"),
    ("scim: {retries: true}\n", "scim.retries must be a whole number"),
    ("aliases: [a, b]\n", "aliases must map names to non-empty strings"),
    ("team_map: {Payments: }\n", "team_map must map names to non-empty strings"),
    ("rooster: hr.csv\n", "unknown key 'rooster'; did you mean 'roster'?"),
])
def test_bad_roster_settings_name_the_line(tmp_path: Path, text: str, expected: str) -> None:
    cfg = tmp_path / "ownership.yaml"
    cfg.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(cfg)
    assert str(caught.value).startswith(f"{cfg}:1:")
    assert expected in str(caught.value)


def test_each_source_declares_its_own_section_which_config_checks_and_protects(tmp_path: Path) -> None:
    from ownership import config
    from ownership.roster import SOURCES, scim

    declared = {s.section.key: s.section for s in SOURCES if s.section is not None}
    assert set(declared) == {"scim", "roster_columns"}
    for key, section in declared.items():
        assert config.SECTIONS[key] == config.Section(section.check, section.what, section.schema)
        assert config.PROTECTED[key] == section.protected
    cfg = tmp_path / "ownership.yaml"
    cfg.write_text("scim: {page_size: 0}\n")
    with pytest.raises(ConfigError, match=r"ownership.yaml:1:7: invalid-value: scim.page_size must be a whole number"):
        load_config(cfg)
    # a source finds its own checked section in the settings it is given (an Okta source: section("okta"))
    cfg.write_text("scim: {page_size: 50}\n")
    loaded = load_config(cfg)
    settings = RosterSettings.from_values(loaded.values, loaded.relative)
    assert scim.section is not None and settings.section(scim.section.key) == {"page_size": 50}
    assert settings.section("okta") == {}
