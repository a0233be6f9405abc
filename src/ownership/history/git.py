"""The one place that runs git (through GitPython's command runner). Always -z, never inherited GIT_* vars.

Every git process is hardened the same way (issue 12): nothing configured inside a repository runs (`-c`
options on the command line override the repository's command-valued settings), git may use only the
transports of our own allow-list (none at all for a repository we did not clone, so a planted partial clone
cannot fetch lazily), only the operator's safe GIT_* variables reach it, and it dies with this process.
"""
from __future__ import annotations

import functools
import os
import re
import selectors
import shutil
import subprocess
import threading
import time
from collections.abc import Generator, Iterable, Sequence
import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import git
from git.exc import GitCommandError, GitCommandNotFound

from ownership.support import forked
from ownership.errors import OwnershipError
from ownership.history import gitlogin


class GitError(OwnershipError):
    """git failed or is missing; the message says why in one line."""


class GitMissing(GitError):
    """git itself cannot be run: nothing can be scanned."""


class GitStopped(GitError):
    """A clone or fetch we stopped: its remote held it past history.stall or history.deadline."""


# A remote that accepts the connection and then says nothing must not hang a scan: clone and fetch are
# killed after STALL_SECONDS without progress that moves data (history.stall), whatever transport or
# GIT_SSH_COMMAND is used, and after DEADLINE_SECONDS in all (history.deadline), whatever the remote sends.
STALL_SECONDS = 60
DEADLINE_SECONDS = 3600
PROTOCOLS = ("https", "ssh", "http", "git", "file")  # what history.protocols may list; never ext or fd
DEFAULT_PROTOCOLS = ("https", "ssh")


@dataclass(frozen=True)
class Transport:
    """How git may reach remotes: the protocols it may use, the stall time and the deadline of a clone or
    fetch."""

    protocols: tuple[str, ...] = DEFAULT_PROTOCOLS
    stall: float = STALL_SECONDS
    # the URL of one of our clones as the catalog writes it, credentials included: git is given it without
    # them (gitlogin.plain_url) and gets them only through its environment (gitlogin.url_login)
    origin: str | None = None
    deadline: float = DEADLINE_SECONDS


NO_NETWORK = Transport(())

# The GIT_* variables of the operator's environment that git may see, as exact names and "PREFIX*". Every
# other GIT_* variable is dropped: it redirects the repository (GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE,
# GIT_OBJECT_DIRECTORY, GIT_ALTERNATE_OBJECT_DIRECTORIES, GIT_COMMON_DIR, GIT_NAMESPACE, GIT_CEILING_...),
# injects configuration (GIT_CONFIG_PARAMETERS, GIT_CONFIG_COUNT/KEY_n/VALUE_n, GIT_CONFIG_GLOBAL) or programs
# (GIT_EXEC_PATH, GIT_EXTERNAL_DIFF, GIT_ASKPASS, GIT_PAGER...), or disables our stall limit
# (GIT_HTTP_LOW_SPEED_*). GIT_ALLOW_PROTOCOL is not passed as it is: it narrows our own list (clean_env).
OPERATOR_ENV = ("GIT_SSH_COMMAND", "GIT_SSH", "GIT_SSH_VARIANT", "GIT_SSL_*", "GIT_PROXY_*", "GIT_TRACE*",
                "GIT_CURL_VERBOSE", "GIT_HTTP_USER_AGENT", "GIT_HTTP_PROXY_AUTHMETHOD", "GIT_CONFIG_NOSYSTEM",
                "GIT_REDACT_COOKIES")


def _operator_keeps(name: str) -> bool:
    return any(name == k or (k.endswith("*") and name.startswith(k[:-1])) for k in OPERATOR_ENV)


def allowed_protocols(transport: Transport) -> tuple[str, ...]:
    """Our protocols, narrowed by the operator's GIT_ALLOW_PROTOCOL when it is set (never widened)."""
    theirs = os.environ.get("GIT_ALLOW_PROTOCOL")
    ours = tuple(p for p in transport.protocols if p in PROTOCOLS)
    return ours if theirs is None else tuple(p for p in ours if p in theirs.split(":"))


