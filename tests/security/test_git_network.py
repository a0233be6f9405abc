"""Issue 12, hole 5 (git): silent git:// and ssh remotes stop within the stall time; only the operator's
safe GIT_* variables reach git."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from ownership.history import git, repos
from ownership.history.repos import Source
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
