"""A real full disk for write-error tests: a small tmpfs mounted over a folder, its files copied in, then
filled to the last byte. Needs root (CI and the developers' machines run as root); elsewhere the test skips
and says why."""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def full(folder: Path, size: str = "256k") -> Iterator[Path]:
    """`folder` with its files, on a file system with no space left; unmounted afterwards."""
    keep = Path(tempfile.mkdtemp(prefix="fulldisk-"))
    shutil.copytree(folder, keep / "copy", symlinks=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                          capture_output=True, text=True, timeout=30)
    if done.returncode != 0:
        shutil.rmtree(keep)
        pytest.skip(f"cannot mount a tmpfs for a full disk: {done.stderr.strip() or done.returncode}")
    try:
        shutil.copytree(keep / "copy", folder, symlinks=True, dirs_exist_ok=True)
        for name, chunk in ((".filler", 4096), (".filler-tail", 1)):  # then the last bytes of a page
            fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT, 0o600)
            try:
                with contextlib.suppress(OSError):
                    while True:
                        os.write(fd, b"\0" * chunk)
            finally:
                os.close(fd)
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=30)
        shutil.rmtree(keep, ignore_errors=True)
