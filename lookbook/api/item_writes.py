"""Catalog writes for integrators (secret key only): create, replace, delete, bulk import."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint, Response, request, url_for
from flask.typing import ResponseReturnValue

from lookbook.api.auth import key_actor, secret_key_required
from lookbook.api.body import json_body, json_value
from lookbook.api.items import item_json
from lookbook.api.openapi import check_body
from lookbook.api.problems import ApiProblem, field_error
from lookbook.audit.trail import record as audit
from lookbook.catalog.changes import delete_item as delete_and_record
from lookbook.catalog.changes import save_item
from lookbook.catalog.params import Params
from lookbook.catalog.queries import get_item
from lookbook.catalog.records import RowInvalid, parse_item
from lookbook.server import appdb
from lookbook.transfer.importer import (
    CsvRows,
    ImportFileError,
    RawRow,
    import_rows,
    read_csv,
    read_json_value,
)

bp = Blueprint("item_writes", __name__)


def _record(data: dict[str, Any]):
    try:
        record, _warnings = parse_item(data)
    except RowInvalid as exc:
        raise ApiProblem(422, "the item is not valid", title="Invalid item",
                         errors=[p.as_dict() for p in exc.problems]) from None
    if record.image:
        raise ApiProblem(422, "upload photos to /api/v1/items/{sku}/images", title="Invalid item",
                         errors=[field_error("image", "not accepted here; upload the file instead")])
    return record


def _saved(sku: str, status: int) -> ResponseReturnValue:
    """Answer with the stored item as it now reads, and where it lives."""
    with appdb.database().session() as session:
        item = get_item(session, sku)
        if item is None:  # deleted by another writer since this one committed
            raise ApiProblem(404, "the item was deleted meanwhile", title="Not found", slug="unknown-sku")
        data = item_json(item)
    return data, status, {"Location": url_for("api.items.show_item", sku=sku),
                          "Cache-Control": "no-store"}


@bp.post("/items")
@secret_key_required
def create_item() -> ResponseReturnValue:
    """Create one item; 409 if the sku exists (use PUT to replace)."""
    body = json_body()
    record = _record(body)
    check_body("ItemInput", body)
    with appdb.database().write() as session:
        if get_item(session, record.sku) is not None:
            raise ApiProblem(409, f"an item with sku {record.sku!r} exists; PUT it to replace it",
                             title="Conflict")
        save_item(session, record, key_actor())
    return _saved(record.sku, 201)


@bp.put("/items/<sku:sku>")
@secret_key_required
def replace_item(sku: str) -> ResponseReturnValue:
    """Create or replace the item with this sku."""
    data = json_body()
    data.setdefault("sku", sku)
    if data["sku"] != sku:  # the path sku is already checked and normalised
        raise ApiProblem(422, "the body's sku differs from the URL", title="Invalid item",
                         errors=[field_error("sku", f"must be {sku!r} or left out")])
    record = _record(data)
    check_body("ItemReplacement", data)
    with appdb.database().write() as session:
        existing = get_item(session, record.sku)
        if existing is not None and existing.kind != record.kind:
            raise ApiProblem(409, f"{sku!r} is a {existing.kind}; delete it to reuse the sku",
                             title="Conflict")
        saved = save_item(session, record, key_actor())
    return _saved(record.sku, 201 if saved.created else 200)


@bp.delete("/items/<sku:sku>")
@secret_key_required
def delete_item(sku: str) -> ResponseReturnValue:
    """Delete an item (and the looks and rules that use it)."""
    with appdb.database().write() as session:
        item = get_item(session, sku)
        if item is None:
            raise ApiProblem(404, f"no item with sku {sku!r}", title="Not found", slug="unknown-sku")
        delete_and_record(session, item, key_actor())
    return Response(status=204)


@bp.post("/items/import")
@secret_key_required
def import_items() -> ResponseReturnValue:
    """Import a JSON document or CSV text, all-or-nothing; ``?dry_run=true`` only reports."""
    p = Params(request.args, strict=True)
    dry_run = bool(p.flag("dry_run", False, allow_any=False))
    p.finish()
    rows: Sequence[RawRow] | CsvRows
    books: list[RawRow] = []
    try:
        if request.mimetype in ("text/csv", "application/csv"):
            rows = read_csv(request.get_data())
        else:
            rows, books = read_json_value(json_value())
    except ImportFileError as exc:
        raise ApiProblem(422, str(exc), title="Unreadable import") from None
    with appdb.database().write() as session:
        try:
            report = import_rows(session, rows, books, dry_run=dry_run)
        except ImportFileError as exc:
            raise ApiProblem(422, str(exc), title="Unreadable import") from None
        if report.written and report.changed:
            audit(session, key_actor(), "import", report.summary(), after=report.counts())
    if not report.ok:
        errors = [{"field": f"{e.location}.{e.field}", "message": e.message} for e in report.errors]
        raise ApiProblem(422, f"{len(report.errors)} problem(s); nothing was imported",
                         title="Invalid import", errors=errors[:500])
    return report.as_dict(), 200

