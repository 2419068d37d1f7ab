"""The home page: the newest lookbook up front, every lookbook, and a way in by occasion."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from flask import render_template, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from lookbook.catalog.models import ItemImage, ItemTag
from lookbook.lookbooks.models import Look, Lookbook
from lookbook.lookbooks.queries import look_rows, looks_by_id, newest_lookbooks
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


def _cover_row(book: Lookbook, rows: list[Any]) -> Any | None:
    """The same choice as ``cover_look``, over light look rows in position order."""
    if not rows:
        return None
    position = book.cover_position
    return rows[position] if position is not None and 0 <= position < len(rows) else rows[0]


def occasion_picks(session: Session, rows: list[Any]) -> list[tuple[str, int | None]]:
    """Pick, for each core occasion, a curated look (its id) to picture the entry point.

    The first look in book order whose outfit suits the occasion and whose bag has a photo,
    preferring a bag no other occasion shows yet (three tiles of one bag say nothing).
    """
    outfit_ids = {r.outfit_id for r in rows}
    bag_ids = {r.bag_id for r in rows}
    occasions: dict[int, set[str]] = defaultdict(set)
    if outfit_ids:
        for item_id, value in session.execute(
                select(ItemTag.item_id, ItemTag.value).where(
                    ItemTag.facet == "occasions", ItemTag.value.in_(vocab.CORE_OCCASIONS),
                    ItemTag.item_id.in_(outfit_ids))):
            occasions[item_id].add(value)
    photographed = set(session.scalars(
        select(ItemImage.item_id).where(ItemImage.item_id.in_(bag_ids)).distinct())) if bag_ids else set()
    shown: set[int] = set()
    out: list[tuple[str, int | None]] = []
    for occasion in vocab.CORE_OCCASIONS:
        matches = [r for r in rows if occasion in occasions[r.outfit_id] and r.bag_id in photographed]
        pick = next((r for r in matches if r.bag_id not in shown), matches[0] if matches else None)
        if pick is not None:
            shown.add(pick.bag_id)
        out.append((occasion, pick.id if pick else None))
    return out


def home() -> str:
    """Show the published lookbooks, newest first, and the occasion entry points.

    A fixed number of queries whatever the number of lookbooks and looks: the books, one
    row per look (ids only), the outfits' occasions and photographed bags, then only the
    looks shown (covers and occasion tiles) with their items.
    """
    session = appdb.session()
    books = newest_lookbooks(session, looks=False)
    rows = look_rows(session, [b.id for b in books])
    by_book: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        by_book[row.lookbook_id].append(row)
    in_book_order = [row for book in books for row in by_book[book.id]]
    cover_ids = {book.id: pick.id for book in books if (pick := _cover_row(book, by_book[book.id]))}
    picks = occasion_picks(session, in_book_order)
    looks = looks_by_id(session, [*cover_ids.values(), *(i for _o, i in picks if i is not None)])
    covers = [(book, looks.get(cover_ids.get(book.id, -1)), len(by_book[book.id])) for book in books]
    lead = next(((b, c, n) for b, c, n in covers if c is not None), None)
    page = share("Micro and mini bags, styled",
                 "Curated lookbooks of micro and mini bags: which bag to wear with which outfit "
                 "for casual, business and evening, with the reasons each one works.",
                 url_for("pages.home", _external=True), item=lead[1].bag if lead else None)
    occasions = [(occasion, looks.get(i) if i is not None else None) for occasion, i in picks]
    return render_template("shop/home.html", covers=covers, lead=lead, occasions=occasions,
                           lines=OCCASION_LINES, share=page)
