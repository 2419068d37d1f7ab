"""Read items as records and write records as items, in bulk.

The importer, the exporter and the API writes all go through here.  Writes use
set-based INSERT/UPDATE/DELETE in batches (100k rows import in seconds), skip rows
that would not change, and bump the catalog revision only when something did.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal
from functools import partial
from itertools import islice
from operator import attrgetter
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, Table, TypeDecorator, delete, func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from lookbook.catalog.models import Item, ItemColour, ItemTag
from lookbook.catalog.records import ItemRecord
from lookbook.catalog.revision import bump_revision
from lookbook.catalog.rows import driver_rows
from lookbook.database import utcnow
from lookbook.styling.vocab import COLOURS

SCALAR_COLUMNS = (
    "sku", "kind", "name", "material", "material_family", "price", "currency", "brand",
    "tier", "in_stock", "limited_edition", "width_cm", "size", "silhouette", "detachable_strap",
    "url",
)
TAG_FACETS = ("occasions", "styles", "seasons", "sustainability")
BATCH = 2000
# On SQLite, a write of at least this many new items indexes their names for search in
# one statement instead of through the per-row trigger (see _insert_items).
SEARCH_BULK_MIN = 200
_SEARCH_TRIGGER = "items_fts_insert"
# On SQLite, a bulk write of at least this many items into a catalog at most a quarter
# its size builds the catalog tables' secondary indexes once at the end (see bulk_write).
INDEX_REBUILD_MIN = 20_000
_INDEXED_TABLES = ("items", "item_tags", "item_colours")
T = TypeVar("T")


def chunked(values: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    """Yield consecutive slices of at most ``size`` values."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass
class UpsertResult:
    """What a bulk write did, by sku."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    ids: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


# Every stored field; ``image`` is an instruction to the importer, not stored on the item.
_COMPARED = tuple(f.name for f in fields(ItemRecord) if f.name != "image")


def same_record(a: ItemRecord, b: ItemRecord) -> bool:
    """Tell whether writing ``b`` over ``a`` would change nothing."""
    return all(getattr(a, name) == getattr(b, name) for name in _COMPARED)


def fetch_records(
    session: Session, skus: Iterable[str] | None = None
) -> dict[str, tuple[int, ItemRecord]]:
    """Load items as (id, record) keyed by sku; all items when ``skus`` is None.

    Reading the whole catalog (a fit, an export) streams the tag and colour tables once
    each, in item order, through the driver's own cursor: SQLAlchemy's row objects cost
    more than the query itself for ~700k tag rows of a 100k catalog (measured).
    """
    columns = [Item.id, *(getattr(Item, c) for c in SCALAR_COLUMNS)]
    rows: list[Any] = []
    if skus is None:
        rows = driver_rows(session.connection(), select(*columns).order_by(Item.sku))
    else:
        wanted = list(dict.fromkeys(skus))
        for part in chunked(wanted, 500):
            rows.extend(session.execute(select(*columns).where(Item.sku.in_(part))))
    if not rows:
        return {}
    tag_q = select(ItemTag.item_id, ItemTag.facet, ItemTag.value).order_by(
        ItemTag.item_id, ItemTag.facet, ItemTag.position)
    col_q = select(ItemColour.item_id, ItemColour.name, ItemColour.hex, ItemColour.label).order_by(
        ItemColour.item_id, ItemColour.position)
    if skus is None:
        tag_rows: Iterable[Any] = driver_rows(session.connection(), tag_q)
        colour_rows: Iterable[Any] = driver_rows(session.connection(), col_q)
    else:
        ids = [r[0] for r in rows]
        tag_rows, colour_rows = [], []
        for part in chunked(ids, 500):
            tag_rows.extend(session.execute(tag_q.where(ItemTag.item_id.in_(part))))
            colour_rows.extend(session.execute(col_q.where(ItemColour.item_id.in_(part))))
    # Rows arrive in (item, facet, position) order: group them by following the runs
    # (a 100k catalog has ~700k tag rows; dictionary look-ups per row cost a second).
    tags: dict[int, dict[str, list[str]]] = {}
    current_item: int | None = None
    current_facet: str | None = None
    by_facet: dict[str, list[str]] = {}
    values: list[str] = []
    for item_id, facet, value in tag_rows:
        if item_id != current_item:
            current_item, current_facet = item_id, None
            by_facet = tags[item_id] = {}
        if facet != current_facet:
            current_facet = facet
            values = by_facet[facet] = []
        values.append(value)
    colours: dict[int, tuple[list[tuple[str, str]], list[str | None]]] = {}
    for item_id, name, hex_value, label in colour_rows:
        held = colours.get(item_id)
        if held is None:
            held = colours[item_id] = ([], [])
        held[0].append((name, hex_value))
        held[1].append(label)
    no_tags: dict[str, list[str]] = {}
    no_colours: tuple[list[tuple[str, str]], list[str | None]] = ([], [])
    out: dict[str, tuple[int, ItemRecord]] = {}
    for (item_id, sku, kind, name, material, material_family, price, currency, brand, tier, in_stock,
         limited_edition, width_cm, size, silhouette, detachable_strap, url) in rows:
        facets = tags.get(item_id, no_tags)
        pairs, labels = colours.get(item_id, no_colours)
        out[sku] = (item_id, ItemRecord(
            sku=sku, kind=kind, name=name, material=material, material_family=material_family,
            price=price, currency=currency, brand=brand, tier=tier, in_stock=in_stock,
            limited_edition=limited_edition, width_cm=width_cm, size=size, silhouette=silhouette,
            detachable_strap=detachable_strap, url=url,
            occasions=facets.get("occasions") or [], styles=facets.get("styles") or [],
            seasons=facets.get("seasons") or [], sustainability=facets.get("sustainability") or [],
            colours=list(pairs), colour_labels=list(labels) if any(labels) else []))
    return out


def bulk_insert(session: Session, table: Table, columns: Sequence[str],
                rows: Iterable[Sequence[Any]], constants: Mapping[str, Any] | None = None) -> None:
    """Insert many rows fast: COPY on PostgreSQL, the driver's executemany on SQLite.

    ``rows`` hold a value for each of ``columns``, in that order; ``constants`` are
    columns with one value for every row (converted for the database once, not per row).
    """
    connection = session.connection()
    dialect = connection.dialect
    constants = dict(constants or {})
    by_name = {c.name: c for c in table.columns}
    names = [*columns, *constants]
    convert: list[Callable[[Any], Any] | None]
    if dialect.name == "postgresql":
        convert = [
            partial(c.type.process_bind_param, dialect=dialect) if isinstance(c.type, TypeDecorator) else None
            for c in (by_name[n] for n in names)
        ]
    elif dialect.paramstyle == "qmark":
        # The driver's executemany with the columns' own bind conversions: SQLAlchemy's
        # per-row parameter processing cost more than SQLite's inserts (profiled).
        convert = [by_name[n].type.bind_processor(dialect) for n in names]
    else:  # pragma: no cover - neither SQLite nor PostgreSQL
        for part in chunked(list(rows), 5 * BATCH):
            session.execute(table.insert(), [{**dict(zip(columns, row, strict=True)), **constants}
                                             for row in part])
        return
    tail = tuple(fn(value) if fn else value
                 for value, fn in zip(constants.values(), convert[len(columns):], strict=True))
    converted = _converted_rows(rows, convert[: len(columns)], tail)
    quoted = ", ".join(f'"{name}"' for name in names)
    if dialect.name == "postgresql":
        _copy(connection, f'COPY "{table.name}" ({quoted}) FROM STDIN', converted)
        return
    marks = ", ".join("?" for _ in names)
    statement = f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})'  # noqa: S608 - our own table and columns
    while part := list(islice(converted, 5 * BATCH)):
        connection.exec_driver_sql(statement, part)


def _converted_rows(rows: Iterable[Sequence[Any]], convert: Sequence[Callable[[Any], Any] | None],
                    tail: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
    """Yield each row with its values converted for the database and the constants added."""
    active = [(i, fn) for i, fn in enumerate(convert) if fn]
    for row in rows:
        if active:
            row = list(row)
            for i, fn in active:
                row[i] = fn(row[i])
        yield (*row, *tail)


def _copy(connection: Connection, statement: str, rows: Iterable[Sequence[Any]]) -> None:
    """Stream rows into PostgreSQL with COPY (one stream instead of a statement per batch;
    measured: 100k items with tags and colours go from ~200 s to a few seconds)."""
    driver = connection.connection.driver_connection
    dbapi = connection.dialect.dbapi
    assert driver is not None and dbapi is not None  # a live PostgreSQL connection
    cursor = driver.cursor()
    try:
        with cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except dbapi.Error as exc:
        # The driver's own error (COPY bypasses SQLAlchemy): wrap it like any statement's,
        # so a value the column refuses is a DataError (422), not an unexplained 500.
        raise DBAPIError.instance(statement, None, exc, dbapi.Error,
                                  dialect=connection.dialect) from exc


def _table(model: type[Any]) -> Table:
    """Return a mapped class's Core table."""
    return cast(Table, model.__table__)


