"""The streaming `git log` parser, on real repositories and on every way the stream can be chunked."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ownership.history import git, gitlog
from tests.gitrepo import GitRepo


def _odd_repo(root: Path) -> GitRepo:
    repo = GitRepo.init(root)
    repo.commit({"a b.txt": "one\n", b"caf\xe9-\xff.bin": b"\x00\x01", "dir/x.py": "x\n"},
                author="Alice <alice@acme.test>", date="2024-01-01")
    repo.rename("a b.txt", "c d.txt", author="Bob <bob@acme.test>", date="2024-01-02")
    repo.commit(author="Carol <carol@acme.test>", date="2024-01-03", message="empty")
    repo.commit({"dir/x.py": None}, author="Bob <bob@acme.test>", date="2024-01-04")
    return repo


def test_log_reads_adds_renames_deletes_and_empty_commits_newest_first(tmp_path: Path) -> None:
    repo = _odd_repo(tmp_path / "r")
    commits = list(gitlog.log(repo.path))
    assert [c.name for c in commits] == ["Bob", "Carol", "Bob", "Alice"]
    assert commits[0].changes == [gitlog.Change("D", "dir/x.py")]
    assert commits[1].changes == []
    assert commits[2].changes == [gitlog.Change("R", "c d.txt", "a b.txt")]
    assert sorted(commits[3].changes) == sorted([
        gitlog.Change("A", "a b.txt"), gitlog.Change("A", "caf\udce9-\udcff.bin"), gitlog.Change("A", "dir/x.py")])
    assert commits[3].time == 1704110400  # 2024-01-01T12:00:00Z
    assert commits[2].sha == git.run(repo.path, "rev-parse", "HEAD~2").strip()


def test_undecodable_file_names_round_trip_to_the_same_bytes(tmp_path: Path) -> None:
    repo = _odd_repo(tmp_path / "r")
    names = {c.path for commit in gitlog.log(repo.path) for c in commit.changes}
    raw = {n.encode("utf-8", "surrogateescape") for n in names}
    assert b"caf\xe9-\xff.bin" in raw


def test_merge_commits_are_left_out(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit({"a": "1"}, date="2024-01-01")
    repo.branch("feature")
    repo.commit({"b": "1"}, author="Bob <bob@acme.test>", date="2024-01-02")
    repo.checkout("main")
    repo.commit({"c": "1"}, date="2024-01-03")
    repo.merge("feature", date="2024-01-04")
    commits = list(gitlog.log(repo.path))
    assert len(commits) == 3
    assert "merge feature" not in {git.run(repo.path, "log", "-1", "--format=%s", c.sha).strip() for c in commits}


def test_an_incremental_range_reads_only_the_new_commits(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    old = repo.commit({"a": "1"}, date="2024-01-01")
    repo.commit({"a": "2"}, date="2024-01-02")
    new = repo.commit({"b": "1"}, date="2024-01-03")
    commits = list(gitlog.log(repo.path, since=old, head=new))
    assert [c.changes for c in commits] == [[gitlog.Change("A", "b")], [gitlog.Change("M", "a")]]


@pytest.fixture(scope="module")
def raw_log(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    repo = _odd_repo(tmp_path_factory.mktemp("gitlog") / "r")
    for i in range(5):
        repo.commit({f"f{i}.txt": f"{i}\n", "a b.txt": f"again {i}\n"}, date=f"2024-02-0{i + 1}")
    return git.output(repo.path, "log", *gitlog.OPTIONS)


@settings(max_examples=60, deadline=None)
@given(cuts=st.lists(st.integers(min_value=0, max_value=4000), max_size=40))
def test_parsing_does_not_depend_on_where_the_stream_is_cut(raw_log: bytes, cuts: list[int]) -> None:
    points = sorted({c % (len(raw_log) + 1) for c in cuts})
    chunks = [raw_log[a:b] for a, b in zip([0, *points], [*points, len(raw_log)])]
    assert list(gitlog.parse(chunks)) == list(gitlog.parse([raw_log]))


def test_one_byte_chunks_parse_like_one_big_chunk(raw_log: bytes) -> None:
    whole = list(gitlog.parse([raw_log]))
    assert len(whole) == 9
    assert list(gitlog.parse(raw_log[i:i + 1] for i in range(len(raw_log)))) == whole
