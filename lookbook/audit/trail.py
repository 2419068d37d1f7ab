"""Record changes and read them back, per lookbook, per item, or all of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from lookbook.audit.models import AuditEntry

MAX_SUMMARY = 500


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a signed-in staff member or an API key."""

    label: str
    user_id: int | None = None
    api_key_id: int | None = None

    @classmethod
    def user(cls, user_id: int, email: str) -> Actor:
        return cls(email, user_id=user_id)

    @classmethod
    def key(cls, key_id: int, name: str) -> Actor:
        return cls(f"API key '{name}'", api_key_id=key_id)


def record(
    session: Session,
    actor: Actor,
    action: str,
    summary: str,
    *,
    lookbook_id: int | None = None,
    sku: str | None = None,
    other_sku: str | None = None,
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """Add an entry to the trail in the caller's transaction (it commits with the change)."""
    entry = AuditEntry(
        actor=actor.label[:254], user_id=actor.user_id, api_key_id=actor.api_key_id,
        action=action, summary=summary[:MAX_SUMMARY], lookbook_id=lookbook_id, sku=sku,
        other_sku=other_sku, before=before, after=after,
    )
    session.add(entry)
    return entry


def entries(
    session: Session,
    *,
    lookbook_id: int | None = None,
    sku: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> tuple[list[AuditEntry], int]:
    """Return one page of entries, newest first, for a lookbook, an item, or everything."""
    stmt = select(AuditEntry)
    if lookbook_id is not None:
        stmt = stmt.where(AuditEntry.lookbook_id == lookbook_id)
    if sku is not None:
        stmt = stmt.where(or_(AuditEntry.sku == sku, AuditEntry.other_sku == sku))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(AuditEntry.id.desc()).offset((page - 1) * per_page).limit(per_page)
    )
    return list(rows), total
