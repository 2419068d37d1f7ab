"""Shopper pages: the home page lists published lookbooks and what the catalog holds."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import func, select

from lookbook import appdb
from lookbook.catalog.models import Item
from lookbook.lookbooks.models import Lookbook

bp = Blueprint("pages", __name__)


@bp.get("/")
def home() -> str:
    """Show the published lookbooks and the size of the catalog."""
    session = appdb.session()
    counts = dict(session.execute(select(Item.kind, func.count()).group_by(Item.kind)).all())
    books = session.scalars(
        select(Lookbook).where(Lookbook.published.is_(True)).order_by(Lookbook.title)
    ).all()
    return render_template("home.html", counts=counts, lookbooks=books)
