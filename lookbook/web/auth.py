"""Staff sign-in: Argon2id passwords, CSRF-protected forms, revocable sessions.

The session cookie carries the user's id and ``session_epoch``; logging out (or a
password change) bumps the epoch, so every older cookie stops working at once.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from lookbook.auth.models import User
from lookbook.auth.users import authenticate
from lookbook.server import appdb

bp = Blueprint("auth", __name__)
LOGIN_LIMIT = "10 per minute"


class StaffUser:
    """The signed-in staff member as Flask-Login sees it."""

    def __init__(self, user: User) -> None:
        self.id = user.id
        self.email = user.email
        self.role = user.role
        self.is_admin = user.role == "admin"
        self.is_authenticated = True
        self.is_active = True
        self.is_anonymous = False

    def get_id(self) -> str:
        return str(self.id)


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=256)])


class LogoutForm(FlaskForm):
    """An empty form: its only job is the CSRF token."""


def init_app(app: Flask) -> None:
    """Wire Flask-Login and the sign-in routes (rate-limited)."""
    manager = LoginManager()
    manager.login_view = "auth.login"
    manager.login_message = "Please sign in to curate."
    manager.user_loader(_load_user)
    manager.init_app(app)
    app.register_blueprint(bp)
    # Brute-force guard: the limiter checks limits in the wrapper it returns, so the
    # registered view is replaced by the wrapped one.
    from lookbook.web.limits import fail_closed

    limiter = app.extensions["lookbook.limiter"]
    app.view_functions["auth.login"] = limiter.limit(LOGIN_LIMIT, methods=["POST"])(fail_closed(login))


def _load_user(user_id: str) -> StaffUser | None:
    if not user_id.isdigit():
        return None
    user = appdb.session().get(User, int(user_id))
    if user is None or not user.active or session.get("epoch") != user.session_epoch:
        return None
    return StaffUser(user)


def safe_next(target: str | None) -> str:
    """Return ``target`` if it is a path on this site, else the curator home."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("curate.home")


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Show the sign-in form; sign a staff member in."""
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(appdb.session(), form.email.data or "", form.password.data or "")
        if user is not None and user.active:
            session.clear()  # a fresh session on sign-in
            session["epoch"] = user.session_epoch
            login_user(StaffUser(user))
            return redirect(safe_next(request.args.get("next")))
        flash("That email and password do not match an account.", "error")
        return render_template("login.html", form=form), 401
    status = 400 if request.method == "POST" else 200
    return render_template("login.html", form=form), status


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    """Sign out everywhere: bump the epoch so every older session cookie dies."""
    form = LogoutForm()
    if not form.validate_on_submit():
        return redirect(url_for("curate.home"))
    with appdb.database().write() as db_session:
        user = db_session.get(User, int(current_user.get_id()))
        if user is not None:
            user.session_epoch += 1
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
