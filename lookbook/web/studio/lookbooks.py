"""The lookbook editor: create, edit details, publish on a schedule, preview, delete.

Adding, moving and removing looks lives in ``looks.py``.  Every change carries the
version the page was showing; a stale one gets the 409 page naming who saved last.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from lookbook.catalog.models import CurationRule
from lookbook.catalog.records import RowInvalid
from lookbook.lookbooks.details import Details, aware, parse_details, parse_schedule
from lookbook.lookbooks.editing import EditConflict, LookbookEditor, LookbookMissing, state
from lookbook.lookbooks.models import Lookbook
from lookbook.server import appdb
from lookbook.styling import vocab
from lookbook.web.studio.access import actor
from lookbook.web.studio.common import conflict_page, form_errors, invalid

bp = Blueprint("lookbooks", __name__, url_prefix="/lookbooks")
DETAIL_LABELS = {"title": "Title", "slug": "Web address", "description": "Description",
                 "season": "Season", "market": "Market", "cover": "Cover look"}
SCHEDULE_LABELS = {"publish_at": "Publish on", "unpublish_at": "Take down on",
                   "publish": "Publish"}


def book_or_404(book_id: int) -> Lookbook:
    """Return the lookbook or answer 404."""
    book = appdb.session().get(Lookbook, book_id)
    if book is None:
        abort(404, "There is no such lookbook; it may have been deleted.")
    return book


def form_version() -> int:
    """Return the lookbook version a form was based on (400 if missing or malformed)."""
    raw = request.form.get("version", "")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        abort(400, "The form did not say which version of the lookbook it changes; reload the page.")
    return int(raw)


def editor_url(book_id: int, anchor: str | None = None) -> str:
    return url_for("curate.lookbooks.edit", book_id=book_id, _anchor=anchor)


def apply(book_id: int, change: Callable[[LookbookEditor, int], Any], done: str,
          anchor: str | None = None) -> ResponseReturnValue:
    """Run one editor change; 409 on a stale version, a flashed reason when refused."""
    version = form_version()
    try:
        with appdb.database().write() as session:
            change(LookbookEditor(session, actor()), version)
    except EditConflict as exc:
        return conflict_page(exc, editor_url(book_id))
    except LookbookMissing:
        abort(404, "There is no such lookbook; it may have been deleted.")
    except RowInvalid as exc:
        for problem in exc.problems:
            flash(problem.message[:1].upper() + problem.message[1:], "error")
        return redirect(editor_url(book_id, anchor), 303)
    flash(done, "success")
    return redirect(editor_url(book_id, anchor), 303)


def _detail_values(book: Lookbook | None) -> dict[str, str]:
    if book is None:
        return {}
    return {"title": book.title, "slug": book.slug, "description": book.description or "",
            "season": book.season or "", "market": book.market or "",
            "cover": "" if book.cover_position is None else str(book.cover_position)}


def _schedule_values(book: Lookbook) -> dict[str, str]:
    def local(value: Any) -> str:
        return f"{aware(value):%Y-%m-%dT%H:%M}" if value else ""
    return {"publish_at": local(book.publish_at), "unpublish_at": local(book.unpublish_at)}


def pair_rules(book: Lookbook) -> dict[tuple[int, int], str]:
    """Return the rule each look's (outfit, bag) pair has: pin, hide or hide everywhere."""
    bag_ids = {lk.bag_id for lk in book.looks}
    if not bag_ids:
        return {}
    rows = appdb.session().execute(select(CurationRule.outfit_id, CurationRule.bag_id, CurationRule.action)
                                   .where(CurationRule.bag_id.in_(bag_ids))).all()
    everywhere = {bag for outfit, bag, _a in rows if outfit is None}
    pairs = {(outfit, bag): action for outfit, bag, action in rows if outfit is not None}
    return {(lk.outfit_id, lk.bag_id): "hidden everywhere" if lk.bag_id in everywhere
            else pairs.get((lk.outfit_id, lk.bag_id), "") for lk in book.looks}


def render_editor(book: Lookbook, status: int = 200, **forms: Any) -> ResponseReturnValue:
    """Show the editor; ``forms`` carries a form's submitted values and errors after a refusal."""
    context = {
        "book": book, "state": state(book), "rules": pair_rules(book), "vocab": vocab,
        "details": forms.get("details", _detail_values(book)),
        "details_errors": forms.get("details_errors", {}), "detail_labels": DETAIL_LABELS,
        "schedule": forms.get("schedule", _schedule_values(book)),
        "schedule_errors": forms.get("schedule_errors", {}), "schedule_labels": SCHEDULE_LABELS,
    }
    return render_template("curate/lookbook_edit.html", **context), status


