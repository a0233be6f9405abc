"""The cyclic garbage collector around long-lived objects (ownership/support/collector.py)."""
from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

from ownership.support import collector

SRC = str(Path(__file__).resolve().parents[1] / "src")


def test_paused_holds_the_collector_and_gives_it_back_as_it_was() -> None:
    was = gc.isenabled()
    gc.enable()
    try:
        with collector.paused():
            assert not gc.isenabled()
            with collector.paused():
                assert not gc.isenabled()
            assert not gc.isenabled()  # only the outermost pause re-enables it
        assert gc.isenabled()
    finally:
        gc.enable() if was else gc.disable()


def test_a_command_leaves_its_objects_frozen_at_exit_and_its_output_complete(tmp_path: Path) -> None:
    """The last full collection at exit has nothing to walk, and nothing the command printed or wrote is
    lost (the exit handlers registered before it still run after it)."""
    script = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: sys.stderr.write(f'frozen={gc.get_freeze_count()}\\n'))\n"
        "from ownership.cli import main\n"
        "code = main(['--version'])\n"
        "print('printed after the command')\n"
        "raise SystemExit(code)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": SRC}, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("printed after the command")
    frozen = int(done.stderr.strip().rpartition("frozen=")[2])
    assert frozen > 1000
