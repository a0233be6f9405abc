"""A scan on two cores (issue 16, every core of one runner): a forked child scans half of the repositories and
derives its systems' numbers, and the answer is the one process's answer on repositories of every shape."""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from ownership.support import forked
from ownership.history import activity, git, scan
from ownership.history.repos import Source
from ownership.history.settings import HistorySettings, BUILTIN_BOTS
from ownership.history.state import RepoScan
from ownership.model import Activity, Catalog, Person, Repo, Roster, System
from tests.gitrepo import GitRepo, git as run_git
from tests.history.helpers import TODAY

SRC = str(Path(__file__).resolve().parents[2] / "src")
ALICE, BOB, CAROL = "Alice Nguyen <alice@acme.test>", "Bob Martin <bob@acme.test>", "Carol Diaz <carol@acme.test>"
BOT = "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"


def _repos(root: Path) -> dict[str, Path]:
    """Repositories of the shapes a catalog meets: shared and narrowed, renames, bots, a .mailmap, a subtree
    merge, a shallow clone, an empty one, and a path that is not there."""
    out: dict[str, Path] = {}
    mono = GitRepo.init(root / "mono")
    mono.commit({"src/a/x.py": "1\n", "src/b/y.py": "1\n", "README.md": "r\n"}, author=ALICE, date="2024-01-02")
    mono.commit({"src/a/x.py": "2\n"}, author=BOB, date="2024-03-04")
    mono.git("mv", "src/b/y.py", "src/a/y.py")
    mono.commit(author=CAROL, date="2024-05-06", message="move y into a")
    mono.commit({"src/b/z.py": "z\n"}, author=BOT, date="2024-11-30")
    out["mono"] = mono.path
    mapped = GitRepo.init(root / "mapped")
    mapped.commit({"app.py": "1\n", ".mailmap": "Alice Nguyen <alice@acme.test> <alice@old.example>\n"},
                  author="A. Nguyen <alice@old.example>", date="2023-02-01")
    mapped.commit({"app.py": "2\n"}, author=ALICE, date="2024-10-01")
    out["mapped"] = mapped.path
    for name, who in (("left", BOB), ("right", CAROL)):
        repo = GitRepo.init(root / name)
        for day in range(1, 4):
            repo.commit({f"{name}.py": f"{day}\n"}, author=who if day % 2 else ALICE, date=f"2024-0{day}-1{day}")
        out[name] = repo.path
    host = GitRepo.init(root / "host")
    host.commit({"Makefile": "host\n"}, author=ALICE, date="2024-01-01")
    lib = GitRepo.init(root / "lib")
    lib.commit({"Makefile": "lib\n", "lib.c": "c\n"}, author=CAROL, date="2023-06-01")
    host.git("fetch", "-q", str(lib.path), "main")
    host.git("merge", "-q", "-s", "ours", "--no-commit", "--allow-unrelated-histories", "FETCH_HEAD")
    host.git("read-tree", "--prefix=vendor/lib/", "-u", "FETCH_HEAD")
    host.commit(author=BOB, date="2024-02-01", message="subtree merge of lib")
    out["host"] = host.path
    shallow = root / "shallow"
    run_git(root, "clone", "-q", "--depth", "1", f"file://{mono.path}", str(shallow))
    out["shallow"] = shallow
    run_git(root, "init", "-q", str(root / "empty"))
    out["empty"] = root / "empty"
    out["missing"] = root / "not-there"
    return out


def _catalog(paths: dict[str, Path]) -> Catalog:
    def system(name: str, *repos_: tuple[str, tuple[str, ...]]) -> System:
        return System(name=name, owner="core", repos=tuple(Repo(str(paths[r]), p) for r, p in repos_))

    systems = [
        system("a", ("mono", ("src/a",))), system("b", ("mono", ("src/b",))), system("whole", ("mono", ())),
        system("mapped", ("mapped", ())), system("pair", ("left", ()), ("right", ())), system("right", ("right", ())),
        system("host", ("host", ())), system("vendored", ("host", ("vendor/lib",))),
        system("shallow", ("shallow", ())), system("empty", ("empty", ())), system("missing", ("missing", ())),
        system("gone-path", ("left", ("no/such/dir",))),
    ]
    return Catalog(systems={s.name: s for s in systems})


