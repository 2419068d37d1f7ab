"""One row per change made in the studio or through a secret API key.

An entry names its actor by a label that outlives the account or key (an email, or
"API key 'shop'") and points at what changed by stable handles: the lookbook's id
(a slug can be edited), and the skus an item or rule change concerns.  ``before`` and
``after`` hold the JSON of the changed thing, so a curator can see exactly what moved.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from lookbook.database import Base, utcnow


class AuditEntry(Base):
    """A recorded change."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_lookbook", "lookbook_id", "id"),
        Index("ix_audit_entries_sku", "sku", "id"),
        Index("ix_audit_entries_other_sku", "other_sku", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id", ondelete="SET NULL"))
    # e.g. "lookbook.publish", "look.add", "item.update", "rule.create", "user.invite"
    action: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(String(500))
    lookbook_id: Mapped[int | None] = mapped_column(Integer)  # no FK: the trail outlives it
    sku: Mapped[str | None] = mapped_column(String(64))
    other_sku: Mapped[str | None] = mapped_column(String(64))  # a rule's outfit
    before: Mapped[Any | None] = mapped_column(JSON)
    after: Mapped[Any | None] = mapped_column(JSON)
