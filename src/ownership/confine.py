"""Paths that must stay inside a root (a repository, a catalog), and files written through them.

Catalog content and repositories are attacker input (issue 12): a planted symlink must not make a read or
a write land outside the tree the user pointed at. Every reader and writer that follows a name taken from a
repository asks `inside()` first and then uses the resolved path it returns.
"""
from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

StrPath = str | os.PathLike[str]


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
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fchmod(fh.fileno(), mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
