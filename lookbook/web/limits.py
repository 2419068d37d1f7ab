"""Rate limits shared by every worker: Redis when configured, else a SQLite file per host.

* Every route but health, assets and media is limited per client address
  (``LOOKBOOK_RATE_LIMIT``); a batch of recommendation requests costs one unit per
  request it carries, so a batching client cannot take more than its share.
* Sign-in has its own limit (``lookbook.web.auth``), and fails *closed*: when the shared
  store cannot be reached, sign-in answers 503 instead of guessing.
* Reads fail open (a dead Redis must not take the catalog down) but loudly: every
  failure is logged, and ``/health/ready`` reports the store as not ready.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from lookbook.config import Settings
from lookbook.web.limit_storage import storage_uri

EXTENSION = "lookbook.limiter"
BATCH_PATH = "/api/v1/recommendations"
MAX_BATCH_COST = 20
log = logging.getLogger("lookbook")
F = TypeVar("F", bound=Callable[..., Any])


def init_app(app: Flask, settings: Settings) -> Limiter:
    """Limit every route by client address; health checks and static files are exempt."""
    from lookbook.server.health import add_ready_check

    limiter = Limiter(
        get_remote_address,
        app=app,
        default_limits=[] if settings.rate_limit == "off" else [settings.rate_limit],
        default_limits_cost=request_cost,
        storage_uri=settings.redis_url or storage_uri(settings.instance / "ratelimits.sqlite"),
        storage_options={"socket_connect_timeout": 1, "socket_timeout": 1} if settings.redis_url else {},
        key_prefix=settings.extra.get("RATE_LIMIT_PREFIX", settings.redis_prefix),
        headers_enabled=True,
        swallow_errors=True,  # reads stay up when Redis is down (logged; readiness says so)
        in_memory_fallback_enabled=False,  # never silently count per worker instead
    )
    limiter.request_filter(_exempt)
    checks = app.before_request_funcs[None]
    if not limits_every_request(settings, app.config.get("RATELIMIT_ENABLED", True)) \
            and limiter._check_request_limit in checks:  # a disabled limiter installs none
        # No default limit, and no application or blueprint limits: the check Flask-Limiter
        # runs before every request would find nothing to count on any route (about a
        # sixth of a cached answer's CPU, profiled).  Sign-in and event batches check their
        # own limits in the wrappers ``limiter.limit`` returns, which stay.
        checks.remove(limiter._check_request_limit)
    app.extensions[EXTENSION] = limiter
    add_ready_check(app, "rate_limits", lambda: store_ready(limiter, settings))
    return limiter


def limits_every_request(settings: Settings, enabled: bool) -> bool:
    """Tell whether a default limit counts every request, so each must reach Flask-Limiter
    (``enabled``: the app's RATELIMIT_ENABLED)."""
    return enabled and settings.rate_limit != "off"


def request_cost() -> int:
    """Return what this request costs: a recommendation batch costs one per request in it."""
    if request.method != "POST" or request.path != BATCH_PATH:
        return 1
    try:
        body = json.loads(request.get_data(cache=True))
    except (ValueError, RecursionError):
        return 1
    asked = body.get("requests") if isinstance(body, dict) else None
    return min(max(len(asked), 1), MAX_BATCH_COST) if isinstance(asked, list) else 1


def store_ready(limiter: Limiter, settings: Settings) -> tuple[bool, str]:
    """Readiness: the shared counter store answers."""
    where = "redis" if settings.redis_url else "sqlite file"
    if not current_app.config.get("RATELIMIT_ENABLED", True) or limiter.storage is None:
        return True, "rate limits are off"
    try:
        ok = bool(limiter.storage.check())
    except Exception:  # noqa: BLE001 - a readiness probe reports, never raises
        ok = False
    if not ok:
        log.error("rate-limit store (%s) unreachable: limits are not enforced, sign-in is closed", where)
        return False, f"{where} unreachable"
    return True, where


def fail_closed(view: F) -> F:
    """Refuse a POST with 503 while the shared counter store is unreachable."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if request.method == "POST" and not _store_answers():
            from flask import abort

            log.error("sign-in refused: the rate-limit store is unreachable")
            abort(503, description="sign-in is paused while the service checks its limits; "
                                   "try again in a minute")
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _store_answers() -> bool:
    limiter: Limiter = current_app.extensions[EXTENSION]
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    try:
        return bool(limiter.storage.check())
    except Exception:  # noqa: BLE001
        return False


def _exempt() -> bool:
    return request.path.startswith(("/health/", "/assets/", "/media/"))
