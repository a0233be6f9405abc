"""Issue 24, point 5: a token in a repository URL reaches git only through its environment, never a command
line (/proc/PID/cmdline is readable by every local user) nor a clone's config; point 3: a cached clone whose
config was changed is never used, and credentials come only from the operator."""
from __future__ import annotations

import base64
import os
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from ownership.history import clonecheck, git, gitlogin, repos
from ownership.history.repos import Source
from tests.gitrepo import GitRepo
from tests.gitrepo import git as run_git
from tests.security.gitserver import GitServer, serving

TOKEN = "tok3n-Vr82Lq"


def _served(tmp: Path, name: str = "ledger", marker: str = "real") -> tuple[Path, str]:
    """A bare repository under tmp/srv served as /<name>.git; its head commit."""
    origin = GitRepo.init(tmp / f"origin-{name}")
    origin.commit({"src/ledger.py": f"{marker}\n"}, date="2024-01-02")
    bare = tmp / "srv" / f"{name}.git"
    bare.parent.mkdir(exist_ok=True)
    run_git(tmp, "clone", "-q", "--bare", str(origin.path), str(bare))
    run_git(bare, "config", "uploadpack.allowFilter", "true")
    return bare, run_git(bare, "rev-parse", "HEAD").strip()


def _auth(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


class CommandLines:
    """Every command line of every process of this user, read from /proc while it runs."""

    def __init__(self) -> None:
        self.seen: set[bytes] = set()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self.stop.is_set():
            for pid in os.listdir("/proc"):
                if pid.isdigit():
                    try:
                        with open(f"/proc/{pid}/cmdline", "rb") as fh:
                            self.seen.add(fh.read())
                    except OSError:
                        pass
            self.stop.wait(0.01)  # each git process of a clone lives >= 0.3 s (the server's delay)

    def __enter__(self) -> CommandLines:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join(timeout=10)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[GitServer]:
    _served(tmp_path)
    # every request waits: clone and fetch processes live long enough for /proc to be read many times
    with serving(GitServer(tmp_path / "srv", _auth("deploy", TOKEN), delay=0.3)) as srv:
        yield srv


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc (Linux)")
def test_a_token_in_a_repository_url_is_in_no_command_line_of_clone_or_fetch(tmp_path: Path,
                                                                             server: GitServer) -> None:
    host = server.url.removeprefix("http://")
    url = f"http://deploy:{TOKEN}@{host}/ledger.git"
    source, cache = Source(url, True, url), tmp_path / "cache"
    warnings: list[str] = []
    with CommandLines() as lines:
        clone = repos.materialise(source, cache, warnings.append, git.Transport(("http",), 20))
        repos.materialise(source, cache, warnings.append, git.Transport(("http",), 20))  # fetches
    assert warnings == [] and sum(p.endswith("/git-upload-pack") for p in server.requests) >= 2  # clone, fetch
    helpers = [c for c in lines.seen if b"remote-http" in c and host.encode() in c]
    assert helpers, "the watcher saw no git remote-http"  # the watcher does see git's helper processes
    assert [c.replace(b"\0", b" ").decode() for c in lines.seen if TOKEN.encode() in c] == []
    assert server.denied == 0  # the token went with the first request (a header), not after a refusal
    assert TOKEN not in (clone / "config").read_text()
    assert run_git(clone, "config", "remote.origin.url").strip() == f"http://{host}/ledger.git"


class _Recording(ThreadingHTTPServer):
    def __init__(self, target: str) -> None:
        super().__init__(("127.0.0.1", 0), _Recorder)
        self.seen: list[str] = []  # the Authorization header of each request ("" without one)
        self.target = target


class _Recorder(BaseHTTPRequestHandler):
    """Answers every request with a redirect to `server.target` (when set), else 401."""

    server: _Recording

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.server.seen.append(self.headers.get("Authorization") or "")
        if self.server.target:
            self.send_response(302)
            self.send_header("Location", self.server.target + self.path)
        else:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="git"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_GET


def _recorder(target: str = "") -> _Recording:
    server = _Recording(target)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_a_token_in_a_repository_url_never_follows_a_redirect_to_another_origin(tmp_path: Path) -> None:
    """The catalog's host redirects the clone to another origin (`localhost` is not `127.0.0.1`), which asks
    for credentials: it gets none. The token goes to the URL's own origin only, and no redirect is followed."""
    elsewhere = _recorder()
    redirecting = _recorder(f"http://localhost:{elsewhere.server_address[1]}")
    try:
        url = f"http://deploy:{TOKEN}@127.0.0.1:{redirecting.server_address[1]}/ledger.git"
        with pytest.raises(git.GitError):
            repos.materialise(Source(url, True, url), tmp_path / "cache", lambda _: None,
                              git.Transport(("http",), 20))
        assert elsewhere.seen == []
        assert redirecting.seen == [f"Basic {_auth('deploy', TOKEN)}"]  # the first request already logs in
    finally:
        for server in (redirecting, elsewhere):
            server.shutdown()
            server.server_close()


def _operator_home(tmp: Path, monkeypatch: pytest.MonkeyPatch, helper: str) -> None:
    """The operator's global configuration, with a credential helper (as `gh auth setup-git` writes one)."""
    home = tmp / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(f"[credential]\n\thelper = {helper}\n")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def _evil(tmp: Path) -> tuple[str, Path]:
    marker = tmp / "pwned"
    return f"!touch '{marker}'; false", marker


@pytest.mark.parametrize("plant", ["helper", "url-helper", "include", "askpass", "insteadof"])
def test_a_cached_clone_whose_config_was_changed_is_cloned_again_and_runs_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plant: str) -> None:
    """Someone who can write the cache (a restored CI cache, another user) adds a credential helper, an
    include, an askpass program or a URL rewrite to one of our clones; the next scan runs none of it, fetches
    nothing from elsewhere, and logs in only with the operator's own helper."""
    _, head = _served(tmp_path)
    _, elsewhere = _served(tmp_path, "evil", marker="attacker's history")
    _operator_home(tmp_path, monkeypatch, f"!printf 'username=deploy\\\\npassword={TOKEN}\\\\n' #")
    command, marker = _evil(tmp_path)
    with serving(GitServer(tmp_path / "srv", _auth("deploy", TOKEN))) as srv:
        url = f"{srv.url}/ledger.git"
        source, cache = Source(url, True, url), tmp_path / "cache"
        warnings: list[str] = []
        clone = repos.materialise(source, cache, warnings.append, git.Transport(("http",), 20))
        assert warnings == []  # the operator's helper logged in
        config = clone / "config"
        planted = {
            "helper": f"[credential]\n\thelper =\n\thelper = {command}\n",
            "url-helper": f'[credential "{srv.url}"]\n\thelper =\n\thelper = {command}\n',
            "include": f"[include]\n\tpath = {tmp_path / 'extra'}\n",
            "askpass": f"[credential]\n\thelper =\n[core]\n\taskPass = {marker.parent / 'askpass.sh'}\n",
            "insteadof": f'[url "{srv.url}/evil.git"]\n\tinsteadOf = {url}\n',
        }[plant]
        (tmp_path / "extra").write_text(f"[credential]\n\thelper =\n\thelper = {command}\n")
        (tmp_path / "askpass.sh").write_text(f"#!/bin/sh\ntouch '{marker}'\n")
        (tmp_path / "askpass.sh").chmod(0o755)
        config.write_text(config.read_text() + planted)
        run_git(tmp_path / f"origin-ledger", "commit", "-q", "--allow-empty", "-m", "later")
        run_git(tmp_path / "srv" / "ledger.git", "fetch", "-q", str(tmp_path / "origin-ledger"),
                "+refs/heads/*:refs/heads/*")
        again = repos.materialise(source, cache, warnings.append, git.Transport(("http",), 20))
    assert not marker.exists()
    assert len(warnings) == 1 and "is not as ownership made it" in warnings[0] and "cloned again" in warnings[0]
    assert again == clone and clonecheck.tampered(clone, url) is None
    assert run_git(clone, "rev-list", "--all").split() != [elsewhere]
    assert run_git(clone, "rev-parse", "HEAD~1").strip() == head  # the real history, with the new commit


