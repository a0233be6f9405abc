"""Every path in ownership.yaml means the same folder wherever the command runs: resolved against the file's
own folder, once, as an absolute path (issue 25, point 4). Before, `history: {cache: .ownership-cache/}`
next to the catalog cloned into `<cache>/clones/<cache>/clones/NAME.partial` and read 0 repositories."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from ownership import config as config_module
from ownership.cli import cli
from ownership.history import settings as history_settings
from ownership.inputs import source_of
from ownership.roster.settings import RosterSettings
from tests.gitrepo import GitRepo, git

SETTINGS = """\
catalog: systems/
roster: people/roster.csv
mailmap: people/.mailmap
history:
  cache: .ownership-cache/
  rewrite: {"https://git.acme.test/": mirrors/}
"""


def _config_seen_from(cwd: Path, path: str) -> config_module.Config:
    here = os.getcwd()
    os.chdir(cwd)
    try:
        return config_module.load(Path(path))
    finally:
        os.chdir(here)


def test_each_path_setting_resolves_against_the_files_folder_whatever_the_working_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "repo" / "catalog"
    folder.mkdir(parents=True)
    (folder / "ownership.yaml").write_text(SETTINGS)
    seen = [_config_seen_from(tmp_path / "repo", "catalog/ownership.yaml"),
            _config_seen_from(folder, "ownership.yaml"),
            _config_seen_from(tmp_path, str(folder / "ownership.yaml"))]
    for config in seen:
        # the working directory changes after loading: the answers do not
        monkeypatch.chdir(tmp_path)
        assert config.relative(config.get("catalog")) == str(folder / "systems")
        assert source_of(None, config) == str(folder / "people" / "roster.csv")
        assert RosterSettings.from_values(config.values, config.relative).mailmap == str(folder / "people" / ".mailmap")
        hs = history_settings.from_values(config.get("history"), config.relative)
        assert hs.cache == folder / ".ownership-cache"
        assert hs.rewrite == {"https://git.acme.test/": str(folder / "mirrors")}
    # URLs and absolute paths are left as written
    assert seen[0].relative("https://hr.acme.test/scim/v2") == "https://hr.acme.test/scim/v2"
    assert seen[0].relative(str(tmp_path)) == str(tmp_path)


def test_a_relative_history_cache_next_to_the_catalog_clones_once_into_that_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = GitRepo.init(tmp_path / "work")
    work.commit({"app.py": "x"}, date="2024-01-02")
    git(tmp_path, "clone", "-q", "--bare", str(work.path), str(tmp_path / "up.git"))
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    (catalog / "ownership.yaml").write_text("history: {cache: .ownership-cache/, protocols: [file]}\n")
    (catalog / "systems.yaml").write_text(
        "teams:\n  - name: t\n    members: [alice@acme.test]\n"
        f"systems:\n  - name: s\n    owner: t\n    repos:\n      - url: file://{tmp_path / 'up.git'}\n")
    monkeypatch.chdir(tmp_path)
    for args, cwd in ((["--catalog", "catalog/"], tmp_path), (["--catalog", "."], catalog)):
        monkeypatch.chdir(cwd)
        result = CliRunner().invoke(cli, ["scan", *args])
        assert result.exit_code == 0, result.output
        assert "history read for 1 of 1 repositories" in result.output + result.stderr
    clones = catalog / ".ownership-cache" / "clones"
    assert [p.name for p in clones.iterdir() if p.suffix == ".git"] == [next(clones.glob("up-*.git")).name]
    assert not list(clones.rglob("clones/*/clones")) and not (clones / "catalog").exists()
    assert not list(tmp_path.rglob("*.partial"))