@bp.route("/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    """Start a lookbook: title, address, description, season, market."""
    if request.method == "GET":
        return render_template("curate/lookbook_new.html", values={}, errors={}, labels=DETAIL_LABELS,
                               vocab=vocab)
    values = {k: request.form.get(k, "") for k in DETAIL_LABELS}
    try:
        details = parse_details({**values, "cover": ""})
        with appdb.database().write() as session:
            book = LookbookEditor(session, actor()).create(details)
            book_id = book.id
    except RowInvalid as exc:
        return invalid("curate/lookbook_new.html", values=values, errors=form_errors(exc.problems),
                       labels=DETAIL_LABELS, vocab=vocab)
    flash("Lookbook created. Add its first look.", "success")
    return redirect(editor_url(book_id), 303)


@bp.get("/<int:book_id>")
def edit(book_id: int) -> ResponseReturnValue:
    """The editor: details, looks in order, rules per look, publishing."""
    return render_editor(book_or_404(book_id))


@bp.post("/<int:book_id>/details")
def details(book_id: int) -> ResponseReturnValue:
    """Save title, address, description, season, market and cover look."""
    version = form_version()
    values = {k: request.form.get(k, "") for k in DETAIL_LABELS}
    try:
        parsed: Details = parse_details(values)
        with appdb.database().write() as session:
            LookbookEditor(session, actor()).update_details(book_id, version, parsed)
    except EditConflict as exc:
        return conflict_page(exc, editor_url(book_id))
    except LookbookMissing:
        abort(404)
    except RowInvalid as exc:
        return render_editor(book_or_404(book_id), 400, details=values,
                             details_errors=form_errors(exc.problems))
    flash("Details saved.", "success")
    return redirect(editor_url(book_id), 303)


@bp.post("/<int:book_id>/publish")
def publish(book_id: int) -> ResponseReturnValue:
    """Publish now."""
    return apply(book_id, lambda ed, v: ed.publish_now(book_id, v),
                 "Published: shoppers can see this lookbook now.", "publishing")


@bp.post("/<int:book_id>/schedule")
def schedule(book_id: int) -> ResponseReturnValue:
    """Publish from a date, until a date, or both."""
    version = form_version()
    values = {k: request.form.get(k, "") for k in ("publish_at", "unpublish_at")}
    try:
        when = parse_schedule(values)
        with appdb.database().write() as session:
            LookbookEditor(session, actor()).schedule(book_id, version, when)
    except EditConflict as exc:
        return conflict_page(exc, editor_url(book_id))
    except LookbookMissing:
        abort(404)
    except RowInvalid as exc:
        return render_editor(book_or_404(book_id), 400, schedule=values,
                             schedule_errors=form_errors(exc.problems))
    flash(f"{when.describe()}.", "success")
    return redirect(editor_url(book_id, "publishing"), 303)


@bp.post("/<int:book_id>/unpublish")
def unpublish(book_id: int) -> ResponseReturnValue:
    """Take the lookbook down (it becomes a draft)."""
    return apply(book_id, lambda ed, v: ed.unpublish(book_id, v),
                 "Unpublished: the lookbook is a draft again.", "publishing")


@bp.route("/<int:book_id>/delete", methods=["GET", "POST"])
def delete(book_id: int) -> ResponseReturnValue:
    """Ask, then delete a lookbook (its history stays in the audit trail)."""
    book = book_or_404(book_id)
    if request.method == "GET":
        return render_template("curate/lookbook_delete.html", book=book)
    version = form_version()
    try:
        with appdb.database().write() as session:
            LookbookEditor(session, actor()).delete(book_id, version)
    except EditConflict as exc:
        return conflict_page(exc, editor_url(book_id))
    except LookbookMissing:
        abort(404)
    flash(f"Deleted “{book.title}”.", "success")
    return redirect(url_for("curate.home"), 303)


@bp.get("/<int:book_id>/preview")
def preview(book_id: int) -> ResponseReturnValue:
    """Show the lookbook as shoppers will see it, whatever its state."""
    book = book_or_404(book_id)
    return render_template("curate/lookbook_preview.html", book=book, state=state(book))
