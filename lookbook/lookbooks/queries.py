"""Which lookbooks shoppers may see: published, and inside their publish window."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, contains_eager

from lookbook.database import utcnow
from lookbook.lookbooks.models import Look, Lookbook, LookBundleItem


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


def newest_lookbooks(session: Session, now: dt.datetime | None = None) -> list[Lookbook]:
    """Return the lookbooks shoppers can see now, most recently published first."""
    published = func.coalesce(Lookbook.publish_at, Lookbook.created_at)
    stmt = _live(select(Lookbook), now or utcnow()).order_by(published.desc(), Lookbook.slug)
    return list(session.scalars(stmt))


def live_looks(session: Session, now: dt.datetime | None = None) -> list[Look]:
    """Return every look of the visible lookbooks (with their lookbook), in book order."""
    stmt = (_live(select(Look).join(Look.lookbook), now or utcnow())
            .options(contains_eager(Look.lookbook).lazyload(Lookbook.looks))
            .order_by(Lookbook.slug, Look.position))
    return list(session.scalars(stmt))


def looks_with_bag(session: Session, bag_id: int, now: dt.datetime | None = None) -> list[Look]:
    """Return the visible looks that wear this bag or bundle it, with their lookbook."""
    bundled = select(LookBundleItem.look_id).where(LookBundleItem.item_id == bag_id)
    stmt = (_live(select(Look).join(Look.lookbook), now or utcnow())
            .where(or_(Look.bag_id == bag_id, Look.id.in_(bundled)))
            .options(contains_eager(Look.lookbook).lazyload(Lookbook.looks))
            .order_by(Lookbook.slug, Look.position))
    return list(session.scalars(stmt))
