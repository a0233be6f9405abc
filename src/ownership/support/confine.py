"""Paths that must stay inside a root (a repository, a catalog), and files written through them.

Catalog content and repositories are attacker input (issue 12): a planted symlink must not make a read or
a write land outside the tree the user pointed at. Every reader and writer that follows a name taken from a
repository asks `inside()` first and then uses the resolved path it returns.
"""
from __future__ import annotations

import ctypes
import functools
import os
import shutil
import stat
import tempfile
import time
from pathlib import Path
from typing import Any

StrPath = str | os.PathLike[str]
# A temporary of ours older than this was left by a killed run (a write takes seconds, a site build minutes);
# younger ones may belong to a run still going, and are left alone.
STALE_SECONDS = 6 * 3600


class OutsideRoot(ValueError):
    """The path, resolved (symlinks, `..`), is not inside the root; the message names the path and the root."""


def inside(root: StrPath, path: StrPath) -> Path:
    """`path` with every symlink and `..` resolved, when that stays inside `root` (itself resolved).

    Relative paths are taken from the working directory, as `open()` would. A path that does not exist yet
    is resolved as far as it exists (a dangling symlink counts as where it points).
    """
    real_root = Path(os.path.realpath(root))
    real = Path(os.path.realpath(path))
    if real != real_root and real_root not in real.parents:
        raise OutsideRoot(f"{os.fspath(path)}: resolves outside {os.fspath(root)} (a symlink or '..' leaves it); "
                          "refusing to read or write it")
    return real


def repository_of(path: StrPath) -> Path | None:
    """The work tree `path` lives in: the nearest folder at or above it holding `.git` (a folder, or the file
    of a linked worktree or submodule); None outside any. Git is not run."""
    start = Path(os.path.abspath(path))
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one rename: a temporary file from mkstemp in the same folder (never a
    fixed name that could be a planted symlink), the old file's permission bits kept (new files get the
    umask's usual mode). `path` should already be resolved by `inside()`."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    sweep(path.parent, f".{path.name}.")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fchmod(fh.fileno(), mode)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        # a failed write (a full disk) names no file by itself: name the one being replaced
        raise OSError(exc.errno, exc.strerror, os.fspath(path)) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sweep(folder: StrPath, prefix: str, suffixes: tuple[str, ...] = (".tmp",), age: float = STALE_SECONDS) -> int:
    """Remove this writer's own temporaries that a killed run left in `folder`: entries named `prefix…suffix`
    (files, or folders such as a site build) older than `age` seconds. Nothing else is touched, a symlink is
    removed as a link (never followed), and an entry that cannot be removed is left for the next run.
    Returns how many were removed."""
    removed = 0
    cutoff = time.time() - age
    try:
        names = os.listdir(folder)
    except OSError:
        return 0
    for name in names:
        if not (name.startswith(prefix) and name.endswith(suffixes) and len(name) > len(prefix)):
            continue
        entry = os.path.join(folder, name)
        try:
            st = os.lstat(entry)
            if st.st_mtime > cutoff:
                continue
            if stat.S_ISDIR(st.st_mode):
                shutil.rmtree(entry)
            else:
                os.unlink(entry)
            removed += 1
        except OSError:
            continue
    return removed


_RENAME_EXCHANGE = 2  # linux/fs.h


@functools.cache
def _renameat2() -> Any:
    """libc's renameat2 (glibc 2.28+), or None."""
    try:
        return ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError, TypeError):
        return None


def exchange(a: StrPath, b: StrPath) -> bool:
    """Swap two existing paths in one step (Linux renameat2 RENAME_EXCHANGE): at every moment each name holds
    one of the two. False where the system or file system cannot (the caller falls back to two renames)."""
    call = _renameat2()
    if call is None:
        return False
    at_cwd = -100  # AT_FDCWD
    if call(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: not supported here
        return False
    raise OSError(err, os.strerror(err), os.fspath(a))


def replace_folder(new: Path, out: Path) -> None:
    """Put the folder `new` where `out` is, so that `out` holds the old or the new contents at every moment (a
    kill never leaves no `out`, nor half of each); the old contents are removed afterwards. `new` must be a
    folder of ours beside `out` (same file system)."""
    if not os.path.lexists(out):
        os.replace(new, out)
        return
    if exchange(new, out):
        shutil.rmtree(new, ignore_errors=True)  # `new` now holds the old contents
        return
    # no atomic exchange on this system: two renames, the old contents parked under a name sweep() knows
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    os.replace(out, old)
    os.replace(new, out)
    shutil.rmtree(old, ignore_errors=True)
