"""API keys (admins only): create publishable or secret keys, see last use, revoke."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from lookbook.audit.trail import record as audit
from lookbook.auth.keys import create_key, list_keys, revoke_key
from lookbook.auth.models import ApiKey
from lookbook.server import appdb
from lookbook.web.studio.access import actor, admin_only

bp = Blueprint("keys", __name__, url_prefix="/keys")
admin_only(bp)
LABELS = {"name": "Name", "kind": "Type of key"}
KINDS = {"publishable": "Publishable: reads and widget events from a web page",
         "secret": "Secret: writes to the catalog and rules, from a server only"}


def _render(status: int = 200, **context: object) -> ResponseReturnValue:
    context.setdefault("values", {"kind": "publishable"})
    context.setdefault("errors", {})
    return render_template("curate/keys.html", keys=list_keys(appdb.session()), labels=LABELS,
                           kinds=KINDS, **context), status


@bp.get("/")
def index() -> ResponseReturnValue:
    """List keys: name, type, when made, when last used, whether revoked."""
    return _render()


@bp.post("/")
def create() -> ResponseReturnValue:
    """Make a key and show it once."""
    name = (request.form.get("name") or "").strip()
    kind = request.form.get("kind", "")
    errors: dict[str, list[str]] = {}
    if not name or len(name) > 100:
        errors["name"] = ["enter a name of 1 to 100 characters, like “Storefront widget”"]
    if kind not in KINDS:
        errors["kind"] = ["choose publishable or secret"]
    if errors:
        return _render(400, values={"name": name, "kind": kind}, errors=errors)
    with appdb.database().write() as session:
        row, plaintext = create_key(session, name, secret=kind == "secret")
        audit(session, actor(), "key.create", f"Created the {kind} key “{row.name}” ({row.prefix}…)")
    return _render(201, created={"name": row.name, "key": plaintext, "kind": kind})


@bp.post("/<int:key_id>/revoke")
def revoke(key_id: int) -> ResponseReturnValue:
    """Revoke a key: it stops working at once."""
    with appdb.database().write() as session:
        key = session.get(ApiKey, key_id)
        if key is None:
            abort(404, "There is no such key.")
        if key.revoked_at is None:
            revoke_key(session, key)
            audit(session, actor(), "key.revoke", f"Revoked the key “{key.name}” ({key.prefix}…)")
        name = key.name
    flash(f"The key “{name}” is revoked; calls using it are refused from now on.", "success")
    return redirect(url_for("curate.keys.index"), 303)
