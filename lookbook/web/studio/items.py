"""The catalog in the studio: a list to search, sort and page, and item forms.

Item forms are validated by the importer's own rules (``parse_item``), so a field the
form accepts is one an import accepts, and every problem is named next to its field.
Photos live in ``photos.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from lookbook.audit.models import AuditEntry
from lookbook.catalog.changes import delete_item, save_item
from lookbook.catalog.models import CurationRule, Item
from lookbook.catalog.params import Params
from lookbook.catalog.queries import ORDERS, ItemFilters, get_item, search_page
from lookbook.catalog.records import FIELDS, Problem, RowInvalid, parse_item
from lookbook.lookbooks.details import aware
from lookbook.lookbooks.models import Look, Lookbook
from lookbook.server import appdb
from lookbook.styling import vocab
from lookbook.web.studio.access import actor
from lookbook.web.studio.common import form_errors, invalid, list_pages, page_link_args, read_page_link

bp = Blueprint("items", __name__, url_prefix="/items")
PER_PAGE = 50
COUNT_UP_TO = 1000  # a list says "more than 1,000" rather than count 100k matches
SORTS = {"name": "Name A–Z", "sku": "SKU", "price": "Price, low to high",
         "-price": "Price, high to low", "recent": "Recently changed"}
LABELS = {
    "sku": "SKU", "kind": "Kind", "name": "Name", "brand": "Brand", "tier": "Tier",
    "price": "Price", "currency": "Currency", "url": "Product page", "material": "Material",
    "colours": "Colours", "occasions": "Occasions", "styles": "Style", "seasons": "Seasons",
    "sustainability": "Sustainability", "certification": "Certification",
    "in_stock": "In stock", "limited_edition": "Limited edition", "width_cm": "Width",
    "silhouette": "Silhouette", "detachable_strap": "Detachable strap", "size": "Size",
    "seen": "Item",
}
HAS_URL = "url" in FIELDS  # the product-page field, once the import format carries it
LISTS = ("occasions", "styles", "seasons")


@bp.get("/")
def index() -> ResponseReturnValue:
    """List the catalog with thumbnails; filter, sort and page it."""
    p = Params(request.args)
    kind = p.choices("kind", vocab.KINDS) or ()
    occasion = p.choices("occasion", vocab.OCCASIONS) or ()
    colour = p.choices("colour", tuple(vocab.COLOURS)) or ()
    size = p.choices("size", vocab.SIZES) or ()
    stock = p.flag("in_stock", None)
    sort = (p.choices("sort", tuple(ORDERS)) or ("name",))[0]
    page = p.integer("page", 1, 1, 100_000)
    p.finish()
    after, before = read_page_link(request.args, sort)
    q = (request.args.get("q") or "").strip()[:100]
    filters = ItemFilters(kind=kind, occasion=occasion, colour=colour, size=size, in_stock=stock, text=q)
    found = search_page(appdb.session(), filters, page, PER_PAGE, order=sort, cap=COUNT_UP_TO,
                        after=after, before=before)
    if not found.has_prev:
        page = 1  # a Previous link that reached the start is page 1, whatever it said
    args = {"q": q or None, "kind": ",".join(kind) or None, "occasion": ",".join(occasion) or None,
            "colour": ",".join(colour) or None, "size": ",".join(size) or None,
            "in_stock": None if stock is None else str(stock).lower(),
            "sort": sort if sort != "name" else None}
    return render_template("curate/items.html", items=found.items, found=found, page=page,
                           pages=list_pages(found, PER_PAGE), args=args, sorts=SORTS, vocab=vocab,
                           links=page_link_args(found, sort, page, {k: v for k, v in args.items() if v}))


def _form_raw(form: Mapping[str, Any], kind: str) -> dict[str, Any]:
    """Turn the submitted form into an import row for ``parse_item``."""
    raw: dict[str, Any] = {name: (form.get(name) or "").strip()
                           for name in ("sku", "name", "brand", "tier", "price", "currency", "material")}
    raw["kind"] = kind
    raw["colours"] = (form.get("colours") or "").replace(",", ";")
    for name in LISTS:
        raw[name] = form.getlist(name)  # type: ignore[attr-defined]
    tags = form.getlist("sustainability")  # type: ignore[attr-defined]
    certification = (form.get("certification") or "").strip()
    if "certified" in tags and certification:
        tags = [t for t in tags if t != "certified"] + [f"certified:{certification}"]
    raw["sustainability"] = tags
    raw["in_stock"] = form.get("in_stock") == "yes"
    raw["limited_edition"] = form.get("limited_edition") == "yes"
    if HAS_URL:
        raw["url"] = (form.get("url") or "").strip()
    if kind == "bag":
        raw["width_cm"] = (form.get("width_cm") or "").strip()
        raw["silhouette"] = (form.get("silhouette") or "").strip()
        raw["detachable_strap"] = form.get("detachable_strap") == "yes"
    return raw


def _values(item: Item) -> dict[str, Any]:
    """Return an item as the form shows it."""
    tags = item.sustainability
    certified = next((t.partition(":")[2] for t in tags if t.startswith("certified:")), "")
    return {
        "sku": item.sku, "kind": item.kind, "name": item.name, "brand": item.brand or "",
        "tier": item.tier or "", "price": format(item.price, "f"), "currency": item.currency,
        "url": getattr(item, "url", None) or "", "material": item.material or "",
        "colours": "; ".join(c.name if vocab.COLOURS.get(c.name) == c.hex else c.hex
                             for c in item.colours),
        "occasions": item.occasions, "styles": item.styles, "seasons": item.seasons,
        "sustainability": ["certified" if t.startswith("certified") else t for t in tags],
        "certification": certified, "in_stock": item.in_stock,
        "limited_edition": item.limited_edition,
        "width_cm": format(item.width_cm, "f") if item.width_cm is not None else "",
        "silhouette": item.silhouette or "", "detachable_strap": item.detachable_strap,
        "seen": _stamp(item),
    }


def _stamp(item: Item) -> str:
    return aware(item.updated_at).isoformat()


def _render_form(kind: str, values: dict[str, Any], errors: dict[str, list[str]],
                 item: Item | None = None, status: int = 200, warnings: list[Problem] | None = None
                 ) -> ResponseReturnValue:
    template = "curate/item_form.html"
    context = {"kind": kind, "values": values, "errors": errors, "labels": LABELS, "item": item,
               "vocab": vocab, "has_url": HAS_URL, "warnings": warnings or []}
    if status != 200:
        return invalid(template, status, **context)
    return render_template(template, **context)


@bp.route("/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    """Create an outfit or a bag (``?kind=bag``)."""
    kind = request.values.get("kind", "outfit")
    if kind not in vocab.KINDS:
        abort(400, "An item is an outfit or a bag.")
    if request.method == "GET":
        return _render_form(kind, {"kind": kind, "in_stock": True, "currency": "EUR"}, {})
    raw = _form_raw(request.form, kind)
    values = {**raw, "sustainability": request.form.getlist("sustainability"),
              "certification": request.form.get("certification", "")}
    try:
        record, warnings = parse_item(raw)
        if record.image:
            raise RowInvalid([Problem("image", "add photos on the item's page")])
        with appdb.database().write() as session:
            if get_item(session, record.sku) is not None:
                raise RowInvalid([Problem("sku", f"{record.sku} is already in the catalog; "
                                                 "choose another sku or edit that item")])
            save_item(session, record, actor())
    except RowInvalid as exc:
        return _render_form(kind, values, form_errors(exc.problems), status=400)
    for warning in warnings:
        flash(f"{LABELS.get(warning.field, warning.field)}: {warning.message}", "warning")
    flash(f"{record.name} is in the catalog. Add its photos below.", "success")
    return redirect(url_for("curate.items.edit", sku=record.sku), 303)


def item_or_404(sku: str) -> Item:
    """Return the item or answer 404."""
    item = get_item(appdb.session(), sku)
    if item is None:
        abort(404, f"There is no item with the sku {sku}.")
    return item


@bp.route("/<sku>", methods=["GET", "POST"])
def edit(sku: str) -> ResponseReturnValue:
    """Edit an item; a save based on an older copy of it is refused, not merged."""
    item = item_or_404(sku)
    if request.method == "GET":
        return _render_form(item.kind, _values(item), {}, item)
    raw = _form_raw(_with_sku(request.form, item.sku), item.kind)
    values = {**raw, "sustainability": request.form.getlist("sustainability"),
              "certification": request.form.get("certification", ""), "seen": request.form.get("seen", "")}
    try:
        record, warnings = parse_item(raw)
        with appdb.database().write() as session:
            current = session.scalar(select(Item).where(Item.id == item.id).with_for_update())
            if current is None:
                abort(404)
            if _stamp(current) != request.form.get("seen"):
                raise RowInvalid([Problem("seen", _changed_since(session, current))])
            save_item(session, record, actor())
    except RowInvalid as exc:
        return _render_form(item.kind, values, form_errors(exc.problems), item, status=400)
    for warning in warnings:
        flash(f"{LABELS.get(warning.field, warning.field)}: {warning.message}", "warning")
    flash("Saved.", "success")
    return redirect(url_for("curate.items.edit", sku=item.sku), 303)


def _with_sku(form: Any, sku: str) -> Any:
    """Return the form with the item's own sku (the edit form does not send it)."""
    data = form.copy()
    data["sku"] = sku
    return data


