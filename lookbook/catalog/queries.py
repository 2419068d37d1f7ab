"""Look items up: by sku, and by the browse/API filters with pagination."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    exists,
    func,
    literal,
    or_,
    select,
    text,
    tuple_,
    type_coerce,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement as _Element
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import Boolean

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


def _probe(*where: ColumnElement[bool]) -> ColumnElement[bool]:
    """EXISTS checked row by row through an index, never turned into a join of the whole tag set.

    PostgreSQL rewrites a plain EXISTS into a semi-join and, for a page of 25 or a count up
    to 1,000, liked to hash every item tagged "wedding" (30k index entries) or merge them
    with the matches of a word.  ``OFFSET 0`` keeps the EXISTS a per-row probe of the tag
    table's primary key (item_id, facet, value) or of (name, item_id) for colours, so the
    items' own order (or the word's matches) drives the query and each filter costs one
    index lookup per candidate.  SQLite always probes row by row; OFFSET 0 changes nothing.
    """
    return select(literal(1)).where(*where).offset(0).exists()


def _exists(probe: bool, *where: ColumnElement[bool]) -> ColumnElement[bool]:
    return _probe(*where) if probe else exists().where(*where)


def _has_tag(facet: str, values: tuple[str, ...], probe: bool = False):
    return _exists(probe, ItemTag.item_id == Item.id, ItemTag.facet == facet, ItemTag.value.in_(values))


def _has_sustainability(values: tuple[str, ...], probe: bool = False):
    """Match sustainability tags; "certified" also matches a named one ("certified:GRS")."""
    match: ColumnElement[bool] = ItemTag.value.in_(values)
    if "certified" in values:
        match = or_(match, ItemTag.value.like("certified:%"))
    return _exists(probe, ItemTag.item_id == Item.id, ItemTag.facet == "sustainability", match)


class NotDriving(_Element[Any]):
    """A column SQLite tests on each row but never reads rows through (``+kind``).

    With words to search, the text's id list holds every match (SQLite builds it first
    in any case), so reading the rows through it costs at most the matches; SQLite liked
    the kind's index better and walked all 25,000 outfits to test each against the list.
    PostgreSQL combines both indexes in one bitmap; it gets the column as it is.
    """

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: Any) -> None:
        self.column = column
        self.type = column.type


@compiles(NotDriving, "sqlite")
def _not_driving_sqlite(element: NotDriving, compiler: Any, **kw: Any) -> str:
    return f"+{compiler.process(element.column, **kw)}"


@compiles(NotDriving)
def _not_driving(element: NotDriving, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column, **kw))


def apply_filters(stmt: Select, f: ItemFilters, probe: bool = False) -> Select:
    """Add the filters' WHERE clauses to a select over Item.

    ``probe``: check tags, colours and the text row by row (see ``_probe``), for a page read
    in an index order; counts leave it off, as hashing the tag set is then the cheaper plan.
    """
    if f.kind:
        kind = NotDriving(Item.kind) if f.text and not probe else Item.kind
        stmt = stmt.where(kind.in_(f.kind))
    if f.size:
        stmt = stmt.where(Item.size.in_(f.size))
    if f.material:
        stmt = stmt.where(Item.material.in_(f.material) | Item.material_family.in_(f.material))
    if f.occasion:
        stmt = stmt.where(_has_tag("occasions", f.occasion, probe))
    if f.season:
        stmt = stmt.where(_has_tag("seasons", f.season, probe))
    if f.sustainability:
        stmt = stmt.where(_has_sustainability(f.sustainability, probe))
    if f.colour:
        stmt = stmt.where(_exists(probe, ItemColour.item_id == Item.id, ItemColour.name.in_(f.colour)))
    if f.min_price is not None:
        stmt = stmt.where(Item.price >= f.min_price)
    if f.max_price is not None:
        stmt = stmt.where(Item.price <= f.max_price)
    if f.in_stock is not None:
        stmt = stmt.where(Item.in_stock.is_(f.in_stock))
    if f.text:
        stmt = stmt.where(matches_text(f.text, per_row=probe))
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


# The key each order seeks by: its columns (unique together, ending in the id) and
# whether they run high to low.  A page after (or before) a row is a range of the
# order's index from that row's key, however deep in the list it lies.
SEEK_KEYS: dict[str, tuple[tuple[Any, ...], bool]] = {
    "sku": ((Item.sku,), False),
    "name": ((Item.name, Item.id), False),
    "price": ((Item.price, Item.id), False),
    "-price": ((Item.price, Item.id), True),
    "recent": ((Item.updated_at, Item.id), True),
}
Key = tuple[Any, ...]


class BadKey(ValueError):
    """A page key that does not fit the list's order (a forged or stale link)."""


