"""Upsert, dry runs, revisions, and export files that import back unchanged."""

import csv
import io
import json

from sqlalchemy import func, select

from lookbook.catalog.models import Item
from lookbook.catalog.revision import current_revision
from lookbook.catalog.store import fetch_records
from lookbook.lookbooks.models import Lookbook
from lookbook.lookbooks.store import all_lookbooks, lookbook_to_fields
from lookbook.transfer.exporter import export_csv, export_document, neutralise, unneutralise
from lookbook.transfer.importer import import_rows, read_csv, read_json
from tests.conftest import add_items, item


def _import(db, doc, **kw):
    rows, books = read_json(json.dumps(doc).encode())
    with db.write() as session:
        return import_rows(session, rows, books, **kw)


def _revision(db):
    with db.session() as session:
        return current_revision(session)


def _records(db):
    with db.session() as session:
        return {sku: rec for sku, (_id, rec) in fetch_records(session).items()}


CATALOG = {
    "items": [
        item("O-1", "outfit", name="Navy suit", colours=["navy", "#ffffff"], occasions=["business"],
             material="wool", seasons=["autumn", "winter"], tier="luxury", brand="Vantori"),
        item("B-1", name="Gold chain micro", colours=["gold"], styles=["metallic", "embellished"],
             width_cm="8.5", silhouette="chain", sustainability=["vegan", "certified:GRS"],
             material="vegan leather", limited_edition=True, detachable_strap=True,
             url="https://shop.example/bags/gold-chain-micro?colour=gold&utm=lookbook"),
        item("B-2", name="Camel tote", colours=["camel"], width_cm="38", silhouette="tote",
             in_stock=False, material="calfskin", price="480.00"),
    ],
    "lookbooks": [{
        "slug": "desk-to-dinner", "title": "Desk to dinner", "description": "Quiet luxury.",
        "season": "autumn", "published": True, "market": "germany", "cover_position": 0,
        "looks": [{"outfit": "O-1", "bag": "B-1", "bundle": ["B-1", "B-2"], "note": "Tonal."}],
    }],
}


def test_reimporting_the_same_file_changes_nothing(db):
    first = _import(db, CATALOG)
    assert (first.created, first.updated, first.lookbooks_created) == (3, 0, 1)
    revision = _revision(db)
    again = _import(db, CATALOG)
    assert (again.created, again.updated, again.unchanged, again.lookbooks_updated) == (0, 0, 3, 0)
    assert _revision(db) == revision


def test_reimport_updates_by_sku_and_bumps_the_revision(db):
    _import(db, CATALOG)
    revision = _revision(db)
    changed = json.loads(json.dumps(CATALOG))
    changed["items"][1]["price"] = "99.00"
    changed["items"][1]["colours"] = ["silver", "black"]
    report = _import(db, {"items": changed["items"]})
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    bag = _records(db)["B-1"]
    assert str(bag.price) == "99.00"
    assert bag.colours == [("silver", "#c0c0c0"), ("black", "#1a1a1a")]
    assert _revision(db) != revision
    with db.session() as session:
        assert session.scalar(select(func.count(Item.id))) == 3


def test_dry_run_reports_but_writes_nothing(db):
    revision = _revision(db)
    report = _import(db, CATALOG, dry_run=True)
    assert report.ok and report.rows == 3 and report.lookbooks == 1
    assert not report.written
    assert _records(db) == {}
    assert _revision(db) == revision


def test_json_export_imports_back_unchanged_into_a_fresh_database(db, _template, tmp_path):
    _import(db, CATALOG)
    with db.session() as session:
        doc = export_document(session)
    before = _records(db)
    with db.write() as session:
        session.execute(Lookbook.__table__.delete())
        session.execute(Item.__table__.delete())
    report = _import(db, doc)
    assert report.created == 3 and report.lookbooks_created == 1
    assert _records(db) == before
    with db.session() as session:
        assert [lookbook_to_fields(b) for b in all_lookbooks(session)] == CATALOG["lookbooks"]


def test_csv_export_imports_back_unchanged(db):
    _import(db, CATALOG)
    before = _records(db)
    with db.session() as session:
        text, count = export_csv(session)
    assert count == 3
    with db.write() as session:
        session.execute(Item.__table__.delete())
    with db.write() as session:
        report = import_rows(session, read_csv(text.encode("utf-8")))
    assert report.ok and report.created == 3
    assert _records(db) == before


def test_formula_cells_are_stored_verbatim_and_neutralised_in_csv(db):
    names = ["=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "Plain"]
    add_items(db, *[item(f"B-{i}", name=n) for i, n in enumerate(names)])
    with db.session() as session:
        text, _ = export_csv(session)
    cells = [row[2] for row in csv.reader(io.StringIO(text))][1:]
    assert cells == ["'" + n for n in names[:-1]] + ["Plain"]
    assert _records(db)["B-0"].name == names[0]  # stored verbatim
    with db.write() as session:
        session.execute(Item.__table__.delete())
    with db.write() as session:
        import_rows(session, read_csv(text.encode()))
    assert sorted(r.name for r in _records(db).values()) == sorted(names)


def test_unneutralise_undoes_exactly_what_neutralise_did():
    for cell in ["=1+1", "+x", "-2", "@SUM(A1)", "\tx", "'", "'quoted'", "", "plain"]:
        assert unneutralise(neutralise(cell)) == cell
    assert unneutralise("'90s bag") == "'90s bag"  # a real apostrophe stays


def test_neutralise_leaves_ordinary_text_alone():
    assert neutralise("Navy suit") == "Navy suit"
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("\rx") == "'\rx"
    assert neutralise("\tx") == "'\tx"


def test_revision_changes_with_orm_writes_too(db):
    add_items(db, item("B-1"))
    revision = _revision(db)
    with db.write() as session:
        session.scalar(select(Item)).name = "Renamed"
    assert _revision(db) != revision
