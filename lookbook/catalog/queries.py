"""Look items up: by sku, and by the browse/API filters with pagination."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.orm import Session

from lookbook.catalog.models import Item, ItemColour, ItemTag
from lookbook.catalog.search import like_escape, matches_text  # noqa: F401  (like_escape: re-exported)


@dataclass(frozen=True)
class ItemFilters:
    """Hard filters over the catalog; each list means "any of these"."""

    kind: tuple[str, ...] = ()
    occasion: tuple[str, ...] = ()
    colour: tuple[str, ...] = ()
    material: tuple[str, ...] = ()
    size: tuple[str, ...] = ()
    season: tuple[str, ...] = ()
    sustainability: tuple[str, ...] = ()
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    in_stock: bool | None = None
    text: str = ""


def _has_tag(facet: str, values: tuple[str, ...]):
    return exists().where(ItemTag.item_id == Item.id, ItemTag.facet == facet, ItemTag.value.in_(values))


def _has_sustainability(values: tuple[str, ...]):
    """Match sustainability tags; "certified" also matches a named one ("certified:GRS")."""
    match: ColumnElement[bool] = ItemTag.value.in_(values)
    if "certified" in values:
        match = or_(match, ItemTag.value.like("certified:%"))
    return exists().where(ItemTag.item_id == Item.id, ItemTag.facet == "sustainability", match)


def apply_filters(stmt: Select, f: ItemFilters) -> Select:
    """Add the filters' WHERE clauses to a select over Item."""
    if f.kind:
        stmt = stmt.where(Item.kind.in_(f.kind))
    if f.size:
        stmt = stmt.where(Item.size.in_(f.size))
    if f.material:
        stmt = stmt.where(Item.material.in_(f.material) | Item.material_family.in_(f.material))
    if f.occasion:
        stmt = stmt.where(_has_tag("occasions", f.occasion))
    if f.season:
        stmt = stmt.where(_has_tag("seasons", f.season))
    if f.sustainability:
        stmt = stmt.where(_has_sustainability(f.sustainability))
    if f.colour:
        stmt = stmt.where(
            exists().where(ItemColour.item_id == Item.id, ItemColour.name.in_(f.colour))
        )
    if f.min_price is not None:
        stmt = stmt.where(Item.price >= f.min_price)
    if f.max_price is not None:
        stmt = stmt.where(Item.price <= f.max_price)
    if f.in_stock is not None:
        stmt = stmt.where(Item.in_stock.is_(f.in_stock))
    if f.text:
        stmt = stmt.where(matches_text(f.text))
    return stmt


# Orders a list can be read in; each is served by an index (ties broken by id, which
# SQLite's indexes carry anyway), so a page of 100k items never sorts the table.
ORDERS = {
    "sku": (Item.sku,),
    "name": (Item.name, Item.id),
    "price": (Item.price, Item.id),
    "-price": (Item.price.desc(), Item.id.desc()),
    "recent": (Item.updated_at.desc(), Item.id.desc()),
}


def search_items(
    session: Session, filters: ItemFilters, page: int = 1, per_page: int = 24, order: str = "sku"
) -> tuple[list[Item], int]:
    """Return one page of items matching the filters (in ``order``) and the total count."""
    total = session.scalar(apply_filters(select(func.count(Item.id)), filters)) or 0
    stmt = apply_filters(select(Item), filters).order_by(*ORDERS[order])
    stmt = stmt.offset((page - 1) * per_page).limit(per_page)
    return list(session.scalars(stmt)), total


@dataclass(frozen=True)
class Page:
    """One page of a long list, counted only up to a cap (``total > cap`` means "more than cap")."""

    items: list[Item]
    total: int
    cap: int
    has_next: bool

    @property
    def counted(self) -> bool:
        """True when ``total`` is the exact number of matches."""
        return self.total <= self.cap


def search_page(
    session: Session, filters: ItemFilters, page: int = 1, per_page: int = 50, order: str = "name",
    cap: int = 1000,
) -> Page:
    """Return one page of matching items, counting matches only up to ``cap`` (+1).

    Counting every match of a broad filter over 100k items costs more than the page
    itself (a colour shared by 10k items is 10k index probes); a list only needs to know
    the exact count when it is small, and whether there is a next page.
    """
    matching = apply_filters(select(Item.id), filters)
    total = session.scalar(select(func.count()).select_from(matching.limit(cap + 1).subquery())) or 0
    stmt = apply_filters(select(Item), filters).order_by(*ORDERS[order])
    found = list(session.scalars(stmt.offset((page - 1) * per_page).limit(per_page + 1)))
    return Page(found[:per_page], total, cap, len(found) > per_page)


def get_item(session: Session, sku: str, kind: str | None = None) -> Item | None:
    """Return the item with this sku (of this kind, if given), or None."""
    stmt = select(Item).where(Item.sku == sku)
    if kind:
        stmt = stmt.where(Item.kind == kind)
    return session.scalar(stmt)
