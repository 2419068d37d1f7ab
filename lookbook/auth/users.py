"""Staff accounts: Argon2id password hashes (argon2-cffi defaults exceed OWASP's floor)."""

from __future__ import annotations

import contextlib
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from lookbook.auth.models import User
from lookbook.catalog.text import TextInvalid, check_text, column_limit

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
