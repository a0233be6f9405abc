"""The scan cache: reused when nothing changed, extended with only new commits, rebuilt when it cannot be
trusted (corrupt, foreign, history rewritten, .mailmap changed)."""
from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from ownership.history import cache
from ownership.history.state import RepoState
from tests.gitrepo import GitRepo, git
from tests.history.helpers import scan_one

ALICE, BOB = "Alice <alice@acme.test>", "Bob <bob@acme.test>"


def _repo(path: Path) -> GitRepo:
    repo = GitRepo.init(path)
    repo.commit({"src/a.py": "1\n", "README": "r"}, author=ALICE, date="2024-01-01")
    repo.branch("topic")
    repo.commit({"src/b.py": "b\n"}, author=BOB, date="2024-01-02")
    repo.checkout("main")
    repo.commit({"src/a.py": "2\n"}, author=BOB, date="2024-01-03")
    repo.merge("topic", author=ALICE, date="2024-01-04")
    return repo


def canonical(state: RepoState | None) -> dict[str, Any]:
    """A state with author ids replaced by (name, email): two scans may number authors differently."""
    assert state is not None
    who = state.authors
    files = {p: (who[r.creator] if r.creator >= 0 else None, r.changes,
                 sorted((who[a], n) for a, n in r.deliveries.items())) for p, r in state.files.items()}
    scopes = {scope: (sorted((who[a], e[0], e[1], sorted(e[2].items())) for a, e in st.authors.items()), st.moved)
              for scope, st in state.scopes.items()}
    return {"head": state.head, "commits": state.commits, "files": files, "tree": state.tree, "scopes": scopes}


def _cache_files(cache_dir: Path) -> list[Path]:
    return sorted((cache_dir / "history").iterdir())


def test_a_rescan_with_nothing_new_reads_no_commits(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "r")
    first = scan_one(repo.path, tmp_path / "cache", ["src"])
    again = scan_one(repo.path, tmp_path / "cache", ["src"])
    assert (first.mode, first.new_commits) == ("full", 3)
    assert (again.mode, again.new_commits) == ("cached", 0)
    assert first.state is not None and again.state is not None
    assert again.state.to_json() == first.state.to_json()


def test_a_rescan_reads_only_new_commits_and_equals_a_full_scan(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "r")
    scan_one(repo.path, tmp_path / "cache", ["src"])
    repo.commit({"src/a.py": "3\n"}, author=ALICE, date="2024-02-01")
    repo.rename("src/b.py", "src/c.py", author=ALICE, date="2024-02-02")
    repo.commit({"README": None}, author=BOB, date="2024-02-03")
    incremental = scan_one(repo.path, tmp_path / "cache", ["src"])
    full = scan_one(repo.path, tmp_path / "fresh", ["src"])
    assert (incremental.mode, incremental.new_commits) == ("incremental", 3)
    assert full.mode == "full"
    assert canonical(incremental.state) == canonical(full.state)


def test_cache_files_are_written_atomically_and_leave_no_temporary_files(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "r")
    scan_one(repo.path, tmp_path / "cache")
    files = _cache_files(tmp_path / "cache")
    assert len(files) == 1 and files[0].suffix == ".json"
    data = json.loads(files[0].read_text())
    assert data["format"] == cache.FORMAT and data["state"]["head"] == repo.head()


def test_a_corrupt_cache_is_discarded_with_a_warning_and_rebuilt(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "r")
    scan_one(repo.path, tmp_path / "cache")
    (target,) = _cache_files(tmp_path / "cache")
    target.write_bytes(b'{"format": "ownership-history-cache", "version": 1, "repo"')
    warnings: list[str] = []
    rebuilt = scan_one(repo.path, tmp_path / "cache", warnings=warnings)
    assert rebuilt.mode == "full"
    assert len(warnings) == 1 and "corrupt" in warnings[0]
    assert scan_one(repo.path, tmp_path / "cache").mode == "cached"


def test_a_structurally_broken_cache_is_discarded_too(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "r")
    scan_one(repo.path, tmp_path / "cache")
    (target,) = _cache_files(tmp_path / "cache")
    data = json.loads(target.read_text())
    data["state"]["files"]["src/a.py"][2] = [99, 1]  # an author id that does not exist
    target.write_text(json.dumps(data))
    warnings: list[str] = []
    assert scan_one(repo.path, tmp_path / "cache", warnings=warnings).mode == "full"
    assert "corrupt" in warnings[0]


