"""Accept an invitation: the one-time link from an admin lets a person choose a password."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from lookbook.auth.users import MAX_PASSWORD, MIN_PASSWORD, accept_invite, find_invite
from lookbook.server import appdb

bp = Blueprint("invite", __name__)
LABELS = {"password": "New password", "confirm": "Type it again"}


class InviteForm(FlaskForm):
    """The password form's CSRF token (the fields are read and checked by hand)."""


@bp.after_request
def _no_store(resp):
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.route("/welcome/<token>", methods=["GET", "POST"])
def accept(token: str) -> ResponseReturnValue:
    """Ask for a password (twice); then the person signs in with it."""
    user = find_invite(appdb.session(), token)
    if user is None:
        abort(404, "This link has expired or was already used. Ask an admin for a new one.")
    form = InviteForm()
    if request.method == "GET":
        return render_template("invite.html", email=user.email, errors={}, labels=LABELS,
                               min_password=MIN_PASSWORD, form=form)
    if not form.validate_on_submit():
        abort(400, "This form has expired; reload the page and try again.")
    password = request.form.get("password", "")
    errors: dict[str, list[str]] = {}
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        errors["password"] = [f"use {MIN_PASSWORD} to {MAX_PASSWORD} characters"]
    elif request.form.get("confirm", "") != password:
        errors["confirm"] = ["the two passwords are not the same"]
    if errors:
        return render_template("invite.html", email=user.email, errors=errors, labels=LABELS,
                               min_password=MIN_PASSWORD, form=form), 400
    with appdb.database().write() as session:
        fresh = find_invite(session, token)
        if fresh is None:
            abort(404, "This link has expired or was already used. Ask an admin for a new one.")
        accept_invite(session, fresh, password)
    flash("Your password is set. Sign in with it.", "success")
    return redirect(url_for("auth.login"), 303)
