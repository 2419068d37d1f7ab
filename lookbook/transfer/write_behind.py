"""Write one batch on a worker thread while the caller validates the next.

On PostgreSQL most of an import's writing time is the server's (index entries, foreign
key checks), so the client's validation of the next batch can run meanwhile instead of
waiting its turn.  Only one batch is ever in flight, and the caller waits for it before
anything else touches the session, so the session is never used by two threads at once.
SQLite does its writing in this process, with the GIL handed back and forth on every
row, so there the batches are written in line, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Any


class WriteBehind:
    """Run submitted writes one at a time, in order, on a worker thread (or in line)."""

    def __init__(self, *, threaded: bool) -> None:
        self._pool = (ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-writes")
                      if threaded else None)
        self._pending: Future[Any] | None = None

    def submit(self, write: Callable[..., Any], *args: Any) -> None:
        """Start ``write(*args)`` once the previous write has finished (raising its error)."""
        self.wait()
        if self._pool is None:
            write(*args)
        else:
            self._pending = self._pool.submit(write, *args)

    def wait(self) -> None:
        """Return when no write is in flight; raise the error of the last one, if any."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def __enter__(self) -> WriteBehind:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if error is None:
                self.wait()
            elif self._pending is not None:
                # Already failing: let the write finish (the caller rolls back after
                # this) without replacing the error being raised.
                self._pending.exception()
                self._pending = None
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True)