def test_a_foreign_cache_file_is_discarded_with_a_warning(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "r")
    scan_one(repo.path, tmp_path / "cache")
    (target,) = _cache_files(tmp_path / "cache")
    target.write_text(json.dumps({"format": "something-else", "version": 7}))
    warnings: list[str] = []
    assert scan_one(repo.path, tmp_path / "cache", warnings=warnings).mode == "full"
    assert "not written by this version" in warnings[0]


def test_a_rewritten_history_triggers_a_full_rescan(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "r")
    scan_one(repo.path, tmp_path / "cache")
    git(repo.path, "reset", "-q", "--hard", "HEAD~1")
    repo.commit({"src/a.py": "rewritten\n"}, author=BOB, date="2024-03-01")
    warnings: list[str] = []
    again = scan_one(repo.path, tmp_path / "cache", warnings=warnings)
    assert again.mode == "full" and "rewritten" in warnings[0]
    fresh = scan_one(repo.path, tmp_path / "fresh")
    assert canonical(again.state) == canonical(fresh.state)
    assert again.state is not None and "src/b.py" not in again.state.files  # only the dropped merge had it


def test_a_changed_mailmap_triggers_a_full_rescan(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "r")
    scan_one(repo.path, tmp_path / "cache")
    repo.commit({".mailmap": "Robert <robert@acme.test> <bob@acme.test>\n"}, author=ALICE, date="2024-02-01")
    again = scan_one(repo.path, tmp_path / "cache")
    assert again.mode == "full"
    assert again.state is not None
    assert ("Robert", "robert@acme.test") in again.state.authors
    assert ("Bob", "bob@acme.test") not in again.state.authors


def test_a_scope_the_cache_lacks_triggers_a_full_rescan_then_both_are_cached(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "r")
    scan_one(repo.path, tmp_path / "cache", ["src"])
    assert scan_one(repo.path, tmp_path / "cache", ["README"]).mode == "full"
    assert scan_one(repo.path, tmp_path / "cache", ["README"]).mode == "cached"


def test_an_unwritable_cache_costs_a_warning_not_the_scan(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "r")
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    warnings: list[str] = []
    scanned = scan_one(repo.path, blocker, warnings=warnings)
    assert scanned.state is not None and scanned.mode == "full"
    assert any("cannot write the history cache" in w for w in warnings)


def test_state_round_trips_through_json(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "r")
    repo.commit({b"odd-\xff name": "x"}, author=ALICE, date="2024-02-01")
    state = scan_one(repo.path, tmp_path / "cache", ["src"]).state
    assert state is not None
    text = json.dumps(state.to_json(), ensure_ascii=True)
    assert RepoState.from_json(json.loads(text)).to_json() == state.to_json()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_scanning_after_every_few_commits_equals_one_full_scan(tmp_path: Path, seed: int) -> None:
    """Random histories with renames, deletions, re-creations and a merged branch, scanned incrementally at
    random points: the cached counters end up exactly as a single full scan's."""
    rng = random.Random(seed)
    repo = GitRepo.init(tmp_path / "r")
    people = [ALICE, BOB, "Carol <carol@acme.test>"]
    live = ["a.txt"]
    repo.commit({"a.txt": "0\n"}, author=ALICE, date="2024-01-01")
    for i in range(1, 25):
        day = f"2024-02-{i:02d}"
        who = rng.choice(people)
        roll = rng.random()
        if roll < 0.15 and len(live) > 2:
            old = live.pop(rng.randrange(len(live)))
            new = f"d{i % 3}/moved{i}.txt"
            repo.rename(old, new, author=who, date=day)
            live.append(new)
        elif roll < 0.25 and len(live) > 2:
            repo.commit({live.pop(rng.randrange(len(live))): None}, author=who, date=day)
        elif roll < 0.3:
            repo.branch(f"b{i}")
            repo.commit({f"side{i}.txt": "s\n"}, author=who, date=day)
            repo.checkout("main")
            repo.merge(f"b{i}", author=ALICE, date=day)
            live.append(f"side{i}.txt")
        else:
            path = rng.choice(live) if rng.random() < 0.6 else f"d{i % 3}/f{i}.txt"
            if path not in live:
                live.append(path)
            repo.commit({path: f"{i} {rng.random()}\n"}, author=who, date=day)
        if rng.random() < 0.3:
            scan_one(repo.path, tmp_path / "cache", ["d0"])
    incremental = scan_one(repo.path, tmp_path / "cache", ["d0"])
    full = scan_one(repo.path, tmp_path / f"fresh{seed}", ["d0"])
    assert canonical(incremental.state) == canonical(full.state)