def _scalar_row(record: ItemRecord) -> dict[str, Any]:
    return {c: getattr(record, c) for c in SCALAR_COLUMNS}


_scalar_values = attrgetter(*SCALAR_COLUMNS)
TAG_COLUMNS = ("item_id", "facet", "value", "position")
COLOUR_COLUMNS = ("item_id", "position", "name", "hex", "label")


def _tag_rows(written: Iterable[tuple[int, ItemRecord]]) -> Iterator[tuple[int, str, str, int]]:
    for item_id, record in written:
        for facet in TAG_FACETS:
            for i, value in enumerate(getattr(record, facet)):
                yield item_id, facet, value, i


def _colour_rows(written: Iterable[tuple[int, ItemRecord]]) -> Iterator[tuple[Any, ...]]:
    for item_id, record in written:
        labels = record.colour_labels or [None] * len(record.colours)
        for i, ((name, hex_value), label) in enumerate(zip(record.colours, labels, strict=True)):
            yield item_id, i, name, hex_value, label


def _existing(session: Session, skus: Sequence[str]) -> dict[str, int]:
    """Return the ids of the items among ``skus`` that exist (one indexed lookup)."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        # One array parameter instead of hundreds of placeholders for the driver to parse.
        found = connection.exec_driver_sql("SELECT sku, id FROM items WHERE sku = ANY(%(skus)s)",
                                           {"skus": list(skus)})
        return {sku: item_id for sku, item_id in found}
    out: dict[str, int] = {}
    for part in chunked(skus, 500):  # SQLite before 3.32 takes at most 999 parameters
        marks = ", ".join("?" * len(part))
        found = connection.exec_driver_sql(f"SELECT sku, id FROM items WHERE sku IN ({marks})",  # noqa: S608 - placeholders only
                                           tuple(part))
        out.update((sku, item_id) for sku, item_id in found)
    return out


def _new_ids(session: Session, count: int) -> list[int]:
    """Reserve ids for ``count`` new items: the ones the database would give them."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return sorted(connection.exec_driver_sql(
            "SELECT nextval(pg_get_serial_sequence('items', 'id')) FROM generate_series(1, %(n)s)",
            {"n": count}).scalars())
    # SQLite gives a new row the largest rowid plus one (items has no AUTOINCREMENT), and
    # a writer holds the database's write lock, so no one else takes these in between.
    top = session.execute(select(func.max(Item.id))).scalar() or 0
    return list(range(top + 1, top + 1 + count))


