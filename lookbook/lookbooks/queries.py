"""Which lookbooks shoppers may see: published, and inside their publish window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Row, Select, func, or_, select
from sqlalchemy.orm import Session, contains_eager, lazyload

from lookbook.catalog.models import ItemTag
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


def newest_lookbooks(session: Session, now: dt.datetime | None = None, *,
                     looks: bool = True) -> list[Lookbook]:
    """Return the lookbooks shoppers can see now, most recently published first.

    ``looks=False`` leaves their looks unloaded (read them with ``look_rows``/``looks_by_id``).
    """
    published = func.coalesce(Lookbook.publish_at, Lookbook.created_at)
    stmt = _live(select(Lookbook), now or utcnow()).order_by(published.desc(), Lookbook.slug)
    if not looks:
        stmt = stmt.options(lazyload(Lookbook.looks))
    return list(session.scalars(stmt))


def look_rows(session: Session, book_ids: Sequence[int]) -> list[Row[Any]]:
    """Return (id, lookbook_id, position, outfit_id, bag_id) of these books' looks, in order."""
    if not book_ids:
        return []
    stmt = (select(Look.id, Look.lookbook_id, Look.position, Look.outfit_id, Look.bag_id)
            .where(Look.lookbook_id.in_(book_ids)).order_by(Look.lookbook_id, Look.position))
    return list(session.execute(stmt))


def looks_by_id(session: Session, ids: Sequence[int]) -> dict[int, Look]:
    """Load these looks with their outfit and bag (not their bundle) in a fixed number of queries."""
    if not ids:
        return {}
    stmt = select(Look).where(Look.id.in_(ids)).options(lazyload(Look.bundle_items))
    return {look.id: look for look in session.scalars(stmt)}


def live_looks(session: Session, now: dt.datetime | None = None, *, bags: bool = True,
               occasions: Collection[str] = ()) -> list[Look]:
    """Return every look of the visible lookbooks (with their lookbook), in book order.

    ``bags=False`` loads each look's outfit only (its bag and bundle load when read);
    ``occasions`` keeps the looks whose outfit suits at least one of them.
    """
    stmt = (_live(select(Look).join(Look.lookbook), now or utcnow())
            .options(contains_eager(Look.lookbook).lazyload(Lookbook.looks))
            .order_by(Lookbook.slug, Look.position))
    if not bags:
        stmt = stmt.options(lazyload(Look.bag), lazyload(Look.bundle_items))
    if occasions:
        suited = select(ItemTag.item_id).where(ItemTag.facet == "occasions",
                                               ItemTag.value.in_(list(occasions)))
        stmt = stmt.where(Look.outfit_id.in_(suited))
    return list(session.scalars(stmt))


def looks_with_bag(session: Session, bag_id: int, now: dt.datetime | None = None) -> list[Look]:
    """Return the visible looks that wear this bag or bundle it, with their lookbook."""
    bundled = select(LookBundleItem.look_id).where(LookBundleItem.item_id == bag_id)
    stmt = (_live(select(Look).join(Look.lookbook), now or utcnow())
            .where(or_(Look.bag_id == bag_id, Look.id.in_(bundled)))
            .options(contains_eager(Look.lookbook).lazyload(Lookbook.looks))
            .order_by(Lookbook.slug, Look.position))
    return list(session.scalars(stmt))
