"""Issue 12, hole 5 (git): silent git:// and ssh remotes stop within the stall time; only the operator's
safe GIT_* variables reach git."""
from __future__ import annotations

import base64
import json
import sys
import threading
import time
from pathlib import Path

import pytest

from ownership.history import git, repos
from ownership.history.repos import Source
from tests.gitrepo import GitRepo
from tests.gitrepo import git as run_git
from tests.security import attack
from tests.security.gitserver import GitServer
from tests.security.silent import silent_server


def _clone_fails_fast(url: str, tmp_path: Path, protocols: tuple[str, ...]) -> str:
    started = time.monotonic()
    with pytest.raises(git.GitError) as caught:
        repos.materialise(Source(url, True, url), tmp_path / "cache", lambda _: None, git.Transport(protocols, 2))
    assert time.monotonic() - started < 20
    assert not list((tmp_path / "cache" / "clones").glob("*.partial"))
    return str(caught.value)


def test_a_silent_git_protocol_remote_stops_within_the_stall_time(tmp_path: Path) -> None:
    with silent_server() as port:
        message = _clone_fails_fast(f"git://127.0.0.1:{port}/acme/pay.git", tmp_path, ("git",))
    assert "no answer from the remote for 2 s" in message


def test_a_silent_ssh_remote_stops_even_with_the_operators_git_ssh_command(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the operator's ssh: a small script that connects to the host's port and relays nothing back
    script = tmp_path / "fake-ssh"
    script.write_text(f"#!{sys.executable}\nimport socket, sys, time\n"
                      "port = int(sys.argv[sys.argv.index('-p') + 1])\n"
                      "s = socket.create_connection(('127.0.0.1', port))\ntime.sleep(3600)\n")
    script.chmod(0o755)
    with silent_server() as port:
        monkeypatch.setenv("GIT_SSH_COMMAND", str(script))
        message = _clone_fails_fast(f"ssh://git@127.0.0.1:{port}/acme/pay.git", tmp_path, ("ssh",))
    assert "no answer from the remote" in message


def test_a_transport_the_operator_did_not_allow_is_refused_by_git(tmp_path: Path) -> None:
    message = _clone_fails_fast("git://127.0.0.1:9/acme/pay.git", tmp_path, ("https", "ssh"))
    assert "not allowed" in message


@pytest.mark.parametrize("name,kept", [
    ("GIT_SSH_COMMAND", True), ("GIT_SSH", True), ("GIT_SSL_CAINFO", True), ("GIT_SSL_NO_VERIFY", True),
    ("GIT_PROXY_COMMAND", True), ("GIT_TRACE", True), ("GIT_TRACE_PACKET", True), ("GIT_CONFIG_NOSYSTEM", True),
    ("GIT_DIR", False), ("GIT_WORK_TREE", False), ("GIT_INDEX_FILE", False), ("GIT_OBJECT_DIRECTORY", False),
    ("GIT_ALTERNATE_OBJECT_DIRECTORIES", False), ("GIT_COMMON_DIR", False), ("GIT_NAMESPACE", False),
    ("GIT_CONFIG_PARAMETERS", False), ("GIT_CONFIG_COUNT", False), ("GIT_CONFIG_KEY_0", False),
    ("GIT_CONFIG_GLOBAL", False), ("GIT_EXEC_PATH", False), ("GIT_EXTERNAL_DIFF", False),
    ("GIT_HTTP_LOW_SPEED_TIME", False),
])
def test_only_the_operators_safe_git_variables_reach_git(monkeypatch: pytest.MonkeyPatch, name: str,
                                                          kept: bool) -> None:
    monkeypatch.setenv(name, "x")
    assert (name in git.clean_env()) is kept
    assert (f" -u {name} " in " ".join(git.argv(["status"]))) is (not kept)


def test_the_operators_git_allow_protocol_narrows_ours_and_never_widens_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_ALLOW_PROTOCOL", "ssh:ext:file")
    env = git.clean_env(git.Transport(("https", "ssh")))
    assert env["GIT_ALLOW_PROTOCOL"] == "ssh" and env["GIT_PROTOCOL_FROM_USER"] == "0"
    assert git.clean_env()["GIT_ALLOW_PROTOCOL"] == ""  # a repository we did not clone: no transport at all


def test_every_git_command_overrides_the_repositorys_command_settings() -> None:
    line = " ".join(git.argv(["log"]))
    for setting in ("core.fsmonitor=false", "credential.helper=", "core.sshCommand=ssh", "protocol.allow=never",
                    "remote.origin.uploadpack=git-upload-pack", "core.alternateRefsCommand="):
        assert f"-c {setting}" in line
    assert "protocol.ext.allow" not in " ".join(git.argv(["fetch"], git.Transport(("https", "ssh", "ext"))))


def test_a_token_in_a_repository_url_reaches_git_but_never_the_clone_cache(tmp_path: Path) -> None:
    """http://user:token@host/x in the catalog: the clone, the later fetch and the lazy blob fetch that
    `git log -M` needs for the edited rename all log in with it (the server refuses anyone else), and no
    file under the cache holds the token."""
    token = "tok3n-Zq81"
    srv = tmp_path / "srv"
    repo = GitRepo.init(tmp_path / "origin")
    repo.commit({"src/ledger.py": "".join(f"line {i}\n" for i in range(200))}, date="2024-01-02")
    repo.commit({"src/ledger.py": None, "src/books.py": "".join(f"line {i}\n" for i in range(199)) + "x\n"},
                date="2024-02-02")
    srv.mkdir()
    run_git(tmp_path, "clone", "-q", "--bare", str(repo.path), str(srv / "ledger.git"))
    run_git(srv / "ledger.git", "config", "uploadpack.allowFilter", "true")
    auth = base64.b64encode(f"deploy:{token}".encode()).decode()
    server = GitServer(srv, auth)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host = server.url.removeprefix("http://")
        cache = tmp_path / "cache"
        org = tmp_path / "org"
        (org / "catalog").mkdir(parents=True)
        (org / "catalog" / "c.yaml").write_text(
            "teams:\n  - name: payments\nsystems:\n  - name: ledger\n    owner: payments\n"
            f"    repos: [{{url: 'http://deploy:{token}@{host}/ledger.git'}}]\n")
        (org / "ownership.yaml").write_text(f"history: {{protocols: [http], cache: {cache}, stall: 20}}\n")
        runs = [attack.ownership(org, "scan", "--format", "json", "--today", "2024-12-31") for _ in range(2)]
        for run in runs:  # the first clones, the second fetches
            assert run.returncode == 0, run.stderr
            (system,) = json.loads(run.stdout)["systems"]
            assert not system["problems"] and system["files"] >= 1, system
            assert token not in run.stdout + run.stderr
        clone, = (cache / "clones").glob("ledger-*.git")
        assert run_git(clone, "config", "remote.origin.url").strip() == f"http://{host}/ledger.git"
        leaks = [p for p in cache.rglob("*") if p.is_file() and token.encode() in p.read_bytes()]
        assert leaks == []
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_the_operators_credential_helper_logs_in_to_our_clones_but_never_to_repositories_read_in_place() -> None:
    """A repository read in place talks to no remote, so nothing there may start a credential helper; our own
    clones (whose config we wrote) fetch with the operator's global helper, as `gh auth setup-git` sets it."""
    local = git.hardening(git.NO_NETWORK)
    remote = git.hardening(git.Transport(("https",)))
    assert "credential.helper=" in local and "core.askPass=" in local
    assert not any(o.startswith(("credential.helper=", "core.askPass=")) for o in remote)
    assert "core.fsmonitor=false" in remote and "protocol.allow=never" in remote
