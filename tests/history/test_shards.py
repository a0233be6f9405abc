"""Sharded scans and portable scan state (issue 16): the matrix simulated here, the merge rule, failed shard
repositories, a cache restored elsewhere, credentials, and --state folders that cannot be used."""
from __future__ import annotations

import collections
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ownership.cli import cli
from ownership.history import cache, repos, scan, shards
from ownership.history.repos import Source
from ownership.history.settings import HistorySettings
from ownership.model import Catalog
from tests.gitrepo import GitRepo, git
from tests.history.helpers import TODAY

SRC = str(Path(__file__).resolve().parents[2] / "src")
PEOPLE = ["Alice Nguyen <alice@acme.test>", "Bob Martin <bob@acme.test>", "Carol Diaz <carol@acme.test>"]
ROSTER = """id,firstName,lastName,workEmail,status,terminationDate,department
1,Alice,Nguyen,alice@acme.test,Active,,Payments
2,Bob,Martin,bob@acme.test,Inactive,2024-06-30,Payments
3,Carol,Diaz,carol@acme.test,Active,,Platform
"""


def _fast_import(path: Path, seed: int, commits: int = 3) -> None:
    """A bare repository with a few commits at fixed dates, written in one `git fast-import`."""
    git(path.parent, "init", "-q", "--bare", "-b", "main", str(path))
    lines: list[str] = []
    for n in range(commits):
        who = PEOPLE[(seed + n) % len(PEOPLE)]
        when = 1_700_000_000 + seed * 86_400 + n * 3_600 * 7
        message = f"change {n}"
        body = f"{seed}-{n}\n"
        lines += [f"commit refs/heads/main", f"mark :{n + 1}", f"author {who} {when} +0000",
                  f"committer {who} {when} +0000", f"data {len(message)}", message]
        if n:
            lines.append(f"from :{n}")
        lines += [f"M 644 inline src/file{n % 2}.py", f"data {len(body)}", body.rstrip("\n"),
                  f"M 644 inline docs/d{seed % 3}.md", "data 2", "d", ""]
    stream = "\n".join(lines) + "\n"
    subprocess.run(["git", "fast-import", "--quiet"], cwd=path, input=stream.encode(), check=True, timeout=30)


def _org(root: Path, repositories: int) -> Path:
    """repos/repo-NN.git (bare, made with fast-import), a catalog over them (file:// URLs: cloned like any
    remote), ownership.yaml allowing file://, and a roster."""
    (root / "repos").mkdir(parents=True)
    for i in range(repositories):
        _fast_import(root / "repos" / f"repo-{i:02d}.git", i)
    systems = []
    for i in range(repositories):
        url = f"file://{root}/repos/repo-{i:02d}.git"
        if i % 10 == 3:  # a system narrowed to a path, and one spanning two repositories
            systems.append(f"  - name: sys-{i:02d}\n    owner: core\n    repos:\n      - url: {url}\n"
                           f"        paths: [src/]\n      - url: file://{root}/repos/repo-{(i + 1) % repositories:02d}.git\n")
        else:
            systems.append(f"  - name: sys-{i:02d}\n    owner: core\n    repos:\n      - url: {url}\n")
    (root / "catalog").mkdir()
    (root / "catalog" / "teams.yaml").write_text(
        "teams:\n  - name: core\n    members: [alice@acme.test, carol@acme.test]\n")
    (root / "catalog" / "systems.yaml").write_text("systems:\n" + "".join(systems))
    (root / "ownership.yaml").write_text("history:\n  protocols: [file]\n  jobs: 2\n")
    (root / "roster.csv").write_text(ROSTER)
    return root