@pytest.mark.parametrize("setting", [
    "core.fsmonitor=/tmp/x", "core.sshCommand=sh -c x", "core.hooksPath=/tmp/hooks", "filter.lfs.process=x",
    "diff.x.textconv=x", "protocol.file.allow=always", "url.file:///tmp/.insteadOf=https://h/",
    "remote.origin.uploadpack=sh", "core.bare=false", "remote.origin.url=https://elsewhere.test/x.git",
    "remote.origin.fetch=+refs/*:refs/*", "extensions.worktreeConfig=true", "http.extraHeader=X: 1",
])
def test_every_setting_a_clone_of_ours_never_has_is_found(tmp_path: Path, setting: str) -> None:
    origin = GitRepo.init(tmp_path / "origin")
    origin.commit({"a.py": "1\n"})
    origin.git("config", "uploadpack.allowFilter", "true")
    url = f"file://{origin.path}"
    clone = repos.materialise(Source(url, True, url), tmp_path / "cache", lambda _: None, git.Transport(("file",)))
    assert clonecheck.tampered(clone, url) is None
    key, _, value = setting.partition("=")
    run_git(clone, "config", "--add" if key == "remote.origin.fetch" else "--replace-all", key, value)
    assert "its config sets" in (clonecheck.tampered(clone, url) or "")


