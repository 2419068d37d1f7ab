"""Items read through SQLAlchemy Core as plain read-only rows, for answers that only show them.

An ORM ``Item`` loaded with its tags, colours and images costs four ORM queries and
the identity map's bookkeeping: most of a first recommendation answer (profiled:
about three quarters of it on a 100k catalog).  ``ItemRow`` offers the same attributes
and read methods as ``Item`` (columns, ``tags``, ``colours``, ``images``, ``values``,
``occasions``...), so serializers, filters, reasons and templates take either, but it
is a plain object: nothing tracks it, nothing lazy-loads, and it is never written back.
``read_rows`` fills them with four statements rendered once per database and run on
the driver's own cursor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, bindparam, select

from lookbook.catalog.models import Item, ItemColour, ItemImage, ItemTag

ITEM_COLUMNS = tuple(c.key for c in Item.__table__.columns)


class TagRow:
    """One value of a list facet (as ``ItemTag``)."""

    __slots__ = ("facet", "value", "position")

    def __init__(self, facet: str, value: str, position: int) -> None:
        self.facet, self.value, self.position = facet, value, position


class ColourRow:
    """One colour of an item's palette (as ``ItemColour``)."""

    __slots__ = ("position", "name", "hex", "label")

    def __init__(self, position: int, name: str, hex: str, label: str | None) -> None:  # noqa: A002
        self.position, self.name, self.hex, self.label = position, name, hex, label


class ImageRow:
    """A stored product photo (as ``ItemImage``)."""

    __slots__ = ("id", "position", "digest", "width", "height", "variants", "palette", "created_at")

    def __init__(self, id: int, position: int, digest: str, width: int, height: int,  # noqa: A002
                 variants: list[dict], palette: list[dict], created_at: dt.datetime) -> None:
        self.id, self.position, self.digest = id, position, digest
        self.width, self.height = width, height
        self.variants, self.palette, self.created_at = variants or [], palette or [], created_at

    renditions = ItemImage.renditions  # the same code: reads only ``variants``


class ItemRow:
    """A catalog item as answers show it: ``Item``'s attributes, read-only and detached."""

    __slots__ = (*ITEM_COLUMNS, "tags", "colours", "images")

    id: int
    sku: str
    kind: str
    name: str
    material: str | None
    material_family: str | None
    price: Decimal
    currency: str
    brand: str | None
    tier: str | None
    in_stock: bool
    limited_edition: bool
    width_cm: Decimal | None
    size: str | None
    silhouette: str | None
    detachable_strap: bool
    url: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    tags: list[TagRow]
    colours: list[ColourRow]
    images: list[ImageRow]

    def __init__(self, columns: Sequence[Any]) -> None:
        for name, value in zip(ITEM_COLUMNS, columns, strict=True):
            setattr(self, name, value)
        self.tags, self.colours, self.images = [], [], []

    def __repr__(self) -> str:
        return f"<ItemRow {self.kind} {self.sku!r}>"

    # The same read methods as Item (tags ordered by facet, then position).
    values = Item.values
    occasions = Item.occasions
    styles = Item.styles
    seasons = Item.seasons
    sustainability = Item.sustainability


_ITEMS = select(*Item.__table__.columns).where(Item.sku.in_(bindparam("keys", expanding=True)))
_TAGS = (select(ItemTag.item_id, ItemTag.facet, ItemTag.value, ItemTag.position)
         .where(ItemTag.item_id.in_(bindparam("keys", expanding=True)))
         .order_by(ItemTag.item_id, ItemTag.facet, ItemTag.position))
_COLOURS = (select(ItemColour.item_id, ItemColour.position, ItemColour.name, ItemColour.hex, ItemColour.label)
            .where(ItemColour.item_id.in_(bindparam("keys", expanding=True)))
            .order_by(ItemColour.item_id, ItemColour.position))
