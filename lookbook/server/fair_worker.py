"""gunicorn's threaded worker, taking a new connection only while one of its threads is free.

gthread accepts every connection it sees (up to ``worker_connections``, 1,000), and a
kept-alive connection stays with the worker that accepted it.  When a load balancer or
a load generator opens its connections at once, the worker that wakes first can take
them all and, held to one core by the interpreter lock, serve them alone while the
others idle.  Measured (``lookbook serve --workers 2``, wrk with 16 connections, six
3-second rounds of ad-hoc POSTs): in three rounds one worker had every connection
(3.7 s of CPU against 0.01 s), at 450-550 answers a second against 1,000-1,200 and a p99
of 160 ms against 48.  This worker accepts only while fewer requests than it has
threads are in its hands, so connections wait in the listen backlog for a worker with a
free thread -- the pre-fork balance of gunicorn's sync workers, keeping keep-alive.
"""

from __future__ import annotations

from typing import Any

from gunicorn.workers.gthread import ThreadWorker


class FairThreadWorker(ThreadWorker):
    """A gthread worker that stops accepting while all of its threads are busy."""

    busy = 0  # requests handed to the thread pool and not yet finished (main thread only)
    _connections = 0

    @property  # gthread reads it before every accept decision
    def worker_connections(self) -> int:
        return self._connections if self.busy < self.cfg.threads else 0

    @worker_connections.setter
    def worker_connections(self, value: int) -> None:
        self._connections = value

    def enqueue_req(self, conn: Any) -> None:
        self.busy += 1
        super().enqueue_req(conn)

    def finish_request(self, conn: Any, fs: Any) -> None:
        self.busy -= 1
        super().finish_request(conn, fs)
