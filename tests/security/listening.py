"""The accept loop the raw test servers share (test_http.serve, proxy.forward_proxy): a listener on loopback
whose connections each get a daemon thread, stopped and joined when the block ends."""
from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def accepting(listener: socket.socket, handle: Callable[[socket.socket], None], stop: threading.Event,
              worker_join: float) -> Iterator[tuple[threading.Thread, list[threading.Thread]]]:
    """Serve each connection of `listener` (with a short accept timeout) with `handle` on its own thread
    until the block ends; then set `stop`, close the listener and join the threads (the workers for at most
    `worker_join` seconds each). Yields the acceptor and the workers, for a caller that checks they ended."""
    workers: list[threading.Thread] = []

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            worker = threading.Thread(target=handle, args=(conn,), daemon=True)
            workers.append(worker)
            worker.start()

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield acceptor, workers
    finally:
        stop.set()
        acceptor.join(5)
        listener.close()
        for worker in workers:
            worker.join(worker_join)