def _roster() -> Roster:
    people = (Person("1", ("alice@acme.test",), name="Alice Nguyen"),
              Person("2", ("bob@acme.test",), name="Bob Martin", active=False, end_date=dt.date(2024, 6, 30)),
              Person("3", ("carol@acme.test",), name="Carol Diaz"))
    return Roster(people=people)


def _settings(cache: Path, jobs: int = 2) -> HistorySettings:
    return HistorySettings(cache=cache, jobs=jobs, bots=BUILTIN_BOTS, protocols=("file",))


def _scan(catalog: Catalog, cache: Path, split: bool, monkeypatch: pytest.MonkeyPatch, roster: Roster | None,
          ) -> tuple[Activity, dict[Source, RepoScan], list[str], int]:
    monkeypatch.setattr(scan, "SPLIT_MIN_BYTES", 0 if split else 1 << 60)
    monkeypatch.setattr(scan, "SPLIT_MIN_COLD", 0 if split else 1 << 60)
    monkeypatch.setattr(forked, "available", lambda: True)  # pytest may run a thread of its own
    started: list[int] = []
    real = forked.start
    monkeypatch.setattr(forked, "start", lambda *a: started.append(1) or real(*a))
    warnings: list[str] = []
    ticks: list[int] = []
    act, scans = scan.scan_catalog(catalog, _settings(cache), TODAY, roster, warn=warnings.append,
                                   progress=lambda _s, total: ticks.append(total))
    assert len(started) == (1 if split else 0)  # the child really did half of the work
    assert len(set(ticks)) <= 1
    return act, scans, warnings, len(ticks)


def _without_state(scans: dict[Source, RepoScan]) -> dict[Source, RepoScan]:
    return {s: dataclasses.replace(r, state=None) for s, r in scans.items()}


def test_the_split_keeps_every_system_with_all_of_its_repositories_on_one_side(tmp_path: Path) -> None:
    paths = _repos(tmp_path)
    catalog = _catalog(paths)
    systems = scan.catalog_sources(catalog, {})
    requests: dict[Source, set[Any]] = {}
    for parts in systems.values():
        for source, scope in parts:
            requests.setdefault(source, set()).add(scope)
    halves = scan.split(systems, requests, tmp_path / "cache", min_bytes=0)
    assert halves is not None
    assert halves.here | halves.there == set(systems) and not halves.here & halves.there
    for name, parts in systems.items():
        sides = {source in halves.there_sources for source, _ in parts}
        assert sides == {name in halves.there}, name
    assert scan.split(systems, requests, tmp_path / "cache", min_bytes=1 << 40, min_cold=1 << 40) is None


def test_one_monorepo_read_by_every_system_is_not_split(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "mono")
    repo.commit({"a/x.py": "1\n", "b/y.py": "1\n"}, author=ALICE)
    systems = {name: [(Source(str(repo.path), False, str(repo.path)), (name,))] for name in ("a", "b")}
    requests = {systems["a"][0][0]: {("a",), ("b",)}}
    assert scan.split(systems, requests, tmp_path / "cache", min_bytes=0) is None


