"""People (admins only): invite curators and admins, change roles, deactivate accounts.

An invitation is a one-time link, shown once to the admin, that lets the person choose
their own password; nobody else ever sees or sends a password.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from lookbook.audit.trail import record as audit
from lookbook.auth.models import User
from lookbook.auth.users import (
    EMAIL_RE,
    INVITE_DAYS,
    ROLES,
    AccessError,
    invite_user,
    list_users,
    reinvite,
    set_active,
    set_role,
)
from lookbook.server import appdb
from lookbook.web.studio.access import actor, admin_only

bp = Blueprint("people", __name__, url_prefix="/people")
admin_only(bp)
LABELS = {"email": "Email address", "role": "Role"}


def _invite_url(token: str) -> str:
    return url_for("invite.accept", token=token, _external=True)


def _render(status: int = 200, **context: object) -> ResponseReturnValue:
    context.setdefault("values", {"role": "curator"})
    context.setdefault("errors", {})
    users = list_users(appdb.session())
    return render_template("curate/people.html", users=users, roles=ROLES, labels=LABELS,
                           invite_days=INVITE_DAYS, **context), status


@bp.get("/")
def index() -> ResponseReturnValue:
    """List everyone with their role and whether they can sign in."""
    return _render()


@bp.post("/")
def invite() -> ResponseReturnValue:
    """Create an account and show its one-time link."""
    email = (request.form.get("email") or "").strip().lower()
    role = request.form.get("role", "")
    errors: dict[str, list[str]] = {}
    if not EMAIL_RE.match(email) or len(email) > 254:
        errors["email"] = ["enter an email address like name@shop.example"]
    if role not in ROLES:
        errors["role"] = ["choose curator or admin"]
    if not errors:
        try:
            with appdb.database().write() as session:
                user, token = invite_user(session, email, role)
                audit(session, actor(), "user.invite", f"Invited {email} as {role}")
        except ValueError as exc:
            errors["email"] = [str(exc).replace(f"a user {email}", "someone with this email")]
    if errors:
        return _render(400, values={"email": email, "role": role}, errors=errors)
    return _render(201, invited={"email": user.email, "url": _invite_url(token)})


def _user(user_id: int, session: object) -> User:
    user = session.get(User, user_id)  # type: ignore[attr-defined]
    if user is None:
        abort(404, "There is no such account.")
    return user


def _change(user_id: int, what: str) -> ResponseReturnValue:
    """Apply one change to an account; a refusal is said, not raised."""
    try:
        with appdb.database().write() as session:
            user = _user(user_id, session)
            if what == "role":
                role = request.form.get("role", "")
                set_role(session, user, role)
                audit(session, actor(), "user.role", f"Made {user.email} {role}")
                message = f"{user.email} is now {role}."
            elif what in ("deactivate", "reactivate"):
                set_active(session, user, what == "reactivate", acting_user_id=actor().user_id or 0)
                audit(session, actor(), f"user.{what}", f"{what.capitalize()}d {user.email}")
                message = (f"{user.email} can sign in again." if what == "reactivate"
                           else f"{user.email} is signed out everywhere and cannot sign in.")
            else:
                token = reinvite(session, user)
                audit(session, actor(), "user.reinvite", f"Sent {user.email} a new sign-in link")
                return _render(200, invited={"email": user.email, "url": _invite_url(token)})
    except AccessError as exc:
        flash(str(exc)[:1].upper() + str(exc)[1:] + ".", "error")
        return redirect(url_for("curate.people.index"), 303)
    flash(message, "success")
    return redirect(url_for("curate.people.index"), 303)


@bp.post("/<int:user_id>/role")
def role(user_id: int) -> ResponseReturnValue:
    """Make someone a curator or an admin."""
    return _change(user_id, "role")


@bp.post("/<int:user_id>/deactivate")
def deactivate(user_id: int) -> ResponseReturnValue:
    """Stop an account: its sessions end now and it cannot sign in."""
    return _change(user_id, "deactivate")


@bp.post("/<int:user_id>/reactivate")
def reactivate(user_id: int) -> ResponseReturnValue:
    """Let a deactivated account sign in again."""
    return _change(user_id, "reactivate")


@bp.post("/<int:user_id>/link")
def link(user_id: int) -> ResponseReturnValue:
    """Make a new one-time link (an unaccepted invitation, or a forgotten password)."""
    return _change(user_id, "link")
