"""Staff accounts: Argon2id password hashes (argon2-cffi defaults exceed OWASP's floor)."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lookbook.auth.models import User
from lookbook.catalog.text import TextInvalid, check_text, column_limit
from lookbook.database import utcnow

ROLES = ("admin", "curator")
MIN_PASSWORD = 8
MAX_PASSWORD = 256
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
_hasher = PasswordHasher()
# Checked against the typed password when no account has the email, so an unknown
# email costs the same Argon2 work as a wrong password (no account enumeration by time).
# Same parameters as ``_hasher``'s defaults; the password is one nobody types.
_DUMMY_HASH = ("$argon2id$v=19$m=65536,t=3,p=4$UdynMTqas/eaiRp/QRLnng$"
               "zRZ0Phk6IZBARzWeNAZI2c5J0xXJ+Fv34ZMGVFOrz64")


def create_user(session: Session, email: str, password: str, role: str = "curator") -> User:
    """Create a staff account or raise ValueError saying what is wrong."""
    try:
        email = check_text(email, limit=column_limit(User.email)).lower()
    except TextInvalid as exc:
        raise ValueError(f"the email {exc.message}") from None
    if not EMAIL_RE.match(email):
        raise ValueError(f"{email!r} is not an email address")
    if role not in ROLES:
        raise ValueError(f"role must be one of: {', '.join(ROLES)}")
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise ValueError(f"the password needs {MIN_PASSWORD}-{MAX_PASSWORD} characters")
    if session.scalar(select(User).where(User.email == email)):
        raise ValueError(f"a user {email} already exists")
    user = User(email=email, password_hash=_hasher.hash(password), role=role)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the account for this email and password, or None; the same work either way."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        with contextlib.suppress(VerificationError, InvalidHashError):
            _hasher.verify(_DUMMY_HASH, password)
        return None
    return user if check_password(user, password) else None


def check_password(user: User, password: str) -> bool:
    """Tell whether a password is the user's (constant-time inside argon2)."""
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def set_password(user: User, password: str) -> None:
    """Give a user a new password and end every session they had."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise ValueError(f"the password needs {MIN_PASSWORD}-{MAX_PASSWORD} characters")
    user.password_hash = _hasher.hash(password)
    user.session_epoch += 1


# --- invitations, roles and deactivation (the studio's People page) ---------------------

INVITE_DAYS = 7


class AccessError(ValueError):
    """A change to accounts that would lock the team out (or is otherwise refused)."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_invite(user: User, now: dt.datetime | None = None) -> str:
    token = secrets.token_urlsafe(32)
    user.invite_hash = _token_hash(token)
    user.invite_expires_at = (now or utcnow()) + dt.timedelta(days=INVITE_DAYS)
    return token


def invite_user(session: Session, email: str, role: str = "curator") -> tuple[User, str]:
    """Create an account that is opened with a one-time link; return it and the link's token.

    Until the invitee chooses a password nobody can sign in to it: the account's
    password is a random one that is hashed and forgotten at once.
    """
    user = create_user(session, email, secrets.token_urlsafe(32), role)
    token = _new_invite(user)
    session.flush()
    return user, token


def reinvite(session: Session, user: User) -> str:
    """Give a person a fresh one-time link (e.g. a forgotten password); return its token."""
    token = _new_invite(user)
    session.flush()
    return token


def find_invite(session: Session, token: str, now: dt.datetime | None = None) -> User | None:
    """Return the active account a live invitation token opens, or None."""
    if not token or len(token) > 100:
        return None
    user = session.scalar(select(User).where(User.invite_hash == _token_hash(token)))
    if user is None or not user.active or user.invite_expires_at is None:
        return None
    expires = user.invite_expires_at
    if expires.tzinfo is None:  # SQLite hands back naive UTC
        expires = expires.replace(tzinfo=dt.UTC)
    return user if expires > (now or utcnow()) else None


def accept_invite(session: Session, user: User, password: str) -> None:
    """Set the invitee's password and spend the invitation."""
    set_password(user, password)
    user.invite_hash = None
    user.invite_expires_at = None


def _active_admins(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User).where(
        User.role == "admin", User.active.is_(True))) or 0


def set_role(session: Session, user: User, role: str) -> None:
    """Change a person's role; the last active admin stays an admin."""
    if role not in ROLES:
        raise AccessError(f"role must be one of: {', '.join(ROLES)}")
    if user.role == "admin" and role != "admin" and user.active and _active_admins(session) <= 1:
        raise AccessError("this is the last admin; make someone else an admin first")
    user.role = role


def set_active(session: Session, user: User, active: bool, *, acting_user_id: int) -> None:
    """Deactivate (every session ends at once) or reactivate an account."""
    if not active and user.id == acting_user_id:
        raise AccessError("you cannot deactivate your own account")
    if not active and user.role == "admin" and user.active and _active_admins(session) <= 1:
        raise AccessError("this is the last admin; make someone else an admin first")
    if user.active and not active:
        user.session_epoch += 1
    user.active = active


def list_users(session: Session) -> list[User]:
    """Return every account: active ones first, then by email."""
    return list(session.scalars(select(User).order_by(User.active.desc(), User.email)))
