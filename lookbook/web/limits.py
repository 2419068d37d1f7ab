"""Rate limits for public reads, shared across workers through Redis when configured."""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from lookbook.config import Settings

EXTENSION = "lookbook.limiter"


def init_app(app: Flask, settings: Settings) -> Limiter:
    """Limit every route by client address; health checks and static files are exempt."""
    limiter = Limiter(
        get_remote_address,
        app=app,
        default_limits=[] if settings.rate_limit == "off" else [settings.rate_limit],
        storage_uri=settings.redis_url or "memory://",
        key_prefix=settings.extra.get("RATE_LIMIT_PREFIX", settings.redis_prefix),
        headers_enabled=True,
        swallow_errors=True,  # a dead Redis must not turn reads into 500s
        in_memory_fallback_enabled=True,
    )
    limiter.request_filter(_exempt)
    app.extensions[EXTENSION] = limiter
    return limiter


def _exempt() -> bool:
    from flask import request

    return request.path.startswith(("/health/", "/assets/", "/media/"))
