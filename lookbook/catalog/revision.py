"""The catalog revision: an opaque UUID that changes with every catalog or lookbook write.

Fitted recommender artifacts record the revision they were fitted from, so an
artifact is only ever used with the database (and the state of it) it came from.
ORM writes bump it automatically through a ``before_flush`` hook; bulk writes that
bypass the ORM (the importer) call :func:`bump_revision` themselves.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from lookbook.catalog.models import CatalogState, CurationRule, Item, ItemColour, ItemImage, ItemTag

_TRACKED: tuple[type, ...] = (Item, ItemTag, ItemColour, ItemImage, CurationRule)


def track(*models: type) -> None:
    """Make writes to these mapped classes change the revision too (lookbooks register theirs)."""
    global _TRACKED
    _TRACKED = (*_TRACKED, *(m for m in models if m not in _TRACKED))


def current_revision(session: Session) -> str:
    """Return the catalog revision (asked on every recommendation, so a plain column read)."""
    revision = session.execute(
        select(CatalogState.revision).where(CatalogState.id == 1)
    ).scalar_one_or_none()
    if revision is None:  # a database created without the migration's seed row
        state = CatalogState(id=1)
        session.add(state)
        session.flush()
        revision = state.revision
    return revision


def bump_revision(session: Session) -> str:
    """Give the catalog a new revision and return it."""
    state = session.execute(select(CatalogState).where(CatalogState.id == 1)).scalar_one_or_none()
    new = str(uuid.uuid4())
    if state is None:
        session.add(CatalogState(id=1, revision=new))
    else:
        state.revision = new
    return new


@event.listens_for(Session, "before_flush")
def _bump_on_catalog_write(session: Session, _ctx: Any, _instances: Any) -> None:
    """Bump the revision whenever a flush touches catalog or lookbook rows."""
    if session.info.get("_bumping"):
        return
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, _TRACKED) for obj in changed):
        session.info["_bumping"] = True
        try:
            with session.no_autoflush:
                bump_revision(session)
        finally:
            session.info["_bumping"] = False
