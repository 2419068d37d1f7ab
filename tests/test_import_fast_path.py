"""The importer's fast paths change nothing a user sees.

ItemParser (each field's verdict on a value remembered for the rest of the import, on top
of the text policy's ASCII shortcut) gives every row the record, problems and warnings
that parse_item under the full text policy gives it; bulk writes give items the ids the
database would have given them and keep the name search in step.
"""

from __future__ import annotations

from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from lookbook.catalog import records
from lookbook.catalog.models import Item
from lookbook.catalog.queries import ItemFilters, search_items
from lookbook.catalog.records import ItemParser, RowInvalid, parse_item
from lookbook.catalog.store import BATCH, SEARCH_BULK_MIN
from lookbook.catalog.text import check_text_fully
from lookbook.transfer.importer import import_rows, read_csv
from tests.conftest import add_items, item

ODD = "\u00a0\u200b\u202e\x00\x07\t\uff21\ufb01e\u0301 ;:#-"
odd_text = st.text(alphabet=st.sampled_from("aZ09 .;" + ODD), max_size=12)
FLAGS = ["", "true", "false", "Yes", " n ", "maybe", "1", "0", "TRUE\u00a0"]
CELLS = {
    "sku": ["B-1", " B-2 ", "\uff33\uff2b\uff35-3", "import", "a b", "", "x" * 70, "B\u200b4", "B-5\x00"],
    "kind": ["bag", "outfit", "BAG", " Outfit ", "shoe", "", "\uff42\uff41\uff47"],
    "name": ["Navy bag", "  spaced  ", "", "Caf\u00e9", "cafe\u0301", "x" * 250, "tab\tname", "\u202eevil"],
    "occasions": ["casual", "casual;evening", "Casual; EVENING ;casual", "", ";", "party",
                  "casual;;", "\uff43\uff41\uff53\uff55\uff41\uff4c", "x" * 250],
    "colours": ["black", "Black;navy", "#112233", "112233", "navy blue", "Off-White", "blurple", "",
                "black;black", "black;navy;red;blue;green;pink;gold;silver;ivory", "charcoal;#zzzzzz",
                "\uff22\uff4c\uff41\uff43\uff4b", "midnight navy", "#ABCDEF;nude"],
    "styles": ["", "metallic", "Quirky Shape;logo", "sparkly", "logo;logo"],
    "seasons": ["", "spring;holiday", "Winter", "monsoon"],
    "sustainability": ["", "vegan", "certified:grs", "Certified: Reach ", "vegan:x", "organic",
                       "certified:" + "x" * 60, "recycled;vegan"],
    "price": ["120.00", "120", " 99.9 ", "-5", "NaN", "1e3", "12,50", "\u0661\u0662", "0.001",
              "12345678901", "", "\uff11\uff12", "0"],
    "currency": ["EUR", "eur", " usd ", "EURO", "", "\u20ac"],
    "brand": ["", "Brand", "  B  ", "x" * 130],
    "tier": ["", "luxury", "MID", "cheap"],
    "material": ["", "calfskin", "Cork", "cork", "CALFSKIN", "x" * 90, "vegan leather"],
    "in_stock": FLAGS, "limited_edition": FLAGS, "detachable_strap": FLAGS,
    "width_cm": ["", "9", "9.5", "0", "301", "12.345", "abc", "\u0661\u0662", " 15 ", "35"],
    "silhouette": ["", "clutch", "Tote", "duffel"],
    "size": ["", "micro", "mini", "MINI", "giant"],
    "url": ["", "https://shop.example/x", "ftp://x", "https://user:pw@x", "http://", "https://x y"],
    "colour": ["black"],  # not a field: a warning
}
# Mostly good rows (so warnings are compared too, not only refusals), each with a few
# cells from the pools above and any columns left out.
GOOD = {"sku": st.sampled_from(["B-1", "b.2", "O_3"]), "kind": st.sampled_from(["bag", "outfit"]),
        "name": st.sampled_from(["Navy bag", "Caf\u00e9 tote"]), "price": st.sampled_from(["10", "9.50"]),
        "currency": st.just("EUR"), "colours": st.sampled_from(["black", "navy blue;nude", "#112233"]),
        "material": st.sampled_from(["calfskin", "cork", ""]), "width_cm": st.sampled_from(["9", "25"]),
        "silhouette": st.just("clutch")}
