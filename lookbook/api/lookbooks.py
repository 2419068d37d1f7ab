"""Published lookbooks for storefronts: the list, and one lookbook with its looks."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, url_for

from lookbook.api.items import item_json
from lookbook.api.problems import ApiProblem
from lookbook.lookbooks.models import Lookbook
from lookbook.lookbooks.queries import live_lookbook, live_lookbooks
from lookbook.server import appdb

bp = Blueprint("lookbooks", __name__)


def lookbook_json(book: Lookbook, *, looks: bool = True) -> dict[str, Any]:
    """Return a lookbook as the API shows it; looks carry whole items."""
    data: dict[str, Any] = {"slug": book.slug, "title": book.title,
                            "description": book.description, "season": book.season,
                            "market": book.market,
                            "url": url_for("pages.lookbook", slug=book.slug, _external=True)}
    if looks:
        data["looks"] = [
            {"outfit": item_json(look.outfit), "bag": item_json(look.bag),
             "bundle": [item_json(i) for i in look.bundle], "note": look.note}
            for look in book.looks
        ]
    else:
        data["looks_count"] = len(book.looks)
    return data


@bp.get("/lookbooks")
def list_lookbooks() -> dict[str, Any]:
    """List the lookbooks shoppers can see now (without their looks)."""
    books = live_lookbooks(appdb.session())
    return {"lookbooks": [lookbook_json(b, looks=False) for b in books]}


@bp.get("/lookbooks/<slug>")
def show_lookbook(slug: str) -> dict[str, Any]:
    """Return one visible lookbook with its looks."""
    book = live_lookbook(appdb.session(), slug)
    if book is None:
        raise ApiProblem(404, f"no published lookbook {slug!r}", title="Not found",
                         slug="unknown-lookbook")
    return lookbook_json(book)
