"""Published lookbooks over the API: drafts and out-of-window books stay hidden."""

import datetime as dt

from sqlalchemy import select

from lookbook.lookbooks.models import Lookbook
from tests.conftest import item


def _import(client, db, books):
    from lookbook.transfer.importer import import_rows, read_json_value

    doc = {"items": [item("O-1", "outfit"), item("B-1"), item("B-2", width_cm="30", silhouette="tote")],
           "lookbooks": books}
    rows, raw_books = read_json_value(doc)
    with db.write() as session:
        assert import_rows(session, rows, raw_books).ok


def _book(slug, published=True, note="Gold and navy."):
    return {"slug": slug, "title": slug.title(), "description": "d", "season": "autumn",
            "published": published,
            "looks": [{"outfit": "O-1", "bag": "B-1", "bundle": ["B-1", "B-2"], "note": note}]}


def test_only_published_lookbooks_are_listed(client, db):
    _import(client, db, [_book("live"), _book("draft", published=False)])
    listed = client.get("/api/v1/lookbooks").json["lookbooks"]
    assert [b["slug"] for b in listed] == ["live"]
    assert listed[0]["looks_count"] == 1
    assert client.get("/api/v1/lookbooks/draft").status_code == 404


def test_a_lookbook_carries_whole_items_in_its_looks(client, db):
    _import(client, db, [_book("live")])
    book = client.get("/api/v1/lookbooks/live").json
    [look] = book["looks"]
    assert look["outfit"]["sku"] == "O-1" and look["bag"]["sku"] == "B-1"
    assert [i["sku"] for i in look["bundle"]] == ["B-1", "B-2"]
    assert look["note"] == "Gold and navy."


def test_publish_windows_are_respected(client, db):
    _import(client, db, [_book("later"), _book("ended")])
    now = dt.datetime.now(dt.UTC)
    with db.write() as session:
        for book in session.scalars(select(Lookbook)):
            if book.slug == "later":
                book.publish_at = now + dt.timedelta(days=1)
            else:
                book.unpublish_at = now - dt.timedelta(minutes=1)
    assert client.get("/api/v1/lookbooks").json["lookbooks"] == []
    assert client.get("/api/v1/lookbooks/later").status_code == 404