cell = {name: st.one_of(st.sampled_from(values), odd_text) for name, values in CELLS.items()}
row = st.builds(
    lambda good, odd, dropped: {k: v for k, v in {**good, **odd}.items() if k not in dropped},
    st.fixed_dictionaries(GOOD),
    st.lists(st.sampled_from(sorted(CELLS)), max_size=3, unique=True).flatmap(
        lambda names: st.fixed_dictionaries({name: cell[name] for name in names})),
    st.sets(st.sampled_from(sorted(CELLS)), max_size=2),
)
rows = st.lists(row, min_size=1, max_size=6)


def _outcome(parse, raw):
    try:
        record, warnings = parse(raw)
    except RowInvalid as exc:
        return "invalid", exc.problems
    return "valid", record.as_dict(), warnings


def _reference(raw):
    """parse_item with every string through the full text policy (no shortcut, no memo)."""
    with mock.patch.object(records, "check_text", check_text_fully):
        return _outcome(parse_item, raw)


@settings(max_examples=400, deadline=None)
@given(batch=rows)
def test_remembered_verdicts_match_the_full_validation(batch):
    parse = ItemParser()
    # Twice through: the second pass answers every cell from memory.
    fast = [_outcome(parse, raw) for raw in batch + batch]
    assert fast == [_reference(raw) for raw in batch + batch]


def test_records_from_remembered_cells_share_no_lists():
    parse = ItemParser()
    first, _ = parse(item("B-1", occasions="casual;evening", colours="navy blue;black"))
    second, _ = parse(item("B-2", occasions="casual;evening", colours="navy blue;black"))
    first.occasions.append("wedding")
    first.colours.clear()
    first.colour_labels.clear()
    assert second.occasions == ["casual", "evening"]
    assert [name for name, _hex in second.colours] == ["navy", "black"]
    assert second.colour_labels == ["navy blue", None]


HEADER = "sku,kind,name,colours,price,currency,material,width_cm,silhouette\n"


def _import(db, text):
    with db.write() as session:
        report = import_rows(session, read_csv(text.encode("utf-8")))
        if not report.ok:
            session.rollback()
    return report


def test_a_repeated_cell_is_reported_on_every_line_it_appears(db):
    report = _import(db, HEADER + "".join(
        f"B-{i},bag,Bag {i},black,10,EUR,cork,9,clutch\n" for i in range(3)))
    assert [(w.location, w.field) for w in report.warnings] == [
        ("line 2", "material"), ("line 3", "material"), ("line 4", "material")]
    report = _import(db, HEADER + "".join(
        f"B-{i},bag,Bag {i},blurple,10,EUR,,9,clutch\n" for i in range(3)))
    assert [(e.location, e.field) for e in report.errors] == [
        ("line 2", "colours"), ("line 3", "colours"), ("line 4", "colours")]
    assert all("blurple" in e.message for e in report.errors)


def _names_found(db, text):
    with db.session() as session:
        found, _total = search_items(session, ItemFilters(text=text), 1, 50)
        return [i.sku for i in found]


def _big_csv(count, prefix="B", bad_at=None):
    lines = [f"{prefix}-{i:05d},bag,{'Zebra' if i % 1000 == 7 else 'Plain'} bag {i},black,10,EUR,,"
             f"{'x' if i == bad_at else 9},clutch\n" for i in range(count)]
    return HEADER + "".join(lines)


def test_a_bulk_import_is_searchable_by_name_and_so_is_every_later_write(db):
    add_items(db, item("OLD-1", name="Existing zebra clutch"))
    report = _import(db, _big_csv(max(SEARCH_BULK_MIN, 1200)))
    assert report.ok and report.created >= SEARCH_BULK_MIN
    assert _names_found(db, "zebra") == ["B-00007", "B-01007", "OLD-1"]
    add_items(db, item("NEW-1", name="Zebra after the import"))  # one row: the per-row path
    add_items(db, item("B-00008", name="Renamed zebra"))  # an update re-indexes the name
    add_items(db, item("B-00007", name="Renamed clutch"))
    assert _names_found(db, "zebra") == ["B-00008", "B-01007", "NEW-1", "OLD-1"]
    assert _names_found(db, "renamed") == ["B-00007", "B-00008"]


