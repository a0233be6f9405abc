"""The scanner agrees with git's own answers (`git log -1 --format=%at -- PATH`, `git shortlog -sne -- PATH`)
on a generated history with several authors, renames, deletions and merged branches."""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest

from ownership.history.settings import BUILTIN_BOTS, bot_matcher
from tests.gitrepo import GitRepo, git
from tests.history.helpers import system_activity

AUTHORS = ["Alice <alice@acme.test>", "Bob <bob@acme.test>", "Carol <carol@acme.test>",
           "Dan <dan@acme.test>", "renovate[bot] <bot@renovateapp.com>"]
DIRS = ["src/api", "src/web", "docs", "tools"]
SCOPES = [[], ["src/api"], ["src"], ["docs", "tools/"], ["README.md"]]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> GitRepo:
    rng = random.Random(4)
    repo = GitRepo.init(tmp_path_factory.mktemp("against") / "repo")
    day = dt.date(2024, 1, 1)
    files = ["README.md"]
    repo.commit({"README.md": "hello\n"}, author=AUTHORS[0], date=day.isoformat())
    for i in range(36):
        day += dt.timedelta(days=rng.randint(1, 9))
        author = rng.choice(AUTHORS)
        if i in (12, 24):  # a feature branch with two commits, merged with a merge commit
            repo.branch(f"feature{i}")
            for j in range(2):
                repo.commit({f"src/web/feature{i}_{j}.js": f"{j}\n"}, author=AUTHORS[3], date=day.isoformat())
                day += dt.timedelta(days=1)
            repo.checkout("main")
            repo.commit({"docs/changelog.md": f"{i}\n"}, author=AUTHORS[1], date=day.isoformat())
            day += dt.timedelta(days=1)
            repo.merge(f"feature{i}", author=AUTHORS[0], date=day.isoformat())
            continue
        action = rng.random()
        if action < 0.1 and len(files) > 3:
            old = rng.choice(files[1:])
            new = f"{rng.choice(DIRS)}/moved_{i}.txt"
            repo.rename(old, new, author=author, date=day.isoformat())
            files[files.index(old)] = new
        elif action < 0.15 and len(files) > 3:
            gone = rng.choice(files[1:])
            repo.commit({gone: None}, author=author, date=day.isoformat())
            files.remove(gone)
        else:
            changes = {}
            for _ in range(rng.randint(1, 3)):
                if rng.random() < 0.4 or len(files) < 3:
                    path = f"{rng.choice(DIRS)}/file_{i}_{len(files)}.txt"
                    files.append(path)
                else:
                    path = rng.choice(files)
                changes[path] = f"{i} {rng.random()}\n" * 3
            repo.commit(changes, author=author, date=day.isoformat())
    return repo


def _limit(paths: list[str], repo: GitRepo | None = None) -> list[str]:
    """With paths, git's history simplification already hides merges that brought nothing of their own; for
    the whole repository, --no-merges says what the scanner does by design (a merge's changes belong to the
    commits it merges, so they are never counted twice).

    Issue 13 item 9: a narrowed system's history follows its files' renames, so the paths are the scope plus
    every older name of the files under it at HEAD (`git log --follow`; every name in this history is unique,
    so an older name means only that file)."""
    if not paths:
        return ["--no-merges"]
    names: set[str] = set()
    if repo is not None:
        for f in git(repo.path, "ls-tree", "-r", "--name-only", "HEAD", "--", *paths).split():
            names |= set(git(repo.path, "log", "--follow", "--name-only", "--format=", "--", f).split())
    return ["--", *paths, *sorted(names - set(paths))]


def _git_last(repo: GitRepo, paths: list[str]) -> int:
    return int(git(repo.path, "log", "-1", "--format=%at", *_limit(paths, repo)).strip())


def _git_last_human(repo: GitRepo, paths: list[str]) -> int:
    is_bot = bot_matcher(BUILTIN_BOTS)
    for line in git(repo.path, "log", "--format=%at%x00%aN%x00%aE", *_limit(paths, repo)).splitlines():
        when, name, email = line.split("\0")
        if not is_bot(name, email):
            return int(when)
    raise AssertionError("no human commit")


def _git_shortlog(repo: GitRepo, paths: list[str], since: str | None = None) -> dict[str, int]:
    args = ["shortlog", "-sne", *([f"--since={since}"] if since else []), "HEAD", *_limit(paths, repo)]
    out = {}
    for line in git(repo.path, *args).splitlines():
        count, ident = line.strip().split("\t")
        out[ident.rsplit("<", 1)[1].rstrip(">").lower()] = int(count)
    return out


@pytest.mark.parametrize("paths", SCOPES, ids=lambda p: ",".join(p) or "whole-repo")
def test_last_commit_and_last_human_commit_match_git_log(history: GitRepo, tmp_path: Path, paths: list[str]) -> None:
    sa = system_activity(history.path, tmp_path / "cache", paths)
    assert sa.last_commit is not None and sa.last_human_commit is not None
    assert int(sa.last_commit.when.timestamp()) == _git_last(history, paths)
    assert int(sa.last_human_commit.when.timestamp()) == _git_last_human(history, paths)


@pytest.mark.parametrize("paths", SCOPES, ids=lambda p: ",".join(p) or "whole-repo")
def test_commit_counts_per_author_match_git_shortlog(history: GitRepo, tmp_path: Path, paths: list[str]) -> None:
    sa = system_activity(history.path, tmp_path / "cache", paths)
    ours = {c.key: c.total_commits for c in sa.contributors}
    assert ours == _git_shortlog(history, paths)


def test_window_counts_match_git_shortlog_since(history: GitRepo, tmp_path: Path) -> None:
    last = dt.datetime.fromtimestamp(_git_last(history, []), dt.timezone.utc).date()
    today = last + dt.timedelta(days=10)
    sa = system_activity(history.path, tmp_path / "cache", [], today=today, windows=(60,))
    # "within the last 60 days" = dates after today - 60 days (commits are at noon UTC)
    since = f"{(today - dt.timedelta(days=60)).isoformat()}T23:59:59Z"
    expected = _git_shortlog(history, [], since=since)
    assert {c.key: c.commits[60] for c in sa.contributors if c.commits[60]} == expected


def test_files_are_exactly_those_at_head(history: GitRepo, tmp_path: Path) -> None:
    sa = system_activity(history.path, tmp_path / "cache", ["src"])
    listed = git(history.path, "ls-tree", "-r", "--name-only", "HEAD", "--", "src").splitlines()
    assert sorted(f.path for f in sa.files) == sorted(listed)