def item_key(session: Session, item: Item, order: str) -> list[Any]:
    """Return a row's key in ``order`` as plain JSON values (for a page link).

    A time is taken as the database holds it: SQLite keeps text whose spelling depends on
    how the row was written ("...+00:00" or not), and a seek must compare that same text.
    """
    out: list[Any] = []
    for column in SEEK_KEYS[order][0]:
        value = getattr(item, column.key)
        if column.key == "updated_at":
            stored = session.scalar(select(type_coerce(Item.updated_at, String)).where(Item.id == item.id))
            value = f"s:{stored}" if isinstance(stored, str) else f"t:{value.isoformat()}"
        out.append(str(value) if isinstance(value, Decimal) else value)
    return out


def parse_key(order: str, raw: Any) -> Key:
    """Turn a page link's key back into column values, or raise BadKey."""
    columns = SEEK_KEYS[order][0]
    if not isinstance(raw, list) or len(raw) != len(columns):
        raise BadKey("the page link does not fit this order")
    out: list[Any] = []
    for column, value in zip(columns, raw, strict=True):
        try:
            if column.key == "id":
                if not isinstance(value, int) or isinstance(value, bool):
                    raise TypeError
                out.append(value)
            elif column.key == "price":
                out.append(Decimal(str(value)).quantize(Decimal("0.01")) if isinstance(value, str)
                           else _bad())
            elif column.key == "updated_at":
                if not isinstance(value, str) or value[:2] not in ("s:", "t:"):
                    raise TypeError
                out.append(value[2:] if value.startswith("s:") else dt.datetime.fromisoformat(value[2:]))
            else:
                out.append(value if isinstance(value, str) else _bad())
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise BadKey("the page link is damaged") from exc
    if isinstance(out[0], Decimal) and not out[0].is_finite():
        raise BadKey("the page link is damaged")
    return tuple(out)


def _bad() -> Any:
    raise TypeError


@dataclass(frozen=True)
class Page:
    """One page of a long list, counted only up to a cap (``total > cap`` means "more than cap").

    ``next_key``/``prev_key`` are the keys of the last and first rows when there is a
    page after or before this one (read them with ``after=``/``before=``).
    """

    items: list[Item]
    total: int
    cap: int
    has_next: bool
    has_prev: bool = False
    next_key: list[Any] | None = None
    prev_key: list[Any] | None = None

    @property
    def counted(self) -> bool:
        """True when ``total`` is the exact number of matches."""
        return self.total <= self.cap


def _seek(order: str, key: Key, forward: bool) -> ColumnElement[bool]:
    columns, descending = SEEK_KEYS[order]
    # A time kept as text (SQLite) is compared as that text, through the same index.
    values = [literal(v, String() if isinstance(v, str) else c.type)
              for c, v in zip(columns, key, strict=True)]
    columns = tuple(type_coerce(c, String) if c.key == "updated_at" and isinstance(v, str) else c
                    for c, v in zip(columns, key, strict=True))
    left, right = (columns[0], values[0]) if len(columns) == 1 else (tuple_(*columns), tuple_(*values))
    return left > right if forward != descending else left < right


def _ordered(order: str, forward: bool, row: Any = Item) -> list[Any]:
    columns, descending = SEEK_KEYS[order]
    return [getattr(row, c.key).desc() if descending == forward else getattr(row, c.key).asc()
            for c in columns]


# A text search's page: its matches in the list's order.  A common word ("tote", 7,500 of
# 100k items) is met every few rows, so walking the list's index from the start fills a
# page after a few hundred rows; a rare word is cheaper read whole from the text index and
# sorted.  PostgreSQL's planner guesses which from statistics that cannot see where in the
# list the matches lie ("silk" names all sort together), and walked 25-100k rows for a
# clustered or missing word; so the walk here is explicit and bounded (WALK_PER_ROW rows of
# the list per row wanted, at most WALK_MAX), and tried only when the capped count says
# the word is common.  When the walk's rows hold too few matches, the page is read from the
# matches instead.  Both ways give exactly the rows of the plain query.
WALK_PER_ROW = 20
WALK_MAX = 2000