_IMAGES = (select(ItemImage.item_id, ItemImage.id, ItemImage.position, ItemImage.digest, ItemImage.width,
                  ItemImage.height, ItemImage.variants, ItemImage.palette, ItemImage.created_at)
           .where(ItemImage.item_id.in_(bindparam("keys", expanding=True)))
           .order_by(ItemImage.item_id, ItemImage.position, ItemImage.id))
CHUNK = 500
_EXPANDED = "__[POSTCOMPILE_keys]"


class _Read:
    """One of the statements above, rendered once for a dialect, run on the driver's cursor.

    SQLAlchemy renders the SQL and supplies each column's result conversion (prices in
    hundredths, SQLite's booleans, dates and JSON); only the ``IN`` list's placeholders
    are filled per call.  A Core ``execute`` cost more than the query itself for the few
    rows an answer reads (profiled).
    """

    def __init__(self, statement: Any, dialect: Any) -> None:
        sql = str(statement.compile(dialect=dialect))
        self.head, _, self.tail = sql.partition(_EXPANDED)  # no IN list: all of it in head
        self.mark = "?" if dialect.paramstyle == "qmark" else "%s"
        convert = [c.type.dialect_impl(dialect).result_processor(dialect, None)
                   for c in statement.selected_columns]
        self.convert = [(i, fn) for i, fn in enumerate(convert) if fn is not None]

    def rows(self, cursor: Any, keys: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        if keys is None:
            cursor.execute(self.head)
        else:
            cursor.execute(f"{self.head}{', '.join([self.mark] * len(keys))}{self.tail}", list(keys))
        found = cursor.fetchall()
        if not self.convert:
            return [tuple(r) for r in found]
        out = []
        for raw in found:
            row = list(raw)
            for i, fn in self.convert:
                row[i] = fn(row[i])
            out.append(tuple(row))
        return out


_reads: dict[tuple[str, str], tuple[_Read, _Read, _Read, _Read]] = {}


def _statements(dialect: Any) -> tuple[_Read, _Read, _Read, _Read]:
    key = (dialect.name, dialect.driver)
    if key not in _reads:
        _reads[key] = tuple(_Read(s, dialect) for s in (_ITEMS, _TAGS, _COLOURS, _IMAGES))  # type: ignore[assignment]
    return _reads[key]


def driver_rows(connection: Connection, statement: Any) -> list[tuple[Any, ...]]:
    """Run a SELECT without parameters on the connection's driver cursor (same transaction),
    with SQLAlchemy's conversions: for reading whole tables (a fit reads ~1M rows)."""
    cursor = connection.connection.cursor()
    try:
        return _Read(statement, connection.dialect).rows(cursor)
    finally:
        cursor.close()


def read_rows(connection: Connection, skus: Sequence[str]) -> dict[str, ItemRow]:
    """Return the items with these skus as rows with their tags, colours and images.

    Deleted (unknown) skus are simply absent.  ``connection`` is the request's own, so
    the rows are read in its transaction and snapshot.
    """
    wanted = list(dict.fromkeys(skus))
    items, tags, colours, images = _statements(connection.dialect)
    by_id: dict[int, ItemRow] = {}
    cursor = connection.connection.cursor()
    try:
        for start in range(0, len(wanted), CHUNK):
            for columns in items.rows(cursor, wanted[start:start + CHUNK]):
                row = ItemRow(columns)
                by_id[row.id] = row
        ids = list(by_id)
        for start in range(0, len(ids), CHUNK):
            part = ids[start:start + CHUNK]
            for item_id, facet, value, position in tags.rows(cursor, part):
                by_id[item_id].tags.append(TagRow(facet, value, position))
            for item_id, position, name, hex_value, label in colours.rows(cursor, part):
                by_id[item_id].colours.append(ColourRow(position, name, hex_value, label))
            for item_id, *image in images.rows(cursor, part):
                by_id[item_id].images.append(ImageRow(*image))
    finally:
        cursor.close()
    return {row.sku: row for row in by_id.values()}
