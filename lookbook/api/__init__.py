"""The versioned JSON API under /api/v1 (DESIGN §4.3)."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_cors import CORS

API_PREFIX = "/api/v1"


def init_app(app: Flask) -> None:
    """Register every API blueprint under /api/v1 and open reads to other origins."""
    from lookbook.api.events import bp as events_bp
    from lookbook.api.events import init_app as init_events
    from lookbook.api.images import bp as images_bp
    from lookbook.api.item_writes import bp as item_writes_bp
    from lookbook.api.items import bp as items_bp
    from lookbook.api.lookbooks import bp as lookbooks_bp
    from lookbook.api.openapi import bp as openapi_bp
    from lookbook.api.recommendations import bp as recommendations_bp
    from lookbook.api.rules import bp as rules_bp

    api = Blueprint("api", __name__, url_prefix=API_PREFIX)
    api.register_blueprint(items_bp)
    api.register_blueprint(item_writes_bp)
    api.register_blueprint(lookbooks_bp)
    api.register_blueprint(openapi_bp)
    api.register_blueprint(recommendations_bp)
    api.register_blueprint(images_bp)
    api.register_blueprint(rules_bp)
    api.register_blueprint(events_bp)
    app.register_blueprint(api)
    init_events(app)
    # Reads are public; write views strip these headers again (see lookbook.server.http).
    CORS(app, resources={rf"{API_PREFIX}/.*": {"origins": "*"}, r"/oembed": {"origins": "*"}},
         supports_credentials=False, send_wildcard=True,
         expose_headers=["X-Request-ID", "ETag"])
