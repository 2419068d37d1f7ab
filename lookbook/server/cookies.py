"""The session cookie: ``__Host-`` prefixed and Secure whenever the site is served over HTTPS.

Production always gets a Secure ``__Host-lookbook`` cookie.  Any deployment (SQLite
included, whatever ``LOOKBOOK_ENV`` says) gets one too as soon as a request arrives
over HTTPS or through a proxy that says so (``X-Forwarded-Proto: https``): the header
is trusted here only to make the cookie *stricter*, which a forged header cannot abuse.
Plain-HTTP development keeps a plain ``lookbook`` cookie that browsers accept.
"""

from __future__ import annotations

from flask import Flask, has_request_context, request
from flask.sessions import SecureCookieSessionInterface

COOKIE = "session"  # Flask's own name; production sends "__Host-session"
HOST_PREFIX = "__Host-"  # Secure, Path=/, no Domain: no subdomain or HTTP page can set it


def served_securely() -> bool:
    """Tell whether this request reached us over HTTPS (directly or via a TLS proxy)."""
    if not has_request_context():
        return False
    forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return request.is_secure or forwarded == "https"


class HostCookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, named and flagged by how the site is served."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or served_securely()

    def get_cookie_name(self, app: Flask) -> str:
        return HOST_PREFIX + COOKIE if self.get_cookie_secure(app) else COOKIE


def init_app(app: Flask) -> None:
    """Use the session cookie above (no Domain, Path=/, as the prefix requires)."""
    app.config.update(SESSION_COOKIE_NAME=COOKIE, SESSION_COOKIE_DOMAIN=None, SESSION_COOKIE_PATH="/")
    app.session_interface = HostCookieSessions()
