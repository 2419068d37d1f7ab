"""POST /api/v1/events: shopper impressions, clicks, add-to-carts and purchases, in batches.

Anyone may send impressions, clicks and add-to-carts (the widget sends its
publishable key, shopper pages none); a purchase needs a secret key, so only the
retailer's server can claim a sale.  The embedding site comes from the Origin header;
nothing about the shopper (address, user agent) is kept.  Our framed lookbook view
names the site framing it instead (see :func:`_site`).
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Blueprint, Flask, request
from flask_limiter.util import get_remote_address

from lookbook.analytics.batch import MAX_EVENTS, BatchInvalid, parse_batch, site_of
from lookbook.analytics.store import record_events
from lookbook.api.auth import presented_key, publishable_forbidden, unauthorised
from lookbook.api.body import json_body
from lookbook.api.openapi import check_body
from lookbook.api.problems import ApiProblem
from lookbook.database import utcnow
from lookbook.server import appdb

bp = Blueprint("events", __name__)
MAX_BODY_BYTES = 64 * 1024  # 100 events of a few hundred bytes each, with room to spare


@bp.post("/events")
def record() -> tuple[dict[str, Any], int]:
    """Validate and store a batch of events; answer what was stored and what was not."""
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise ApiProblem(413, f"send at most {MAX_EVENTS} events ({MAX_BODY_BYTES // 1024} KiB) "
                              "per request", title="Content too large")
    key = presented_key()
    body = json_body()
    try:
        records = parse_batch(body, utcnow())
    except BatchInvalid as exc:
        raise ApiProblem(422, "some events are not valid; nothing was stored", title="Invalid body",
                         errors=exc.errors) from None
    check_body("EventBatch", body)
    if any(r.type == "purchase" for r in records):
        if key is None:
            raise unauthorised()
        if not key.secret:
            raise publishable_forbidden("a purchase event")
    site = _site(body)
    with appdb.database().write() as session:
        outcome = record_events(session, records, site)
    return outcome.as_dict(), 202


def _site(body: dict[str, Any]) -> str:
    """The embedding site: the Origin, or, from our own framed pages only, the site framing them.

    A lookbook framed on a blog sends its events from our origin; our events.js names
    the blog (its referrer's origin) in ``site``.  Anyone else's ``site`` is ignored.
    """
    origin = site_of(request.headers.get("Origin"))
    claimed = body.get("site")
    if origin and origin == site_of(request.host_url) and isinstance(claimed, str):
        return site_of(claimed) or origin
    return origin


def _sender() -> str:
    """Rate-limit bucket: the presented key (hashed, never stored) and the client address."""
    token = request.headers.get("Authorization", "")
    key = hashlib.sha256(token.encode()).hexdigest()[:16] if token else "none"
    return f"events:{key}:{get_remote_address()}"


def init_app(app: Flask) -> None:
    """Limit event batches per key and address, on top of the site-wide per-address limit."""
    limit = app.config["LOOKBOOK"].events_rate_limit
    if limit == "off":
        return
    limiter = app.extensions["lookbook.limiter"]
    endpoint = "api.events.record"
    app.view_functions[endpoint] = limiter.limit(limit, key_func=_sender, override_defaults=False)(
        app.view_functions[endpoint])
