"""The pre-commit hook runs when the catalog or ownership.yaml changes, and the documented override for a
catalog in another folder matches that folder (issue 17). pre-commit matches `files:` with re.search against
each changed path, relative to the repository root."""
from __future__ import annotations

import re

import pytest
import yaml

from ownership.catalog import CONFIG_NAMES
from ownership.commands.init import hook_files
from tests.conftest import ROOT

HOOK = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]


def _runs(pattern: str, path: str) -> bool:
    return re.search(pattern, path) is not None  # pre-commit's semantics


@pytest.mark.parametrize("path", ["catalog/teams.yaml", "catalog/systems/payments.yml", *CONFIG_NAMES,
                                  *(f"catalog/{n}" for n in CONFIG_NAMES)])
def test_the_hook_runs_for_catalog_files_and_for_every_config_name(path: str) -> None:
    assert HOOK["id"] == "ownership-validate" and HOOK["pass_filenames"] is False
    assert _runs(HOOK["files"], path)


@pytest.mark.parametrize("path", ["README.md", "src/catalog/x.yaml", "catalog/README.md", "my-ownership.yaml",
                                  "ops/catalog/teams.yaml", ".github/workflows/catalog-check.yml"])
def test_the_hook_does_not_run_for_other_files(path: str) -> None:
    assert not _runs(HOOK["files"], path)


def _documented_override() -> str:
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    section = text.split("## pre-commit", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block, "docs/configuration.md, pre-commit: no example"
    config = yaml.safe_load(block.group(1))
    [hook] = config["repos"][0]["hooks"]
    assert hook["id"] == HOOK["id"]
    files: str = hook["files"]
    return files


def test_the_documented_override_runs_the_hook_for_a_catalog_outside_catalog() -> None:
    files = _documented_override()
    assert _runs(files, "ops/catalog/systems/dns.yaml") and _runs(files, "ownership.yaml")
    assert not _runs(HOOK["files"], "ops/catalog/systems/dns.yaml")  # the reason an override is needed
    assert not _runs(files, "catalog/teams.yaml") and not _runs(files, "ops/catalog/README.md")


def test_the_documented_override_is_what_init_writes_for_that_folder() -> None:
    assert _documented_override() == hook_files("ops/catalog")
    assert hook_files("catalog") == HOOK["files"]  # the hook's own pattern is init's for catalog/
