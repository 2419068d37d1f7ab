"""Serve stored media: fixed image content types, nosniff, cached for a year."""

from __future__ import annotations

from flask import Blueprint, abort, send_file
from flask.typing import ResponseReturnValue

from lookbook.images.storage import content_type
from lookbook.server import services

bp = Blueprint("media", __name__)
ONE_YEAR = 365 * 24 * 3600
# Even opened directly, a stored file runs nothing and loads nothing (it is only ever
# a re-encoded WebP or JPEG, but defence in depth costs one header).
MEDIA_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


@bp.get("/media/<key>")
def serve(key: str) -> ResponseReturnValue:
    """Send one stored rendition; unknown or malformed keys are 404."""
    storage = services.storage()
    path = storage.path(key)
    if path is None:
        abort(404)
    resp = send_file(path, mimetype=content_type(key), max_age=ONE_YEAR, conditional=True)
    resp.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    resp.headers["Content-Disposition"] = "inline"
    resp.headers["Content-Security-Policy"] = MEDIA_CSP
    # Retailer pages embed these images (widget, oEmbed), possibly under COEP.
    resp.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return resp
