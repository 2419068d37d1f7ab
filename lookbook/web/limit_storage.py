"""A rate-limit store in one SQLite file, shared by every worker process on a host.

Flask-Limiter's in-memory store counts per process, so with n gunicorn workers a
limit of 10 sign-ins a minute lets 10·n through.  Without Redis, Lookbook keeps the
counters in ``<instance>/ratelimits.sqlite`` instead: one atomic UPSERT per hit (WAL,
no fsync per commit), so the limit holds across the workers of one host.  Several
hosts need Redis (``LOOKBOOK_REDIS_URL``).

Registered with the ``limits`` library under the scheme ``lookbook+sqlite``
(``lookbook+sqlite:////absolute/path.sqlite``) for the fixed-window strategy.
"""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from limits.storage import Storage

SCHEME = "lookbook+sqlite"
_SCHEMA = ("CREATE TABLE IF NOT EXISTS hits (key TEXT PRIMARY KEY, count INTEGER NOT NULL, "
           "expires REAL NOT NULL) WITHOUT ROWID")
_INCR = ("INSERT INTO hits (key, count, expires) VALUES (:key, :amount, :expires) "
         "ON CONFLICT (key) DO UPDATE SET "
         "count = CASE WHEN hits.expires <= :now THEN excluded.count ELSE hits.count + excluded.count END, "
         "expires = CASE WHEN hits.expires <= :now THEN excluded.expires ELSE hits.expires END "
         "RETURNING count")


def storage_uri(path: Path) -> str:
    """Return the ``limits`` storage URI for a counter file."""
    return f"{SCHEME}://{Path(path).resolve()}"


class SQLiteStorage(Storage):
    """Fixed-window counters in a SQLite file (one connection per thread and process)."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **_options: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        self.path = Path((uri or "").removeprefix(f"{SCHEME}://"))
        self._local = threading.local()

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _db(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None or self._local.pid != os.getpid():  # never share a handle across fork
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=5, isolation_level=None,
                                   check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(_SCHEMA)
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        db = self._db()
        count = db.execute(_INCR, {"key": key, "amount": amount, "expires": now + expiry,
                                   "now": now}).fetchone()[0]
        if random.random() < 0.001:  # noqa: S311 - housekeeping, not security
            db.execute("DELETE FROM hits WHERE expires <= ?", (now,))
        return int(count)

    def get(self, key: str) -> int:
        row = self._db().execute("SELECT count FROM hits WHERE key = ? AND expires > ?",
                                 (key, time.time())).fetchone()
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._db().execute("SELECT expires FROM hits WHERE key = ?", (key,)).fetchone()
        return float(row[0]) if row and row[0] > time.time() else time.time()

    def check(self) -> bool:
        try:
            self._db().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._db().execute("DELETE FROM hits").rowcount

    def clear(self, key: str) -> None:
        self._db().execute("DELETE FROM hits WHERE key = ?", (key,))
