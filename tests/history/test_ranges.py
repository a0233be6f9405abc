"""A large history read as two commit ranges at once (history/ranges.py) gives exactly the single walk's state,
author ids included, and the same activity numbers; where it could not, the scan reads one range instead."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from ownership.history import activity, ranges, scan
from ownership.history.settings import BUILTIN_BOTS, bot_matcher
from ownership.history.state import RepoScan, Scope, normalise_paths
from tests.gitrepo import GitRepo
from tests.history.helpers import TODAY, source

ALICE, BOB, CAROL = "Alice <alice@acme.test>", "Bob <bob@acme.test>", "Carol <carol@acme.test>"


@pytest.fixture(autouse=True)
def _split_small_histories(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Every history is split (however small, on any machine); returns whether each join was taken."""
    monkeypatch.setattr(ranges, "MIN_COMMITS", 0)
    monkeypatch.setattr(ranges, "WHOLE_ONLY", False)  # the join's checks for narrowed scopes are tested too
    monkeypatch.setattr(ranges.os, "cpu_count", lambda: 2)
    joins: list[bool] = []
    judge = ranges._joinable

    def noted(*args: object) -> bool:
        joins.append(judge(*args))  # type: ignore[arg-type]
        return joins[-1]

    monkeypatch.setattr(ranges, "_joinable", noted)
    return joins


def _both(path: Path, tmp: Path, *scopes: tuple[str, ...]) -> tuple[RepoScan, RepoScan]:
    wanted = {normalise_paths(s) for s in scopes} or {()}
    ranged = scan.scan_repo(source(path), wanted, tmp / "c-ranged", lambda _: None)
    ranges.ENABLED = False
    try:
        single = scan.scan_repo(source(path), wanted, tmp / "c-single", lambda _: None)
    finally:
        ranges.ENABLED = True
    assert ranged.state is not None and single.state is not None
    assert ranged.state.to_json() == single.state.to_json()
    assert ranged.new_commits == single.new_commits
    for scope in wanted:
        assert _numbers(ranged, scope) == _numbers(single, scope)
    return ranged, single


def _numbers(scanned: RepoScan, scope: Scope) -> object:
    act = activity.build({"svc": [(scanned.source, scope)]}, {scanned.source: scanned}, TODAY, (90, 365),
                         bot_matcher(BUILTIN_BOTS), None)
    return act.systems["svc"]


def test_a_linear_history_with_renames_and_a_re_created_file_across_the_split_joins_exactly(
        tmp_path: Path, _split_small_histories: list[bool]) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit({"a.py": "1\n", "b.py": "1\n", "gone.py": "1\n"}, author=ALICE, date="2024-01-01")
    repo.commit({"a.py": "2\n"}, author=BOB, date="2024-01-02")
    repo.rename("b.py", "src/b.py", author=CAROL, date="2024-01-03")
    repo.commit({"gone.py": None}, author=BOB, date="2024-01-04")
    repo.commit({"src/b.py": "2\n"}, author=ALICE, date="2024-01-05")
    repo.rename("src/b.py", "src/c.py", author=BOB, date="2024-01-06")  # the split is about here
    repo.commit({"gone.py": "again\n"}, author=CAROL, date="2024-01-07")
    repo.commit({"a.py": "3\n", "src/c.py": "3\n"}, author=CAROL, date="2024-01-08")
    repo.rename("a.py", "main.py", author=ALICE, date="2024-01-09")
    _both(repo.path, tmp_path, (), ("src",))
    assert _split_small_histories == [True]


def test_branches_forking_before_and_after_the_split_join_exactly(
        tmp_path: Path, _split_small_histories: list[bool]) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit({"core.c": "1\n", "doc.txt": "1\n"}, author=ALICE, date="2024-01-01")
    repo.branch("early")  # forks well before the split, merged well after it
    repo.commit({"early.c": "e\n"}, author=BOB, date="2024-01-02")
    repo.checkout("main")
    for day in range(3, 9):
        repo.commit({"core.c": f"{day}\n"}, author=ALICE if day % 2 else CAROL, date=f"2024-01-{day:02d}")
    repo.checkout("early")
    repo.commit({"early.c": "e2\n", "doc.txt": "e\n"}, author=BOB, date="2024-01-05")  # dated among older ones
    repo.checkout("main")
    repo.branch("late")
    repo.commit({"late.c": "l\n"}, author=CAROL, date="2024-01-10")
    repo.checkout("main")
    repo.merge("early", author=ALICE, date="2024-01-11")
    repo.commit({"core.c": "12\n"}, author=BOB, date="2024-01-12")
    repo.merge("late", author=ALICE, date="2024-01-13")
    _both(repo.path, tmp_path, (), ("core.c", "early.c"))
    assert _split_small_histories == [True]


