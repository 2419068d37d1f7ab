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
    """Return (field, before, after) for every field that differs between two snapshots
    (a created thing has no before, a removed one no after)."""
    before = {} if before is None and isinstance(after, dict) else before
    after = {} if after is None and isinstance(before, dict) else after
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    return [(k, before.get(k), after.get(k)) for k in dict.fromkeys([*before, *after])
            if before.get(k) != after.get(k)]


def readable(value: Any) -> list[str]:
    """Return a recorded value as lines a person reads (a lookbook's looks one per line)."""
    if value is None or value == "" or value == []:
        return ["—"]
    if isinstance(value, bool):
        return ["yes" if value else "no"]
    if isinstance(value, dict):
        return [f"{k}: {', '.join(readable(v))}" for k, v in value.items()]
    if isinstance(value, list):
        if all(isinstance(v, dict) and "outfit" in v and "bag" in v for v in value):
            return [_look(n, v) for n, v in enumerate(value, 1)]
        if all(not isinstance(v, (dict, list)) for v in value):
            return [", ".join(str(v) for v in value)]
        return [line for v in value for line in readable(v)]
    return [str(value)]


def _look(n: int, look: dict[str, Any]) -> str:
    text = f"{n}. {look['outfit']} with {look['bag']}"
    bundle = look.get("bundle") or []
    if bundle:
        text += f" (bundle {' + '.join(str(b) for b in bundle)})"
    note = str(look.get("note") or "")
    if note:
        text += f": “{note[:60]}{'…' if len(note) > 60 else ''}”"
    return text


def _page(title: str, **where: Any) -> ResponseReturnValue:
    p = Params(request.args)
    page = p.integer("page", 1, 1, 100_000)
    p.finish()
    rows, total = entries(appdb.session(), page=page, per_page=PER_PAGE, **where)
    return render_template("curate/audit.html", title=title, rows=rows, total=total, page=page,
                           pages=pages(total, PER_PAGE), changes=changes, readable=readable,
                           **where)


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