def test_two_processes_give_the_one_process_answer_cold_warm_and_incremental(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _repos(tmp_path / "r")
    catalog = _catalog(paths)
    roster = _roster()
    left = GitRepo(paths["left"])
    for run in ("cold", "warm", "incremental"):
        if run == "incremental":
            left.commit({"left.py": "new\n"}, author=CAROL, date="2024-12-01")
        one, one_scans, one_warned, one_ticks = _scan(catalog, tmp_path / "c-one", False, monkeypatch, roster)
        two, two_scans, two_warned, two_ticks = _scan(catalog, tmp_path / "c-two", True, monkeypatch, roster)
        assert two == one, run
        assert list(two.systems) == list(one.systems), run
        assert _without_state(two_scans) == _without_state(one_scans), run
        assert list(two_scans) == list(one_scans), run
        assert sorted(two_warned) == sorted(one_warned), run
        assert two_ticks == one_ticks == len([p for p in paths.values()]), run
    modes = {r.mode for r in two_scans.values()}
    assert {"incremental", "cached", "empty", "failed"} <= modes  # every path the scan takes was taken
    assert one.systems["a"].contributors and one.systems["missing"].unread


def test_a_child_that_dies_is_replaced_by_reading_its_half_here(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _repos(tmp_path / "r")
    catalog = _catalog(paths)
    one, _, _, _ = _scan(catalog, tmp_path / "c-one", False, monkeypatch, None)
    parent = os.getpid()
    real = activity.build

    def build(*args: Any, **kwargs: Any) -> Activity:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)  # the child dies mid-work, as out of memory would
        return real(*args, **kwargs)

    monkeypatch.setattr(activity, "build", build)
    two, _, warned, _ = _scan(catalog, tmp_path / "c-two", True, monkeypatch, None)
    assert two == one
    assert any("helper process ended without an answer (killed by signal 9)" in w for w in warned), warned


def test_an_error_in_the_child_stops_the_scan_as_it_would_in_one_process(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _repos(tmp_path / "r")
    catalog = _catalog(paths)
    parent = os.getpid()
    real = scan.scan_repo

    def scan_repo(*args: Any, **kwargs: Any) -> RepoScan:
        if os.getpid() != parent:
            raise git.GitMissing("git is not installed or not on PATH")
        return real(*args, **kwargs)

    monkeypatch.setattr(scan, "scan_repo", scan_repo)
    with pytest.raises(git.GitMissing, match="not installed"):
        _scan(catalog, tmp_path / "c", True, monkeypatch, None)


def test_messages_arrive_in_order_and_the_result_comes_back() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("forked work is Linux only")
    heard: list[Any] = []

    def task(send: forked.Send) -> dict[str, int]:
        for i in range(50):
            send(("tick", i))
        return {"pid": os.getpid()}

    child = forked.start(task, heard.append)
    result = child.result()
    assert heard == [("tick", i) for i in range(50)]
    assert result["pid"] == child.pid != os.getpid()


def test_a_child_that_exits_without_an_answer_is_reported_as_died() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("forked work is Linux only")
    child = forked.start(lambda send: os._exit(3), lambda _m: None)
    with pytest.raises(forked.Died, match="exit status 3"):
        child.result()


def test_a_child_outlives_no_parent_killed_by_sigkill(tmp_path: Path) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("forked work is Linux only")
    script = ("import os, sys, time\nfrom ownership.support import forked\n"
              "child = forked.start(lambda send: time.sleep(60), lambda m: None)\n"
              "print(child.pid, flush=True)\ntime.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": SRC})
    try:
        assert proc.stdout is not None
        pid = int(proc.stdout.readline())
        os.kill(pid, 0)  # alive
        proc.kill()
        proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _running(pid):
            time.sleep(0.05)
        if _running(pid):
            pytest.fail("the forked child outlived its killed parent")
    finally:
        proc.kill()


def _running(pid: int) -> bool:
    """Alive and not a zombie (a killed child waits for init to reap it)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rpartition(")")[2].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_state_folder_written_on_two_cores_is_the_one_written_by_one_process_and_merges_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _repos(tmp_path / "r")
    catalog = _catalog(paths)
    roster = _roster()
    outs = {}
    for name, split in (("one", False), ("two", True)):
        monkeypatch.setattr(scan, "SPLIT_MIN_BYTES", 0 if split else 1 << 60)
        monkeypatch.setattr(scan, "SPLIT_MIN_COLD", 0 if split else 1 << 60)
        monkeypatch.setattr(forked, "available", lambda: True)
        outs[name] = tmp_path / f"state-{name}"
        scan.scan_catalog(catalog, _settings(tmp_path / f"c-{name}"), TODAY, roster, state_out=outs[name])
    assert _tree(outs["two"]) == _tree(outs["one"])
    assert any(p.startswith("repos/") for p in _tree(outs["one"]))
    # the merge (--state, no git) on two cores, each process reading only its half's state files
    one, one_scans, _, _ = _scan_given(catalog, outs["one"], tmp_path / "m1", False, monkeypatch, roster)
    two, two_scans, _, _ = _scan_given(catalog, outs["one"], tmp_path / "m2", True, monkeypatch, roster)
    assert two == one and _without_state(two_scans) == _without_state(one_scans)
    assert {r.mode for r in one_scans.values()} >= {"cached", "empty", "failed"}


def _scan_given(catalog: Catalog, folder: Path, cache: Path, split: bool, monkeypatch: pytest.MonkeyPatch,
                roster: Roster | None) -> tuple[Activity, dict[Source, RepoScan], list[str], int]:
    from ownership.history import shards

    warnings: list[str] = []
    given = shards.read([str(folder)], warnings.append)
    assert all(g.state is None for g in given.values())  # read when needed, by the process that needs it
    monkeypatch.setattr(scan, "SPLIT_MIN_BYTES", 0 if split else 1 << 60)
    monkeypatch.setattr(scan, "SPLIT_MIN_COLD", 0 if split else 1 << 60)
    monkeypatch.setattr(forked, "available", lambda: True)
    act, scans = scan.scan_catalog(catalog, _settings(cache), TODAY, roster, warn=warnings.append, given=given)
    return act, scans, warnings, 0


def test_a_corrupt_state_file_read_by_the_child_is_a_warning_naming_it_and_history_unavailable(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _repos(tmp_path / "r")
    catalog = _catalog(paths)
    folder = tmp_path / "state"
    scan.scan_catalog(catalog, _settings(tmp_path / "c"), TODAY, state_out=folder)
    damaged = sorted((folder / "repos").glob("*.json"))
    for state_file in damaged:
        state_file.write_text("{not json")
    answers = {}
    started: list[int] = []
    real = forked.start
    monkeypatch.setattr(forked, "start", lambda *a: started.append(1) or real(*a))
    for split in (False, True):
        act, scans, warnings, _ = _scan_given(catalog, folder, tmp_path / f"c-{split}", split, monkeypatch, None)
        assert started == ([1] if split else [])  # the child read (and found damaged) its half
        assert sorted(w for w in warnings if "is corrupt (not JSON); its history is not used" in w) == sorted(
            w for w in warnings if any(str(f) in w for f in damaged))
        assert len([w for w in warnings if "its history is not used" in w]) == len(damaged)
        assert not any(r.mode == "cached" for r in scans.values())
        assert act.systems["a"].unread and "is corrupt (not JSON)" in act.systems["a"].unread[0][1]
        answers[split] = (act, _without_state(scans), sorted(warnings))
    assert answers[True] == answers[False]


def test_damaged_cache_files_read_by_the_child_are_warnings_naming_them_and_scanned_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _repos(tmp_path / "r")
    catalog = _catalog(paths)
    roster = _roster()
    answers = {}
    for name, split in (("one", False), ("two", True)):
        cache_dir = tmp_path / f"c-{name}"
        truth, _, _, _ = _scan(catalog, cache_dir, split, monkeypatch, roster)
        damaged = sorted((cache_dir / "history").glob("*.json"))
        for state_file in damaged:  # one byte of each: an e-mail's letter, a digit, a bracket
            raw = bytearray(state_file.read_bytes())
            raw[len(raw) // 2] ^= 0x01
            state_file.write_bytes(bytes(raw))
        act, scans, warned, _ = _scan(catalog, cache_dir, split, monkeypatch, roster)
        assert act == truth
        for state_file in damaged:
            (line,) = [w for w in warned if str(state_file) in w]
            assert line.startswith(f"the history cache {state_file} is corrupt (checksum mismatch); discarding it")
        assert {r.mode for r in scans.values()} == {"full", "empty", "failed"}  # none believed
        answers[name] = (act, _without_state(scans), sorted(warned))
    assert answers["two"][0] == answers["one"][0] and answers["two"][1] == answers["one"][1]
    assert [w.replace("c-two", "c-one") for w in answers["two"][2]] == answers["one"][2]


def test_a_child_killed_while_writing_its_answer_is_reported_as_died() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("forked work is Linux only")
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # a child that announces 1,000 bytes and dies after 10
        os.write(write_end, (1000).to_bytes(8, "little") + b"x" * 10)
        os._exit(0)
    os.close(write_end)
    child = forked.Child(pid, read_end, lambda _m: None)
    with pytest.raises(forked.Died):
        child.result()
