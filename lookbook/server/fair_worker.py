"""gunicorn's threaded worker, taking a new connection only while one of its threads is free.

gthread accepts every connection it sees (up to ``worker_connections``, 1,000), and a
kept-alive connection stays with the worker that accepted it.  When a load balancer or
a load generator opens its connections at once, the worker that wakes first can take
them all and, held to one core by the interpreter lock, serve them alone while the
others idle.  Measured (``lookbook serve --workers 2``, wrk with 16 connections, six
3-second rounds of ad-hoc POSTs): in three rounds one worker had every connection
(3.7 s of CPU against 0.01 s), at 450-550 answers a second against 1,000-1,200 and a p99
of 160 ms against 48.  This worker takes a new connection at once only while fewer
requests than it has threads are in its hands; while all are busy it takes one every
5 ms, so a burst of connections spreads over the workers (those with a free thread take
them first) and, when every worker is busy, none waits in the backlog for long.  Measured
with 64 connections (more than all threads): accepting only with a free thread starved
some connections into wrk's 2-second timeout; one every 20 ms drained the backlog slowly
(p99 290 ms while it did); every 5 ms, p99 107 ms against gthread's 90.

It extends gthread's internals as of gunicorn 27 (``accept``, ``enqueue_req``,
``finish_request`` and the ``worker_connections`` check); 24.0 has the same names but
fails the tests, so pyproject.toml asks for 27 or newer.
"""

from __future__ import annotations

import time
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

# A busy worker still takes one new connection this often, so that when every worker is
# busy (real overload) no connection waits in the backlog for long.
BUSY_ACCEPT_SECONDS = 0.005


class FairThreadWorker(ThreadWorker):
    """A gthread worker that stops accepting while all of its threads are busy."""

    busy = 0  # requests handed to the thread pool and not yet finished (main thread only)
    _connections = 0
    _accepted_at = 0.0

    @property  # gthread reads it before every accept decision
    def worker_connections(self) -> int:
        if self.busy < self.cfg.threads or time.monotonic() - self._accepted_at >= BUSY_ACCEPT_SECONDS:
            return self._connections
        return 0

    @worker_connections.setter
    def worker_connections(self, value: int) -> None:
        self._connections = value

    def accept(self, listener: Any) -> None:
        self._accepted_at = time.monotonic()
        super().accept(listener)

    def enqueue_req(self, conn: Any) -> None:
        self.busy += 1
        super().enqueue_req(conn)

    def finish_request(self, conn: Any, fs: Any) -> None:
        self.busy -= 1
        super().finish_request(conn, fs)