def _insert_items(session: Session, rows: list[tuple[Any, ...]], now: Any) -> None:
    """Insert new items (id first); on SQLite, index their names for search in one go."""
    items = _table(Item)
    columns = ("id", *SCALAR_COLUMNS)
    constants = {"created_at": now, "updated_at": now}
    connection = session.connection()
    trigger = None
    if connection.dialect.name == "sqlite" and len(rows) >= SEARCH_BULK_MIN:
        trigger = connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (_SEARCH_TRIGGER,)
        ).scalar()
    if trigger is None:
        bulk_insert(session, items, columns, rows, constants)
        return
    # The search table's insert trigger indexes one name per row and cost more than the
    # items themselves (measured: 3.5 s of 5 s for 100k).  Inside this transaction it is
    # set aside and the same entries are added with one statement; a rollback (or a
    # reader, who sees the last commit) keeps the trigger as it was.
    connection.exec_driver_sql(f'DROP TRIGGER "{_SEARCH_TRIGGER}"')
    try:
        bulk_insert(session, items, columns, rows, constants)
        connection.exec_driver_sql(
            "INSERT INTO items_fts(rowid, name) SELECT id, name FROM items WHERE id BETWEEN ? AND ?",
            (rows[0][0], rows[-1][0]),
        )
    finally:
        connection.exec_driver_sql(trigger)