def test_a_refused_bulk_import_leaves_search_as_it_was(db):
    add_items(db, item("OLD-1", name="Existing zebra clutch"))
    # The first batch is written before the bad row is reached, then rolled back.
    report = _import(db, _big_csv(BATCH + 10, bad_at=BATCH + 5))
    assert not report.ok and not report.written
    assert _names_found(db, "zebra") == ["OLD-1"]
    add_items(db, item("NEW-1", name="Zebra after the refusal"))
    assert _names_found(db, "zebra") == ["NEW-1", "OLD-1"]


def test_new_items_get_ids_in_file_order_after_the_existing_ones(db):
    ids = add_items(db, item("OLD-1"), item("OLD-2"))
    report = _import(db, _big_csv(SEARCH_BULK_MIN + 5))
    assert report.ok
    with db.session() as session:
        rows = session.execute(select(Item.sku, Item.id).where(Item.sku.like("B-%"))).all()
    in_file_order = [item_id for _sku, item_id in sorted(rows)]
    assert in_file_order == sorted(in_file_order)
    assert in_file_order[0] > max(ids.values())
    assert len(set(in_file_order)) == SEARCH_BULK_MIN + 5


def test_a_write_that_fails_mid_import_fails_the_import_and_writes_nothing(db, monkeypatch):
    from lookbook.transfer import importer

    calls = []
    real = importer.upsert_records

    def second_batch_fails(session, batch):
        calls.append(len(batch))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(session, batch)

    monkeypatch.setattr(importer, "upsert_records", second_batch_fails)
    add_items(db, item("OLD-1"))
    with pytest.raises(RuntimeError, match="disk full"):
        _import(db, _big_csv(3 * BATCH))
    with db.session() as session:
        assert session.scalars(select(Item.sku)).all() == ["OLD-1"]
    monkeypatch.setattr(importer, "upsert_records", real)
    assert _import(db, _big_csv(10)).created == 10  # the database is usable afterwards


@pytest.mark.parametrize("threaded", [False, True])
def test_writes_run_in_order_and_a_failure_stops_the_next(threaded):
    from lookbook.transfer.write_behind import WriteBehind

    done = []
    with WriteBehind(threaded=threaded) as writes:
        for n in range(5):
            writes.submit(done.append, n)
    assert done == [0, 1, 2, 3, 4]
    with pytest.raises(ZeroDivisionError), WriteBehind(threaded=threaded) as writes:
        writes.submit(lambda: 1 / 0)
        writes.submit(done.append, "never")  # raises the first write's error instead
    assert done == [0, 1, 2, 3, 4]


def _schema(db):
    from sqlalchemy import inspect

    with db.engine.connect() as connection:
        found = inspect(connection)
        return {t: sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                          for i in found.get_indexes(t))
                for t in ("items", "item_tags", "item_colours")}


@pytest.mark.parametrize("bad_at", [None, 250])
def test_a_large_import_into_a_small_catalog_keeps_every_index(db, monkeypatch, bad_at):
    monkeypatch.setattr("lookbook.catalog.store.INDEX_REBUILD_MIN", 100)  # as if 100k rows
    add_items(db, item("OLD-1", colours=["navy"], occasions=["evening"]))
    before = _schema(db)
    report = _import(db, _big_csv(300, bad_at=bad_at))
    assert report.ok == (bad_at is None)
    assert _schema(db) == before
    with db.session() as session:
        found, total = search_items(session, ItemFilters(colour=("black",)), 1, 5)
        assert total == (300 if bad_at is None else 0)
        found, total = search_items(session, ItemFilters(occasion=("evening",)), 1, 5)
        assert [i.sku for i in found] == ["OLD-1"]
