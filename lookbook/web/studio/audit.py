"""The audit trail in the studio: everything, one lookbook's history, one item's history."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from lookbook.audit.trail import entries
from lookbook.catalog.params import Params
from lookbook.server import appdb
from lookbook.web.studio.common import pages
from lookbook.web.studio.items import item_or_404
from lookbook.web.studio.lookbooks import book_or_404

bp = Blueprint("audit", __name__)
PER_PAGE = 50


def changes(before: Any, after: Any) -> list[tuple[str, Any, Any]]:
    """Return (field, before, after) for every field that differs between two snapshots."""
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    return [(k, before.get(k), after.get(k)) for k in dict.fromkeys([*before, *after])
            if before.get(k) != after.get(k)]


def _page(title: str, **where: Any) -> ResponseReturnValue:
    p = Params(request.args)
    page = p.integer("page", 1, 1, 100_000)
    p.finish()
    rows, total = entries(appdb.session(), page=page, per_page=PER_PAGE, **where)
    return render_template("curate/audit.html", title=title, rows=rows, total=total, page=page,
                           pages=pages(total, PER_PAGE), changes=changes, **where)


@bp.get("/audit")
def index() -> ResponseReturnValue:
    """Every recorded change, newest first."""
    return _page("Audit trail")


@bp.get("/lookbooks/<int:book_id>/history")
def lookbook(book_id: int) -> ResponseReturnValue:
    """One lookbook's history."""
    book = book_or_404(book_id)
    return _page(f"History of “{book.title}”", lookbook_id=book.id)


@bp.get("/items/<sku>/history")
def item(sku: str) -> ResponseReturnValue:
    """One item's history (its edits, photos and the rules that name it)."""
    found = item_or_404(sku)
    return _page(f"History of {found.name} ({found.sku})", sku=found.sku)
