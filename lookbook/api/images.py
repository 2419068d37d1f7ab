"""Product photo uploads: POST /api/v1/items/{sku}/images (multipart field ``image``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from lookbook.api.auth import key_actor, secret_key_required
from lookbook.api.items import item_json, item_or_404, media_url
from lookbook.api.problems import ApiProblem, field_error
from lookbook.catalog.changes import record_photo
from lookbook.catalog.models import Item
from lookbook.catalog.params import Params
from lookbook.images.errors import ImageRejected
from lookbook.images.service import PALETTE_MODES, Attached, ImageService, process
from lookbook.server import appdb, services

bp = Blueprint("images", __name__)
FIELD = "image"


def image_service() -> ImageService:
    """Return the image service over the app's media storage."""
    return ImageService(services.storage())


def _refused(exc: ImageRejected) -> ApiProblem:
    return ApiProblem(exc.status, exc.reason, title="Image refused", slug=exc.slug,
                      errors=[field_error(FIELD, exc.reason)])


def _upload_bytes() -> bytes:
    """Return the uploaded file's bytes; 415 unless multipart, 400 without the field."""
    if request.mimetype != "multipart/form-data":
        raise ApiProblem(415, f"send multipart/form-data with the picture in the field {FIELD!r}",
                         title="Unsupported media type")
    upload = request.files.get(FIELD)  # werkzeug answers 413 for too many parts or bytes
    if upload is None:
        raise ApiProblem(400, f"the multipart field {FIELD!r} is missing", title="Invalid request",
                         errors=[field_error(FIELD, "is required (the picture file)")])
    return upload.read()  # the client's file name and content type are ignored on purpose


def _result_json(attached: Attached, mode: str) -> dict[str, Any]:
    image = attached.image
    return {
        "palette": {"mode": mode, "applied": attached.applied, "colours": attached.palette},
        "image": {
            "digest": image.digest, "width": image.width, "height": image.height,
            "created": attached.created,
            "sizes": [{"url": media_url(v["key"]), "width": v["width"], "height": v["height"],
                       "format": v["format"]} for v in image.variants],
        },
    }


@bp.post("/items/<sku>/images")
@secret_key_required
def upload_image(sku: str) -> ResponseReturnValue:
    """Store a product photo; return the item with the palette read from the photo."""
    params = Params(request.args, strict=True)
    modes = params.choices("palette", PALETTE_MODES) or ("offer",)
    if len(modes) > 1:
        params.errors.append(field_error("palette", "give one of: offer, replace"))
    params.finish()
    mode = modes[0]
    item_or_404(sku)  # answer 404 before decoding anything
    data = _upload_bytes()
    service = image_service()
    try:
        processed = process(data)  # outside the write transaction: decoding takes time
        with appdb.database().write() as session:
            # Lock the item (PostgreSQL; SQLite's write lock already serialises) so two
            # uploads at once cannot both pass the photo cap or add one picture twice.
            item = session.scalar(select(Item).where(Item.sku == sku).with_for_update())
            if item is None:  # deleted while we decoded
                raise ApiProblem(404, f"no item with sku {sku!r}", title="Not found", slug="unknown-sku")
            attached = service.attach_processed(session, item, processed, mode)
            record_photo(session, item, key_actor(), created=attached.created,
                         palette=attached.palette, applied=attached.applied)
    except ImageRejected as exc:
        raise _refused(exc) from None
    body = {**item_json(item), **_result_json(attached, mode)}
    status = 201 if attached.created else 200
    return body, status, {"Location": url_for("api.items.show_item", sku=sku)}
