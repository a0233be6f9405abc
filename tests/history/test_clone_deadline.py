"""Issue 24, point 5: a git server that sends only progress messages cannot hold `scan`: `remote:` progress does
not count as an answer (history.stall), and every clone and fetch has an overall deadline (history.deadline),
after which the repository is history-unavailable with the reason."""
from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import pytest

from ownership.history import git, repos
from ownership.history.repos import Source
from ownership.history.settings import HistorySettings, check, from_values
from tests.gitrepo import GitRepo
from tests.gitrepo import git as run_git
from tests.security import attack
from tests.security.gitserver import GitServer, serving

TRICKLE = 30.0  # the server gives up after this long: a regression fails the time check instead of hanging
AUTH = base64.b64encode(b"deploy:t0ken-x").decode()


def _served(tmp: Path) -> Path:
    origin = GitRepo.init(tmp / "origin")
    origin.commit({"src/ledger.py": "1\n"}, date="2024-01-02")
    bare = tmp / "srv" / "ledger.git"
    bare.parent.mkdir()
    run_git(tmp, "clone", "-q", "--bare", str(origin.path), str(bare))
    run_git(bare, "config", "uploadpack.allowFilter", "true")
    return bare


def _materialise(url: str, cache: Path, transport: git.Transport) -> tuple[float, str]:
    started = time.monotonic()
    with pytest.raises(git.GitStopped) as caught:
        repos.materialise(Source(url, True, url), cache, lambda _: None, transport)
    return time.monotonic() - started, str(caught.value)


def test_a_server_that_sends_only_progress_is_stopped_after_the_stall_time(tmp_path: Path) -> None:
    _served(tmp_path)
    with serving(GitServer(tmp_path / "srv", AUTH, trickle=TRICKLE)) as srv:
        url = srv.url.replace("http://", "http://deploy:t0ken-x@") + "/ledger.git"
        took, message = _materialise(url, tmp_path / "cache", git.Transport(("http",), 2))
    assert took < 12, f"the progress trickle held the clone for {took:.0f} s"
    assert message == "git clone: no answer from the remote for 2 s (history.stall); stopped"
    assert not list((tmp_path / "cache" / "clones").glob("*.git"))


def test_every_clone_and_fetch_stops_at_the_deadline_whatever_the_server_sends(tmp_path: Path) -> None:
    _served(tmp_path)
    transport = git.Transport(("http",), 100, deadline=3)
    cache = tmp_path / "cache"
    with serving(GitServer(tmp_path / "srv", AUTH)) as srv:
        url = srv.url.replace("http://", "http://deploy:t0ken-x@") + "/ledger.git"
        repos.materialise(Source(url, True, url), cache, lambda _: None, transport)  # a clone in time
        srv.trickle = TRICKLE  # from now on, progress only
        run_git(tmp_path / "origin", "commit", "-q", "--allow-empty", "-m", "later")  # something to fetch
        run_git(tmp_path / "srv" / "ledger.git", "fetch", "-q", str(tmp_path / "origin"), "+refs/heads/*:refs/heads/*")
        for step in ("fetch", "clone"):
            if step == "clone":
                (clone,) = (cache / "clones").glob("*.git")
                repos.clonecheck.remove(clone)
            took, message = _materialise(url, cache, transport)
            assert took < 12, f"the {step} ran for {took:.0f} s"
            assert message == f"git {step}: not finished after 3 s (history.deadline); stopped"


def test_scan_reports_history_unavailable_with_the_deadline_as_its_reason(tmp_path: Path) -> None:
    _served(tmp_path)
    org = tmp_path / "org"
    (org / "catalog").mkdir(parents=True)
    with serving(GitServer(tmp_path / "srv", AUTH, trickle=TRICKLE)) as srv:
        host = srv.url.removeprefix("http://")
        (org / "catalog" / "c.yaml").write_text(
            "teams:\n  - name: payments\nsystems:\n  - name: ledger\n    owner: payments\n"
            f"    repos: [{{url: 'http://deploy:t0ken-x@{host}/ledger.git'}}]\n"
            f"  - name: books\n    owner: payments\n    repos: [{{url: '{tmp_path / 'origin'}'}}]\n")
        (org / "ownership.yaml").write_text(
            f"history: {{protocols: [http, file], cache: {tmp_path / 'cache'}, stall: 100, deadline: 3}}\n")
        started = time.monotonic()
        run = attack.ownership(org, "scan", "--format", "json", "--today", "2024-12-31", timeout=60)
        took = time.monotonic() - started
    assert took < 20 and run.returncode == 0, run.stderr
    systems = {s["name"]: s for s in json.loads(run.stdout)["systems"]}
    assert "not finished after 3 s (history.deadline)" in json.dumps(systems["ledger"]["problems"]), systems
    assert systems["books"]["files"] == 1
    assert "t0ken-x" not in run.stdout + run.stderr


def test_history_deadline_is_a_positive_number_of_seconds() -> None:
    assert from_values({"deadline": 90}, str).transport.deadline == 90
    assert HistorySettings().transport.deadline == git.DEADLINE_SECONDS
    for bad in (0, -1, "1h", True, float("inf")):
        (problem,) = check({"deadline": bad})
        assert problem.message == "history.deadline must be a positive number of seconds"


def test_the_lazy_blob_fetch_of_a_scan_stops_at_the_deadline(tmp_path: Path) -> None:
    """`git log -M` on our blobless clone fetches the blobs an edited rename needs from the remote: that fetch
    has the same deadline, and the repository is history-unavailable with the reason."""
    origin = GitRepo.init(tmp_path / "origin")
    origin.commit({"src/ledger.py": "".join(f"line {i}\n" for i in range(200))}, date="2024-01-02")
    origin.commit({"src/ledger.py": None, "src/books.py": "".join(f"line {i}\n" for i in range(199)) + "x\n"},
                  date="2024-02-02")
    bare = tmp_path / "srv" / "ledger.git"
    bare.parent.mkdir()
    run_git(tmp_path, "clone", "-q", "--bare", str(origin.path), str(bare))
    run_git(bare, "config", "uploadpack.allowFilter", "true")
    run_git(bare, "config", "uploadpack.allowAnySHA1InWant", "true")  # a blob by id, in protocol v0 too
    transport = git.Transport(("http",), 100, deadline=3)
    with serving(GitServer(tmp_path / "srv", AUTH)) as srv:
        url = srv.url.replace("http://", "http://deploy:t0ken-x@") + "/ledger.git"
        source = Source(url, True, url)
        clone = repos.materialise(source, tmp_path / "cache", lambda _: None, transport)
        srv.trickle = TRICKLE  # the blobs are asked for from now on: progress only
        started = time.monotonic()
        with pytest.raises(git.GitStopped) as caught:
            b"".join(git.stream(clone, "log", "-M", "--name-status", "--format=%H", "HEAD"))
        took = time.monotonic() - started
    assert took < 12, f"the lazy fetch held `git log` for {took:.0f} s"
    assert str(caught.value) == "git log: not finished after 3 s (history.deadline); stopped"
