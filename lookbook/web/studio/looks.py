"""Looks in the editor: find an outfit, pick a bag from its recommendations, note, order, remove."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from lookbook.catalog.params import Params
from lookbook.catalog.queries import ItemFilters, get_item, search_page
from lookbook.catalog.records import RowInvalid
from lookbook.catalog.rules import rules_for_outfit
from lookbook.lookbooks.editing import EditConflict, LookbookEditor, LookbookMissing
from lookbook.server import appdb
from lookbook.styling import vocab
from lookbook.web.studio.access import actor
from lookbook.web.studio.common import conflict_page, form_errors, list_pages, page_link_args, read_page_link
from lookbook.web.studio.lookbooks import apply, book_or_404, editor_url, form_version
from lookbook.web.studio.outfits import recommendations

bp = Blueprint("looks", __name__, url_prefix="/lookbooks")
PER_PAGE = 24
COUNT_UP_TO = 1000  # the picker says "more than 1,000 outfits" rather than count them all
LOOK_LABELS = {"bag": "Bag", "bundle": "Bundle", "note": "Styling note", "outfit": "Outfit"}


@bp.get("/<int:book_id>/add")
def find_outfit(book_id: int) -> ResponseReturnValue:
    """Search outfits by name, sku, occasion and colour, with their photos."""
    book = book_or_404(book_id)
    p = Params(request.args)
    occasion = p.choices("occasion", vocab.OCCASIONS) or ()
    colour = p.choices("colour", tuple(vocab.COLOURS)) or ()
    page = p.integer("page", 1, 1, 10_000)
    p.finish()
    after, before = read_page_link(request.args, "name")
    q = (request.args.get("q") or "").strip()[:100]
    filters = ItemFilters(kind=("outfit",), text=q, occasion=occasion, colour=colour)
    found = search_page(appdb.session(), filters, page, PER_PAGE, order="name", cap=COUNT_UP_TO,
                        after=after, before=before)
    if not found.has_prev:
        page = 1  # a Previous link that reached the start is page 1, whatever it said
    args = {k: v for k, v in {"book_id": book.id, "q": q, "occasion": occasion[0] if occasion else "",
                              "colour": colour[0] if colour else ""}.items() if v}
    return render_template("curate/look_find.html", book=book, outfits=found.items, found=found, q=q,
                           occasion=occasion[0] if occasion else "", colour=colour[0] if colour else "",
                           page=page, pages=list_pages(found, PER_PAGE), vocab=vocab,
                           links=page_link_args(found, "name", page, args))


def render_pick(book_id: int, sku: str, status: int = 200, values: dict[str, str] | None = None,
                errors: dict[str, list[str]] | None = None) -> ResponseReturnValue:
    """Show an outfit's recommended bags and bundles to choose from."""
    book = book_or_404(book_id)
    outfit = get_item(appdb.session(), sku, "outfit")
    if outfit is None:
        abort(404, f"There is no outfit with the sku {sku}.")
    context = {"book": book, "outfit": outfit, **recommendations(outfit),
               "rules": rules_for_outfit(appdb.session(), outfit.id),
               "values": values or {}, "errors": errors or {}, "labels": LOOK_LABELS,
               "back": url_for("curate.looks.pick", book_id=book_id, sku=sku)}
    return render_template("curate/look_pick.html", **context), status


@bp.get("/<int:book_id>/add/<sku>")
def pick(book_id: int, sku: str) -> ResponseReturnValue:
    """Choose the bag (and optionally a bundle) for an outfit, and write the note."""
    return render_pick(book_id, sku)


@bp.post("/<int:book_id>/looks")
def add(book_id: int) -> ResponseReturnValue:
    """Add the chosen look at the end of the lookbook."""
    version = form_version()
    form = request.form
    values = {k: (form.get(k) or "").strip() for k in ("outfit", "bag", "other_bag", "bundle", "note")}
    bag = values["other_bag"] or values["bag"]
    bundle = [s for s in values["bundle"].split(",") if s] if values["bundle"] else []
    if not bag and bundle:
        bag = bundle[0]  # a bundle alone: its accent is the look's bag
    if not bag:
        errors = {"bag": ["choose a bag, or type the sku of another bag"]}
        return render_pick(book_id, values["outfit"], 400, values, errors)
    try:
        with appdb.database().write() as session:
            LookbookEditor(session, actor()).add_look(book_id, version, values["outfit"], bag, bundle,
                                                      form.get("note", ""))
    except EditConflict as exc:
        return conflict_page(exc, editor_url(book_id))
    except LookbookMissing:
        abort(404)
    except RowInvalid as exc:
        errors = form_errors(exc.problems)
        if "bag" in errors and values["other_bag"]:
            errors["other_bag"] = errors.pop("bag")
        return render_pick(book_id, values["outfit"], 400, values, errors)
    flash("Look added.", "success")
    return redirect(editor_url(book_id, "looks"), 303)


def _look_id(raw: str | None) -> int:
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        abort(400, "The form did not say which look it changes; reload the page.")
    return int(raw)


@bp.post("/<int:book_id>/looks/<int:look_id>/note")
def note(book_id: int, look_id: int) -> ResponseReturnValue:
    """Rewrite a look's styling note."""
    text = request.form.get("note", "")
    return apply(book_id, lambda ed, v: ed.edit_note(book_id, v, look_id, text), "Note saved.",
                 f"look-{look_id}")


@bp.post("/<int:book_id>/looks/<int:look_id>/move")
def move(book_id: int, look_id: int) -> ResponseReturnValue:
    """Move a look one place up or down (the buttons that work without JavaScript)."""
    offset = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if offset is None:
        abort(400, "Say whether the look moves up or down.")
    return apply(book_id, lambda ed, v: ed.move_look(book_id, v, look_id, offset),
                 f"Look moved {request.form['direction']}.", f"look-{look_id}")


@bp.post("/<int:book_id>/looks/<int:look_id>/remove")
def remove(book_id: int, look_id: int) -> ResponseReturnValue:
    """Take a look out of the lookbook."""
    return apply(book_id, lambda ed, v: ed.remove_look(book_id, v, look_id), "Look removed.", "looks")


@bp.post("/<int:book_id>/order")
def order(book_id: int) -> ResponseReturnValue:
    """Save a new order of looks (drag and drop); answers JSON with the new version."""
    version = form_version()
    look_ids = [_look_id(part) for part in request.form.get("order", "").split(",")]
    try:
        with appdb.database().write() as session:
            book = LookbookEditor(session, actor()).reorder(book_id, version, look_ids)
            new_version = book.version
    except EditConflict as exc:
        return jsonify(error=str(exc), reload=editor_url(book_id)), 409
    except LookbookMissing:
        abort(404)
    except RowInvalid as exc:
        return jsonify(error=exc.problems[0].message, reload=editor_url(book_id)), 400
    return jsonify(version=new_version, message="Order saved.")
