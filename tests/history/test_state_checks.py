"""States are checked before they are believed (issue 25.3): every cache entry, --state-out file and manifest is
sealed with a checksum and type-checked when read; damage is a warning naming the file and a rescan (cache) or
history-unavailable (a given --state), never a different answer; two --state folders that disagree about one
head are an error naming both, in either order."""
from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from ownership.cli import cli
from ownership.history import cache
from ownership.history.state import RepoState
from tests.gitrepo import GitRepo

ALICE, BOB, CAROL = "Alice Nguyen <alice@acme.test>", "Bob Martin <bob@acme.test>", "Carol Diaz <carol@acme.test>"
ROSTER = """id,firstName,lastName,workEmail,status,terminationDate,department
1,Alice,Nguyen,alice@acme.test,Active,,Payments
2,Bob,Martin,bob@acme.test,Inactive,2024-06-30,Payments
3,Carol,Diaz,carol@acme.test,Active,,Platform
"""


def _org(tmp_path: Path) -> tuple[Path, GitRepo]:
    """Two work trees read in place, with a catalog, ownership.yaml and a roster. `api` (returned) has an
    employed truck factor of 2: Alice and Carol author three of its six files each, Bob (who left) one."""
    root = tmp_path / "org"
    web = GitRepo.init(root / "repos" / "web")
    web.commit({"w.py": "1\n"}, author=CAROL, date="2024-02-01")
    repo = GitRepo.init(root / "repos" / "api")
    repo.commit({"a1.py": "1\n", "a2.py": "1\n"}, author=ALICE, date="2024-03-01")
    repo.commit({"c1.py": "1\n", "c2.py": "1\n", "c3.py": "1\n"}, author=CAROL, date="2024-04-01")
    repo.commit({"b1.py": "1\n"}, author=BOB, date="2024-05-01")
    repo.commit({"a1.py": "2\n", "c1.py": "2\n"}, author=ALICE, date="2024-09-01")
    repo.rename("c2.py", "src/c2.py", author=CAROL, date="2024-10-01")
    (root / "catalog").mkdir()
    (root / "catalog" / "all.yaml").write_text(
        "teams:\n  - name: core\n    members: [alice@acme.test]\nsystems:\n  - name: api\n    owner: core\n"
        "    repos:\n      - url: ../repos/api\n"
        "  - name: web\n    owner: core\n    repos:\n      - url: ../repos/web\n")
    (root / "ownership.yaml").write_text("history:\n  protocols: [file]\n  jobs: 1\n")
    (root / "roster.csv").write_text(ROSTER)
    return root, repo


def _cli(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    monkeypatch.chdir(root)
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / "xdg"))
    return CliRunner().invoke(cli, list(args))


def _scan(root: Path, monkeypatch: pytest.MonkeyPatch, *extra: str) -> Result:
    return _cli(root, monkeypatch, "scan", "--catalog", "catalog", "--today", "2024-12-31", "--roster",
                "roster.csv", "--format", "json", *extra)


def _answer(result: Result) -> dict[str, Any]:
    assert "Traceback" not in result.output
    doc = json.loads(result.stdout)
    return {"systems": doc["systems"], "repositories": doc["repositories"]}


def _api(answer: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in answer["systems"] if s["name"] == "api")


def _cache_file(root: Path) -> Path:
    """The cached state of `api`."""
    return cache.file_for(root / "xdg" / "ownership", str(root / "repos" / "api"))


def _state_file(folder: Path, root: Path) -> Path:
    """`api`'s state file in a --state-out folder."""
    return folder / "repos" / cache.name_for(str(root / "repos" / "api"))


def _reseal(path: Path, change: Any) -> None:
    """Rewrite a sealed file with `change` applied to its payload and a valid checksum: a writer's mistake or a
    hand edit, which no checksum can tell from the real thing."""
    data = json.loads(path.read_bytes())
    data.pop("sha256", None)
    change(data)
    cache.write(path, data)