def _ownership(root: Path, cache_home: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": SRC, "XDG_CACHE_HOME": str(cache_home)}
    return subprocess.Popen([sys.executable, "-m", "ownership", *args], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _finish(proc: subprocess.Popen[bytes]) -> str:
    out, err = proc.communicate(timeout=240)
    assert proc.returncode == 0, err.decode()
    assert b"Traceback" not in err
    return out.decode()


def _cli(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    monkeypatch.chdir(root)
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / "xdg"))
    return CliRunner().invoke(cli, list(args))


@pytest.mark.slow
def test_three_shard_processes_merged_give_the_report_of_one_process_byte_for_byte(tmp_path: Path) -> None:
    root = _org(tmp_path / "org", 60)
    common = ("--today", "2024-12-31", "--roster", "roster.csv")
    shard_runs = [_ownership(root, tmp_path / f"xdg{i}", "scan", "--catalog", "catalog", "--shard", f"{i}/3",
                             "--state-out",
                             str(tmp_path / f"s{i}"), *common) for i in (1, 2, 3)]
    single = _ownership(root, tmp_path / "xdg-single", "scan", "--catalog", "catalog", *common)
    for proc in [*shard_runs, single]:
        _finish(proc)
    _finish(_ownership(root, tmp_path / "xdg-single", "report", "--catalog", "catalog", "--out",
                       str(tmp_path / "one" / "2024-12-31"), *common))
    merged = _ownership(root, tmp_path / "xdg-report", "report", "--catalog", "catalog", "--out",
                        str(tmp_path / "matrix" / "2024-12-31"), *common,
                        *[a for i in (1, 2, 3) for a in ("--state", str(tmp_path / f"s{i}"))])
    _finish(merged)
    # every repository in exactly one shard, the shards of about equal size
    manifests = [json.loads((tmp_path / f"s{i}" / "manifest.json").read_text()) for i in (1, 2, 3)]
    assert [m["shard"] for m in manifests] == ["1/3", "2/3", "3/3"]
    owned = [set(m["repositories"]) for m in manifests]
    assert sum(len(o) for o in owned) == 60 and len(set().union(*owned)) == 60
    assert all(len(o) == 20 for o in owned)
    assert all(e["status"] == "scanned" and e["commits"] == 3 for m in manifests for e in m["repositories"].values())
    # the report job read no git at all: nothing was cloned into its cache
    assert not (tmp_path / "xdg-report" / "ownership" / "clones").exists()
    for name in ("report.json", "report.md"):
        one = (tmp_path / "one" / "2024-12-31" / name).read_bytes()
        assert one == (tmp_path / "matrix" / "2024-12-31" / name).read_bytes(), name
    doc = json.loads((tmp_path / "matrix" / "2024-12-31" / "report.json").read_bytes())
    h = doc["headline"]
    assert (h["systems"], h["history_read"], h["history_repositories"]) == (60, 60, 60)
    assert "Bob Martin" in (tmp_path / "matrix" / "2024-12-31" / "report.md").read_text()  # a leaver's knowledge


def _state(root: Path, monkeypatch: pytest.MonkeyPatch, out: str, *extra: str) -> Result:
    result = _cli(root, monkeypatch, "scan", "--catalog", "catalog", "--today", "2024-12-31", "--state-out", out,
                  *extra)
    assert result.exit_code == 0, result.output
    return result


def _small(tmp_path: Path) -> tuple[Path, GitRepo]:
    root = tmp_path / "org"
    origin = GitRepo.init(root / "repos" / "api")
    origin.commit({"a.py": "1\n"}, author=PEOPLE[0], date="2024-03-01")
    (root / "catalog").mkdir(parents=True)
    (root / "catalog" / "all.yaml").write_text(
        "teams:\n  - name: core\n    members: [alice@acme.test]\nsystems:\n  - name: api\n    owner: core\n"
        f"    repos:\n      - url: file://{origin.path}\n")
    (root / "ownership.yaml").write_text("history:\n  protocols: [file]\n")
    return root, origin


def _last_commit(result: Result) -> str:
    doc = json.loads(result.stdout)
    return doc["systems"][0]["last_commit"]["sha"]


def test_of_two_states_of_a_repository_the_one_whose_head_descends_from_the_other_wins(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, origin = _small(tmp_path)
    _state(root, monkeypatch, "old")
    origin.commit({"a.py": "2\n"}, author=PEOPLE[1], date="2024-04-01")
    _state(root, monkeypatch, "new")  # incremental on the same cache: its lineage holds the old head
    newest = origin.head()
    shutil.rmtree(root / "xdg")  # the merge needs no git, no clone and no cache
    for order in (("old", "new"), ("new", "old")):
        result = _cli(root, monkeypatch, "scan", "--catalog", "catalog", "--today", "2024-12-31", "--format", "json",
                      "--state", order[0], "--state", order[1])
        assert result.exit_code == 0, result.output
        assert _last_commit(result) == newest
    assert not (root / "xdg" / "ownership" / "clones").exists()


def test_two_unrelated_heads_of_one_repository_are_an_error_naming_it_and_both_heads(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, origin = _small(tmp_path)
    _state(root, monkeypatch, "before")
    before = origin.head()
    origin.git("commit", "-q", "--amend", "-m", "rewritten")  # a rewritten history: the old head is gone
    after = origin.head()
    shutil.rmtree(root / "xdg")
    _state(root, monkeypatch, "after")
    result = _cli(root, monkeypatch, "report", "--catalog", "catalog", "--today", "2024-12-31", "--state", "before",
                  "--state", "after")
    assert result.exit_code == 2
    message = result.stderr.strip()
    assert message.startswith("ownership: error: --state:") and "\n" not in message
    assert f"file://{origin.path}" in message and before in message and after in message


def test_a_repository_that_failed_in_its_shard_is_unknown_with_the_shards_reason(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, origin = _small(tmp_path)
    (root / "catalog" / "gone.yaml").write_text(
        f"systems:\n  - name: gone\n    owner: core\n    repos:\n      - url: file://{root}/repos/missing.git\n")
    _state(root, monkeypatch, "s1", "--shard", "1/1")
    manifest = json.loads((root / "s1" / "manifest.json").read_text())
    failed = manifest["repositories"][f"file://{root}/repos/missing"]
    assert failed["status"] == "failed" and failed["head"] is None and failed["reason"]
    shutil.rmtree(root / "xdg")
    result = _cli(root, monkeypatch, "scan", "--catalog", "catalog", "--today", "2024-12-31", "--format", "json",
                  "--state", "s1")
    assert result.exit_code == 0, result.output
    gone = next(s for s in json.loads(result.stdout)["systems"] if s["name"] == "gone")
    assert gone["history_read"] is False and gone["truck_factor"] is None and gone["files"] is None
    assert gone["unread"] == [{"repo": f"file://{root}/repos/missing.git", "reason": failed["reason"]}]
    text = _cli(root, monkeypatch, "scan", "--catalog", "catalog", "--today", "2024-12-31", "--state", "s1").stdout
    assert "gone  (1 repo, HISTORY NOT READ)" in text and "history read for 1 of 2 repositories" in text


def test_a_cache_restored_in_another_folder_with_another_clone_path_makes_the_scan_incremental(
        tmp_path: Path) -> None:
    origin = GitRepo.init(tmp_path / "origin")
    origin.commit({"a.py": "1\n"}, author=PEOPLE[0], date="2024-03-01")
    source = Source(f"file://{origin.path}", True, f"file://{origin.path}")
    local = scan.git.Transport(("file",))
    first = scan.scan_repo(source, {()}, tmp_path / "A", lambda _: None, local)
    assert first.mode == "full"
    (tmp_path / "B").mkdir()
    shutil.copytree(tmp_path / "A" / "history", tmp_path / "B" / "history")  # the state, not the clone
    again = scan.scan_repo(source, {()}, tmp_path / "B", lambda _: None, local)
    assert again.mode == "cached" and (tmp_path / "B" / "clones").is_dir()
    origin.commit({"a.py": "2\n"}, author=PEOPLE[1], date="2024-04-01")
    shutil.rmtree(tmp_path / "B")
    shutil.copytree(tmp_path / "A" / "history", tmp_path / "C" / "history")
    later = scan.scan_repo(source, {()}, tmp_path / "C", lambda _: None, local)
    assert (later.mode, later.new_commits) == ("incremental", 1)
    assert later.state is not None and later.state.lineage == [first.state.head, origin.head()]


def test_a_cache_file_of_a_previous_version_is_rescanned_with_a_notice(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "r")
    repo.commit({"a.py": "1\n"}, date="2024-03-01")
    source = Source(str(repo.path), False, str(repo.path))
    target = cache.file_for(tmp_path / "cache", repos.state_key(source))
    target.parent.mkdir(parents=True)
    target.write_text(json.dumps({"format": cache.FORMAT, "version": 1, "repo": str(repo.path / ".git"),
                                  "key": {}, "state": {}}))
    warnings: list[str] = []
    assert scan.scan_repo(source, {()}, tmp_path / "cache", warnings.append).mode == "full"
    assert warnings == [f"the history cache {target} was written by an older version of ownership; scanning "
                        f"{repos.state_key(source)} again from the start (once)"]
    warnings.clear()
    assert scan.scan_repo(source, {()}, tmp_path / "cache", warnings.append).mode == "cached" and not warnings


@pytest.mark.parametrize("spelling", ["git@GitHub.com:acme/payments.git", "https://github.com/acme/payments",
                                      "https://x-token:s3cret@github.com/acme/payments.git/",
                                      "ssh://git@github.com:22/acme/payments.git"])
def test_every_spelling_of_a_remote_is_one_key_without_credentials(spelling: str) -> None:
    key = repos.state_key(Source(spelling, True, spelling))
    assert key == "github.com/acme/payments"
    assert "s3cret" not in cache.file_for(Path("/c"), key).name


def test_credentials_of_a_failing_remote_reach_neither_a_state_file_name_nor_its_contents(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = _small(tmp_path)
    (root / "catalog" / "secret.yaml").write_text(
        "systems:\n  - name: private\n    owner: core\n    repos:\n"
        "      - url: https://x-token:s3cret@127.0.0.1:9/acme/private.git\n")
    (root / "ownership.yaml").write_text("history:\n  protocols: [file, https]\n  stall: 10\n")
    _state(root, monkeypatch, "out")
    written = [p for p in (root / "out").rglob("*") if p.is_file()]
    written += [p for p in (root / "xdg").rglob("*") if p.is_file() and "clones" not in p.parts]
    assert any(p.name == "manifest.json" for p in written)
    assert all("s3cret" not in str(p) and b"s3cret" not in p.read_bytes() for p in written)
    manifest = json.loads((root / "out" / "manifest.json").read_text())
    assert manifest["repositories"]["127.0.0.1:9/acme/private"]["status"] == "failed"


def test_shards_are_assigned_largest_first_into_the_least_loaded_deterministically() -> None:
    costs: dict[str, int | None] = {"a": 100, "b": 60, "c": 50, "d": 10}
    got = shards.assign(costs, 2)
    assert got == shards.assign(dict(reversed(list(costs.items()))), 2)
    assert {k for k, s in got.items() if s == got["a"]} == {"a", "d"}
    assert {k for k, s in got.items() if s == got["b"]} == {"b", "c"}
    even = shards.assign({f"r{i}": None for i in range(9)}, 3)
    assert sorted(list(even.values()).count(s) for s in (1, 2, 3)) == [3, 3, 3]


def test_shard_assignment_uses_the_commits_of_the_cached_state(tmp_path: Path) -> None:
    big, small = GitRepo.init(tmp_path / "big"), GitRepo.init(tmp_path / "small")
    for n in range(6):
        big.commit({"a.py": f"{n}\n"}, date=f"2024-03-0{n + 1}")
    small.commit({"a.py": "1\n"}, date="2024-03-01")
    also = GitRepo.init(tmp_path / "also")
    also.commit({"a.py": "1\n"}, date="2024-03-01")
    sources = [Source(str(r.path), False, str(r.path)) for r in (big, small, also)]
    for s in sources:
        scan.scan_repo(s, {()}, tmp_path / "cache", lambda _: None)
    first = shards.select({s: {()} for s in sources}, shards.Shard(1, 2), tmp_path / "cache")
    second = shards.select({s: {()} for s in sources}, shards.Shard(2, 2), tmp_path / "cache")
    assert first | second == set(sources) and not first & second
    assert {len(first), len(second)} == {1, 2}  # the 6-commit repository alone, the two small ones together
    assert sources[0] in (first if len(first) == 1 else second)


def test_a_first_run_weighs_each_repository_by_the_scopes_the_catalog_reads_it_through() -> None:
    costs: dict[str, int | None] = {"mono": None, "a": None, "b": None, "c": None, "d": None}
    readers = {"mono": 4, "a": 1, "b": 1, "c": 1, "d": 1}
    got = shards.assign(costs, 2, readers)
    assert {k for k, s in got.items() if s == got["mono"]} == {"mono"}  # 4 against 1 + 1 + 1 + 1
    assert got == shards.assign(dict(reversed(list(costs.items()))), 2, readers)
    # once any state knows its commits, commits decide and the readers no longer count
    known = shards.assign({"mono": 1, "a": 1000, "b": 1, "c": 1, "d": 1}, 2, readers)
    assert {k for k, s in known.items() if s == known["a"]} == {"a"}


def test_a_first_run_over_local_repositories_weighs_each_by_its_history_on_disk(tmp_path: Path) -> None:
    """No state anywhere, every repository local: the one with the most history is the one kept apart (the
    readers alone would have paired it with another: one scope each)."""
    for i, commits in enumerate((400, 10, 10, 10)):
        _fast_import(tmp_path / f"r{i}.git", i, commits)
        git(tmp_path / f"r{i}.git", "gc", "-q")
    requests = {Source(str(tmp_path / f"r{i}.git"), False, f"r{i}"): {()} for i in range(4)}
    sizes = {s.url: repos.history_size(s) for s in requests}
    assert all(sizes.values()) and sizes["r0"] > 5 * sizes["r1"]  # type: ignore[operator]
    shard_of = {s.url: i for i in (1, 2) for s in shards.select(requests, shards.Shard(i, 2), tmp_path / "cache")}
    assert {url for url, i in shard_of.items() if i == shard_of["r0"]} == {"r0"}
    # one remote repository (nothing cloned yet on a first run): the readers decide, as before
    remote = {**requests, Source("https://git.example/x.git", True, "https://git.example/x.git"): {()}}
    assert repos.history_size(next(s for s in remote if s.remote)) is None
    split = {s.url: i for i in (1, 2) for s in shards.select(remote, shards.Shard(i, 2), tmp_path / "cache")}
    assert sorted(collections.Counter(split.values()).values()) == [2, 3]
    assert len([url for url, i in split.items() if i == split["r0"]]) > 1  # r0 weighs one scope, like the rest


def test_history_size_counts_loose_objects_when_a_repository_has_no_pack(tmp_path: Path) -> None:
    work = GitRepo.init(tmp_path / "w")
    work.commit({"a.py": "x" * 5000}, author=PEOPLE[0])
    loose = repos.history_size(Source(str(work.path), False, "w"))
    assert loose is not None and loose > 0
    assert repos.history_size(Source(str(tmp_path / "not-a-repo"), False, "n")) is None


@pytest.mark.parametrize("bad", ["0/3", "4/3", "x", "3", "1/0", "-1/3"])
def test_a_bad_shard_is_exit_2_with_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    bad: str) -> None:
    root, _ = _small(tmp_path)
    result = _cli(root, monkeypatch, "scan", "--catalog", "catalog", "--shard", bad, "--state-out", "out")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"ownership: error: --shard must be I/N with 1 <= I <= N (shard I of N, e.g. " \
                                    f"2/3), got {bad!r}"
    assert not (root / "out").exists()


def test_a_shard_without_state_out_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = _small(tmp_path)
    result = _cli(root, monkeypatch, "scan", "--catalog", "catalog", "--shard", "1/2")
    assert result.exit_code == 2 and "--shard needs --state-out" in result.stderr


@pytest.mark.parametrize("command", ["scan", "audit", "report", "site"])
def test_a_missing_state_folder_is_exit_2_before_anything_is_scanned(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    root, _ = _small(tmp_path)
    extra = ["--out", "site"] if command == "site" else []
    result = _cli(root, monkeypatch, command, "--catalog", "catalog", *extra, "--state", "nowhere")
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == "ownership: error: --state nowhere: no such folder"
    assert not (root / "xdg" / "ownership" / "clones").exists()


def test_a_corrupt_state_folder_is_exit_2_naming_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = _small(tmp_path)
    _state(root, monkeypatch, "s")
    (root / "empty").mkdir()
    result = _cli(root, monkeypatch, "report", "--catalog", "catalog", "--state", "empty")
    assert result.exit_code == 2 and "empty/manifest.json is missing" in result.stderr
    (root / "s" / "manifest.json").write_text("{not json")
    result = _cli(root, monkeypatch, "audit", "--catalog", "catalog", "--state", "s")
    assert result.exit_code == 2 and "s/manifest.json is corrupt (not JSON)" in result.stderr
    assert "Traceback" not in result.output


def test_scan_without_the_new_flags_writes_no_state_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, _ = _small(tmp_path)
    result = _cli(root, monkeypatch, "scan", "--catalog", "catalog", "--today", "2024-12-31")
    assert result.exit_code == 0 and "history read for 1 of 1 repositories" in result.stdout
    assert sorted(p.name for p in root.iterdir()) == ["catalog", "ownership.yaml", "repos", "xdg"]


def test_scan_catalog_with_a_shard_reports_only_the_systems_wholly_in_it(tmp_path: Path) -> None:
    from ownership.catalog.load import load_paths

    root = _org(tmp_path / "org", 6)
    catalog, _ = load_paths([str(root / "catalog")])
    assert isinstance(catalog, Catalog)
    hs = HistorySettings(cache=tmp_path / "cache", protocols=("file",))
    seen: set[str] = set()
    for i in (1, 2):
        act, scans = scan.scan_catalog(catalog, hs, TODAY, shard=shards.Shard(i, 2))
        assert len(scans) == 3
        assert all(all(s in scans for s, _ in scan.catalog_sources(catalog, {})[n]) for n in act.systems)
        seen |= {repos.state_key(s) for s in scans}
    assert len(seen) == 6
