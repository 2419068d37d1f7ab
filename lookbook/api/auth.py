"""API keys: a secret key for writes, a publishable key (or none) for the widget.

A missing, unknown or revoked key gets 401 with one identical body; a live
publishable key on a write gets 403 (the caller is known, the key just cannot write).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, request

from lookbook.api.problems import ApiProblem
from lookbook.audit.trail import Actor
from lookbook.auth.keys import find_key, mark_used, needs_use_mark
from lookbook.auth.models import ApiKey
from lookbook.server import appdb

F = TypeVar("F", bound=Callable[..., Any])


def unauthorised() -> ApiProblem:
    """Return the one 401 every missing, unknown or revoked key gets."""
    return ApiProblem(
        401,
        "this endpoint needs a secret API key in the header 'Authorization: Bearer <key>'",
        title="Unauthorized",
        headers={"WWW-Authenticate": 'Bearer realm="lookbook"'},
    )


def publishable_forbidden(what: str = "this endpoint") -> ApiProblem:
    """Return the 403 for a live publishable key used where only a secret key may act."""
    return ApiProblem(403, f"{what} needs a secret API key; a publishable key can only read "
                           "and record shopper events", title="Forbidden", slug="secret-key-required")


def presented_key() -> ApiKey | None:
    """Return the live key in the Authorization header, None without one; 401 if it is bad."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorised()
    key = find_key(appdb.session(), token.strip())
    if key is None:
        raise unauthorised()
    return key


def secret_key_required(view: F) -> F:
    """Allow the view only with a live secret key in the Authorization header."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        key = presented_key()
        if key is None:
            raise unauthorised()
        if not key.secret:
            raise publishable_forbidden()
        g.api_key = key
        if needs_use_mark(key):  # at most one small write a minute per key
            with appdb.database().write() as session:
                mark_used(session, key.id)
        return view(*args, **kwargs)

    wrapper.writes = True  # type: ignore[attr-defined]  # never CORS-enabled
    return wrapper  # type: ignore[return-value]


def key_actor() -> Actor:
    """Return the audit trail's actor for this request's API key."""
    key = g.api_key
    return Actor.key(key.id, key.name)