def test_a_tree_written_as_a_string_in_the_cache_is_a_warning_and_a_rescan_not_zero_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = _org(tmp_path)
    first = _scan(root, monkeypatch)
    assert first.exit_code == 0, first.output
    truth = _answer(first)
    assert _api(truth)["files"] == 6 and _api(truth)["truck_factor_employed"] == 2
    target = _cache_file(root)
    _reseal(target, lambda d: d["state"].update(tree="".join(d["state"]["tree"])))
    again = _scan(root, monkeypatch)
    assert again.exit_code == 0, again.output
    assert f"the history cache {target} is corrupt ('tree' is a string, not a list)" in again.stderr
    assert _answer(again) == truth  # scanned again, not "0 files at HEAD"


def test_a_tree_written_as_a_string_in_a_given_state_is_history_unavailable_naming_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = _org(tmp_path)
    assert _scan(root, monkeypatch, "--state-out", "s").exit_code == 0
    state_file = _state_file(root / "s", root)
    _reseal(state_file, lambda d: d["state"].update(tree="".join(d["state"]["tree"])))
    result = _scan(root, monkeypatch, "--state", "s")
    assert result.exit_code == 0, result.output
    system = _api(_answer(result))
    assert system["history_read"] is False and system["files"] is None and system["truck_factor"] is None
    (unread,) = system["unread"]
    assert unread["reason"] == f"its state {Path('s') / 'repos' / state_file.name} is corrupt ('tree' is a " \
                               "string, not a list)"
    assert f"--state s: the state of {root / 'repos' / 'api'} ({Path('s') / 'repos' / state_file.name}) is " \
           "corrupt ('tree' is a string, not a list); its history is not used" in result.stderr
    audit = _cli(root, monkeypatch, "audit", "--catalog", "catalog", "--today", "2024-12-31", "--state", "s",
                 "--format", "json")
    assert "history-unavailable" in audit.stdout and "'tree' is a string" in audit.stdout


def _flips(data: bytes, count: int, seed: int) -> list[tuple[int, int]]:
    """`count` (position, new byte) pairs, each a different letter or digit than the one there (the damage
    that reads as plausible: one letter of an e-mail, one digit of a count), spread over the whole file."""
    rng = random.Random(seed)
    alphabet = b"abcdefghijklmnopqrstuvwxyz0123456789"
    positions = sorted(rng.sample(range(len(data)), count))
    return [(at, rng.choice([c for c in alphabet if c != data[at]])) for at in positions]