def test_a_side_branch_renaming_a_file_the_older_range_still_changes_falls_back_to_one_walk(
        tmp_path: Path, _split_small_histories: list[bool]) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit({"old.c": "1\n", "x.c": "1\n"}, author=ALICE, date="2024-01-01")
    repo.branch("mover")
    repo.rename("old.c", "new.c", author=BOB, date="2024-01-02")
    repo.checkout("main")
    for day in range(3, 10):  # the main line keeps changing old.c after the side branch renamed it
        repo.commit({"old.c": f"{day}\n", "x.c": f"{day}\n"}, author=CAROL, date=f"2024-01-{day:02d}")
    repo.git("merge", "-q", "--no-ff", "-m", "merge", "mover", date="2024-01-11")
    for day in range(12, 14):
        repo.commit({"x.c": f"{day}\n"}, author=ALICE, date=f"2024-01-{day:02d}")
    _both(repo.path, tmp_path)
    assert _split_small_histories == [False]


def test_a_subtree_merge_with_a_second_root_joins_exactly(tmp_path: Path,
                                                         _split_small_histories: list[bool]) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit({"Makefile": "all:\n", "git.c": "int main;\n"}, author=ALICE, date="2005-04-07")
    repo.commit({"Makefile": "all: git\n"}, author=ALICE, date="2005-05-01")
    repo.git("checkout", "--orphan", "subtree")
    repo.git("rm", "-rf", "-q", ".")
    repo.commit({"Makefile": "subtree:\n", "git-subtree.sh": "#!/bin/sh\n"}, author=BOB, date="2009-04-24")
    repo.commit({"Makefile": "subtree: sh\n"}, author=BOB, date="2009-05-01")
    repo.checkout("main")
    repo.commit({"git.c": "int main(void);\n"}, author=CAROL, date="2009-06-01")
    repo.git("merge", "-s", "ours", "--no-commit", "--allow-unrelated-histories", "subtree", date="2010-01-01")
    repo.git("read-tree", "--prefix=contrib/subtree/", "-u", "subtree")
    repo.git("commit", "-q", "-m", "Merge git-subtree", date="2010-01-01")
    for year in range(2011, 2016):
        repo.commit({"Makefile": f"all: {year}\n", "contrib/subtree/Makefile": f"{year}\n"}, author=CAROL,
                    date=f"{year}-01-01")
    ranged, _ = _both(repo.path, tmp_path, (), ("contrib",))
    assert _split_small_histories == [True]
    assert ranged.state is not None
    bob = ranged.state.author_ids[("Bob", "bob@acme.test")]
    assert bob not in ranged.state.files["Makefile"].deliveries  # the other root's Makefile is another file


