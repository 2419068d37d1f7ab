"""The home page: the newest lookbook up front, every lookbook, and a way in by occasion."""

from __future__ import annotations

from flask import render_template, url_for

from lookbook.lookbooks.models import Look, Lookbook
from lookbook.lookbooks.queries import newest_lookbooks
from lookbook.server import appdb
from lookbook.styling import vocab
from lookbook.web.shopper.sharing import share

OCCASION_LINES = {  # how each occasion is styled (DESIGN §2), in a shopper's words
    "casual": "Playful colour and contrast: the bag is the statement.",
    "business": "Minimal lines, neutral and tonal leathers.",
    "evening": "Metallic and embellished micro bags that catch the light.",
}


def cover_look(book: Lookbook) -> Look | None:
    """Return the look a lookbook shows on cards and previews (the curator's pick, or the first)."""
    if not book.looks:
        return None
    position = book.cover_position
    if position is not None and 0 <= position < len(book.looks):
        return book.looks[position]
    return book.looks[0]


def occasion_looks(books: list[Lookbook]) -> list[tuple[str, Look | None]]:
    """Pick, for each core occasion, a curated look to picture its entry point."""
    looks = [look for book in books for look in book.looks]
    out = []
    for occasion in vocab.CORE_OCCASIONS:
        match = next((lk for lk in looks if occasion in lk.outfit.occasions and lk.bag.images), None)
        out.append((occasion, match))
    return out


def home() -> str:
    """Show the published lookbooks, newest first, and the occasion entry points."""
    books = newest_lookbooks(appdb.session())
    covers = [(book, cover_look(book)) for book in books]
    lead = next(((b, c) for b, c in covers if c is not None), None)
    page = share("Micro and mini bags, styled",
                 "Curated lookbooks of micro and mini bags: which bag to wear with which outfit "
                 "for casual, business and evening, with the reasons each one works.",
                 url_for("pages.home", _external=True), item=lead[1].bag if lead else None)
    return render_template("shop/home.html", covers=covers, lead=lead,
                           occasions=occasion_looks(books), lines=OCCASION_LINES, share=page)
