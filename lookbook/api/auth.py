"""Bearer API keys for writes: 401 with one identical body for every failure."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, request

from lookbook.api.problems import ApiProblem
from lookbook.audit.trail import Actor
from lookbook.auth.keys import find_key, mark_used, needs_use_mark
from lookbook.server import appdb

F = TypeVar("F", bound=Callable[..., Any])


def _unauthorised() -> ApiProblem:
    return ApiProblem(
        401,
        "this endpoint needs a secret API key in the header 'Authorization: Bearer <key>'",
        title="Unauthorized",
        headers={"WWW-Authenticate": 'Bearer realm="lookbook"'},
    )


def secret_key_required(view: F) -> F:
    """Allow the view only with a live secret key in the Authorization header."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthorised()
        key = find_key(appdb.session(), token.strip())
        if key is None or not key.secret:
            raise _unauthorised()
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
