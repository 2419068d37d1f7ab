"""Which lookbooks shoppers may see: published, and inside their publish window."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from lookbook.database import utcnow
from lookbook.lookbooks.models import Lookbook


def _live(stmt: Select, now: dt.datetime) -> Select:
    return stmt.where(
        Lookbook.published.is_(True),
        or_(Lookbook.publish_at.is_(None), Lookbook.publish_at <= now),
        or_(Lookbook.unpublish_at.is_(None), Lookbook.unpublish_at > now),
    )


def live_lookbooks(session: Session, now: dt.datetime | None = None) -> list[Lookbook]:
    """Return the lookbooks shoppers can see now, by title."""
    stmt = _live(select(Lookbook), now or utcnow()).order_by(Lookbook.title, Lookbook.slug)
    return list(session.scalars(stmt))


def live_lookbook(session: Session, slug: str, now: dt.datetime | None = None) -> Lookbook | None:
    """Return one visible lookbook by slug, or None (unknown, draft or out of window)."""
    return session.scalar(_live(select(Lookbook).where(Lookbook.slug == slug), now or utcnow()))
