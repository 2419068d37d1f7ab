"""The curator workspace: what the catalog holds and the lookbooks being curated."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required
from sqlalchemy import func, select

from lookbook.catalog.models import Item
from lookbook.catalog.params import Params
from lookbook.catalog.queries import ItemFilters, search_items
from lookbook.lookbooks.models import Lookbook
from lookbook.server import appdb
from lookbook.styling import vocab
from lookbook.web.auth import LogoutForm

bp = Blueprint("curate", __name__, url_prefix="/curate")
PER_PAGE = 50


@bp.get("/")
@login_required
def home() -> tuple[str, int]:
    """List the catalog (searchable, by kind) and every lookbook with its state."""
    p = Params(request.args)
    kind = p.choices("kind", vocab.KINDS) or ()
    page = p.integer("page", 1, 1, 100_000)
    text = (request.args.get("q") or "").strip()[:100]
    status = 400 if p.errors else 200
    session = appdb.session()
    items, total = search_items(session, ItemFilters(kind=kind, text=text), page, PER_PAGE)
    counts = dict(session.execute(select(Item.kind, func.count()).group_by(Item.kind)).all())
    books = session.scalars(select(Lookbook).order_by(Lookbook.title)).all()
    pages = max(1, -(-total // PER_PAGE))
    return render_template(
        "curate/home.html", items=items, total=total, page=page, pages=pages, q=text,
        kind=kind[0] if len(kind) == 1 else "", counts=counts, lookbooks=books,
        errors=p.errors, logout_form=LogoutForm(),
    ), status
