"""The lookbook editing service: looks in order, publishing, and no silent overwrite."""

import datetime as dt

import pytest
from sqlalchemy import select

from lookbook.audit.models import AuditEntry
from lookbook.audit.trail import Actor
from lookbook.catalog.records import RowInvalid
from lookbook.database import utcnow
from lookbook.lookbooks.details import Schedule, parse_details, parse_schedule, slugify
from lookbook.lookbooks.editing import EditConflict, LookbookEditor, state
from lookbook.lookbooks.models import Lookbook
from lookbook.lookbooks.queries import live_lookbooks
from tests.conftest import add_items, item

ANA = Actor("ana@shop.example", user_id=None)
BEN = Actor("ben@shop.example", user_id=None)


@pytest.fixture
def book_id(db):
    add_items(db, item("O-1", "outfit", name="Navy suit"), item("O-2", "outfit", name="Red dress"),
              item("O-3", "outfit", name="Denim"), item("B-1"), item("B-2"), item("B-3"),
              item("T-1", width_cm="38", silhouette="tote"))
    with db.write() as session:
        return LookbookEditor(session, ANA).create(parse_details({"title": "Après-ski evenings"})).id


def _edit(db, actor, method, *args):
    with db.write() as session:
        book = getattr(LookbookEditor(session, actor), method)(*args)
        return book.version if book is not None else None


def _book(db, book_id):
    with db.session() as session:
        book = session.get(Lookbook, book_id)
        return book, [(lk.outfit.sku, lk.bag.sku, lk.note) for lk in book.looks]


def test_a_new_lookbook_is_a_draft_whose_address_comes_from_the_title(db, book_id):
    book, looks = _book(db, book_id)
    assert book.slug == "apres-ski-evenings" and state(book) == "draft" and looks == []
    assert book.updated_by == "ana@shop.example"


def test_looks_are_added_in_order_moved_removed_and_the_cover_follows_its_look(db, book_id):
    version = _book(db, book_id)[0].version
    for n in (1, 2, 3):
        version = _edit(db, ANA, "add_look", book_id, version, f"O-{n}", f"B-{n}", [], f"note {n}")
    version = _edit(db, ANA, "add_look", book_id, version, "O-1", "B-1", ["B-2", "T-1"], "")
    book, looks = _book(db, book_id)
    assert [lk[:2] for lk in looks] == [("O-1", "B-1"), ("O-2", "B-2"), ("O-3", "B-3"), ("O-1", "B-1")]
    assert [i.sku for i in book.looks[3].bundle] == ["B-2", "T-1"]
    ids = [lk.id for lk in book.looks]
    details = parse_details({"title": book.title, "slug": book.slug, "cover": "2"})
    version = _edit(db, ANA, "update_details", book_id, version, details)
    version = _edit(db, ANA, "move_look", book_id, version, ids[2], -1)  # O-3 up, cover with it
    book, looks = _book(db, book_id)
    assert [lk[0] for lk in looks] == ["O-1", "O-3", "O-2", "O-1"] and book.cover_position == 1
    version = _edit(db, ANA, "move_look", book_id, version, ids[0], -1)  # already first: stays
    version = _edit(db, ANA, "reorder", book_id, version, [ids[3], ids[1], ids[2], ids[0]])
    book, looks = _book(db, book_id)
    assert [lk.position for lk in book.looks] == [0, 1, 2, 3] and book.cover_position == 2
    version = _edit(db, ANA, "remove_look", book_id, version, ids[2])  # the cover look goes
    book, looks = _book(db, book_id)
    assert [lk[:2] for lk in looks] == [("O-1", "B-1"), ("O-2", "B-2"), ("O-1", "B-1")]
    assert book.cover_position is None and [lk.position for lk in book.looks] == [0, 1, 2]


def test_a_stale_save_is_refused_naming_who_changed_it_and_changes_nothing(db, book_id):
    opened = _book(db, book_id)[0].version  # both curators open the editor
    _edit(db, BEN, "add_look", book_id, opened, "O-1", "B-1", [], "Ben's look")
    with pytest.raises(EditConflict) as exc:
        _edit(db, ANA, "add_look", book_id, opened, "O-2", "B-2", [], "Ana's look")
    assert exc.value.changed_by == "ben@shop.example"
    assert "ben@shop.example" in str(exc.value) and "Reload" in str(exc.value)
    assert _book(db, book_id)[1] == [("O-1", "B-1", "Ben's look")]
    with pytest.raises(EditConflict):
        _edit(db, ANA, "update_details", book_id, opened, parse_details({"title": "Mine"}))
    assert _book(db, book_id)[0].title == "Après-ski evenings"


