"""Edge cases of real repositories: shallow, empty, missing and renamed paths, odd names, merges, many emails."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ownership.analysis import people
from ownership.model import Catalog, Person, Roster, Snapshot, System
from ownership.rules import engine
from tests.gitrepo import GitRepo, git
from tests.history.helpers import TODAY, authors_of, by_email, scan_one, system_activity

ALICE, BOB, CAROL = "Alice <alice@acme.test>", "Bob <bob@acme.test>", "Carol <carol@acme.test>"


def _linear(path: Path, n: int = 4) -> GitRepo:
    repo = GitRepo.init(path)
    for i in range(n):
        repo.commit({"src/a.py": f"{i}\n", f"src/f{i}.py": "x"}, author=[ALICE, BOB][i % 2], date=f"2024-03-0{i + 1}")
    return repo


def test_a_shallow_clone_is_detected_and_its_numbers_marked_partial(tmp_path: Path) -> None:
    origin = _linear(tmp_path / "origin")
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin.path}", "shallow")
    scanned = scan_one(tmp_path / "shallow", tmp_path / "cache")
    assert scanned.shallow
    sa = system_activity(tmp_path / "shallow", tmp_path / "cache")
    assert sa.partial and sa.shallow_repos == (str(tmp_path / "shallow"),)
    # the boundary commit looks like it created every file: exactly why the numbers are partial
    assert by_email(sa) == {"bob@acme.test": 1}


def test_shallow_history_finding_names_the_system_and_points_at_its_repos(tmp_path: Path) -> None:
    origin = _linear(tmp_path / "origin")
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin.path}", "shallow")
    sa = system_activity(tmp_path / "shallow", tmp_path / "cache")
    from ownership.model import Activity, Location

    catalog = Catalog(systems={"svc": System("svc", "team", location=Location("catalog/svc.yaml", 3, 5),
                                             locations={"repos": Location("catalog/svc.yaml", 7, 5)})})
    snap = Snapshot(catalog=catalog, today=TODAY, activity=Activity(TODAY, systems={"svc": sa}))
    findings = [f for f in engine.run(snap, ["activity"]) if f.rule == "shallow-history"]
    assert len(findings) == 1
    assert findings[0].subject == "system:svc" and findings[0].severity == "warning"
    assert findings[0].location == Location("catalog/svc.yaml", 7, 5)


def test_an_empty_repository_is_reported_not_crashed_on(tmp_path: Path) -> None:
    GitRepo.init(tmp_path / "empty")
    scanned = scan_one(tmp_path / "empty", tmp_path / "cache")
    assert scanned.mode == "empty" and scanned.state is None
    sa = system_activity(tmp_path / "empty", tmp_path / "cache")
    assert sa.last_commit is None and sa.files == () and sa.truck_factor == 0
    assert any("no commits" in p for p in sa.problems)


def test_a_path_missing_at_head_is_reported(tmp_path: Path) -> None:
    repo = _linear(tmp_path / "r")
    sa = system_activity(repo.path, tmp_path / "cache", ["src", "services/nowhere"])
    assert sa.problems == (f"path 'services/nowhere' does not exist at HEAD of {repo.path}",)
    assert len(sa.files) == 5


def test_a_renamed_system_folder_is_reported_with_where_it_went(tmp_path: Path) -> None:
    repo = _linear(tmp_path / "r")
    repo.rename("src", "lib", author=CAROL, date="2024-04-01")
    sa = system_activity(repo.path, tmp_path / "cache", ["src"])
    assert sa.files == ()
    assert len(sa.problems) == 1 and "path 'src' does not exist at HEAD" in sa.problems[0]
    assert "moved out of it, e.g. to 'lib/" in sa.problems[0]
    # the move itself is the system's last touch
    assert sa.last_commit is not None and sa.last_commit.email == "carol@acme.test"


def test_renamed_file_keeps_its_history_under_the_new_name(tmp_path: Path) -> None:
    repo = _linear(tmp_path / "r")
    repo.rename("src/a.py", "src/b.py", author=CAROL, date="2024-04-01")
    sa = system_activity(repo.path, tmp_path / "cache", ["src/b.py"])
    # issue 13 item 9: the system's history follows its file across the rename (`git log --follow` agrees),
    # so its author Alice is one of its contributors (before, only Carol's rename counted: {"carol": 1})
    assert by_email(sa) == {"alice@acme.test": 2, "bob@acme.test": 2, "carol@acme.test": 1}
    # ...and authorship follows the file: Alice created it, Alice and Bob changed it 1 + 2 times, Carol
    # renamed it (4 changes). Alice: 3.293+1.098+0.164*1-0.321*ln(4) = 4.110 (best);
    # Bob: 3.293+0.328-0.321*ln(3) = 3.268 -> 0.795 of best but < 3.293: not an author.
    assert authors_of(sa) == {"src/b.py": ("alice@acme.test",)}


def test_file_names_with_spaces_and_invalid_utf8_are_scanned(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit({"my dir/a file.txt": "a", b"latin1-\xe9t\xe9.txt": "b"}, author=ALICE, date="2024-01-01")
    repo.commit({b"latin1-\xe9t\xe9.txt": "c"}, author=BOB, date="2024-01-02")
    sa = system_activity(repo.path, tmp_path / "cache", ["my dir"])
    assert authors_of(sa) == {"my dir/a file.txt": ("alice@acme.test",)}
    whole = authors_of(system_activity(repo.path, tmp_path / "cache2"))
    odd = "latin1-\udce9t\udce9.txt"
    assert odd in whole and odd.encode("utf-8", "surrogateescape") == b"latin1-\xe9t\xe9.txt"


def test_merge_commits_do_not_count_changes_twice(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit({"f.py": "1\n", "g.py": "1\n"}, author=ALICE, date="2024-01-01")
    repo.branch("feature")
    repo.commit({"f.py": "1\n2\n"}, author=BOB, date="2024-01-02")
    repo.commit({"f.py": "1\n2\n3\n"}, author=BOB, date="2024-01-03")
    repo.checkout("main")
    repo.commit({"g.py": "2\n"}, author=CAROL, date="2024-01-04")
    repo.merge("feature", author=ALICE, date="2024-01-05")
    sa = system_activity(repo.path, tmp_path / "cache")
    # the merge by Alice is not a commit of hers, and Bob's two changes are counted once
    assert by_email(sa) == {"alice@acme.test": 1, "bob@acme.test": 2, "carol@acme.test": 1}
    # f.py: Alice created, Bob 2 changes. Alice 3.293+1.098-0.321*ln3 = 4.038; Bob 3.293+0.328 = 3.621 (0.897)
    assert authors_of(sa)["f.py"] == ("alice@acme.test", "bob@acme.test")
    shortlog = git(repo.path, "shortlog", "-sne", "HEAD", "--", "f.py")
    counted = {line.split("\t")[1]: int(line.split("\t")[0]) for line in shortlog.splitlines()}
    assert counted == {"Bob <bob@acme.test>": 2, "Alice <alice@acme.test>": 1}
    assert by_email(system_activity(repo.path, tmp_path / "cache", ["f.py"])) == {
        "alice@acme.test": 1, "bob@acme.test": 2}


def test_an_author_with_several_emails_is_one_contributor_through_mailmap(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit({".mailmap": "Bob <bob@acme.test> <bob@old-laptop.local>\n"}, author=ALICE, date="2024-01-01")
    repo.commit({"f.py": "1\n"}, author="bob <bob@old-laptop.local>", date="2024-01-02")
    repo.commit({"f.py": "2\n"}, author=BOB, date="2024-01-03")
    sa = system_activity(repo.path, tmp_path / "cache", ["f.py"])
    assert by_email(sa) == {"bob@acme.test": 2}
    assert sa.contributors[0].name == "Bob" and sa.contributors[0].emails == ("bob@acme.test",)
    assert authors_of(sa) == {"f.py": ("bob@acme.test",)}


def test_an_author_with_several_emails_is_one_person_through_the_roster(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit({"f.py": "1\n"}, author="Bob <bob@home.example>", date="2024-01-02")
    repo.commit({"f.py": "2\n"}, author=BOB, date="2024-01-03")
    repo.commit({"g.py": "2\n"}, author="Bob B <12345+bobb@users.noreply.github.com>", date="2024-01-04")
    roster = Roster((Person("p-bob", emails=("bob@acme.test", "bob@home.example"), usernames=("bobb",),
                            name="Bob"),))
    sa = system_activity(repo.path, tmp_path / "cache", roster=roster)
    assert [(c.key, c.total_commits, c.emails) for c in sa.contributors] == [
        ("p-bob", 3, ("12345+bobb@users.noreply.github.com", "bob@acme.test", "bob@home.example"))]
    # both of Bob's emails are one author: creator plus one change of his own
    assert authors_of(sa) == {"f.py": ("p-bob",), "g.py": ("p-bob",)}


def test_a_bare_repository_honours_its_committed_mailmap(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit({".mailmap": "Bob <bob@acme.test> <bob@old.example>\n", "f": "1"}, author="Bob <bob@old.example>",
                date="2024-01-01")
    git(tmp_path, "clone", "-q", "--bare", str(repo.path), "bare.git")
    sa = system_activity(tmp_path / "bare.git", tmp_path / "cache")
    assert by_email(sa) == {"bob@acme.test": 1}


def test_employed_truck_factor_and_knowledge_held_by_leavers(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit({"a": "a", "b": "b"}, author=ALICE, date="2024-01-01")
    repo.commit({"c": "c"}, author=BOB, date="2024-01-02")
    repo.commit({"d": "d"}, author=CAROL, date="2024-01-03")
    roster = Roster((Person("alice", emails=("alice@acme.test",), active=False, end_date=dt.date(2024, 6, 1)),
                     Person("bob", emails=("bob@acme.test",)), Person("carol", emails=("carol@acme.test",))))
    sa = system_activity(repo.path, tmp_path / "cache", roster=roster)
    # everyone: 4/4 -> remove alice (2) -> 2/4 -> remove bob -> 1/4: TF 2
    assert sa.truck_factor == 2
    # the employed-only numbers are analysis/people.py's (issue 13: the scan no longer computes them)
    snap = Snapshot(Catalog(), TODAY, roster)
    # employed only (bob, carol): 2/4 covered -> remove bob -> 1/4: TF 1
    assert people.employed_truck_factor(snap, sa)[0] == 1
    # a and b are held only by Alice, who left: 2 of 4 files
    assert people.knowledge_loss(snap, sa)[0] == 0.5
    left = {c.key: c.left for c in sa.contributors}
    assert left == {"alice": True, "bob": False, "carol": False}


def test_the_hint_for_a_missing_path_names_the_newest_move(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit({"src/a.py": "a\n", "src/b.py": "b\n"}, author=ALICE, date="2024-01-01")
    repo.rename("src/a.py", "lib/a.py", author=BOB, date="2024-02-01")
    repo.rename("src/b.py", "pkg/b.py", author=CAROL, date="2024-03-01")
    sa = system_activity(repo.path, tmp_path / "cache", ["src"])
    assert "e.g. to 'pkg/b.py'" in sa.problems[0]


def test_commits_with_the_same_time_give_the_same_last_commit_however_they_are_scanned(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit({"a": "1"}, author=ALICE, date="2024-01-01T10:00:00Z")
    scan_one(repo.path, tmp_path / "cache")
    repo.commit({"a": "2"}, author=ALICE, date="2024-01-01T10:00:00Z")
    incremental = system_activity(repo.path, tmp_path / "cache")
    full = system_activity(repo.path, tmp_path / "fresh")
    assert incremental.last_commit == full.last_commit
