"""Import in the browser: a dry-run report row by row, then confirm; exports download."""

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lookbook.audit.models import AuditEntry
from lookbook.catalog.models import Item
from tests.conftest import add_items, item
from tests.studio_helpers import Studio, make_user

GOOD = ("sku,kind,name,colours,price,currency,width_cm,silhouette\r\n"
        "B-1,bag,Gold micro,gold,89.00,EUR,9,chain\r\n"
        "B-2,bag,Camel mini,camel;black,120.00,EUR,15,crossbody\r\n")
BAD = ("sku,kind,name,colours,price,currency,width_cm,silhouette\r\n"
       "B-1,bag,Gold micro,gold,89.00,EUR,9,chain\r\n"
       "B-2,bag,Camel mini,sparkly,12,50,EUR,15,crossbody\r\n"
       "B-3,bag,No width,black,10.00,EUR,,tote\r\n")


@pytest.fixture
def ana(app, db):
    return Studio(app, make_user(db, "ana@shop.example"))


def _upload(studio, text, name="catalog.csv"):
    return studio.post("/curate/import/", {"file": (io.BytesIO(text.encode()), name)},
                       content_type="multipart/form-data")


def _count(db):
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Item))


def test_a_good_file_is_checked_first_then_imported_on_confirmation(ana, db, app):
    resp = _upload(ana, GOOD)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Ready to import catalog.csv" in page and "Nothing has changed" in page
    assert _count(db) == 0
    pending = list((Path(app.instance_path) / "imports").glob("*"))
    assert len(pending) == 1 and "catalog" not in pending[0].name  # kept under a random name
    resp = ana.post("/curate/import/apply", follow_redirects=True)
    assert "Imported 2 item(s): 2 created" in resp.get_data(as_text=True)
    assert _count(db) == 2 and not pending[0].exists()
    with db.session() as session:
        assert session.scalar(select(AuditEntry.action)) == "import"


def test_a_bad_file_is_reported_row_by_row_with_line_and_field_and_cannot_be_applied(ana, db):
    resp = _upload(ana, BAD)
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "problems in catalog.csv" in page and "Nothing was imported" in page
    assert "<td data-label=\"Where\">line 3</td>" in page and "<code>row</code>" in page  # 9 cells, not 8
    assert "<td data-label=\"Where\">line 4</td>" in page and "<code>width_cm</code>" in page
    assert "Import 3 items" not in page
    resp = ana.post("/curate/import/apply", follow_redirects=True)
    assert _count(db) == 0


def test_unreadable_files_get_a_reason_next_to_the_file_field(ana, db):
    for data, name, words in [("", "empty.csv", "empty"), ("{", "doc.json", "invalid JSON"),
                              ("a,b", "notes.txt", "not a .csv or .json")]:
        resp = _upload(ana, data, name)
        assert resp.status_code == 400
        page = resp.get_data(as_text=True)
        assert words in page and 'href="#f-file"' in page


def test_a_waiting_file_belongs_to_its_session_and_can_be_discarded(app, db, ana):
    _upload(ana, GOOD)
    ben = Studio(app, make_user(db, "ben@shop.example"))
    ben.post("/curate/import/apply")
    assert _count(db) == 0  # Ben's session has no waiting file
    ana.post("/curate/import/discard")
    ana.post("/curate/import/apply")
    assert _count(db) == 0


def test_exports_download_as_attachments_that_import_back(ana, db):
    add_items(db, item("B-1", name="=HYPERLINK(\"x\")"), item("O-1", "outfit"))
    csv = ana.get("/curate/import/export.csv")
    assert csv.mimetype == "text/csv" and "attachment" in csv.headers["Content-Disposition"]
    assert "'=HYPERLINK" in csv.get_data(as_text=True)
    doc = ana.get("/curate/import/export.json")
    assert "attachment" in doc.headers["Content-Disposition"]
    body = json.loads(doc.get_data(as_text=True))
    assert {i["sku"] for i in body["items"]} == {"B-1", "O-1"} and body["rules"] == []
    resp = _upload(ana, doc.get_data(as_text=True), "everything.json")
    assert resp.status_code == 200 and "Ready to import" in resp.get_data(as_text=True)
