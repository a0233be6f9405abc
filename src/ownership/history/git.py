"""The one place that runs git (through GitPython's command runner). Always -z, never inherited GIT_* vars."""
from __future__ import annotations

import os
import re
import shutil
import threading
import time
from collections.abc import Generator, Iterable, Sequence
from pathlib import Path
from typing import IO

import git
from git.exc import GitCommandError, GitCommandNotFound


class GitError(Exception):
    """git failed or is missing; the message says why in one line."""


class GitMissing(GitError):
    """git itself cannot be run: nothing can be scanned."""


def clean_env() -> dict[str, str]:
    """The environment without GIT_* variables a hook or CI job may have set (they redirect git)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env["GIT_TERMINAL_PROMPT"] = "0"
    env["LC_ALL"] = "C"
    return env


_KEEP = ("GIT_TERMINAL_PROMPT", "GIT_CONFIG_NOSYSTEM")


def argv(args: Iterable[str]) -> list[str]:
    """The command line for git. GitPython starts from os.environ whatever `env` says, so GIT_* variables a
    hook or CI job exported (GIT_DIR, GIT_INDEX_FILE, GIT_OBJECT_DIRECTORY...) would still redirect git;
    `env -u` drops them for the child (POSIX; elsewhere they stay, as before)."""
    leaked = sorted(k for k in os.environ if k.startswith("GIT_") and k not in _KEEP)
    if leaked and os.name == "posix" and shutil.which("env"):
        return ["env", *[x for k in leaked for x in ("-u", k)], "git", *args]
    return ["git", *args]


def run(cwd: str | os.PathLike[str], *args: str) -> str:
    try:
        out = git.Git(str(cwd)).execute(argv(args), env=clean_env(), strip_newline_in_stdout=False)
    except GitCommandNotFound as exc:
        raise GitMissing("git is not installed or not on PATH") from exc
    except GitCommandError as exc:
        if exc.status == 127:  # `env` found no git
            raise GitMissing("git is not installed or not on PATH") from exc
        # GitPython formats it as "\n  stderr: '<git's message>'"
        msg = (exc.stderr or "").strip().removeprefix("stderr:").strip().strip("'").strip() or str(exc)
        raise GitError(f"git {' '.join(_command(args))}: {msg.splitlines()[-1] if msg else 'failed'}") from exc
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
    import subprocess

    try:
        proc = subprocess.run(argv(["cat-file", "--batch"]), cwd=str(repo), input="".join(f"{s}\n" for s in shas)
                              .encode(), env=clean_env(), capture_output=True, check=False)
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

_CREDENTIALS = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/@\s]+@", re.IGNORECASE)


def redact(text: str) -> str:
    """`text` with any user:password@ (or token@) inside URLs removed, so credentials never reach output."""
    return _CREDENTIALS.sub(r"\g<scheme>***@", text)


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
    becomes the GitError. Closing the generator early kills git.
    """
    try:
        proc = _runner(cwd).execute(argv(args), env=clean_env(), as_process=True)
    except GitCommandNotFound as exc:
        raise GitMissing("git is not installed or not on PATH") from exc
    popen = proc.proc
    assert popen is not None and popen.stdout is not None and popen.stderr is not None
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
        if not finished and popen.poll() is None:
            popen.kill()
        status = popen.wait()
        drainer.join(timeout=5)
        out.close()
    if status == 127 and not errors.startswith(b"fatal"):  # `env` found no git
        raise GitMissing("git is not installed or not on PATH")
    if status != 0:
        lines = bytes(errors).decode("utf-8", "replace").strip().splitlines()
        # git's own reason is its last "fatal:"/"error:" line; usage text may follow it
        reasons = [line for line in lines if line.startswith(("fatal:", "error:"))] or lines
        why = redact(reasons[-1]) if reasons else f"exit status {status}"
        raise GitError(f"git {' '.join(args[:1])}: {why}")


def _widen_pipe(pipe: IO[bytes]) -> bool:
    """Let git run ahead of the reader: a 1 MiB pipe instead of 64 KiB. False where that is not possible
    (not Linux, or a lower fs.pipe-max-size): then the reader must not nap."""
    try:
        import fcntl

        return int(fcntl.fcntl(pipe.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_SIZE)) >= PIPE_SIZE
    except (ImportError, OSError, ValueError):
        return False


# A remote that accepts the connection and then says nothing must not hang a scan: http(s) transfers slower
# than 1 KB/s for STALL_SECONDS abort, and ssh gives up on a silent server after about as long.
STALL_SECONDS = 60


def _network(cwd: str | os.PathLike[str]) -> list[str]:
    opts = ["-c", "http.lowSpeedLimit=1000", "-c", f"http.lowSpeedTime={STALL_SECONDS}"]
    if not os.environ.get("GIT_SSH_COMMAND") and not try_run(cwd, "config", "--get", "core.sshCommand"):
        alive = max(STALL_SECONDS // 4, 1)
        opts += ["-c", f"core.sshCommand=ssh -o BatchMode=yes -o ConnectTimeout={STALL_SECONDS} "
                       f"-o ServerAliveInterval={alive} -o ServerAliveCountMax=4"]
    return opts


def clone_blobless(url: str, dest: Path) -> None:
    """A bare, blobless partial clone of `url` (commits and trees only: all `git log --name-status` needs)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".partial")
    if tmp.exists():
        shutil.rmtree(tmp)
    try:
        run(dest.parent, *_network(dest.parent), "clone", "--quiet", "--bare", "--filter=blob:none", "--no-tags",
            url, str(tmp))
    except GitError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise GitError(redact(str(exc))) from None
    # a bare clone has no fetch refspec; give it one so later fetches update the branches
    run(tmp, "config", "remote.origin.fetch", "+refs/heads/*:refs/heads/*")
    os.replace(tmp, dest)


def fetch(dest: Path) -> None:
    """Bring a cached clone up to date (the partial-clone filter is remembered by the clone)."""
    try:
        run(dest, *_network(dest), "fetch", "--quiet", "--prune", "--no-tags", "origin")
    except GitError as exc:
        raise GitError(redact(str(exc))) from None


def run_input(cwd: str | os.PathLike[str], data: bytes, *args: str) -> None:
    """Run git with `data` on standard input (fast-import for generated histories)."""
    import subprocess

    proc = subprocess.run(["git", *args], cwd=str(cwd), input=data, env=clean_env(), capture_output=True)
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
