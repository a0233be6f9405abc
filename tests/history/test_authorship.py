"""Degree-of-Authorship and truck factor, checked against arithmetic written out by hand."""
from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ownership.history import authorship
from tests.gitrepo import GitRepo
from tests.history.helpers import authors_of, system_activity

ALICE, BOB, CAROL = "Alice <alice@acme.test>", "Bob <bob@acme.test>", "Carol <carol@acme.test>"
DEPENDABOT = "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"


def test_doa_formula_matches_the_paper() -> None:
    # creator, no changes of their own, nobody else changed it: 3.293 + 1.098
    assert authorship.doa(True, 0, 0) == pytest.approx(4.391)
    # 3 own changes, 2 by others: 3.293 + 0.164*3 - 0.321*ln(3)
    assert authorship.doa(False, 3, 2) == pytest.approx(3.293 + 0.492 - 0.321 * math.log(3))


def test_authors_need_a_high_normalised_doa_and_an_absolute_floor_or_creation() -> None:
    # Alice created the file; Bob changed it 3 times, Carol once: 4 changes in all.
    #   Alice: 3.293 + 1.098 - 0.321*ln(1+4) = 3.8744   (best)
    #   Bob:   3.293 + 0.164*3 - 0.321*ln(1+1) = 3.5625  -> 0.919 of best, >= 3.293: author
    #   Carol: 3.293 + 0.164 - 0.321*ln(1+3) = 3.0120    -> 0.777 of best, but < 3.293 and not creator: no
    got = authorship.authors({"alice"}, {"bob": 3, "carol": 1}, 4)
    assert got == ["alice", "bob"]


def test_people_not_eligible_lower_others_doa_but_are_never_authors() -> None:
    # a bot made 10 changes: Alice (creator) 3.293 + 1.098 - 0.321*ln(11) = 3.621 is still the author
    assert authorship.authors({"alice"}, {"bot": 10}, 10, eligible={"alice"}) == ["alice"]
    assert authorship.authors({"bot"}, {"bot": 3}, 3, eligible=set()) == []


def test_truck_factor_removes_the_top_author_until_less_than_half_is_covered() -> None:
    # 5 files: f1 {a,b}, f2 {a}, f3 {a}, f4 {c}, f5 no author. Covered 4/5 = 0.8 -> remove a (3 files);
    # covered now f1 (b) and f4 (c): 2/5 = 0.4 < 0.5 -> stop. TF = 1.
    files = [{"a", "b"}, {"a"}, {"a"}, {"c"}, set()]
    assert authorship.truck_factor(files) == (1, ["a"])


def test_truck_factor_keeps_going_while_exactly_half_is_covered() -> None:
    # 4 files, one author each: 1.0 -> 0.75 -> 0.5 (not below half: continue) -> 0.25. TF = 3 (ties by name).
    assert authorship.truck_factor([{"a"}, {"b"}, {"c"}, {"d"}]) == (3, ["a", "b", "c"])


def test_truck_factor_of_nothing_is_zero() -> None:
    assert authorship.truck_factor([]) == (0, [])
    assert authorship.truck_factor([set(), set()]) == (0, [])


def test_knowledge_held_by_leavers_counts_files_whose_every_author_left() -> None:
    files = [{"a", "b"}, {"a"}, {"b"}, set()]
    # only f2 has all its authors gone: 1 of 4 files
    assert authorship.orphaned_share(files, gone={"a"}) == pytest.approx(0.25)


