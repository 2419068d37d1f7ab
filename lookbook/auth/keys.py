"""API keys: at least 256 bits of randomness, shown once, stored as SHA-256 only."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from lookbook.auth.models import ApiKey
from lookbook.catalog.text import TextInvalid, check_text, column_limit
from lookbook.database import utcnow

KEY_PREFIX = "lbk_"
# Last use is written at most this often per key, so checking a key stays a read.
LAST_USE_STEP = dt.timedelta(minutes=1)


def hash_key(key: str) -> str:
    """Return the SHA-256 hex digest under which a key is stored."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(session: Session, name: str, *, secret: bool) -> tuple[ApiKey, str]:
    """Create a key; return the row and the plaintext key (never stored)."""
    try:
        name = check_text(name, limit=column_limit(ApiKey.name))
    except TextInvalid as exc:
        raise ValueError(f"the key name {exc.message}") from None
    if not name:
        raise ValueError("a key needs a name of 1-100 characters")
    plaintext = KEY_PREFIX + ("s_" if secret else "p_") + secrets.token_urlsafe(32)
    row = ApiKey(name=name, prefix=plaintext[:12], key_hash=hash_key(plaintext), secret=secret)
    session.add(row)
    session.flush()
    return row, plaintext


def find_key(session: Session, presented: str) -> ApiKey | None:
    """Return the live key matching a presented token, or None."""
    if not presented.startswith(KEY_PREFIX) or len(presented) > 100:
        return None
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(presented)))
    if row is None or row.revoked_at is not None:
        return None
    return row


def revoke_key(session: Session, key: ApiKey) -> None:
    """Revoke a key; it stops working at once."""
    key.revoked_at = utcnow()


def needs_use_mark(key: ApiKey, now: dt.datetime | None = None) -> bool:
    """Tell whether a key's recorded last use is missing or older than the step."""
    now = now or utcnow()
    last = key.last_used_at
    if last is not None and last.tzinfo is None:  # SQLite hands back naive UTC
        last = last.replace(tzinfo=dt.UTC)
    return last is None or now - last >= LAST_USE_STEP


def mark_used(session: Session, key_id: int, now: dt.datetime | None = None) -> None:
    """Record that a key was used now (unless another request just did)."""
    now = now or utcnow()
    session.execute(
        update(ApiKey)
        .where(ApiKey.id == key_id,
               or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at <= now - LAST_USE_STEP))
        .values(last_used_at=now)
    )


def list_keys(session: Session) -> list[ApiKey]:
    """Return every key, live ones first, newest first."""
    return list(session.scalars(select(ApiKey).order_by(
        ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc(), ApiKey.id.desc())))
