"""Embedding: the framable lookbook view (/lookbooks/<slug>/embed) and the widget script.

``/lookbooks/<slug>/embed`` is the only page other sites may frame (oEmbed points
at it): ``frame-ancestors`` lists ``LOOKBOOK_EMBED_ORIGINS``, or any site when that
is unset; every other page keeps ``frame-ancestors 'none'``.

The widget is one hand-written file, ``assets/embed/widget.js``.  It is served at a
versioned URL, ``/embed/v1.<hash>.js``, cached for a year (``immutable``), and
``/embed.js`` is a tiny loader, cached for five minutes, that points at the current
version, so retailers keep one script tag while every release reaches shoppers quickly.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for

from lookbook.lookbooks.queries import live_lookbook
from lookbook.paths import ASSETS
from lookbook.server import appdb
from lookbook.server.http import CSP

bp = Blueprint("embed", __name__)
WIDGET = ASSETS / "embed" / "widget.js"
ONE_YEAR = 365 * 24 * 3600
LOADER_MAX_AGE = 300
EMBED_MAX_AGE = 300


@lru_cache(maxsize=1)
def widget() -> tuple[bytes, str]:
    """Return the widget's bytes and their version (read once per process)."""
    body = WIDGET.read_bytes()
    return body, hashlib.sha256(body).hexdigest()[:12]


def frame_ancestors() -> str:
    """Return the frame-ancestors source list for embeddable views."""
    origins = current_app.config["LOOKBOOK"].embed_origins
    return " ".join(origins) if origins else "*"


def embed_csp() -> str:
    """The site's Content-Security-Policy, except that the allowed sites may frame the page."""
    return CSP.replace("frame-ancestors 'none'", f"frame-ancestors {frame_ancestors()}")


def _script(body: bytes | str, max_age: int, immutable: bool = False) -> Response:
    resp = Response(body, mimetype="text/javascript")
    resp.headers["Cache-Control"] = f"public, max-age={max_age}" + (", immutable" if immutable else "")
    # Retailer pages load it cross-origin, possibly under Cross-Origin-Embedder-Policy.
    resp.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp


@bp.get("/embed.js")
def loader() -> Response:
    """Load the current widget version; short-cached so a new release reaches every site."""
    _body, version = widget()
    src = url_for("embed.versioned", version=version, _external=True)
    # Copies the tag's data-* settings (key, market…) onto the versioned script.
    js = ("(function(d){var c=d.currentScript,s=d.createElement('script'),k;"
          f"s.src='{src}';s.async=true;if(c){{for(k in c.dataset)s.dataset[k]=c.dataset[k];}}"
          "(d.head||d.documentElement).appendChild(s)})(document);\n")
    return _script(js, LOADER_MAX_AGE)


@bp.get("/embed/v1.<version>.js")
def versioned(version: str) -> Response:
    """Serve the widget for a year; an old version's URL redirects to the current one."""
    body, current = widget()
    if version != current:
        resp = redirect(url_for("embed.versioned", version=current), code=302)
        resp.headers["Cache-Control"] = "no-cache"
        return resp  # type: ignore[return-value]  # werkzeug's Response; Flask sends it as is
    return _script(body, ONE_YEAR, immutable=True)


def photo(item: Any) -> dict[str, Any] | None:
    """Return the first photo of an item as src, srcset and size for a lazy <img>."""
    renditions = item.images[0].renditions() if item.images else []
    if not renditions:
        return None
    src = min(renditions, key=lambda r: abs(r["width"] - 320))
    return {"src": url_for("media.serve", key=src["key"]), "width": src["width"], "height": src["height"],
            "srcset": ", ".join(f"{url_for('media.serve', key=r['key'])} {r['width']}w" for r in renditions)}


@bp.get("/lookbooks/<slug>/embed")
def lookbook(slug: str) -> Response:
    """Show a published lookbook compactly, without the site's chrome, for other sites to frame."""
    book = live_lookbook(appdb.session(), slug)
    if book is None:
        abort(404)
    page_url = request.url_root.rstrip("/") + f"/lookbooks/{book.slug}"
    html = render_template("embed/lookbook.html", book=book, photo=photo, page_url=page_url)
    resp = Response(html, mimetype="text/html")
    resp.headers["Content-Security-Policy"] = embed_csp()
    resp.headers["Cache-Control"] = f"public, max-age={EMBED_MAX_AGE}"
    return resp


@bp.get("/api")
def api_guide() -> str:
    """The human-readable API page: what to call, with copy-paste examples for this site."""
    from lookbook.api.openapi import EXAMPLE_BAG, EXAMPLE_LOOKBOOK, EXAMPLE_OUTFIT, document

    root = request.url_root.rstrip("/")
    doc = document(root)
    operations = [{"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                   "secret": op.get("security") == [{"secretKey": []}]}
                  for path, ops in doc["paths"].items() for method, op in ops.items()
                  if method != "parameters"]
    return render_template("embed/api.html", root=root, operations=operations, outfit=EXAMPLE_OUTFIT,
                           bag=EXAMPLE_BAG, lookbook=EXAMPLE_LOOKBOOK)
