"""Product photos in the studio: upload several at once, read their palette, use it or not.

Pictures go through the same pipeline as the API (``ImageService`` over the app's
storage): decoded and re-encoded outside the write transaction, refused with a reason
a person understands.  The palette read from a photo is shown as swatches; the item's
own colours stay unless the stylist chooses "Use these colours" (or it had none).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from lookbook.audit.trail import record
from lookbook.catalog.changes import record_photo, save_item
from lookbook.catalog.models import Item, ItemImage
from lookbook.catalog.records import RowInvalid, parse_item
from lookbook.catalog.store import fetch_records, record_to_fields
from lookbook.images.errors import ImageRejected
from lookbook.images.limits import MAX_FILE_BYTES
from lookbook.images.service import ImageService, process
from lookbook.server import appdb, services
from lookbook.web.studio.access import actor, upload_cap

bp = Blueprint("photos", __name__, url_prefix="/items")
MAX_FILES = 6


def _back(sku: str) -> ResponseReturnValue:
    return redirect(url_for("curate.items.edit", sku=sku, _anchor="photos"), 303)


@bp.post("/<sku>/photos")
@upload_cap(MAX_FILES * MAX_FILE_BYTES + 1024 * 1024)
def upload(sku: str) -> ResponseReturnValue:
    """Store up to six photos; each refused file is named with the reason."""
    files = [f for f in request.files.getlist("photos") if f.filename or f.content_length]
    if not files:
        flash("Choose one or more photos to upload.", "error")
        return _back(sku)
    if len(files) > MAX_FILES:
        flash(f"Upload at most {MAX_FILES} photos at a time.", "error")
        return _back(sku)
    service = ImageService(services.storage())
    added = 0
    for upload_ in files:
        label = (upload_.filename or "photo")[:80]
        try:
            processed = process(upload_.read())
            with appdb.database().write() as session:
                item = session.scalar(select(Item).where(Item.sku == sku).with_for_update())
                if item is None:
                    abort(404)
                attached = service.attach_processed(session, item, processed, "offer")
                record_photo(session, item, actor(), created=attached.created,
                             palette=attached.palette, applied=attached.applied)
        except ImageRejected as exc:
            flash(f"{label}: {exc.reason}", "error")
            continue
        if attached.created:
            added += 1
            if attached.applied:
                flash(f"{label}: the item had no colours, so it now has this photo's palette.", "info")
        else:
            flash(f"{label}: this picture is already one of the item's photos.", "info")
    if added:
        flash(f"{added} photo{'s' if added > 1 else ''} added. Compare each photo's palette "
              "with the item's colours below.", "success")
    return _back(sku)


def _image(sku: str, image_id: int) -> tuple[Item, ItemImage]:
    session = appdb.session()
    item = session.scalar(select(Item).where(Item.sku == sku))
    image = session.get(ItemImage, image_id)
    if item is None or image is None or image.item_id != item.id:
        abort(404, "That photo is not one of this item's.")
    return item, image


@bp.post("/<sku>/photos/<int:image_id>/colours")
def use_palette(sku: str, image_id: int) -> ResponseReturnValue:
    """Make a photo's palette the item's colours (the stylist's choice, recorded)."""
    item, image = _image(sku, image_id)
    with appdb.database().write() as session:
        found = fetch_records(session, [item.sku]).get(item.sku)
        if found is None:
            abort(404)
        fields = record_to_fields(found[1])
        fields["colours"] = [c["hex"] for c in image.palette]
        try:
            record, _warnings = parse_item(fields)
        except RowInvalid as exc:
            flash(f"The palette cannot be used: {exc}", "error")
            return _back(sku)
        save_item(session, record, actor())
    flash("The item's colours are now this photo's palette.", "success")
    return _back(sku)


@bp.post("/<sku>/photos/<int:image_id>/remove")
def remove(sku: str, image_id: int) -> ResponseReturnValue:
    """Take a photo off the item (its colours stay as they are)."""
    item, image = _image(sku, image_id)
    with appdb.database().write() as session:
        row = session.get(ItemImage, image.id)
        if row is not None:
            session.delete(row)
            record(session, actor(), "item.photo.remove", f"Removed a photo from {item.sku}",
                   sku=item.sku, before={"digest": image.digest})
    flash("Photo removed.", "success")
    return _back(sku)
