"""Browse the catalog: a sorted page of items, facet counts, the price range, what to loosen.

Facets are counted the way storefront shoppers expect: each facet's counts apply every
*other* active filter, so a count says how many items ticking that value would show
(values of one facet combine with "or", facets with "and").  Each facet is one GROUP
BY query, so a browse page costs the same number of queries whatever the catalog holds.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from lookbook.catalog.models import Item, ItemColour, ItemTag
from lookbook.catalog.queries import ItemFilters, apply_filters

# Sort orders a shopper can pick; the first is the default.  Ties break by sku, so
# pages never repeat or skip an item.
SORTS: dict[str, tuple[Any, ...]] = {
    "newest": (Item.created_at.desc(), Item.sku),
    "price-low": (Item.price.asc(), Item.sku),
    "price-high": (Item.price.desc(), Item.sku),
    "name": (func.lower(Item.name), Item.sku),
}
DEFAULT_SORT = "newest"
# The filters a shopper can loosen, each clearing these ItemFilters fields.
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "kind": ("kind",), "occasion": ("occasion",), "colour": ("colour",),
    "material": ("material",), "size": ("size",), "season": ("season",),
    "sustainability": ("sustainability",), "price": ("min_price", "max_price"),
    "in_stock": ("in_stock",),
}
_CLEARED = {"in_stock": None, "min_price": None, "max_price": None}


def without(filters: ItemFilters, dimension: str) -> ItemFilters:
    """Return the filters with one dimension (e.g. "colour" or "price") lifted."""
    return replace(filters, **{f: _CLEARED.get(f, ()) for f in DIMENSIONS[dimension]})  # type: ignore[arg-type]


def active_dimensions(filters: ItemFilters) -> list[str]:
    """Return the dimensions this filter set constrains, in DIMENSIONS order."""
    return [d for d, names in DIMENSIONS.items()
            if any(getattr(filters, n) not in ((), None) for n in names)]


@dataclass
class Facets:
    """Counts per value of each facet, and the price range, under the other filters."""

    counts: dict[str, dict[str, int]]
    min_price: Decimal | None
    max_price: Decimal | None
    currency: str | None  # the catalog's main currency, for the price filter


def browse_items(session: Session, filters: ItemFilters, sort: str = DEFAULT_SORT,
                 page: int = 1, per_page: int = 24) -> tuple[list[Item], int]:
    """Return one page of matching items in the chosen order, and the total."""
    total = session.scalar(apply_filters(select(func.count(Item.id)), filters)) or 0
    stmt = apply_filters(select(Item), filters).order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))
    items = session.scalars(stmt.offset((page - 1) * per_page).limit(per_page)).all()
    return list(items), total


def facet_counts(session: Session, filters: ItemFilters) -> Facets:
    """Count matching items per value of every facet, each facet ignoring its own filter."""
    counts = {
        "kind": _grouped(session, Item.kind, without(filters, "kind")),
        "occasion": _tagged(session, "occasions", without(filters, "occasion")),
        "colour": _coloured(session, without(filters, "colour")),
        "size": _grouped(session, Item.size, without(filters, "size")),
        "material": _grouped(session, Item.material_family, without(filters, "material")),
        "season": _tagged(session, "seasons", without(filters, "season")),
        "sustainability": _tagged(session, "sustainability", without(filters, "sustainability")),
        "in_stock": {str(k).lower(): v for k, v in
                     _grouped(session, Item.in_stock, without(filters, "in_stock")).items()},
    }
    low, high = session.execute(
        apply_filters(select(func.min(Item.price), func.max(Item.price)), without(filters, "price"))
    ).one()
    currency = session.scalar(select(Item.currency).group_by(Item.currency)
                              .order_by(func.count(Item.id).desc(), Item.currency).limit(1))
    return Facets(counts, low, high, currency)


def loosen(session: Session, filters: ItemFilters) -> list[tuple[str, int]]:
    """For an empty result: how many items each active filter, lifted alone, would show."""
    out = []
    for dimension in active_dimensions(filters):
        count = session.scalar(apply_filters(select(func.count(Item.id)), without(filters, dimension)))
        if count:
            out.append((dimension, count))
    return sorted(out, key=lambda pair: -pair[1])


def _grouped(session: Session, column: Any, filters: ItemFilters) -> dict[Any, int]:
    stmt = apply_filters(select(column, func.count(Item.id)), filters).group_by(column)
    return {value: n for value, n in session.execute(stmt) if value is not None}


def _tagged(session: Session, facet: str, filters: ItemFilters) -> dict[str, int]:
    # An alias, so the filters' own EXISTS over item_tags still correlate to items only.
    tag = aliased(ItemTag)
    value: Any = tag.value
    if facet == "sustainability":  # "certified:GRS" counts as "certified"
        value = case((tag.value.like("certified:%"), "certified"), else_=tag.value)
    stmt = (select(value, func.count(func.distinct(Item.id))).select_from(Item)
            .join(tag, tag.item_id == Item.id).where(tag.facet == facet))
    return dict(session.execute(apply_filters(stmt, filters).group_by(value)).all())


def _coloured(session: Session, filters: ItemFilters) -> dict[str, int]:
    colour = aliased(ItemColour)
    stmt = (select(colour.name, func.count(func.distinct(Item.id))).select_from(Item)
            .join(colour, colour.item_id == Item.id))
    return dict(session.execute(apply_filters(stmt, filters).group_by(colour.name)).all())