def _changed_since(session: Any, item: Item) -> str:
    who = session.scalar(select(AuditEntry.actor).where(AuditEntry.sku == item.sku)
                         .order_by(AuditEntry.id.desc()).limit(1)) or "someone"
    return (f"this item was changed by {who} at {aware(item.updated_at):%Y-%m-%d %H:%M} UTC after you "
            "opened it; reload the page to see their changes, then make yours again")


@bp.route("/<sku>/delete", methods=["GET", "POST"])
def delete(sku: str) -> ResponseReturnValue:
    """Ask (showing the looks and rules that go with it), then delete an item."""
    item = item_or_404(sku)
    session = appdb.session()
    books = session.execute(
        select(Lookbook.id, Lookbook.title, func.count(Look.id)).join(Look, Look.lookbook_id == Lookbook.id)
        .where((Look.outfit_id == item.id) | (Look.bag_id == item.id)).group_by(Lookbook.id, Lookbook.title)
    ).all()
    rules = session.scalar(select(func.count()).select_from(CurationRule).where(
        (CurationRule.outfit_id == item.id) | (CurationRule.bag_id == item.id))) or 0
    if request.method == "GET":
        return render_template("curate/item_delete.html", item=item, books=books, rules=rules)
    with appdb.database().write() as write:
        current = write.get(Item, item.id)
        if current is not None:
            delete_item(write, current, actor())
    flash(f"Deleted {item.name} ({item.sku}).", "success")
    return redirect(url_for("curate.items.index"), 303)