class IdAmong(_Element[bool]):
    """``items.id`` is one of the ids a subquery lists, read through the primary key.

    PostgreSQL: ``= ANY(ARRAY(subquery))``, a list made once and looked up by primary key (as
    ``IN (subquery)`` the planner preferred hashing every row of the other conditions).
    SQLite looks up the ids of ``IN (subquery)`` by rowid anyway.
    """

    type = Boolean()
    inherit_cache = True
    _is_implicitly_boolean = True
    _traverse_internals = [("ids", InternalTraversal.dp_clauseelement)]

    def __init__(self, ids: Select) -> None:
        self.ids = ids.correlate(None).scalar_subquery()


@compiles(IdAmong, "postgresql")
def _among_postgresql(element: IdAmong, compiler: Any, **kw: Any) -> str:
    return f"items.id = ANY(ARRAY{compiler.process(element.ids, **kw)})"


@compiles(IdAmong)
def _among_listed(element: IdAmong, compiler: Any, **kw: Any) -> str:
    return f"items.id IN {compiler.process(element.ids, **kw)}"


def _in_order(session: Session, stmt: Select, order: str, forward: bool, offset: int,
              limit: int) -> list[Item]:
    return list(session.scalars(stmt.order_by(*_ordered(order, forward)).offset(offset).limit(limit)))


def _matches_in_order(session: Session, filters: ItemFilters, seek: ColumnElement[bool] | None, order: str,
                      forward: bool, offset: int, limit: int, common: bool) -> list[Item]:
    """Return rows ``offset``..``offset + limit`` of a text search's matches in the list's order."""
    wanted = offset + limit
    listed = select(Item.id)
    if filters.kind:
        listed = listed.where(Item.kind.in_(filters.kind))
    if seek is not None:
        listed = listed.where(seek)
    walk = min(WALK_MAX, WALK_PER_ROW * wanted)
    if common and wanted <= walk:
        head = listed.order_by(*_ordered(order, forward)).limit(walk)
        # The kind is the head's already; left here too, SQLite read the kind's index in
        # order (every outfit, for a word none of the first outfits has) instead of the head.
        stmt = apply_filters(select(Item), replace(filters, kind=()), probe=True).where(IdAmong(head))
        found = _in_order(session, stmt, order, forward, offset, limit)
        if len(found) == limit or session.scalar(head.offset(walk - 1)) is None:
            return found  # a full page, or the walk reached the end of the list
    # The matches themselves, in any order the planner likes (OFFSET 0 keeps it from walking
    # the list's index for them), then sorted: a few thousand rows at most for a rare word.
    # Only the page's ids leave the sort; its items are read by id, as plain ``Item`` rows
    # (loaded through an alias of the subquery, each relationship's loader ran the whole
    # search again to find their parents).
    stmt = apply_filters(select(Item), filters)
    if seek is not None:
        stmt = stmt.where(seek)
    matches = stmt.offset(0).subquery("matches")
    page = select(matches.c.id).order_by(*_ordered(order, forward, matches.c)).offset(offset).limit(limit)
    return _in_order(session, select(Item).where(IdAmong(page)), order, forward, 0, limit)


def count_up_to(session: Session, filters: ItemFilters, cap: int) -> int:
    """Count the matches, but stop at ``cap + 1`` ("more than ``cap``").

    A single colour or occasion (and no words) drives the count from its own index, in item
    order, testing each of its items against the other filters by primary key, so counting
    to 1,001 outfits in camel reads ~4,000 index entries.  Left to the planner, the count
    hashed one side whole: all 30,000 items tagged "evening", or 14,500 outfits to meet
    1,001 camel ones.  Words drive their own count (the text index), as does a list with
    neither (the kind's index).
    """
    driver: Select | None = None
    if not filters.text and len(filters.colour) == 1:
        driver = select(ItemColour.item_id).where(ItemColour.name == filters.colour[0])
        rest = replace(filters, colour=())
    elif not filters.text and len(filters.occasion) == 1:
        driver = select(ItemTag.item_id).where(ItemTag.facet == "occasions",
                                               ItemTag.value == filters.occasion[0])
        rest = replace(filters, occasion=())
    if driver is None:
        matching = apply_filters(select(Item.id), filters)
    else:
        item_id = driver.selected_columns[0]
        row_fits = apply_filters(select(literal(1)).where(Item.id == item_id), rest, probe=True)
        # DISTINCT: one item could list a colour twice; the index yields item ids in order,
        # so the duplicates are next to each other and nothing is read ahead.
        matching = driver.where(row_fits.offset(0).exists()).distinct()
    return session.scalar(select(func.count()).select_from(matching.limit(cap + 1).subquery())) or 0


