"""Shopper pages: the URL map (views live in ``lookbook.web.shopper``) and template helpers."""

from __future__ import annotations

from flask import Blueprint, Response

from lookbook.web.pictures import item_url, picture
from lookbook.web.shopper import bag, browse, home, lookbooks, outfit

bp = Blueprint("pages", __name__)
bp.add_app_template_global(picture)
bp.add_app_template_global(item_url)

bp.add_url_rule("/", "home", home.home)
bp.add_url_rule("/lookbooks/<slug>", "lookbook", lookbooks.lookbook)
bp.add_url_rule("/outfits/<sku>", "outfit", outfit.outfit)
bp.add_url_rule("/bags/<sku>", "bag", bag.bag)
bp.add_url_rule("/browse", "browse", browse.browse)
bp.record_once(lambda setup: browse.init_app(setup.app))


@bp.get("/robots.txt")
def robots() -> Response:
    """Let crawlers in to the shopper pages, not to the studio or the API."""
    lines = ["User-agent: *", "Disallow: /curate", "Disallow: /login", "Disallow: /api/"]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")
