"""Serve stored media: fixed image content types, nosniff, cached for a year."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, send_file
from flask.typing import ResponseReturnValue

from lookbook.images.storage import content_type

bp = Blueprint("media", __name__)
ONE_YEAR = 365 * 24 * 3600


@bp.get("/media/<key>")
def serve(key: str) -> ResponseReturnValue:
    """Send one stored rendition; unknown or malformed keys are 404."""
    storage = current_app.extensions["lookbook.storage"]
    path = storage.path(key)
    if path is None:
        abort(404)
    resp = send_file(path, mimetype=content_type(key), max_age=ONE_YEAR, conditional=True)
    resp.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    resp.headers["Content-Disposition"] = "inline"
    return resp
