"""Work done beside this process on a second core: a forked child runs a function and sends its result back.

The child is a copy of this process (fork without exec), so it starts with everything already loaded (the
catalog, the roster, states read from --state folders) and nothing has to be handed to it; only what it sends
crosses the pipe: messages while it works (a warning, a progress tick), then its result or its exception,
each pickled (ownership.support.pickled) and framed by its length. It is our own process, so what it pickles is as
trusted as what this process computes; nothing read from a cache or a catalog is ever unpickled here.

Only where a fork is safe and pays: Linux (elsewhere system frameworks keep threads of their own), two usable
cores or more, and while this process runs no other thread (a fork copies the calling thread only: a lock
another thread held would stay locked in the child forever). The child dies with this process
(PR_SET_PDEATHSIG), ends with os._exit (never running this process's exit handlers or flushing its buffered
output twice), and an interrupt ends it quietly (this process has its own).
"""
from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any

from ownership.support.pickled import dumps

Send = Callable[[Any], None]


class Died(RuntimeError):
    """The child ended without sending its result (killed, out of memory, or a result it could not pickle)."""


def _load_prctl() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _load_prctl()


def can_die_with_parent() -> bool:
    return _PRCTL is not None


def die_with_parent() -> None:
    """In a child (forked, or before exec): it gets SIGKILL when this process dies, even by kill -9, so a
    killed scan leaves nothing behind. Linux only (PR_SET_PDEATHSIG); elsewhere a no-op."""
    if _PRCTL is not None:
        _PRCTL(1, 9, 0, 0, 0)  # PR_SET_PDEATHSIG, SIGKILL


def cores() -> int:
    """The cores this process may run on (its CPU affinity, as a container or `taskset` limits it)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def available() -> bool:
    """Whether work can be forked off now: Linux, two cores or more, and no other thread running."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and _PRCTL is not None and cores() >= 2 \
        and threading.active_count() == 1


class Child:
    """A running child: `result()` waits for what it returns. Messages it sends reach `on_message`, called
    from a reader thread of this process (so `on_message` must be safe to call beside this process's work)."""

    def __init__(self, pid: int, fd: int, on_message: Callable[[Any], None]) -> None:
        self.pid = pid
        self._fd = fd
        self._on_message = on_message
        self._outcome: tuple[str, Any] | None = None
        self._failure: BaseException | None = None
        self._reaped = False
        self._reader = threading.Thread(target=self._read, name="ownership-forked-reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        try:
            with os.fdopen(self._fd, "rb") as pipe:
                while True:
                    head = pipe.read(8)
                    if len(head) < 8:
                        return  # the child is gone; result() tells an answer from a death
                    size = int.from_bytes(head, "little")
                    frame = pipe.read(size)
                    if len(frame) < size:
                        return  # killed while writing: no answer, as if it had sent nothing
                    kind, payload = pickle.loads(frame)
                    if kind == "message":
                        self._on_message(payload)
                    else:
                        self._outcome = (kind, payload)
        except BaseException as exc:  # noqa: BLE001 — handed to result(), never lost in a thread
            self._failure = exc

    def result(self) -> Any:
        """The child's return value; re-raises its exception; raises Died when it sent neither."""
        self._reader.join()
        status = self._reap()
        if self._failure is not None:
            raise self._failure
        if self._outcome is None:
            raise Died(f"the helper process ended without an answer ({_status(status)})")
        kind, payload = self._outcome
        if kind == "error":
            raise payload
        return payload

    def stop(self) -> None:
        """End the child now (this process is leaving early: an exception, an interrupt) and reap it."""
        if not self._reaped:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._reap()

    def _reap(self) -> int:
        if self._reaped:
            return 0
        self._reaped = True
        while True:
            try:
                _, status = os.waitpid(self.pid, 0)
                return status
            except InterruptedError:
                continue
            except ChildProcessError:
                return 0


def _status(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"


def start(task: Callable[[Send], Any], on_message: Callable[[Any], None]) -> Child:
    """Fork a child that runs `task(send)`; `send(message)` (thread-safe) reaches `on_message` here at once.
    Call only when `available()`."""
    read_end, write_end = os.pipe()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    parent = os.getpid()
    pid = os.fork()
    if pid:
        os.close(write_end)
        return Child(pid, read_end, on_message)
    code = 1
    try:  # the child: never returns into the caller's code
        os.close(read_end)
        die_with_parent()
        if os.getppid() != parent:  # the parent died before the line above: no signal will come
            os._exit(1)
        lock = threading.Lock()
        pipe = os.fdopen(write_end, "wb")

        def put(kind: str, payload: Any) -> None:
            frame = dumps((kind, payload))
            with lock:
                pipe.write(len(frame).to_bytes(8, "little") + frame)
                pipe.flush()

        try:
            value = task(lambda message: put("message", message))
        except KeyboardInterrupt:
            code = 130
        except BaseException as exc:  # noqa: BLE001 — sent to the parent, which raises it
            try:
                put("error", exc)
            except Exception:  # noqa: BLE001 — an exception that does not pickle: say what it was
                put("error", RuntimeError(f"{type(exc).__name__}: {exc}"))
            code = 0
        else:
            put("done", value)
            code = 0
    except BaseException:  # noqa: BLE001 — a broken pipe, an interrupt: the parent sees a child without answer
        pass
    finally:
        os._exit(code)
