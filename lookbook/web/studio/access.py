"""Who is working in the studio: sign-in, roles, CSRF, and the audit trail's actor.

Installed once on the ``curate`` blueprint, so no studio route can forget them:
anonymous visitors go to the sign-in page, every unsafe request must carry the CSRF
token (a form field, or the ``X-CSRFToken`` header for the editor's drag and drop),
and every studio answer is ``Cache-Control: no-store``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, redirect, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms.validators import ValidationError

from lookbook.audit.trail import Actor

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
F = TypeVar("F", bound=Callable[..., Any])


def upload_cap(n_bytes: int) -> Callable[[F], F]:
    """Let one view accept a larger body than the app's cap (several photos, an import file)."""
    def mark(view: F) -> F:
        view.upload_cap = n_bytes  # type: ignore[attr-defined]
        return view
    return mark


def install(bp: Blueprint) -> None:
    """Guard every route of ``bp`` (and the blueprints nested in it)."""
    bp.before_request(_signed_in_with_csrf)
    bp.after_request(_no_store)


def _signed_in_with_csrf() -> Response | None:
    if not current_user.is_authenticated:
        back = request.full_path.rstrip("?") if request.method == "GET" else None
        return redirect(url_for("auth.login", next=back))  # type: ignore[return-value]
    cap = getattr(current_app.view_functions.get(request.endpoint or ""), "upload_cap", None)
    if cap:  # before anything reads the body
        request.max_content_length = cap
    if request.method in UNSAFE and current_app.config.get("WTF_CSRF_ENABLED", True):
        token = request.form.get("csrf_token") or request.headers.get("X-CSRFToken", "")
        try:
            validate_csrf(token)
        except ValidationError:
            raise CSRFError("This form has expired or did not come from the studio. "
                            "Go back, reload the page and try again.") from None
    return None


def _no_store(resp: Response) -> Response:
    resp.headers["Cache-Control"] = "no-store"
    return resp


def require_admin() -> None:
    """Refuse (403) anyone but an admin; used as a blueprint's before_request."""
    if getattr(current_user, "role", None) != "admin":
        abort(403, "Only an admin can manage people and API keys.")


def admin_only(bp: Blueprint) -> None:
    """Make every route of a blueprint admin-only."""
    bp.before_request(require_admin)


def actor() -> Actor:
    """Return the signed-in person as the audit trail names them."""
    return Actor.user(int(current_user.get_id()), current_user.email)


def safe_back(target: str | None, default: str) -> str:
    """Return ``target`` if it is a path on this site (a form's "come back here"), else ``default``."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return default