def test_no_single_byte_change_of_a_cached_state_changes_an_answer_silently(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = _org(tmp_path)
    first = _scan(root, monkeypatch)
    assert first.exit_code == 0, first.output
    truth = _answer(first)
    target = _cache_file(root)
    original = target.read_bytes()
    detected = 0
    flips = _flips(original, 40, seed=25)
    for at, byte in flips:
        target.write_bytes(original[:at] + bytes([byte]) + original[at + 1:])
        result = _scan(root, monkeypatch)
        assert result.exit_code == 0, (at, result.output)
        warned = str(target) in result.stderr
        detected += warned
        assert _answer(result) == truth, f"byte {at} ({original[at - 20:at + 20]!r}) changed the answer " + (
            "after a warning" if warned else "silently")
    assert detected == len(flips)  # a checksum of every byte: each change is noticed and the state rebuilt


def test_a_single_byte_change_of_a_given_state_is_history_unavailable_never_another_answer(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = _org(tmp_path)
    first = _scan(root, monkeypatch, "--state-out", "s")
    truth = _answer(first)
    state_file = _state_file(root / "s", root)
    original = state_file.read_bytes()
    shutil.rmtree(root / "xdg")
    for at, byte in _flips(original, 8, seed=7):
        state_file.write_bytes(original[:at] + bytes([byte]) + original[at + 1:])
        result = _scan(root, monkeypatch, "--state", "s")
        assert result.exit_code == 0, result.output
        answer = _answer(result)
        if answer != truth:
            assert str(Path("s") / "repos" / state_file.name) in result.stderr, (at, "changed silently")
            assert _api(answer)["history_read"] is False and _api(answer)["unread"]
    assert not (root / "xdg" / "ownership" / "history").exists()  # nothing was scanned instead


def test_two_state_folders_of_one_head_with_different_numbers_are_an_error_naming_both_in_either_order(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, repo = _org(tmp_path)
    assert _scan(root, monkeypatch, "--state-out", "plain").exit_code == 0
    # the same head read through another .mailmap (a work tree's own, not committed): Bob's work is Alice's
    (repo.path / ".mailmap").write_text("Alice Nguyen <alice@acme.test> <bob@acme.test>\n")
    assert _scan(root, monkeypatch, "--state-out", "mapped").exit_code == 0
    heads = {json.loads((root / f / "manifest.json").read_bytes())["repositories"][str(repo.path)]["head"]
             for f in ("plain", "mapped")}
    assert heads == {repo.head()}
    messages = set()
    for order in (("plain", "mapped"), ("mapped", "plain")):
        result = _scan(root, monkeypatch, "--state", order[0], "--state", order[1])
        assert result.exit_code == 2, result.output
        message = result.stderr.strip()
        assert message.startswith("ownership: error: --state:") and "\n" not in message
        assert "in mapped and in plain" in message and repo.head() in message and str(repo.path) in message
        messages.add(message)
    assert len(messages) == 1  # the same words whichever order the folders come in


def test_two_state_folders_of_one_head_with_the_same_numbers_merge_in_either_order(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One state scanned incrementally, the other from the start: author ids and lineage differ, the numbers
    do not, so they are not a conflict."""
    root, repo = _org(tmp_path)
    assert _scan(root, monkeypatch, "--state-out", "old").exit_code == 0
    repo.commit({"a2.py": "2\n"}, author=CAROL, date="2024-11-01")
    repo.commit({"n.py": "n\n"}, author=BOB, date="2024-11-02")
    assert _scan(root, monkeypatch, "--state-out", "incremental").exit_code == 0
    shutil.rmtree(root / "xdg")
    truth = _answer(_scan(root, monkeypatch, "--state-out", "full"))
    answers = []
    for order in (("incremental", "full"), ("full", "incremental"), ("old", "incremental")):
        result = _scan(root, monkeypatch, "--state", order[0], "--state", order[1])
        assert result.exit_code == 0, result.output
        answers.append(_answer(result))
    assert answers == [truth] * 3


def test_a_damaged_manifest_is_exit_2_naming_it_and_the_cause(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, repo = _org(tmp_path)
    assert _scan(root, monkeypatch, "--state-out", "s").exit_code == 0
    manifest = root / "s" / "manifest.json"
    original = manifest.read_bytes()
    # one digit of the commit count: still valid JSON of the right shape
    assert b'"commits":5,' in original
    manifest.write_bytes(original.replace(b'"commits":5,', b'"commits":7,', 1))
    result = _scan(root, monkeypatch, "--state", "s")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"ownership: error: --state s: {Path('s') / 'manifest.json'} is corrupt " \
                                    "(checksum mismatch)"
    # an entry of the wrong type, with a valid checksum (a hand edit)
    manifest.write_bytes(original)
    _reseal(manifest, lambda d: d["repositories"][str(repo.path)].update(head=["not", "a", "sha"]))
    result = _scan(root, monkeypatch, "--state", "s")
    assert result.exit_code == 2
    assert f"is corrupt ('head' of the entry of {repo.path} is a list of 3, not a string)" in result.stderr
    # a state file that is not the one the manifest lists (two runs' files mixed up)
    manifest.write_bytes(original)
    _reseal(manifest, lambda d: d["repositories"][str(repo.path)].update(commits=4))
    result = _scan(root, monkeypatch, "--state", "s")
    assert result.exit_code == 0 and _api(_answer(result))["history_read"] is False
    assert "does not hold what manifest.json lists (head" in result.stderr
    manifest.unlink()
    result = _scan(root, monkeypatch, "--state", "s")
    assert result.exit_code == 2 and "manifest.json is missing" in result.stderr


def test_a_state_folder_of_an_older_version_is_history_unavailable_asking_for_a_new_state_out(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, repo = _org(tmp_path)
    assert _scan(root, monkeypatch, "--state-out", "s").exit_code == 0
    state_file = _state_file(root / "s", root)
    manifest = root / "s" / "manifest.json"
    for path, version in ((state_file, 2), (manifest, 1)):  # what the previous version wrote: no checksum
        data = json.loads(path.read_bytes())
        data.pop("sha256")
        data["version"] = version
        path.write_text(json.dumps(data))
    result = _scan(root, monkeypatch, "--state", "s")
    assert result.exit_code == 2, result.output  # as when no repository could be read, with the reason:
    assert "ownership: error: history read for 0 of 2 repositories: its state in s was written by an older " \
           "version of ownership: re-run `ownership scan --state-out` to write it again" in result.stderr
    assert "was written by an older version of ownership; the history of its 2 repositories is not used: " \
           "re-run `ownership scan --state-out` to write it again" in result.stderr
    (unread,) = _api(_answer(result))["unread"]
    assert "older version" in unread["reason"] and "re-run `ownership scan --state-out`" in unread["reason"]
    # a state file of the older version listed by a manifest of this one: the same, for that repository
    manifest.unlink()
    shutil.copy(state_file, tmp_path / "old-state.json")
    assert _scan(root, monkeypatch, "--state-out", "s").exit_code == 0
    shutil.copy(tmp_path / "old-state.json", state_file)
    result = _scan(root, monkeypatch, "--state", "s")
    assert result.exit_code == 0
    assert f"({Path('s') / 'repos' / state_file.name}) was written by an older version of ownership: re-run " \
           "`ownership scan --state-out` to write it again; its history is not used" in result.stderr


def test_from_json_converts_nothing_it_checks_every_type() -> None:
    from ownership.history.schema import Malformed

    good = {"head": "h", "commits": 1, "lineage": ["h"], "authors": [["A", "a@x"]], "files": {"f": [0, 0, []]},
            "tree": ["f"], "scopes": [{"paths": [], "authors": {"0": [1, "h", [0, 1]]}, "moved": None}]}
    assert RepoState.from_json(good).to_json() == good
    bad: list[tuple[str, Any, str]] = [
        ("tree", "f", "'tree' is a string, not a list"),
        ("commits", True, "'commits' is a boolean, not an integer"),
        ("commits", "1", "'commits' is a string, not an integer"),
        ("head", None, "'head' is null, not a string"),
        ("lineage", ["h", 1], "'lineage' holds an integer, not only strings"),
        ("authors", [["A"]], "an entry of 'authors' is a list of 1"),
        ("files", {"f": "0,0"}, "'files' of 'f' is a string"),
        ("files", {"f": [0, 0, [0, 1.5]]}, "'files' holds a number, not only integers"),
        ("files", {"f": [0, 0, [0]]}, "'files' of 'f' is a list of 3, not [creator, changes, [author, n, ...]]"),
        ("files", {"f": [3, 0, []]}, "'files' names an author id out of range (there are 1 authors)"),
        ("files", {"f": [0, 0, [1, 1]]}, "'files' names an author id out of range"),
        ("files", {"f": [-2, 0, []]}, "'files' names an author id out of range"),
        ("scopes", [{"paths": "src", "authors": {}}], "'paths' of a scope is a string, not a list"),
        ("scopes", [{"paths": [], "authors": {"0": [1, "h", [0, "1"]]}}], "holds a string, not only integers"),
        ("scopes", [{"paths": [], "authors": {"x": [1, "h", []]}}], "has the author id 'x'"),
        ("scopes", [{"paths": [], "authors": {"\u00b2": [1, "h", []]}}], "has the author id '\u00b2'"),
    ]
    for key, value, message in bad:
        with pytest.raises(Malformed, match=re.escape(message)):
            RepoState.from_json({**good, key: value})


def test_a_given_state_damaged_in_one_folder_loses_to_the_intact_one_in_either_order(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = _org(tmp_path)
    truth = _answer(_scan(root, monkeypatch, "--state-out", "good"))
    shutil.copytree(root / "good", root / "bad")
    state_file = _state_file(root / "bad", root)
    raw = bytearray(state_file.read_bytes())
    at = raw.index(b"carol@acme.test")
    raw[at] = ord("k")  # one letter of an author's e-mail
    state_file.write_bytes(bytes(raw))
    for order in (("good", "bad"), ("bad", "good")):
        result = _scan(root, monkeypatch, "--state", order[0], "--state", order[1])
        assert result.exit_code == 0, result.output
        assert _answer(result) == truth
        assert f"({Path('bad') / 'repos' / state_file.name}) is corrupt (checksum mismatch)" in result.stderr
