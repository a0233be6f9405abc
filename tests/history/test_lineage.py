"""Issue 13 items 9 and 10: whose history a file has.

- Item 9: a narrowed system (`paths:`) whose files were renamed into its paths (requests moved `requests/` to
  `src/requests/`) keeps those files' authors as its contributors, so knowledge held by leavers and the
  truck-factor people agree with the per-file authors.
- Item 10: a subtree merge brings another project's history with its own root, and its own `Makefile`;
  git/git's `Makefile` must keep its 2005 history and creator, not take git-subtree's of 2009.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ownership.analysis.people import knowledge_loss
from ownership.model import Catalog, Person, Roster, Snapshot
from tests.gitrepo import GitRepo
from tests.history.helpers import authors_of, by_email, scan_one, system_activity

ALICE, BOB, CAROL = "Alice <alice@acme.test>", "Bob <bob@acme.test>", "Carol <carol@acme.test>"
ROSTER = Roster((Person("alice", emails=("alice@acme.test",)),
                 Person("bob", emails=("bob@acme.test",), active=False, end_date=dt.date(2024, 6, 1)),
                 Person("carol", emails=("carol@acme.test",))))


def _moved_package(path: Path) -> GitRepo:
    """requests' shape: the package grows under requests/, then one commit moves it to src/requests/."""
    repo = GitRepo.init(path)
    repo.commit({"requests/a.py": "a0\n", "setup.py": "s"}, author=BOB, date="2024-01-01")
    repo.commit({"requests/b.py": "b0\n"}, author=ALICE, date="2024-01-02")
    for i in range(1, 4):  # each creator changes their file 3 times: Carol's move alone makes her no author
        repo.commit({"requests/a.py": f"a{i}\n"}, author=BOB, date=f"2024-02-0{i}")
        repo.commit({"requests/b.py": f"b{i}\n"}, author=ALICE, date=f"2024-03-0{i}")
    repo.rename("requests", "src/requests", author=CAROL, date="2024-05-01")
    return repo


def test_files_renamed_into_a_narrowed_system_keep_their_authors_as_contributors(tmp_path: Path) -> None:
    repo = _moved_package(tmp_path / "r")
    sa = system_activity(repo.path, tmp_path / "cache", ["src/requests/"], roster=ROSTER)
    # Bob: 3.293+1.098+0.164*3-0.321*ln(2) = 4.66; Carol (the move): 3.293+0.164-0.321*ln(4) = 3.01 < 3.293
    assert authors_of(sa) == {"src/requests/a.py": ("bob",), "src/requests/b.py": ("alice",)}
    assert by_email(sa) == {"alice": 4, "bob": 4, "carol": 1}
    # a.py is held only by Bob, who left: 1 of 2 files (before the fix: 0 %, Bob was no contributor)
    # (the share is analysis/people's, the one copy of knowledge held by leavers)
    assert knowledge_loss(Snapshot(Catalog(), dt.date(2024, 12, 31), ROSTER), sa)[0] == 0.5
    assert set(sa.truck_factor_people) <= {c.key for c in sa.contributors}
    assert next(c for c in sa.contributors if c.key == "bob").files_authored == 1


def test_an_incremental_scan_after_a_move_into_the_paths_equals_a_full_scan(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit({"old/a.py": "a0\n"}, author=BOB, date="2024-01-01")
    repo.commit({"old/a.py": "a1\n"}, author=BOB, date="2024-01-02")
    scan_one(repo.path, tmp_path / "cache", ["src"])  # cached: nothing under src yet
    repo.rename("old/a.py", "src/a.py", author=CAROL, date="2024-05-01")
    again = scan_one(repo.path, tmp_path / "cache", ["src"])
    assert again.mode == "full"  # the cached counts of src lack a.py's older commits
    incremental = system_activity(repo.path, tmp_path / "cache", ["src"])
    full = system_activity(repo.path, tmp_path / "fresh", ["src"])
    assert by_email(incremental) == by_email(full) == {"bob@acme.test": 2, "carol@acme.test": 1}


def _with_subtree(path: Path) -> GitRepo:
    """git/git's shape: the main line's Makefile of 2005, then a subtree merge of another project whose own
    root holds a Makefile of 2009 (read into contrib/subtree/ with `git read-tree --prefix`)."""
    repo = GitRepo.init(path)
    repo.commit({"Makefile": "all:\n", "git.c": "int main;\n"}, author=ALICE, date="2005-04-07")
    repo.commit({"Makefile": "all: git\n"}, author=ALICE, date="2005-05-01")
    repo.git("checkout", "--orphan", "subtree")
    repo.git("rm", "-rf", "-q", ".")
    repo.commit({"Makefile": "subtree:\n", "git-subtree.sh": "#!/bin/sh\n"}, author=BOB, date="2009-04-24")
    repo.commit({"Makefile": "subtree: sh\n"}, author=BOB, date="2009-05-01")
    repo.checkout("main")
    repo.git("merge", "-s", "ours", "--no-commit", "--allow-unrelated-histories", "subtree", date="2010-01-01")
    repo.git("read-tree", "--prefix=contrib/subtree/", "-u", "subtree")
    repo.git("commit", "-q", "-m", "Merge git-subtree", date="2010-01-01")
    repo.commit({"Makefile": "all: git subtree\n"}, author=CAROL, date="2011-01-01")
    return repo


def test_a_subtree_merged_history_does_not_lend_its_makefile_to_the_main_line(tmp_path: Path) -> None:
    repo = _with_subtree(tmp_path / "r")
    scanned = scan_one(repo.path, tmp_path / "cache")
    assert scanned.state is not None
    rec = scanned.state.files["Makefile"]
    alice, bob = scanned.state.author_ids[("Alice", "alice@acme.test")], scanned.state.author_ids[("Bob", "bob@acme.test")]
    # created by Alice in 2005, changed by Alice (2005) and Carol (2011); Bob's subtree Makefile is another file
    assert rec.creator == alice and bob not in rec.deliveries and rec.changes == 2
    sa = system_activity(repo.path, tmp_path / "cache")
    assert authors_of(sa)["Makefile"] == ("alice@acme.test",)
    # the other project's commits are still commits of the repository
    assert by_email(sa)["bob@acme.test"] == 2


def test_a_narrowed_system_on_the_main_line_is_not_touched_by_the_other_roots_paths(tmp_path: Path) -> None:
    repo = _with_subtree(tmp_path / "r")
    sa = system_activity(repo.path, tmp_path / "cache", ["Makefile"])
    assert by_email(sa) == {"alice@acme.test": 2, "carol@acme.test": 1}
