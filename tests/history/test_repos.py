"""Where repositories are read from: local paths, URL rewrites, blobless clones (file:// only: no network)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ownership.history import git as gitmod
from ownership.history import repos, scan
from ownership.history.repos import Source
from ownership.history.settings import HistorySettings
from ownership.model import Catalog, Location, Repo, System
from tests.gitrepo import GitRepo, git
from tests.history.helpers import TODAY


def _repo(path: Path, n: int = 2) -> GitRepo:
    repo = GitRepo.init(path)
    for i in range(n):
        repo.commit({"src/a.py": f"{i}\n"}, author="Alice <alice@acme.test>", date=f"2024-01-0{i + 1}")
    return repo


def test_rewrite_replaces_the_longest_matching_prefix() -> None:
    rules = {"https://git.acme.test/": "https://mirror.test/", "https://git.acme.test/acme/": "/srv/acme/"}
    assert repos.rewrite("https://git.acme.test/acme/pay.git", rules) == "/srv/acme/pay.git"
    assert repos.rewrite("https://git.acme.test/other/x.git", rules) == "https://mirror.test/other/x.git"
    assert repos.rewrite("git@github.com:acme/x.git", rules) == "git@github.com:acme/x.git"


def test_rewrite_to_a_folder_prefers_an_existing_work_tree_without_dot_git(tmp_path: Path) -> None:
    (tmp_path / "pay").mkdir()
    rules = {"https://git.acme.test/acme/": str(tmp_path) + "/"}
    assert repos.rewrite("https://git.acme.test/acme/pay.git", rules) == str(tmp_path / "pay")
    assert repos.rewrite("https://git.acme.test/acme/ledger.git", rules) == str(tmp_path / "ledger.git")


def test_local_paths_are_relative_to_the_catalog_file(tmp_path: Path) -> None:
    system = System("svc", "team", location=Location(str(tmp_path / "catalog" / "systems" / "svc.yaml"), 1, 1))
    src = repos.locate(Repo("../../repos/svc"), system, {})
    assert src == Source(str(tmp_path / "repos" / "svc"), False, "../../repos/svc")
    assert src.url == "../../repos/svc"


def test_remote_urls_are_cloned_blobless_once_then_fetched(tmp_path: Path) -> None:
    origin = _repo(tmp_path / "origin")
    origin.git("config", "uploadpack.allowFilter", "true")  # a local "server" that honours --filter
    url = f"file://{origin.path}"
    src = Source(url, True, url)
    local = gitmod.Transport(("file",))  # the operator allows file:// (history.protocols)
    first = scan.scan_repo(src, {()}, tmp_path / "cache", lambda _: None, local)
    assert (first.mode, first.new_commits) == ("full", 2)
    clone = repos.clone_dir(tmp_path / "cache", url)
    assert git(clone, "rev-parse", "--is-bare-repository").strip() == "true"
    assert git(clone, "config", "remote.origin.partialclonefilter").strip() == "blob:none"
    missing = [line for line in git(clone, "rev-list", "--objects", "--missing=print", "--all").splitlines()
               if line.startswith("?")]
    assert len(missing) == 2  # both versions of src/a.py: the scan needed no file contents
    origin.commit({"src/b.py": "new\n"}, author="Bob <bob@acme.test>", date="2024-02-01")
    second = scan.scan_repo(src, {()}, tmp_path / "cache", lambda _: None, local)
    assert (second.mode, second.new_commits) == ("incremental", 1)
    assert second.state is not None and "src/b.py" in second.state.files


def test_an_unreachable_remote_is_a_problem_without_credentials_in_it(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    url = "https://deploy:s3cr3t-token@127.0.0.1:9/acme/x.git"  # loopback, closed port: fails at once
    scanned = scan.scan_repo(Source(url, True, url), {()}, tmp_path / "cache", lambda _: None)
    assert scanned.mode == "failed" and scanned.problem
    assert "s3cr3t-token" not in scanned.problem and "cannot read" in scanned.problem


def test_a_missing_local_folder_is_a_problem(tmp_path: Path) -> None:
    src = Source(str(tmp_path / "nope"), False, "../nope")
    scanned = scan.scan_repo(src, {()}, tmp_path / "cache", lambda _: None)
    assert scanned.mode == "failed" and "no such folder" in (scanned.problem or "")


def test_a_folder_inside_a_work_tree_narrows_to_that_folder(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "mono")
    repo.commit({"other/x.py": "x"}, author="Bob <bob@acme.test>", date="2024-03-01")
    catalog = Catalog(systems={"svc": System("svc", "team", repos=(Repo(str(repo.path / "src")),))})
    activity, _ = scan.scan_catalog(catalog, HistorySettings(cache=tmp_path / "cache", protocols=("file",)), TODAY)
    sa = activity.systems["svc"]
    assert [f.path for f in sa.files] == ["src/a.py"]
    assert {c.key for c in sa.contributors} == {"alice@acme.test"}


def test_parallel_scans_give_the_same_result_as_sequential(tmp_path: Path) -> None:
    systems = {}
    for name in ("one", "two", "three"):
        _repo(tmp_path / name, n=3)
        systems[name] = System(name, "team", repos=(Repo(str(tmp_path / name)),))
    catalog = Catalog(systems=systems)
    parallel, _ = scan.scan_catalog(catalog, HistorySettings(cache=tmp_path / "c1"), TODAY, jobs=3)
    sequential, _ = scan.scan_catalog(catalog, HistorySettings(cache=tmp_path / "c2"), TODAY, jobs=1)
    assert parallel == sequential
    assert set(parallel.systems) == {"one", "two", "three"}


def test_two_systems_on_one_repository_share_one_scan(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "mono")
    repo.commit({"docs/x.md": "x"}, author="Bob <bob@acme.test>", date="2024-03-01")
    catalog = Catalog(systems={
        "api": System("api", "team", repos=(Repo(str(repo.path), ("src",)),)),
        "docs": System("docs", "team", repos=(Repo(str(repo.path) + "/", ("docs/",)),)),
    })
    activity, scans = scan.scan_catalog(catalog, HistorySettings(cache=tmp_path / "cache", protocols=("file",)), TODAY)
    assert len(scans) == 1
    assert {c.key for c in activity.systems["api"].contributors} == {"alice@acme.test"}
    assert {c.key for c in activity.systems["docs"].contributors} == {"bob@acme.test"}
    assert activity.today == TODAY and activity.windows == (90, 365)
    assert activity.systems["docs"].last_commit is not None
    assert activity.systems["docs"].last_commit.when == dt.datetime(2024, 3, 1, 12, tzinfo=dt.timezone.utc)


def test_one_repository_listed_twice_by_a_system_counts_each_commit_once(tmp_path: Path) -> None:
    repo = _repo(tmp_path / "mono")
    repo.commit({"src/a.py": "x", "docs/a.md": "y"}, author="Bob <bob@acme.test>", date="2024-03-01")
    catalog = Catalog(systems={"svc": System("svc", "team", repos=(Repo(str(repo.path), ("src",)),
                                                                     Repo(str(repo.path), ("docs",))))})
    activity, _ = scan.scan_catalog(catalog, HistorySettings(cache=tmp_path / "cache", protocols=("file",)), TODAY)
    sa = activity.systems["svc"]
    assert {c.key: c.total_commits for c in sa.contributors} == {"alice@acme.test": 2, "bob@acme.test": 1}
    assert sorted(f.path for f in sa.files) == ["docs/a.md", "src/a.py"]


def test_a_remote_that_accepts_and_then_says_nothing_fails_instead_of_hanging(tmp_path: Path) -> None:
    import time

    from tests.security.silent import silent_server

    started = time.monotonic()
    with silent_server() as port:
        with pytest.raises(gitmod.GitError, match="no answer from the remote|too slow|timed out"):
            gitmod.clone_blobless(f"http://127.0.0.1:{port}/acme/pay.git", tmp_path / "cache" / "pay",
                                  gitmod.Transport(("http",), 2))
    assert time.monotonic() - started < 30
    assert not (tmp_path / "cache" / "pay").exists() and not (tmp_path / "cache" / "pay.partial").exists()


# --------------------------------------------------------------------------- the partial-clone check without git


def _git_says_partial(path: Path) -> bool:
    return repos._partial_clone_keys(gitmod.try_run(path, "config", "-z", "--get-regexp", repos.PARTIAL_CLONE_KEYS))


def _shapes(tmp_path: Path) -> dict[str, tuple[Path, bool]]:
    """Repositories of every shape the check meets -> (the path, whether it is a partial clone)."""
    out: dict[str, tuple[Path, bool]] = {}
    plain = _repo(tmp_path / "plain")
    out["a plain work tree"] = (plain.path, False)
    promisor = _repo(tmp_path / "promisor")
    promisor.git("config", "remote.origin.promisor", "true")
    out["a work tree with a promisor remote"] = (promisor.path, True)
    off = _repo(tmp_path / "off")
    off.git("config", "remote.origin.promisor", "off")
    out["a promisor remote turned off"] = (off.path, False)
    shouted = _repo(tmp_path / "shouted")
    with (shouted.path / ".git" / "config").open("a") as fh:
        fh.write('[Remote "origin"]\n\tPROMISOR = yes\n')
    out["the keys spelt in capitals"] = (shouted.path, True)
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(plain.path), str(bare))
    out["a bare repository"] = (bare, False)
    partial_bare = tmp_path / "partial.git"
    git(tmp_path, "clone", "-q", "--bare", str(plain.path), str(partial_bare))
    git(partial_bare, "config", "extensions.partialClone", "origin")
    out["a bare repository with extensions.partialClone"] = (partial_bare, True)
    included = _repo(tmp_path / "included")
    (tmp_path / "extra.conf").write_text('[remote "origin"]\n\tpromisor = true\n')
    included.git("config", "include.path", str(tmp_path / "extra.conf"))
    out["a promisor set by an included file"] = (included.path, True)
    linked = tmp_path / "linked"
    promisor.git("worktree", "add", "-q", str(linked))
    out["a linked work tree of a partial clone (.git is a file)"] = (linked, True)
    inner = promisor.path / "src"
    out["a folder inside a partial clone"] = (inner, True)
    fake = promisor.path / "fake"
    (fake / "objects").mkdir(parents=True)
    (fake / "refs").mkdir()
    (fake / "HEAD").write_text("not a ref\n")
    out["a folder that looks bare, with a HEAD git refuses, inside a partial clone"] = (fake, True)
    return out


def test_the_partial_clone_check_answers_as_git_config_does_for_every_shape(tmp_path: Path) -> None:
    for what, (path, expected) in _shapes(tmp_path).items():
        assert _git_says_partial(path) is expected, f"{what}: the fixture is not what it says"
        assert repos.foreign_partial_clone(path, None) is expected, what


def test_a_promisor_remote_in_the_operators_global_config_makes_every_repository_a_partial_clone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = _repo(tmp_path / "plain")
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text('[remote "origin"]\n\tpromisor = true\n')
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    assert _git_says_partial(plain.path) is True
    assert repos.foreign_partial_clone(plain.path, None) is True


def test_a_plain_repository_is_checked_without_starting_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = _repo(tmp_path / "plain")
    repos._operator_partial_clone()  # asked once per environment
    asked: list[tuple[str, ...]] = []
    real = gitmod.try_run
    monkeypatch.setattr(gitmod, "try_run", lambda cwd, *args: asked.append(args) or real(cwd, *args))
    assert repos.foreign_partial_clone(plain.path, None) is False
    assert asked == []
    promisor = _repo(tmp_path / "promisor")
    promisor.git("config", "remote.origin.promisor", "true")
    assert repos.foreign_partial_clone(promisor.path, None) is True
    assert asked and asked[0][0] == "config"  # a file naming the keys: git itself answers
