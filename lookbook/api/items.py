"""Catalog reads: list items with filters and pagination, and one item by sku."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request, url_for

from lookbook.api.problems import ApiProblem
from lookbook.catalog.models import Item
from lookbook.catalog.params import Params, parse_item_filters
from lookbook.catalog.queries import get_item, search_items
from lookbook.catalog.serialize import item_to_json
from lookbook.server import appdb

bp = Blueprint("items", __name__)
DEFAULT_PER_PAGE = 24
MAX_PER_PAGE = 100


def media_url(key: str) -> str:
    """Return the absolute public URL of a stored media file (behind proxies, their host)."""
    return url_for("media.serve", key=key, _external=True)


def item_json(item: Item) -> dict[str, Any]:
    """Return an item as the API shows it."""
    return item_to_json(item, media_url)


def item_or_404(sku: str, kind: str | None = None) -> Item:
    """Return the item with this sku or answer 404 (problem+json)."""
    item = get_item(appdb.session(), sku, kind)
    if item is None:
        what = kind or "item"
        raise ApiProblem(404, f"no {what} with sku {sku!r}", title="Not found", slug="unknown-sku")
    return item


@bp.get("/items")
def list_items() -> dict[str, Any]:
    """List catalog items matching the filters, a page at a time."""
    p = Params(request.args, strict=True)
    filters = parse_item_filters(p)
    page = p.integer("page", 1, 1, 100_000)
    per_page = p.integer("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE, clamp=True)
    p.finish()
    if filters.min_price is not None and filters.max_price is not None \
            and filters.min_price > filters.max_price:
        raise ApiProblem(400, "min_price is above max_price", title="Invalid parameters",
                         errors=[{"field": "min_price", "message": "must not exceed max_price"}])
    items, total = search_items(appdb.session(), filters, page, per_page)
    return {"items": [item_json(i) for i in items], "page": page, "per_page": per_page,
            "total": total}


@bp.get("/items/<sku:sku>")
def show_item(sku: str) -> dict[str, Any]:
    """Return one item by sku."""
    return item_json(item_or_404(sku))
