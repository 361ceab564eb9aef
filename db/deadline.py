"""A client-side deadline for PostgreSQL statements: when it passes, the socket is shut down.

The server enforces `statement_timeout` itself, but a server that is frozen (SIGSTOP, a stalled
VM) or a network that silently drops packets never answers, and TCP keepalives do not help
while a local peer (a proxy, a NAT box) keeps acknowledging. psycopg then waits for ever; with
the GUI's single worker, every later action queued behind it (issue 12, failure 6). Shutting the
socket down wakes the waiting call with an OperationalError, which the callers already treat as
"cannot reach the database".

One watchdog thread for the whole process holds the armed deadlines in a heap: arming costs a
heap push, not a thread per statement.
"""

from __future__ import annotations

import heapq
import itertools
import os
import socket
import threading
import time


class Watchdog:
    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._heap: list[tuple[float, int]] = []
        self._armed: dict[int, object] = {}
        self._tokens = itertools.count()
        self._thread: threading.Thread | None = None

    def arm(self, seconds: float, dbapi_connection) -> int:
        """Cut `dbapi_connection` unless disarm(token) is called within `seconds`."""
        token = next(self._tokens)
        with self._lock:
            self._armed[token] = dbapi_connection
            heapq.heappush(self._heap, (time.monotonic() + seconds, token))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="credopass-deadlines", daemon=True
                )
                self._thread.start()
            self._lock.notify()
        return token

    def disarm(self, token: int | None) -> None:
        if token is None:
            return
        with self._lock:
            self._armed.pop(token, None)  # its heap entry is skipped when it comes due

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._heap:
                    self._lock.wait()
                due, token = self._heap[0]
                wait = due - time.monotonic()
                if wait > 0:
                    self._lock.wait(wait)
                    continue
                heapq.heappop(self._heap)
                connection = self._armed.pop(token, None)
            if connection is not None:
                cut(connection)


def cut(dbapi_connection) -> None:
    """Shut a psycopg connection's socket down from another thread (the owner is blocked)."""
    try:
        fd = dbapi_connection.pgconn.socket
        duplicate = socket.socket(fileno=os.dup(fd))
    except Exception:  # already closed, or not a live psycopg connection: nothing to cut
        return
    try:
        duplicate.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        duplicate.close()


WATCHDOG = Watchdog()
