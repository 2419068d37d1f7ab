"""Cookie sessions for people, none for machines.

Flask marks the session as accessed whenever anything reads it (Flask-Login's
after-request hook does on every request) and then adds ``Vary: Cookie``, which
makes shared caches keep one copy of a public API answer per visitor.  Public,
machine-facing paths (the API, oEmbed, the widget, embeddable views, health checks,
assets and media) therefore neither read the session cookie nor set or vary on one.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession

from lookbook.server.cookies import HostCookieSessions

PUBLIC_PREFIXES = ("/api/", "/oembed", "/embed.js", "/embed/", "/health/", "/assets/", "/media/")


def is_public_path(path: str) -> bool:
    """Tell whether a path answers the same to everyone (no session, no Vary: Cookie)."""
    if path.startswith(PUBLIC_PREFIXES):
        return True
    return path.startswith("/lookbooks/") and path.rstrip("/").endswith("/embed")


class CookieSessionsForPeople(HostCookieSessions):
    """The signed-cookie session (``__Host-`` prefixed over HTTPS), skipped on public paths."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if is_public_path(request.path):
            return self.session_class()  # empty; never saved (see save_session)
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: Any, response: Response) -> None:
        from flask import request

        if is_public_path(request.path):
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    """Use cookie sessions only where people sign in and browse."""
    app.session_interface = CookieSessionsForPeople()