@contextlib.contextmanager
def bulk_write(session: Session, rows: int) -> Iterator[None]:
    """Prepare for writing about ``rows`` items in the caller's transaction.

    On SQLite, when the write is large and the catalog at most a quarter of it, the
    non-unique indexes of the catalog tables are set aside and built once at the end:
    sorting 100k entries once costs less than adding them one by one (measured: ~1 s
    of ~3.5 s of writes).  Unique indexes stay, so every constraint is checked as
    before.  It all happens inside the transaction: a rollback brings the indexes back
    as they were, and other connections read the last commit, which has them.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite" or rows < INDEX_REBUILD_MIN:
        yield
        return
    if session.execute(select(func.count()).select_from(Item)).scalar_one() * 4 > rows:
        yield
        return
    marks = ", ".join("?" for _ in _INDEXED_TABLES)
    indexes = connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608 - placeholders only
        f"AND tbl_name IN ({marks}) AND upper(sql) NOT LIKE 'CREATE UNIQUE%'", _INDEXED_TABLES
    ).all()
    for name, _sql in indexes:
        connection.exec_driver_sql(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        for name, sql in indexes:
            # A rolled-back savepoint has brought it back already.
            if connection.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)
            ).first() is None:
                connection.exec_driver_sql(sql)


def upsert_records(session: Session, records: Sequence[ItemRecord]) -> UpsertResult:
    """Create or update items by sku in bulk; unchanged rows are left alone."""
    result = UpsertResult()
    found = _existing(session, [r.sku for r in records])
    existing = fetch_records(session, list(found)) if found else {}
    new: list[ItemRecord] = []
    changed: list[tuple[int, ItemRecord]] = []
    for record in records:
        if record.sku in existing:
            item_id, current = existing[record.sku]
            result.ids[record.sku] = item_id
            if same_record(current, record):
                result.unchanged.append(record.sku)
            else:
                changed.append((item_id, record))
                result.updated.append(record.sku)
        else:
            new.append(record)
            result.created.append(record.sku)

    now = utcnow()
    written: list[tuple[int, ItemRecord]] = []
    if new:
        # Ids are reserved first, so the new rows need no second query to find them.
        written = list(zip(_new_ids(session, len(new)), new, strict=True))
        result.ids.update((r.sku, item_id) for item_id, r in written)
        _insert_items(session, [(item_id, *_scalar_values(r)) for item_id, r in written], now)
    for pairs in chunked(changed):
        session.execute(
            update(Item),
            [{"id": item_id, **_scalar_row(r), "updated_at": now} for item_id, r in pairs],
        )
        ids = [item_id for item_id, _ in pairs]
        session.execute(delete(ItemTag).where(ItemTag.item_id.in_(ids)))
        session.execute(delete(ItemColour).where(ItemColour.item_id.in_(ids)))

    written += changed
    if written:
        bulk_insert(session, _table(ItemTag), TAG_COLUMNS, _tag_rows(written))
        bulk_insert(session, _table(ItemColour), COLOUR_COLUMNS, _colour_rows(written))
    if result.changed:
        bump_revision(session)
    if result.created:
        _refresh_statistics(session, len(result.created))
    return result


def _refresh_statistics(session: Session, created: int) -> None:
    """Keep PostgreSQL's planner statistics for items close to its size during bulk writes.

    Without them PostgreSQL keeps seq-scanning the growing table for the next batch's
    sku lookups (100k rows: 197 s).  ANALYZE costs ~0.2 s at 100k rows, so it runs when
    the items written since the last one would at least double what it counted.
    """
    if session.connection().dialect.name != "postgresql":
        return
    info = session.info
    pending = info.get("items_unanalyzed", 0) + created
    counted = info.get("items_analyzed")
    if counted is None:
        counted = session.execute(
            text("SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = 'items'::regclass")
        ).scalar() or 0
    if pending >= counted:
        session.execute(text("ANALYZE items"))
        info["items_analyzed"], pending = counted + pending, 0
    info["items_unanalyzed"] = pending


def record_to_fields(record: ItemRecord) -> dict[str, Any]:
    """Return a record as import fields (the shape CSV/JSON export writes)."""
    out: dict[str, Any] = {
        "sku": record.sku,
        "kind": record.kind,
        "name": record.name,
        "occasions": record.occasions,
        "colours": [
            label or (name if hex_value == COLOURS.get(name) else hex_value)
            for (name, hex_value), label in zip(
                record.colours, record.colour_labels or [None] * len(record.colours), strict=True)
        ],
        "material": record.material,
        "styles": record.styles,
        "seasons": record.seasons,
        "sustainability": record.sustainability,
        "price": _decimal_text(record.price),
        "currency": record.currency,
        "brand": record.brand,
        "tier": record.tier,
        "in_stock": record.in_stock,
        "limited_edition": record.limited_edition,
    }
    if record.kind == "bag":
        out.update(
            width_cm=_decimal_text(record.width_cm),
            size=record.size,
            silhouette=record.silhouette,
            detachable_strap=record.detachable_strap,
        )
    out["url"] = record.url
    return out


def _decimal_text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return format(value.quantize(Decimal("0.01")), "f")