@pytest.mark.parametrize("name", ["commondir", "objects/info/alternates"])
def test_a_clone_that_reads_another_repository_is_found(tmp_path: Path, name: str) -> None:
    origin = GitRepo.init(tmp_path / "origin")
    origin.commit({"a.py": "1\n"})
    url = f"file://{origin.path}"
    clone = repos.materialise(Source(url, True, url), tmp_path / "cache", lambda _: None, git.Transport(("file",)))
    (clone / name).write_text(str(tmp_path / "elsewhere") + "\n")
    assert name in (clonecheck.tampered(clone, url) or "")


@pytest.mark.parametrize("url,plain", [
    (f"https://x-access-token:{TOKEN}@github.com/acme/x.git", "https://github.com/acme/x.git"),
    (f"http://{TOKEN}@127.0.0.1:8080/x", "http://127.0.0.1:8080/x"),
    (f"ssh://git:{TOKEN}@host.test/x.git", "ssh://git@host.test/x.git"),
    ("ssh://git@host.test/x.git", "ssh://git@host.test/x.git"),
    ("git@github.com:acme/x.git", "git@github.com:acme/x.git"),
])
def test_git_is_given_every_url_without_a_credential(url: str, plain: str) -> None:
    assert gitlogin.plain_url(url) == plain
    assert TOKEN not in " ".join(git.argv(["clone", "--", gitlogin.plain_url(url)], git.with_origin(
        git.Transport(("https", "ssh", "http")), url)))


def test_even_a_changed_clone_config_could_add_no_credential_helper(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Defence in depth behind clonecheck: git's environment empties the helper list (URL-scoped helpers too,
    read from any config file before it) and sets the operator's own helpers and askpass again."""
    _operator_home(tmp_path, monkeypatch, "!operator-helper")
    (tmp_path / "home" / ".gitconfig").write_text(
        '[credential "https://github.com"]\n\thelper =\n\thelper = !gh auth git-credential\n'
        "[core]\n\taskPass = /usr/bin/operator-askpass\n", encoding="utf-8")
    env = git.clean_env(git.Transport(("https",)))
    pairs = [(env[f"GIT_CONFIG_KEY_{n}"], env[f"GIT_CONFIG_VALUE_{n}"]) for n in range(int(env["GIT_CONFIG_COUNT"]))]
    assert pairs == [("credential.helper", ""), ("credential.https://github.com.helper", ""),
                     ("credential.https://github.com.helper", "!gh auth git-credential"),
                     ("core.askPass", "/usr/bin/operator-askpass")]
    repo = GitRepo.init(tmp_path / "repo")
    repo.git("config", "credential.helper", "!evil")
    repo.git("config", "credential.https://github.com.helper", "!evil-too")
    # git itself, with our environment, runs the operator's helper for the origin and none of the repository's
    helpers = subprocess.run(["git", "credential", "fill"], cwd=repo.path, env={**env, "GIT_TRACE": "1"},
                             input="protocol=https\nhost=github.com\n\n", capture_output=True, text=True,
                             timeout=30).stderr
    assert "evil" not in helpers and "gh auth git-credential" in helpers
