"""Who may write: staff accounts (curators, admins) and API keys, both stored hashed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, Integer, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from lookbook.database import Base, utcnow


class User(Base):
    """A member of the retailer's staff who signs in to curate."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'curator')", name="role_known"),
        UniqueConstraint("invite_hash", name="uq_users_invite_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10), default="curator")
    # Bumped on logout and password change so older session cookies stop working.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # A deactivated account cannot sign in, and its sessions stop at the next request.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # An invitation: the SHA-256 of a one-time link that lets the person choose a password.
    invite_hash: Mapped[str | None] = mapped_column(String(64))
    invite_expires_at: Mapped[dt.datetime | None]


class ApiKey(Base):
    """An integrator's key; only its SHA-256 is stored, the key itself is shown once."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    secret: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]
    # Written at most once a minute per key, so using a key stays a read.
    last_used_at: Mapped[dt.datetime | None]