def test_a_file_renamed_into_a_system_across_the_split_falls_back_to_one_walk(
        tmp_path: Path, _split_small_histories: list[bool]) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit({"lib/x.py": "1\n", "app/y.py": "1\n"}, author=ALICE, date="2024-01-01")
    for day in range(2, 8):
        repo.commit({"lib/x.py": f"{day}\n"}, author=BOB, date=f"2024-01-{day:02d}")
    repo.rename("lib/x.py", "app/x.py", author=CAROL, date="2024-01-08")
    for day in range(9, 12):
        repo.commit({"app/y.py": f"{day}\n"}, author=ALICE, date=f"2024-01-{day:02d}")
    ranged, _ = _both(repo.path, tmp_path, ("app",))
    assert _split_small_histories == [False]
    assert ranged.state is not None and ranged.state.files["app/x.py"].changes == 7


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_random_histories_with_branches_across_the_split_equal_one_walk(tmp_path: Path, seed: int,
                                                                       _split_small_histories: list[bool]) -> None:
    rng = random.Random(seed)
    repo = GitRepo.init(tmp_path / "r")
    people = [ALICE, BOB, CAROL]
    live = ["a.txt"]
    repo.commit({"a.txt": "0\n"}, author=ALICE, date="2024-01-01")
    open_branch: tuple[str, list[str]] | None = None
    for i in range(1, 40):
        day = f"2024-{2 + i // 28:02d}-{1 + i % 28:02d}"
        who = rng.choice(people)
        roll = rng.random()
        if open_branch is None and roll < 0.1:
            open_branch = (f"b{i}", [])
            repo.branch(f"b{i}")
            repo.checkout("main")
        elif open_branch is not None and roll < 0.25:  # work on the side branch, dated among the main line's
            name, made = open_branch
            repo.checkout(name)
            path = rng.choice(live) if rng.random() < 0.3 and live else f"side/s{i}.txt"
            repo.commit({path: f"side {i}\n"}, author=who, date=day)
            made.append(path)
            repo.checkout("main")
        elif open_branch is not None and roll < 0.32:
            repo.git("merge", "-q", "--no-ff", "-X", "theirs", "-m", "merge", open_branch[0], date=day)
            live = sorted(set(live) | set(open_branch[1]))
            open_branch = None
        elif roll < 0.45 and len(live) > 2:
            old = live.pop(rng.randrange(len(live)))
            new = f"d{i % 3}/moved{i}.txt"
            repo.rename(old, new, author=who, date=day)
            live.append(new)
        elif roll < 0.52 and len(live) > 2:
            repo.commit({live.pop(rng.randrange(len(live))): None}, author=who, date=day)
        else:
            path = rng.choice(live) if rng.random() < 0.6 else f"d{i % 3}/f{i}.txt"
            if path not in live:
                live.append(path)
            repo.commit({path: f"{i} {rng.random()}\n"}, author=who, date=day)
    _both(repo.path, tmp_path / "whole")
    assert _split_small_histories == [True]
    # narrowed systems: renames across the split move files into and out of them, so most of these fall back
    _both(repo.path, tmp_path / "narrowed", ("d0",), ("d1", "side"))


def test_a_repository_a_system_narrows_to_paths_is_read_in_one_walk(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ranges, "WHOLE_ONLY", True)  # as shipped (the autouse fixture lifts it for the others)
    tried: list[object] = []
    monkeypatch.setattr(ranges, "scan", lambda *a, **k: tried.append(a) or None)
    repo = tmp_path / "r"
    run_git = __import__("subprocess").run
    run_git(["git", "init", "-q", str(repo)], check=True)
    (repo / "a").mkdir()
    (repo / "a" / "f").write_text("x\n")
    env = {"GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
           "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@x.test", "GIT_COMMITTER_NAME": "A",
           "GIT_COMMITTER_EMAIL": "a@x.test", "PATH": __import__("os").environ["PATH"], "HOME": str(tmp_path)}
    for i in range(4):  # a first-parent line with commits between root and head: somewhere to split
        (repo / "a" / "f").write_text(f"{i}\n")
        run_git(["git", "-C", str(repo), "add", "."], check=True, env=env)
        run_git(["git", "-C", str(repo), "commit", "-qm", f"c{i}"], check=True, env=env)
    scanned = scan.scan_repo(source(repo), {normalise_paths(["a"])}, tmp_path / "c", lambda _: None)
    assert scanned.state is not None and tried == []  # narrowed: never split
    scan.scan_repo(source(repo), {()}, tmp_path / "c2", lambda _: None)
    assert len(tried) == 1  # whole repository: the split is tried



@pytest.mark.parametrize("scope", [(), ("a",), ("a", "b/c"), ("a/x",), ("ab",)])
def test_scoped_keeps_exactly_the_paths_in_scope(scope: tuple[str, ...]) -> None:
    from ownership.history.state import in_scope, scoped

    paths = ["a", "a/x", "a/x/y", "ab", "ab/c", "b/c", "b/c/d", "b/cd", "c", "a/xy", "b"]
    assert scoped(paths, scope) == [p for p in paths if in_scope(p, scope)]