def clean_env(transport: Transport = NO_NETWORK) -> dict[str, str]:
    """The environment git runs with: the operator's safe GIT_* variables only, plus our own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") or _operator_keeps(k)}
    if allowed_protocols(transport):
        # one of our clones: it logs in with the operator's helpers and the URL's credentials only, all of
        # it by environment (read after every config file; never on a command line)
        env.update(gitlogin.config_env([*gitlogin.operator_login(env), *gitlogin.url_login(transport.origin)]))
    env["GIT_TERMINAL_PROMPT"] = "0"
    env["GIT_PROTOCOL_FROM_USER"] = "0"
    # GIT_ALLOW_PROTOCOL overrides protocol.* config, also in the `git fetch` a lazy fetch starts; "" allows none
    env["GIT_ALLOW_PROTOCOL"] = ":".join(allowed_protocols(transport))
    env["LC_ALL"] = "C"
    return env


# Settings of a repository that name a command, or send git elsewhere, overridden on every command line (a
# `-c` beats the repository's config; empty resets credential.helper and disables the others).
NEUTRAL_CONFIG = (
    ("core.fsmonitor", "false"),
    ("core.hooksPath", os.devnull),
    ("core.askPass", ""),
    ("credential.helper", ""),
    ("core.alternateRefsCommand", ""),
    ("core.gitProxy", ""),
    ("remote.origin.uploadpack", "git-upload-pack"),
    ("remote.origin.receivepack", "git-receive-pack"),
    ("diff.external", ""),
    ("gpg.program", "false"),
    ("submodule.recurse", "false"),
    ("fetch.recurseSubmodules", "false"),
    ("protocol.allow", "never"),
)


# Where git talks to a remote (one of our clones), these are reset in its environment instead and set again to
# the operator's own (gitlogin.operator_login): a `-c` is read after the environment's configuration, so it
# would drop the operator's credential helper too.
OPERATOR_LOGIN = ("credential.helper", "core.askPass")


def hardening(transport: Transport = NO_NETWORK) -> list[str]:
    """The `-c` options every git command gets (with clean_env's, the same for every repository)."""
    network = bool(allowed_protocols(transport))
    opts = [x for key, value in NEUTRAL_CONFIG if not (network and key in OPERATOR_LOGIN)
            for x in ("-c", f"{key}={value}")]
    opts += [x for p in allowed_protocols(transport) for x in ("-c", f"protocol.{p}.allow=always")]
    opts += ["-c", "http.lowSpeedLimit=1000", "-c", f"http.lowSpeedTime={max(int(transport.stall), 1)}",
             "-c", f"core.sshCommand={_ssh_command(transport.stall)}"]
    return opts


def _ssh_command(stall: float) -> str:
    """The operator's own core.sshCommand (global or system config) if any, else ssh that gives up on a
    silent server. A repository's core.sshCommand is never used. (GIT_SSH_COMMAND still wins over both.)"""
    theirs = _operator_ssh_command()
    if theirs:
        return theirs
    seconds = max(int(stall), 1)
    return (f"ssh -o BatchMode=yes -o ConnectTimeout={seconds} -o ServerAliveInterval={max(seconds // 4, 1)} "
            "-o ServerAliveCountMax=4")


def _operator_ssh_command() -> str:
    key = tuple(os.environ.get(k, "") for k in ("HOME", "XDG_CONFIG_HOME", "GIT_CONFIG_NOSYSTEM"))
    return _operator_ssh_cached(key)


@functools.lru_cache(maxsize=8)
def _operator_ssh_cached(_key: tuple[str, ...]) -> str:
    for scope in ("--global", "--system"):
        try:
            proc = subprocess.run(["git", "config", scope, "--get", "core.sshCommand"], cwd=os.path.abspath(os.sep),
                                  env=clean_env(), capture_output=True, check=False, timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return ""
        if proc.returncode == 0 and proc.stdout.strip():
            return proc.stdout.decode("utf-8", "replace").strip()
    return ""


# Our own clones (history/repos.py registers them): the only repositories git may fetch into, lazily too
# (`git log -M` fetches the blobs a rename needs). Every other repository runs with no transport at all.
_OWN_CLONES: dict[str, Transport] = {}


def own_clone(path: Path, transport: Transport) -> None:
    _OWN_CLONES[os.path.realpath(path)] = transport


def _transport_for(cwd: str | os.PathLike[str]) -> Transport:
    return _OWN_CLONES.get(os.path.realpath(cwd), NO_NETWORK)


def argv(args: Iterable[str], transport: Transport = NO_NETWORK) -> list[str]:
    """The command line for git. GitPython starts from os.environ whatever `env` says, so GIT_* variables a
    hook or CI job exported (GIT_DIR, GIT_INDEX_FILE, GIT_OBJECT_DIRECTORY...) would still redirect git;
    `env -u` drops them for the child (POSIX; elsewhere they stay, as before)."""
    cmd = ["git", *hardening(transport), *args]
    leaked = sorted(k for k in os.environ if k.startswith("GIT_") and not _operator_keeps(k))
    if leaked and os.name == "posix" and shutil.which("env"):
        return ["env", *[x for k in leaked for x in ("-u", k)], *cmd]
    return cmd


# in the child, before exec: git gets SIGKILL when this process dies (even by kill -9), so a killed scan leaves
# no git behind (forked.die_with_parent; Linux only)
CHILD: dict[str, Any] = {"preexec_fn": forked.die_with_parent} if forked.can_die_with_parent() else {}


def run(cwd: str | os.PathLike[str], *args: str) -> str:
    """A short git question (rev-parse, merge-base, config...). Started without CHILD's preexec_fn: a child
    function makes Python fork() the whole scanning process instead of vfork(), which at 500 repositories
    and a few hundred MB of loaded state was most of a re-scan (30 s of system time); such a command ends in
    milliseconds, so git outliving a killed scan is not a concern here as it is for the log stream, the
    clone and the fetch (those keep CHILD)."""
    transport = _transport_for(cwd)
    try:
        out = git.Git(str(cwd)).execute(argv(args, transport), env=clean_env(transport),
                                        strip_newline_in_stdout=False)
    except GitCommandNotFound as exc:
        raise GitMissing("git is not installed or not on PATH") from exc
    except GitCommandError as exc:
        if exc.status == 127:  # `env` found no git
            raise GitMissing("git is not installed or not on PATH") from exc
        # GitPython formats it as "\n  stderr: '<git's message>'"
        msg = (exc.stderr or "").strip().removeprefix("stderr:").strip().strip("'").strip() or str(exc)
        raise GitError(f"git {' '.join(_command(args))}: {reason(msg) or 'failed'}") from exc
    return str(out)


def _command(args: Sequence[str]) -> list[str]:
    """The git subcommand and its first argument, for messages: `-c key=value` options left out."""
    rest = list(args)
    while len(rest) >= 2 and rest[0] == "-c":
        rest = rest[2:]
    return rest[:2]


def toplevel(path: str | os.PathLike[str]) -> Path:
    p = Path(path)
    start = p if p.is_dir() else p.parent
    return Path(run(start, "rev-parse", "--show-toplevel").strip())


def files_at(repo: Path, ref: str, pathspecs: Iterable[str]) -> list[tuple[str, bytes]]:
    """(repo-relative path, content) of every file under `pathspecs` as it is at `ref`, from git objects."""
    # --quiet makes git say nothing on a bad ref, so the message has to come from here
    found = None if ref.startswith("-") else try_run(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if not found:
        raise GitError(f"'{ref}' is not a commit, branch or tag in {repo}")
    ref = found.strip()
    listing = run(repo, "ls-tree", "-r", "-z", "--full-tree", ref, "--", *pathspecs)
    blobs = []
    for entry in listing.split("\0"):
        if not entry:
            continue
        meta, _, name = entry.partition("\t")
        _, kind, sha = meta.split(" ")
        if kind == "blob":
            blobs.append((name, sha))
    return list(zip((n for n, _ in blobs), _cat_blobs(repo, [sha for _, sha in blobs]), strict=True))


def _cat_blobs(repo: Path, shas: list[str]) -> list[bytes]:
    """Contents of blobs by id, with one `git cat-file --batch` (not a process per file)."""
    if not shas:
        return []
    transport = _transport_for(repo)
    try:
        proc = subprocess.run(argv(["cat-file", "--batch"], transport), cwd=str(repo),
                              input="".join(f"{s}\n" for s in shas).encode(), env=clean_env(transport),
                              capture_output=True, check=False, **CHILD)
    except FileNotFoundError as exc:
        raise GitMissing("git is not installed or not on PATH") from exc
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git cat-file: {msg[-1] if msg else 'failed'}")
    out, data, pos = [], proc.stdout, 0
    for sha in shas:
        end = data.index(b"\n", pos)
        header = data[pos:end].split()
        if len(header) != 3:
            raise GitError(f"git cat-file: object {sha} is missing")
        size = int(header[2])
        out.append(data[end + 1:end + 1 + size])
        pos = end + 1 + size + 1
    return out


# --------------------------------------------------------------------------- history scanning (history/*)

# what git prints around its reason: progress, the clone banner, ssh's advice after "Could not read"
_NOISE = re.compile(r"^(Cloning into |remote: (Enumerating|Counting|Compressing|Total)|Receiving objects|"
                    r"Resolving deltas|Please make sure you have the correct access rights|"
                    r"and the repository exists\.|usage: |   or: |    -)")


def reason(stderr: str, most: int = 3) -> str:
    """Why git failed, from its standard error, redacted: its "fatal:"/"error:" lines and what the transport
    said just before the first of them (ssh's "connect to host ...: Connection refused", "Permission denied
    (publickey)"), without progress, banners and advice. At most `most` lines, joined with "; "."""
    lines = [ln.strip() for ln in stderr.replace("\r", "\n").splitlines()]
    lines = [ln for ln in lines if ln and not _NOISE.match(ln)]
    first = next((i for i, ln in enumerate(lines) if ln.startswith(("fatal:", "error:"))), None)
    if first is None:
        chosen = lines[-1:]
    else:
        before = [ln for ln in lines[:first] if not ln.startswith(("warning:", "hint:"))][-1:]
        # after it: further fatal/error lines, and a line continuing one that ends with ":" (git:// says
        # "fatal: unable to connect to 127.0.0.1:" and then "127.0.0.1[0: ...]: errno=Connection refused")
        after = [ln for i, ln in enumerate(lines[first:], first)
                 if ln.startswith(("fatal:", "error:")) or lines[i - 1].endswith(":")]
        chosen = before + after
    return redact("; ".join(dict.fromkeys(chosen[-most:] if len(chosen) > most else chosen)))


def redact(text: str) -> str:
    """`text` with credentials masked (ownership.support.redact, the one redaction of every output)."""
    from ownership.support import redact as redaction

    return redaction.text(text)


def _runner(cwd: str | os.PathLike[str]) -> git.Git:
    return git.Git(str(cwd))


def try_run(cwd: str | os.PathLike[str], *args: str) -> str | None:
    """Like run(), but None when git exits non-zero (for questions such as `rev-parse --verify -q`)."""
    try:
        return run(cwd, *args)
    except GitError as exc:
        if isinstance(exc.__cause__, GitCommandError):
            return None
        raise


def succeeds(cwd: str | os.PathLike[str], *args: str) -> bool:
    """Whether git exits 0, e.g. `merge-base --is-ancestor A B`."""
    return try_run(cwd, *args) is not None


PIPE_SIZE = 1 << 20
PIPE_NAP_MIN, PIPE_NAP_MAX = 0.001, 0.02  # seconds; git writes ~5 MB/s of log: 1 MiB lasts ~0.2 s


def stream(cwd: str | os.PathLike[str], *args: str, chunk: int = PIPE_SIZE) -> Generator[bytes, None, None]:
    """The standard output of one git command, chunk by chunk, as it is produced.

    Runs through GitPython's command runner with `as_process=True`. Standard error is drained on a thread
    (a full stderr pipe would otherwise stall git, and this reader with it); on a non-zero exit its last line
    becomes the GitError. Closing the generator early kills git. In one of our clones git may fetch missing
    blobs from the remote (`log -M`): then git and the fetch it starts are killed at `transport.deadline`
    (GitStopped), as a clone or fetch is.
    """
    transport = _transport_for(cwd)
    network = bool(allowed_protocols(transport))
    try:
        proc = _runner(cwd).execute(argv(args, transport), env=clean_env(transport), as_process=True, **CHILD,
                                    **({"process_group": 0} if network else {}))
    except GitCommandNotFound as exc:
        raise GitMissing("git is not installed or not on PATH") from exc
    popen = proc.proc
    assert popen is not None and popen.stdout is not None and popen.stderr is not None
    expired = threading.Event()

    def expire() -> None:
        expired.set()
        _kill_group(popen)

    timer = threading.Timer(transport.deadline, expire) if network else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    errors = bytearray()

    def drain(pipe: IO[bytes]) -> None:
        for line in pipe:
            errors.extend(line)
            del errors[:-8192]  # keep the tail: the last line says why

    drainer = threading.Thread(target=drain, args=(popen.stderr,), daemon=True)
    drainer.start()
    out = popen.stdout
    wide = _widen_pipe(out)
    fd = out.fileno()
    finished = False
    nap = PIPE_NAP_MIN
    try:
        while True:
            data = os.read(fd, chunk)
            if not data:
                break
            yield data
            if wide and len(data) < chunk // 2 and popen.poll() is None:
                # Let git fill the (1 MiB) pipe while this reader sleeps: waking on every few KiB git
                # writes costs git ~15 % of its speed in context switches; napping keeps it at /dev/null
                # speed. Naps start short (a small log ends before they matter) and grow while reads are small.
                time.sleep(nap)
                nap = min(nap * 2, PIPE_NAP_MAX) if len(data) < chunk // 8 else nap
            elif len(data) >= chunk // 2:
                nap = max(nap / 2, PIPE_NAP_MIN)
        finished = True
    finally:
        if timer is not None:
            timer.cancel()
        if not finished and popen.poll() is None:
            if network:
                _kill_group(popen)
            else:
                popen.kill()
        status = popen.wait()
        drainer.join(timeout=5)
        out.close()
    if expired.is_set():
        raise GitStopped(f"git {' '.join(_command(args)[:1])}: not finished after {transport.deadline:g} s "
                         "(history.deadline); stopped")
    if status == 127 and not errors.startswith(b"fatal"):  # `env` found no git
        raise GitMissing("git is not installed or not on PATH")
    if status != 0:
        why = reason(bytes(errors).decode("utf-8", "replace")) or f"exit status {status}"
        raise GitError(f"git {' '.join(_command(args)[:1])}: {why}")


def _widen_pipe(pipe: IO[bytes]) -> bool:
    """Let git run ahead of the reader: a 1 MiB pipe instead of 64 KiB. False where that is not possible
    (not Linux, or a lower fs.pipe-max-size): then the reader must not nap."""
    try:
        import fcntl

        return int(fcntl.fcntl(pipe.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_SIZE)) >= PIPE_SIZE
    except (ImportError, OSError, ValueError):
        return False


def check_url(url: str) -> str | None:
    """Why git must never be given `url`, or None: an option (`--upload-pack=...`) or a transport helper
    (`ext::sh -c ...`, `fd::3`). history/repos.py and the unsafe-repository-url rule share this."""
    if url.startswith("-"):
        return "it starts with '-', so git would read it as an option"
    helper = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)::", url)
    if helper:
        return f"it names the transport helper '{helper.group(1)}::', which runs a command"
    return None


def clone_blobless(url: str, dest: Path, transport: Transport = Transport()) -> None:
    """A bare, blobless partial clone of `url` (commits and trees only: all `git log --name-status` needs).

    Built in `<dest>.partial` and renamed into place; the caller holds the clone's lock (repos.py)."""
    why = check_url(url)
    if why:
        raise GitError(f"refusing to clone {redact(url)}: {why}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".partial")
    if tmp.exists():
        shutil.rmtree(tmp)
    try:
        # credentials in the URL reach git only by environment (gitlogin), never its command line or the cache
        watched(dest.parent, transport, "clone", "--progress", "--bare", "--filter=blob:none", "--no-tags", "--",
                gitlogin.plain_url(url), str(tmp))
        # a bare clone has no fetch refspec; give it one so later fetches update the branches
        run(tmp, "config", "remote.origin.fetch", FETCH_REFSPEC)
    except GitError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise type(exc)(redact(str(exc))) from None
    os.replace(tmp, dest)


FETCH_REFSPEC = "+refs/heads/*:refs/heads/*"


def with_origin(transport: Transport, url: str) -> Transport:
    """The transport of one of our clones of `url`: its credentials, if any, reach git only by environment."""
    return dataclasses.replace(transport, origin=url) if gitlogin.plain_url(url) != url else transport


def fetch(dest: Path, transport: Transport = Transport()) -> None:
    """Bring a cached clone up to date (the partial-clone filter is remembered by the clone)."""
    try:
        watched(dest, transport, "fetch", "--progress", "--prune", "--no-tags", "origin")
    except GitError as exc:
        raise type(exc)(redact(str(exc))) from None


def watched(cwd: str | os.PathLike[str], transport: Transport, *args: str) -> None:
    """Run a git command that talks to a remote, killing it (and what it started: ssh, remote helpers) when
    for `transport.stall` seconds nothing moves (Moving), and when it runs past `transport.deadline` seconds
    whatever it prints (GitStopped, with the setting that stopped it)."""
    try:
        proc = subprocess.Popen(argv(args, transport), cwd=str(cwd), env=clean_env(transport),
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                process_group=0, **CHILD)
    except FileNotFoundError as exc:
        raise GitMissing("git is not installed or not on PATH") from exc
    assert proc.stdout is not None and proc.stderr is not None
    errors = bytearray()
    stopped = ""
    moving = Moving()
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        sel.register(proc.stderr, selectors.EVENT_READ)
        started = last = time.monotonic()
        try:
            while sel.get_map():
                ready = sel.select(timeout=min(1.0, transport.stall, transport.deadline))
                for key, _ in ready:
                    data = os.read(key.fd, 65536)
                    if not data:
                        sel.unregister(key.fileobj)
                        continue
                    if key.fileobj is proc.stderr:
                        errors.extend(data)
                        del errors[:-8192]
                    if key.fileobj is proc.stdout or moving.feed(data):
                        last = time.monotonic()
                now = time.monotonic()
                if now - started > transport.deadline:
                    stopped = f"not finished after {transport.deadline:g} s (history.deadline)"
                elif now - last > transport.stall:
                    stopped = f"no answer from the remote for {transport.stall:g} s (history.stall)"
                if stopped:
                    break
        finally:
            if proc.poll() is None and (stopped or sel.get_map()):
                _kill_group(proc)
            status = proc.wait()
            proc.stdout.close()
            proc.stderr.close()
    if stopped:
        raise GitStopped(f"git {args[0]}: {stopped}; stopped")
    if status != 0:
        why = reason(bytes(errors).decode("utf-8", "replace")) or f"exit status {status}"
        raise GitError(f"git {args[0]}: {why}")


class Moving:
    """Whether git's standard error shows data moving: a line of git's own (`Receiving objects: 40% (4/10)`,
    `Resolving deltas`, an error) that differs from the one before. A `remote:` line is the server's own text,
    which it may send forever without sending anything (a progress trickle): it never counts."""

    def __init__(self) -> None:
        self.pending = b""
        self.previous = b""

    def feed(self, data: bytes) -> bool:
        lines = re.split(rb"[\r\n]", self.pending + data)
        self.pending = lines.pop()[-4096:]  # the unfinished line; a server's endless line cannot grow it
        moved = False
        for line in lines:
            line = line.strip()
            if line and not line.startswith(b"remote:") and line != self.previous:
                self.previous = line
                moved = True
        return moved


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, 9)
    except OSError:
        proc.kill()


def run_input(cwd: str | os.PathLike[str], data: bytes, *args: str) -> None:
    """Run git with `data` on standard input (fast-import for generated histories)."""
    proc = subprocess.run(argv(args), cwd=str(cwd), input=data, env=clean_env(), capture_output=True, **CHILD)
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]}: {msg[-1] if msg else 'failed'}")


def output(cwd: str | os.PathLike[str], *args: str) -> bytes:
    """The whole standard output of a git command as bytes (paths that are not UTF-8 stay intact)."""
    return b"".join(stream(cwd, *args))


def is_bare(path: str | os.PathLike[str]) -> bool:
    return run(path, "rev-parse", "--is-bare-repository").strip() == "true"


def remote_urls(repo: str | os.PathLike[str]) -> list[str]:
    """The fetch URLs of every remote (none: an empty list)."""
    try:
        out = run(repo, "config", "-z", "--get-regexp", r"^remote\..*\.url$")
    except GitError:  # git config exits 1 when nothing matches
        return []
    return [entry.split("\n", 1)[1] for entry in out.split("\0") if "\n" in entry]


def tracked_files(repo: str | os.PathLike[str], ref: str | None = None) -> list[str]:
    """Repository-relative paths of the files in the index (a work tree) or at `ref` (e.g. HEAD of a bare repo)."""
    if ref is None:
        out = run(repo, "ls-files", "-z", "--full-name")
    else:
        out = run(repo, "ls-tree", "-r", "-z", "--name-only", "--full-tree", ref)
    return [n for n in out.split("\0") if n]