def test_doa_on_a_real_history_matches_the_hand_computation(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit({"f.py": "1\n"}, author=ALICE, date="2024-01-01")
    for i in range(3):
        repo.commit({"f.py": f"1\n{i}b\n"}, author=BOB, date=f"2024-01-0{i + 2}")
    repo.commit({"f.py": "carol\n"}, author=CAROL, date="2024-01-09")
    sa = system_activity(repo.path, tmp_path / "cache")
    assert authors_of(sa) == {"f.py": ("alice@acme.test", "bob@acme.test")}  # as in the arithmetic above


def test_renames_are_followed_and_count_as_a_change_by_the_renamer(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit({"old/name.py": "content that stays the same\n" * 5}, author=ALICE, date="2024-01-01")
    repo.rename("old/name.py", "new/name.py", author=BOB, date="2024-01-02")
    sa = system_activity(repo.path, tmp_path / "cache")
    # Alice: creator, 1 change by others: 3.293 + 1.098 - 0.321*ln 2 = 4.1685 (best)
    # Bob: 1 change (the rename): 3.293 + 0.164 = 3.457 -> 0.829 of best and >= 3.293: author too
    assert authors_of(sa) == {"new/name.py": ("alice@acme.test", "bob@acme.test")}


def test_a_deleted_and_recreated_file_starts_a_new_history(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit({"f.py": "1\n", "keep": "k"}, author=ALICE, date="2024-01-01")
    repo.commit({"f.py": "2\n"}, author=ALICE, date="2024-01-02")
    repo.commit({"f.py": None}, author=CAROL, date="2024-01-03")
    repo.commit({"f.py": "new\n"}, author=BOB, date="2024-01-04")
    sa = system_activity(repo.path, tmp_path / "cache")
    assert authors_of(sa)["f.py"] == ("bob@acme.test",)


def test_only_files_present_at_head_count(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit({"a.py": "a", "b.py": "b"}, author=ALICE, date="2024-01-01")
    repo.commit({"b.py": None}, author=BOB, date="2024-01-02")
    sa = system_activity(repo.path, tmp_path / "cache")
    assert [f.path for f in sa.files] == ["a.py"]


def test_bots_change_files_but_never_author_them(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit({"package.json": "{}"}, author=DEPENDABOT, date="2024-01-01")
    repo.commit({"package.json": '{"a": 1}'}, author=ALICE, date="2024-01-02")
    repo.commit({"package.json": '{"a": 2}'}, author=DEPENDABOT, date="2024-01-03")
    sa = system_activity(repo.path, tmp_path / "cache")
    # Alice: 1 change, 1 change by others (the bot's second): 3.293 + 0.164 - 0.321*ln 2 = 3.234 < 3.293 and
    # she did not create the file, so nobody authors it; the bot is excluded by design.
    assert authors_of(sa) == {"package.json": ()}
    assert sa.last_commit is not None and sa.last_commit.bot
    assert sa.last_human_commit is not None and sa.last_human_commit.email == "alice@acme.test"


def test_truck_factor_of_a_small_history(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    # Alice creates a, b, c; Bob creates d; Carol creates e. Nobody changes anyone's file.
    repo.commit({"a": "a", "b": "b", "c": "c"}, author=ALICE, date="2024-01-01")
    repo.commit({"d": "d"}, author=BOB, date="2024-01-02")
    repo.commit({"e": "e"}, author=CAROL, date="2024-01-03")
    sa = system_activity(repo.path, tmp_path / "cache")
    # 5/5 covered -> remove Alice (3 files) -> 2/5 = 0.4 < 0.5: TF = 1
    assert sa.truck_factor == 1
    assert sa.truck_factor_people == ("alice@acme.test",)


def _reference_authors(creators: set[str], deliveries: dict[str, int], changes: int,
                       eligible: set[str]) -> list[str]:
    """The definition, scoring everyone (the implementation stops early; they must agree)."""
    scores = {k: authorship.doa(k in creators, deliveries.get(k, 0), changes - deliveries.get(k, 0))
              for k in (creators | set(deliveries)) & eligible}
    best = max(scores.values(), default=0.0)
    if best <= 0:
        return []
    chosen = [k for k, d in scores.items() if d / best > 0.75 and (d >= 3.293 or k in creators)]
    return sorted(chosen, key=lambda k: (-scores[k], k))


@settings(max_examples=300, deadline=None)
@given(deliveries=st.dictionaries(st.sampled_from("abcdefghij"), st.integers(1, 60), max_size=10),
       creator=st.sampled_from("abcdefghijz"), extra=st.integers(0, 50), bots=st.sets(st.sampled_from("abcz")))
def test_early_stopping_gives_the_same_authors_as_scoring_everyone(deliveries: dict[str, int], creator: str,
                                                                    extra: int, bots: set[str]) -> None:
    changes = sum(deliveries.values()) + extra  # `extra`: changes by people who are not candidates
    eligible = set("abcdefghijz") - bots
    got = authorship.authors({creator}, deliveries, changes, eligible=eligible)
    assert got == _reference_authors({creator}, deliveries, changes, eligible)


def test_pruned_truck_factor_leaves_out_people_with_under_a_tenth_of_the_top_authors_files() -> None:
    # issue 13 item 12. 22 files: a authors 11, p00..p10 one each. Greedy: 22/22 -> remove a -> 11/22 = 0.5
    # -> remove p00 -> 10/22 < 0.5: TF 2. Pruned (the reference's minPercentage 0.1): p00 has 1/11 = 0.09 of
    # a's files, so only a counts: 1.
    files = [{"a"} for _ in range(11)] + [{f"p{i:02}"} for i in range(11)]
    tf, removed = authorship.truck_factor(files)
    assert (tf, removed) == (2, ["a", "p00"])
    assert authorship.pruned(files, removed) == (1, ["a"])
    # exactly a tenth is kept: a authors 10, p00..p09 one each (20 files): greedy 2, pruned 2
    files = [{"a"} for _ in range(10)] + [{f"p{i:02}"} for i in range(10)]
    assert authorship.pruned(files, authorship.truck_factor(files)[1]) == (2, ["a", "p00"])
    assert authorship.pruned([], []) == (0, [])
