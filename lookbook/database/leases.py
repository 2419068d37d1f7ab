"""Named leases in the database: one holder at a time across every worker and host.

A lease is one row: who holds it and until when.  Taking it is a single conditional
UPDATE (free, expired, or already ours) or, the first time, an INSERT that loses cleanly
to a concurrent one on the primary key -- atomic on SQLite and PostgreSQL alike, with
no lock held between statements.  The holder renews it while it works
(:class:`KeptLease`); a holder that dies simply stops renewing and the lease expires,
so nothing needs cleaning up after a crash.  Times are epoch milliseconds from the
hosts' clocks, which NTP keeps far closer than the seconds a lease lasts.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import BigInteger, CursorResult, String, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from lookbook.database.engine import Base, Database

log = logging.getLogger(__name__)


class Lease(Base):
    """Who holds a named lease (e.g. "model-refit"), since and until when."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner: Mapped[str] = mapped_column(String(120))
    note: Mapped[str] = mapped_column(String(120), default="")
    acquired_ms: Mapped[int] = mapped_column(BigInteger)
    expires_ms: Mapped[int] = mapped_column(BigInteger)


@dataclass(frozen=True)
class LeaseState:
    """A lease as read: its holder, what they are doing, and when it runs out."""

    owner: str
    note: str
    acquired_ms: int
    expires_ms: int

    @property
    def live(self) -> bool:
        return self.expires_ms > now_ms()


def now_ms() -> int:
    return int(time.time() * 1000)


def new_owner() -> str:
    """Name this process uniquely (host, pid and a random part: pids are reused)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _rowcount(result: Any) -> int:
    """Return how many rows an UPDATE matched (a CursorResult's rowcount)."""
    return int(cast(CursorResult, result).rowcount)


def acquire(db: Database, name: str, owner: str, ttl: float, note: str = "") -> bool:
    """Take the lease for ``ttl`` seconds if it is free, expired or already ours."""
    now = now_ms()
    until = now + int(ttl * 1000)
    try:
        with db.write() as session:
            taken = _rowcount(session.execute(
                update(Lease)
                .where(Lease.name == name, (Lease.expires_ms <= now) | (Lease.owner == owner))
                .values(owner=owner, note=note[:120], acquired_ms=now, expires_ms=until)
            ))
            if taken:
                return True
            if session.get(Lease, name) is not None:
                return False  # someone else holds it
            session.execute(insert(Lease).values(name=name, owner=owner, note=note[:120],
                                                  acquired_ms=now, expires_ms=until))
        return True
    except IntegrityError:  # another process inserted the row first
        return False


def renew(db: Database, name: str, owner: str, ttl: float) -> bool:
    """Extend our lease; False if it is no longer ours (it expired and was taken)."""
    with db.write() as session:
        return bool(_rowcount(session.execute(
            update(Lease).where(Lease.name == name, Lease.owner == owner)
            .values(expires_ms=now_ms() + int(ttl * 1000))
        )))


def release(db: Database, name: str, owner: str) -> None:
    """Give the lease up (only if it is still ours)."""
    with db.write() as session:
        session.execute(delete(Lease).where(Lease.name == name, Lease.owner == owner))


def state(db: Database, name: str) -> LeaseState | None:
    """Return who holds the lease (live or expired), or None if nobody took it."""
    with db.session() as session:
        row = session.execute(select(Lease.owner, Lease.note, Lease.acquired_ms, Lease.expires_ms)
                              .where(Lease.name == name)).one_or_none()
    return LeaseState(*row) if row else None


class KeptLease:
    """Hold a lease while a block runs, renewing it from a thread; release it afterwards."""

    def __init__(self, db: Database, name: str, owner: str, ttl: float) -> None:
        self.db, self.name, self.owner, self.ttl = db, name, owner, ttl
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._renew, name=f"lease-{name}", daemon=True)

    def __enter__(self) -> KeptLease:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        try:
            release(self.db, self.name, self.owner)
        except Exception:  # noqa: BLE001 - an unreleased lease expires on its own
            log.warning("could not release lease %s; it expires in %.0f s", self.name, self.ttl,
                        exc_info=True)

    def _renew(self) -> None:
        while not self._stop.wait(self.ttl / 3):
            try:
                if not renew(self.db, self.name, self.owner, self.ttl):
                    log.warning("lease %s was lost while held by %s", self.name, self.owner)
                    return
            except Exception:  # noqa: BLE001 - try again next round; expiry is the backstop
                log.warning("could not renew lease %s", self.name, exc_info=True)