def search_page(
    session: Session, filters: ItemFilters, page: int = 1, per_page: int = 50, order: str = "name",
    cap: int = 1000, after: Key | None = None, before: Key | None = None,
) -> Page:
    """Return one page of matching items, counting matches only up to ``cap`` (+1).

    Counting every match of a broad filter over 100k items costs more than the page
    itself (a colour shared by 10k items is 10k index probes); a list only needs to know
    the exact count when it is small, and whether there is a next page.

    With ``after`` (or ``before``) the page is the rows following (preceding) that key in
    the order: a range read of the order's index, never an OFFSET walk over every row
    before it (page 2,000 of 100k items read 100k index entries).  Without either,
    ``page`` counts from the start (fine for the first pages).
    """
    total = count_up_to(session, filters, cap)
    forward = before is None
    key = after if forward else before
    seek = _seek(order, key, forward) if key is not None else None
    offset = 0 if key is not None else (page - 1) * per_page
    if filters.text:
        found = _matches_in_order(session, filters, seek, order, forward, offset, per_page + 1, total > cap)
    else:
        stmt = apply_filters(select(Item), filters, probe=True)
        found = _in_order(session, stmt if seek is None else stmt.where(seek), order, forward, offset,
                          per_page + 1)
    more, found = len(found) > per_page, found[:per_page]
    if key is not None:
        if not forward:
            found.reverse()
        has_next, has_prev = (more, True) if forward else (True, more)
    else:
        has_next, has_prev = more, page > 1
    return Page(found, total, cap, has_next and bool(found), has_prev and bool(found),
                item_key(session, found[-1], order) if found and has_next else None,
                item_key(session, found[0], order) if found and has_prev else None)


@dataclass(frozen=True)
class Count:
    """How many items of a kind: exact up to the cap, else PostgreSQL's estimate (or "more than")."""

    n: int
    exact: bool


def kind_counts(session: Session, cap: int = 1000) -> dict[str, Count]:
    """Count outfits and bags cheaply: each up to ``cap`` through the kind index, then estimate.

    An exact count of 100k items reads the whole index on PostgreSQL (~40 ms, more under
    load).  Past the cap PostgreSQL answers from its own statistics (the table's row count
    and the share of each kind, kept by ANALYZE/autovacuum): an honest "about 25,000".
    SQLite keeps no such statistics but counts an index quickly, so it counts exactly.
    """
    out: dict[str, Count] = {}
    for kind in ("outfit", "bag"):
        some = select(Item.id).where(Item.kind == kind).limit(cap + 1).subquery()
        n = session.scalar(select(func.count()).select_from(some)) or 0
        out[kind] = Count(n, True)
    if all(c.n <= cap for c in out.values()):
        return out
    if session.get_bind().dialect.name != "postgresql":
        counted = dict(session.execute(select(Item.kind, func.count()).group_by(Item.kind)).all())
        return {kind: Count(counted.get(kind, 0), True) for kind in out}
    row = session.execute(text(
        "SELECT c.reltuples, s.most_common_vals::text::text[], s.most_common_freqs "
        "FROM pg_class c LEFT JOIN pg_stats s ON s.schemaname = current_schema() "
        "AND s.tablename = 'items' AND s.attname = 'kind' "
        "WHERE c.oid = to_regclass('items')")).first()
    shares = dict(zip(row[1] or [], row[2] or [], strict=False)) if row else {}
    for kind, count in out.items():
        if count.n > cap:
            estimate = round(row[0] * shares[kind]) if row and row[0] > 0 and kind in shares else 0
            out[kind] = Count(estimate, False) if estimate > cap else Count(cap + 1, False)
    return out


def get_item(session: Session, sku: str, kind: str | None = None) -> Item | None:
    """Return the item with this sku (of this kind, if given), or None."""
    stmt = select(Item).where(Item.sku == sku)
    if kind:
        stmt = stmt.where(Item.kind == kind)
    return session.scalar(stmt)
