"""Shopper pages: the home page lists published lookbooks and what the catalog holds."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from sqlalchemy import func, select

from lookbook.catalog.models import Item
from lookbook.lookbooks.queries import live_lookbooks
from lookbook.server import appdb
from lookbook.web.pictures import item_url, picture

bp = Blueprint("pages", __name__)
bp.add_app_template_global(picture)
bp.add_app_template_global(item_url)


@bp.get("/")
def home() -> str:
    """Show the published lookbooks and the size of the catalog."""
    session = appdb.session()
    counts = dict(session.execute(select(Item.kind, func.count()).group_by(Item.kind)).all())
    books = live_lookbooks(session)
    return render_template("home.html", counts=counts, lookbooks=books, thumbnail=thumbnail)


def thumbnail(item: Item) -> dict | None:
    """Return the smallest WebP rendition of an item's first photo, for a lazy <img>."""
    renditions = item.images[0].renditions() if item.images else []
    if not renditions:
        return None
    small = renditions[0]
    return {"url": url_for("media.serve", key=small["key"]), "width": small["width"],
            "height": small["height"]}
