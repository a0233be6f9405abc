"""The systems' activity shares what it can between systems (a tree index per repository, a state's day counts
borrowed until a second identity merges in): the answer is what each system gets on its own."""
from __future__ import annotations

import copy
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ownership.history import activity, scan
from ownership.history.settings import BUILTIN_BOTS, bot_matcher
from ownership.history.state import TreeIndex, normalise_paths, scoped
from ownership.model import Person, Roster
from tests.gitrepo import GitRepo
from tests.history.helpers import TODAY, source

ALICE, BOB = "Alice <alice@acme.test>", "Bob <bob@acme.test>"
BOB_HOME = "Bob <bob@home.example>"

_part = st.sampled_from(["a", "b", "ab", "a.b", "a-b", "src", "mod1", "mod10", "x y", "é"])
_path = st.lists(_part, min_size=1, max_size=4).map("/".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_path, unique=True, max_size=40), st.lists(st.lists(_part, min_size=1, max_size=3).map("/".join),
                                                           max_size=3))
def test_the_tree_index_keeps_exactly_the_paths_scoped_keeps_in_tree_order(paths: list[str],
                                                                           prefixes: list[str]) -> None:
    scope = normalise_paths(prefixes) if prefixes else ()
    assert TreeIndex(paths).scoped(scope) == scoped(paths, scope)


def _monorepo(tmp_path: Path) -> GitRepo:
    repo = GitRepo.init(tmp_path / "mono")
    repo.commit({"src/a/x.py": "1\n", "src/ab/y.py": "1\n", "src/b/z.py": "1\n", "README": "r\n"}, author=ALICE,
                date="2024-02-01")
    repo.commit({"src/a/x.py": "2\n", "src/b/z.py": "2\n"}, author=BOB_HOME, date="2024-11-01")
    repo.commit({"src/a/x.py": "3\n", "src/ab/y.py": "2\n"}, author=BOB, date="2024-12-01")
    return repo


def test_systems_narrowed_to_one_repository_get_what_each_gets_alone(tmp_path: Path) -> None:
    repo = _monorepo(tmp_path)
    src = source(repo.path)
    scopes = {"a": normalise_paths(["src/a"]), "ab": normalise_paths(["src/ab"]),
              "both": normalise_paths(["src/a", "src/b"])}
    scanned = scan.scan_repo(src, set(scopes.values()), tmp_path / "cache", lambda _: None)
    is_bot = bot_matcher(BUILTIN_BOTS)
    together = activity.build({name: [(src, scope)] for name, scope in scopes.items()}, {src: scanned}, TODAY,
                              (90, 365), is_bot)
    for name, scope in scopes.items():
        alone = activity.build({name: [(src, scope)]}, {src: scanned}, TODAY, (90, 365), is_bot)
        assert together.systems[name] == alone.systems[name]
    assert [f.path for f in together.systems["a"].files] == ["src/a/x.py"]  # src/ab is not under src/a
    assert [f.path for f in together.systems["both"].files] == ["src/a/x.py", "src/b/z.py"]


def test_merging_two_identities_of_one_person_never_changes_the_state_it_reads(tmp_path: Path) -> None:
    repo = _monorepo(tmp_path)
    src = source(repo.path)
    scanned = scan.scan_repo(src, {()}, tmp_path / "cache", lambda _: None)
    assert scanned.state is not None
    before = copy.deepcopy(scanned.state.scopes[()].authors)
    roster = Roster((Person("p-bob", emails=("bob@acme.test", "bob@home.example"), name="Bob"),
                     Person("p-alice", emails=("alice@acme.test",), name="Alice")))
    is_bot = bot_matcher(BUILTIN_BOTS)
    first = activity.build({"svc": [(src, ())]}, {src: scanned}, TODAY, (90, 365), is_bot, roster)
    second = activity.build({"svc": [(src, ())]}, {src: scanned}, TODAY, (90, 365), is_bot, roster)
    assert scanned.state.scopes[()].authors == before  # Bob's two ids were added up in a copy
    assert first == second
    bob = next(c for c in first.systems["svc"].contributors if c.key == "p-bob")
    assert (bob.total_commits, bob.commits) == (2, {90: 2, 365: 2})
    alice = next(c for c in first.systems["svc"].contributors if c.key == "p-alice")
    assert (alice.total_commits, alice.commits) == (1, {90: 0, 365: 1})


def test_the_newest_commit_is_the_latest_by_time_then_by_sha_over_every_repository(tmp_path: Path) -> None:
    one, two = GitRepo.init(tmp_path / "one"), GitRepo.init(tmp_path / "two")
    one.commit({"f": "1\n"}, author=ALICE, date="2024-05-01")
    two.commit({"g": "1\n"}, author="dependabot[bot] <bot@github.test>", date="2024-06-01")
    two.commit({"g": "2\n"}, author=BOB, date="2024-04-01")
    s1, s2 = source(one.path), source(two.path)
    scans = {s: scan.scan_repo(s, {()}, tmp_path / "cache", lambda _: None) for s in (s1, s2)}
    act = activity.build({"svc": [(s1, ()), (s2, ())]}, scans, TODAY, (90,), bot_matcher(BUILTIN_BOTS))
    sa = act.systems["svc"]
    assert sa.last_commit is not None and sa.last_human_commit is not None
    assert (sa.last_commit.repo, sa.last_commit.bot, sa.last_commit.when.date().isoformat()) == (
        str(two.path), True, "2024-06-01")
    assert (sa.last_human_commit.repo, sa.last_human_commit.email, sa.last_human_commit.when.date().isoformat()) \
        == (str(one.path), "alice@acme.test", "2024-05-01")