def test_bad_looks_name_the_field_and_change_nothing(db, book_id):
    version = _book(db, book_id)[0].version
    for args, field in [(("NOPE", "B-1"), "outfit"), (("B-1", "B-2"), "outfit"), (("O-1", "O-2"), "bag"),
                        (("O-1", "B-1", ["B-2"]), "bundle"), (("O-1", "B-1", [], "x" * 2001), "note")]:
        with pytest.raises(RowInvalid) as exc:
            _edit(db, ANA, "add_look", book_id, version, *args)
        assert exc.value.problems[0].field == field
    book, looks = _book(db, book_id)
    assert looks == [] and book.version == version


def test_publishing_now_on_a_schedule_and_taking_down(db, book_id):
    version = _book(db, book_id)[0].version
    with pytest.raises(RowInvalid, match="at least one look"):
        _edit(db, ANA, "publish_now", book_id, version)
    version = _edit(db, ANA, "add_look", book_id, version, "O-1", "B-1", [], "")
    version = _edit(db, ANA, "publish_now", book_id, version)
    with db.session() as session:
        assert [b.id for b in live_lookbooks(session)] == [book_id]
    later = utcnow() + dt.timedelta(days=2)
    version = _edit(db, ANA, "schedule", book_id, version, Schedule(later, None))
    book, _looks = _book(db, book_id)
    assert state(book) == "scheduled"
    with db.session() as session:
        assert live_lookbooks(session) == []
        assert [b.id for b in live_lookbooks(session, later + dt.timedelta(minutes=1))] == [book_id]
    _edit(db, ANA, "unpublish", book_id, version)
    assert state(_book(db, book_id)[0]) == "draft"


def test_every_change_is_in_the_audit_trail_with_before_and_after(db, book_id):
    version = _book(db, book_id)[0].version
    version = _edit(db, BEN, "add_look", book_id, version, "O-1", "B-1", [], "tonal")
    _edit(db, BEN, "publish_now", book_id, version)
    with db.session() as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.lookbook_id == book_id)
                               .order_by(AuditEntry.id)).all()
    assert [(r.action, r.actor) for r in rows] == [
        ("lookbook.create", "ana@shop.example"), ("look.add", "ben@shop.example"),
        ("lookbook.publish", "ben@shop.example")]
    assert rows[1].before["looks"] == [] and rows[1].after["looks"][0]["note"] == "tonal"
    assert rows[2].before["published"] is False and rows[2].after["published"] is True


@pytest.mark.parametrize("raw, field", [
    ({"title": ""}, "title"), ({"title": "x" * 201}, "title"),
    ({"title": "Ok", "slug": "Not OK"}, "slug"), ({"title": "Ok", "slug": "a--b"}, "slug"),
    ({"title": "Ok", "season": "monsoon"}, "season"), ({"title": "Ok", "market": "mars"}, "market"),
    ({"title": "Ok", "cover": "first"}, "cover"), ({"title": "Ok\u202e"}, "title"),
])
def test_details_are_validated_field_by_field(raw, field):
    with pytest.raises(RowInvalid) as exc:
        parse_details(raw)
    assert field in {p.field for p in exc.value.problems}


def test_slugs_are_unique(db, book_id):
    with db.write() as session, pytest.raises(RowInvalid, match="already uses"):
        LookbookEditor(session, BEN).create(parse_details({"title": "Apres ski evenings"}))


def test_schedules_must_make_sense():
    now = dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC)
    assert parse_schedule({"publish_at": "2026-12-01T18:00"}, now).publish_at == \
        dt.datetime(2026, 12, 1, 18, tzinfo=dt.UTC)
    for raw in ({}, {"publish_at": "tomorrow"}, {"unpublish_at": "2026-11-01T10:00"},
                {"publish_at": "2026-12-02T10:00", "unpublish_at": "2026-12-01T10:00"},
                {"publish_at": "9999-01-01T00:00"}):
        with pytest.raises(RowInvalid):
            parse_schedule(raw, now)
    assert slugify("Été à Paris — 2026!") == "ete-a-paris-2026"
