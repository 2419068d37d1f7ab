"""The database: engine, sessions, and the declarative base every model uses.

SQLite (the embedded default) runs in WAL mode with a busy timeout and foreign keys
on; transactions are begun by us so that writes can take the lock up front
(``BEGIN IMMEDIATE``) and wait for it instead of failing half-way.  PostgreSQL is
reached through ``postgresql+psycopg://`` URLs and needs none of that.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Engine, String, TypeDecorator, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 15_000


class Hundredths(TypeDecorator[Decimal]):
    """A Decimal with two places, stored exactly as an integer count of hundredths.

    SQLite has no exact decimal type (it would round-trip prices through floats), so
    prices and widths are kept as integers on every database; comparisons in queries
    go through the same conversion and stay exact.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Any) -> int | None:
        if value is None:
            return None
        return int((Decimal(value) * 100).to_integral_value())

    def process_result_value(self, value: int | None, dialect: Any) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(value) / 100).quantize(Decimal("0.01"))


class Base(DeclarativeBase):
    """Typed declarative base; Python types map to portable column types."""

    type_annotation_map = {
        str: String(255),
        Decimal: Hundredths(),
        dt.datetime: DateTime(timezone=True),
    }


def utcnow() -> dt.datetime:
    """Return the current time, timezone-aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def _configure_sqlite(engine: Engine) -> None:
    """Turn on WAL, foreign keys and a busy timeout; let us issue BEGIN ourselves."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN in the "begin" hook
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())


def make_engine(url: str) -> Engine:
    """Create an engine for a database URL with the settings Lookbook relies on."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


class Database:
    """Own an engine and hand out sessions: plain ones for reads, locking ones for writes."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        write_engine = (
            self.engine.execution_options(sqlite_begin="IMMEDIATE")
            if self.is_sqlite
            else self.engine
        )
        self._write_sessions = sessionmaker(write_engine, expire_on_commit=False)

    def session(self) -> Session:
        """Return a new session for reading (and light writes)."""
        return self._sessions()

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """Yield a session whose transaction holds the write lock; commit or roll back."""
        with self._write_sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        """Close every pooled connection (used after fork and in tests)."""
        self.engine.dispose()
