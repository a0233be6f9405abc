"""The streaming git runner (errors, early stop) and the `history:` settings of ownership.yaml."""
from __future__ import annotations

from pathlib import Path

import pytest

from ownership.config import ConfigError
from ownership.config import load as load_config
from ownership.history import git, gitlog, settings
from tests.gitrepo import GitRepo


def test_a_failing_git_command_raises_git_error_with_gits_reason(tmp_path: Path) -> None:
    GitRepo.init(tmp_path / "r")
    with pytest.raises(git.GitError, match="bad revision|unknown revision"):
        list(git.stream(tmp_path / "r", "log", "no-such-ref"))


def test_stopping_early_kills_git_instead_of_waiting_for_it(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit({"a": "x" * 200_000})
    chunks = git.stream(repo.path, "cat-file", "-p", "HEAD:a", chunk=1024)
    first = next(chunks)
    assert first.startswith(b"x")
    chunks.close()  # must return promptly and leave no git process behind


def test_redact_hides_credentials_in_urls() -> None:
    assert git.redact("fatal: https://bot:tok3n@git.test/x.git not found") == \
        "fatal: https://***@git.test/x.git not found"


@pytest.mark.parametrize("name,email,expected", [
    ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com", True),
    ("renovate[bot]", "bot@renovateapp.com", True),
    ("github-actions", "41898282+github-actions[bot]@users.noreply.github.com", True),
    ("GitHub Action", "action@github.com", True),
    ("Alice", "alice@acme.test", False),
    ("Robert Botham", "robert@acme.test", False),
])
def test_builtin_bot_patterns(name: str, email: str, expected: bool) -> None:
    assert settings.bot_matcher(settings.BUILTIN_BOTS)(name, email) is expected


def test_bot_patterns_treat_only_star_as_a_wildcard() -> None:
    is_bot = settings.bot_matcher(["ci.robot+*@acme.test"])
    assert is_bot("CI", "ci.robot+deploy@acme.test")
    assert not is_bot("CI", "cixrobot+deploy@acme.test")


@pytest.mark.parametrize("text,message", [
    ("history: [1]\n", "history must be a mapping"),
    ("history:\n  window: [90]\n", "unknown history setting 'window'"),
    ("history:\n  windows: []\n", "history.windows"),
    ("history:\n  jobs: 0\n", "history.jobs"),
    ("history:\n  bots: bot\n", "history.bots"),
    ("history:\n  rewrite: {a: 3}\n", "history.rewrite"),
])
def test_bad_history_settings_are_reported_with_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "ownership.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}:")


def test_settings_resolve_paths_against_the_config_file(tmp_path: Path) -> None:
    path = tmp_path / "ownership.yaml"
    path.write_text('history:\n  windows: [365, 30]\n  jobs: 3\n  cache: .c\n  rewrite:\n'
                    '    "https://git.acme.test/": mirror/\n    "git@old:": "https://new.test/"\n')
    config = load_config(path)
    hs = settings.from_values(config.get("history"), config.relative)
    assert hs.windows == (30, 365) and hs.jobs == 3
    assert hs.cache == tmp_path / ".c"
    assert hs.rewrite == {"https://git.acme.test/": str(tmp_path / "mirror/"), "git@old:": "https://new.test/"}
    assert settings.jobs(None, hs) == 3 and settings.jobs(5, hs) == 5


def test_git_variables_exported_by_a_hook_do_not_redirect_the_scan(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit({"a": "1"}, author="Alice <alice@acme.test>")
    other = GitRepo.init(tmp_path / "other")
    other.commit({"b": "1"}, author="Bob <bob@acme.test>")
    monkeypatch.setenv("GIT_DIR", str(other.path / ".git"))  # what a git hook running elsewhere exports
    monkeypatch.setenv("GIT_INDEX_FILE", str(other.path / ".git" / "index"))
    assert git.run(repo.path, "rev-parse", "--absolute-git-dir").strip() == str(repo.path / ".git")
    names = {c.name for c in gitlog.log(repo.path)}
    assert names == {"Alice"}


def test_a_failed_stream_names_the_git_command_not_its_config_options(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit({"a.py": "1\n"})
    with pytest.raises(git.GitError, match=r"^git log: fatal: ") as caught:
        list(git.stream(repo.path, "-c", "diff.renameLimit=1000", "log", "no-such-ref"))
    assert "git -c" not in str(caught.value)
