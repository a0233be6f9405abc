"""Running the real CLI with stdout and stderr on a pseudo-terminal (python's pty), as a person at a terminal
sees it: what is shown only on a terminal ("asking PagerDuty…", colour) is tested through this."""
from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Mapping


def on_terminal(args: list[str], env: Mapping[str, str], seconds: float = 20) -> tuple[bytes, int]:
    """Run `python -m ownership ARGS` with stdout and stderr on a pseudo-terminal; everything it wrote there,
    and its exit code. Bounded by `seconds`: a process still running then is killed."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "ownership", *args], stdin=subprocess.DEVNULL, stdout=slave,
                            stderr=slave, env=dict(env))
    os.close(slave)
    out = b""
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: every writer closed the terminal's other side
                break
            if not chunk:
                break
            out += chunk
        return out, proc.wait(timeout=max(0.1, deadline - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
