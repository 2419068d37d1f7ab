"""oEmbed 1.0 for lookbook pages: GET /oembed?url=… answers a ``rich`` iframe embed.

Only our own lookbook URLs (``/lookbooks/<slug>``, this host) of published lookbooks
are answered; anything else is 404.  The iframe points at the framable view
``/lookbooks/<slug>/embed``.  JSON, or XML with ``format=xml``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, request, url_for
from markupsafe import escape

from lookbook.api.problems import ApiProblem
from lookbook.catalog.params import ParamError, Params, field_error
from lookbook.catalog.text import problem_in
from lookbook.lookbooks.models import Lookbook
from lookbook.lookbooks.queries import live_lookbook
from lookbook.server import appdb

bp = Blueprint("oembed", __name__)
DEFAULT_WIDTH, DEFAULT_HEIGHT = 640, 720
MAX_SIDE = 10_000
CACHE_AGE = 3600
LOOKBOOK_PATH = re.compile(r"^/lookbooks/([a-z0-9]+(?:-[a-z0-9]+)*)(?:/(?:embed/?)?)?$")


def _not_ours() -> ApiProblem:
    return ApiProblem(404, "the url is not a published lookbook on this site", title="Not found",
                      slug="not-embeddable")


def lookbook_for(url: str) -> Lookbook:
    """Return the published lookbook a URL of ours points at, or raise a 404 problem."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        raise _not_ours() from None
    host = request.host.lower()
    if parts.scheme not in ("http", "https") or parts.netloc.lower() != host:
        raise _not_ours()
    match = LOOKBOOK_PATH.match(parts.path)
    if match is None:
        raise _not_ours()
    book = live_lookbook(appdb.session(), match.group(1))
    if book is None:
        raise _not_ours()
    return book


def _thumbnail(book: Lookbook, max_width: int, max_height: int) -> dict[str, Any]:
    """The cover look's bag photo, the largest rendition within the size limits (or none)."""
    if not book.looks:
        return {}
    position = book.cover_position or 0
    look = book.looks[position] if position < len(book.looks) else book.looks[0]
    renditions = look.bag.images[0].renditions() if look.bag.images else []
    fitting = [r for r in renditions if r["width"] <= max_width and r["height"] <= max_height]
    if not fitting:
        return {}
    best = max(fitting, key=lambda r: r["width"])
    return {"thumbnail_url": url_for("media.serve", key=best["key"], _external=True),
            "thumbnail_width": best["width"], "thumbnail_height": best["height"]}


@bp.get("/oembed")
def oembed() -> dict[str, Any] | Response:
    """Answer an oEmbed request for one of our lookbook URLs."""
    p = Params(request.args, strict=True)
    url = p.source.get("url") or ""
    if not url:
        p.errors.append(field_error("url", "is required: the address of a lookbook page"))
    elif len(url) > 2048:
        p.errors.append(field_error("url", "is too long"))
    elif problem_in(url):
        p.errors.append(field_error("url", "must be a web address (no control characters)"))
    max_width = p.integer("maxwidth", MAX_SIDE, 1, MAX_SIDE, clamp=True)
    max_height = p.integer("maxheight", MAX_SIDE, 1, MAX_SIDE, clamp=True)
    fmt = p.source.get("format", "json")
    if fmt not in ("json", "xml"):
        p.errors.append(field_error("format", "must be json or xml"))
    if p.errors:
        raise ParamError(p.errors)
    book = lookbook_for(url)
    width, height = min(DEFAULT_WIDTH, max_width), min(DEFAULT_HEIGHT, max_height)
    src = url_for("embed.lookbook", slug=book.slug, _external=True)
    title = f"{book.title} · Lookbook"
    html = (f'<iframe src="{escape(src)}" width="{width}" height="{height}" title="{escape(title)}" '
            'loading="lazy" frameborder="0" style="max-width:100%;border:0"></iframe>')  # fits a phone
    answer = {"version": "1.0", "type": "rich", "title": book.title, "provider_name": "Lookbook",
              "provider_url": request.url_root, "cache_age": CACHE_AGE, "html": html,
              "width": width, "height": height, **_thumbnail(book, max_width, max_height)}
    if fmt == "xml":
        return Response(as_xml(answer), mimetype="text/xml")
    return answer


def as_xml(answer: dict[str, Any]) -> str:
    """The oEmbed XML form: one element per field, under <oembed> (spec section 2.3.4)."""
    fields = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in answer.items())
    return f'<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n<oembed>{fields}</oembed>\n'
