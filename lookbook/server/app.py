"""The Flask application factory: settings, then resources, then blueprints."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from lookbook.config import Settings
from lookbook.paths import ASSETS, TEMPLATES


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create the Lookbook web application (``gunicorn "lookbook:create_app()"``)."""
    settings = Settings.from_env()
    if test_config:
        settings = settings.override(test_config)

    app = Flask(
        "lookbook",
        instance_path=str(settings.instance),
        template_folder=str(TEMPLATES),
        static_folder=str(ASSETS),
        static_url_path="/assets",
    )
    app.config.update(
        SECRET_KEY=settings.resolve_secret_key(),
        MAX_CONTENT_LENGTH=settings.max_upload_bytes,
        MAX_FORM_PARTS=100,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.production,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.production,
        WTF_CSRF_TIME_LIMIT=8 * 3600,
        LOOKBOOK=settings,
        TRUSTED_HOSTS=settings.hosts(),
        TESTING=bool(settings.extra.get("TESTING", False)),
        RATELIMIT_ENABLED=settings.extra.get("RATELIMIT_ENABLED", True),
    )

    from lookbook.web.limits import limits_every_request

    if settings.extra.get("ANSWER_FRONT", True) and \
            not limits_every_request(settings, app.config["RATELIMIT_ENABLED"]):
        # Repeated answers before Flask (inside ProxyFix, which must run first); with a
        # default rate limit every request must reach Flask-Limiter, so it stays off.
        from lookbook.server import answer_front

        app.wsgi_app = answer_front.install(app)  # type: ignore[method-assign]
    if settings.proxy_hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Trust exactly this many proxies for the client address, scheme and host.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxy_hops,  # type: ignore[method-assign]
                                x_proto=settings.proxy_hops, x_host=settings.proxy_hops)
    if settings.production and not settings.trusted_hosts:
        import logging

        logging.getLogger("lookbook").warning(
            "LOOKBOOK_TRUSTED_HOSTS is not set: answering only %s; list your site's host names",
            ", ".join(settings.hosts() or ()))
    app.json.sort_keys = False  # type: ignore[attr-defined]  # keep documented field order

    from lookbook.database import Database
    from lookbook.server import appdb, http, services, sessions

    database = settings.extra.get("database") or Database(settings.database_url)
    appdb.init_app(app, database)
    services.init_app(app, settings, database)
    http.init_app(app)
    sessions.init_app(app)

    from lookbook.web.limits import init_app as init_limits

    init_limits(app, settings)

    from lookbook.web.locale import init_app as init_locale

    init_locale(app)

    from lookbook.api import init_app as init_api
    from lookbook.api.oembed import bp as oembed_bp
    from lookbook.server.health import bp as health_bp
    from lookbook.web.analytics import bp as analytics_bp
    from lookbook.web.auth import init_app as init_auth
    from lookbook.web.curate import bp as curate_bp
    from lookbook.web.embed import bp as embed_bp
    from lookbook.web.invite import bp as invite_bp
    from lookbook.web.media import bp as media_bp
    from lookbook.web.pages import bp as pages_bp

    init_api(app)
    init_auth(app)
    app.register_blueprint(curate_bp)
    app.register_blueprint(invite_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(media_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(analytics_bp)
    app.register_blueprint(embed_bp)
    app.register_blueprint(oembed_bp)
    return app
