"""Every kind of bad import row or file is refused, named, and changes nothing."""

import json

import pytest
from sqlalchemy import func, select

from lookbook.catalog.models import Item
from lookbook.catalog.revision import current_revision
from lookbook.transfer.importer import ImportFileError, import_rows, read_csv, read_json
from tests.conftest import add_items, item

HEADER = "sku,kind,name,colours,price,currency,occasions,width_cm,silhouette\n"
GOOD = "B-1,bag,Good bag,black,120.00,EUR,evening,9,clutch\n"


def _import_csv(db, text, **kw):
    with db.write() as session:
        report = import_rows(session, read_csv(text.encode("utf-8")), **kw)
        if not report.ok:
            session.rollback()
    return report


def _state(db):
    with db.session() as session:
        return session.scalar(select(func.count(Item.id))), current_revision(session)


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        (",bag,No sku,black,1,EUR,casual,9,clutch", "sku", "required"),
        ("B 2,bag,Space sku,black,1,EUR,casual,9,clutch", "sku", "letters"),
        ("B-2,shoe,Shoe,black,1,EUR,casual,9,clutch", "kind", "outfit, bag"),
        ("B-2,bag,,black,1,EUR,casual,9,clutch", "name", "required"),
        ("B-2,bag,No colour,,1,EUR,casual,9,clutch", "colours", "at least one"),
        ("B-2,bag,Bad colour,blurple,1,EUR,casual,9,clutch", "colours", "blurple"),
        ("B-2,bag,Neg price,black,-5,EUR,casual,9,clutch", "price", "plain decimal"),
        ("B-2,bag,NaN price,black,NaN,EUR,casual,9,clutch", "price", "plain decimal"),
        ("B-2,bag,Huge price,black,1e400,EUR,casual,9,clutch", "price", "plain decimal"),
        ('B-2,bag,Comma price,black,"12,50",EUR,casual,9,clutch', "price", "plain decimal"),
        ("B-2,bag,Dollar price,black,$12,EUR,casual,9,clutch", "price", "plain decimal"),
        ("B-2,bag,Currency,black,12,EURO,casual,9,clutch", "currency", "ISO 4217"),
        ("B-2,bag,Occasion,black,12,EUR,party,9,clutch", "occasions", "party"),
        ("B-2,bag,No width,black,12,EUR,casual,,clutch", "width_cm", "required"),
        ("B-2,bag,Zero width,black,12,EUR,casual,0,clutch", "width_cm", "more than 0"),
        ("B-2,bag,Shape,black,12,EUR,casual,9,duffel", "silhouette", "duffel"),
        ("O-2,outfit,Wide outfit,black,12,EUR,casual,9,", "width_cm", "only bags"),
        ("B-2,bag,Null\x00byte,black,12,EUR,casual,9,clutch", "name", "control"),
        ("B-2,bag,Bidi \u202egab,black,12,EUR,casual,9,clutch", "name", "invisible"),
    ],
)
def test_a_bad_field_is_named_with_its_line_and_nothing_is_written(db, row, field, words):
    before = _state(db)
    report = _import_csv(db, HEADER + GOOD + row + "\n")
    assert not report.ok and not report.written
    [error] = report.errors
    assert error.location == "line 3"
    assert error.field == field
    assert words in error.message
    assert _state(db) == before  # the good row was not written either


def test_every_problem_of_a_row_is_reported_at_once(db):
    report = _import_csv(db, HEADER + "B-1,bag,,blurple,-1,XXX,party,,\n")
    assert {e.field for e in report.errors} == {
        "name", "colours", "price", "currency", "occasions", "width_cm", "silhouette"
    }


def test_a_size_that_contradicts_the_width_is_refused(db):
    header = "sku,kind,name,colours,price,currency,width_cm,size,silhouette\n"
    report = _import_csv(db, header + "B-1,bag,Bag,black,1,EUR,12,micro,clutch\n")
    assert report.errors[0].field == "size"
    assert "12.00 cm is mini" in report.errors[0].message


def test_duplicate_sku_in_one_file_names_the_first_line(db):
    report = _import_csv(db, HEADER + GOOD + GOOD)
    assert [(e.location, e.field) for e in report.errors] == [("line 3", "sku")]
    assert "first on line 2" in report.errors[0].message
    assert _state(db)[0] == 0


def test_ragged_row_is_reported(db):
    report = _import_csv(db, HEADER + "B-1,bag,Bag,black,1\n")
    assert report.errors[0].field == "row"
    assert "5 cells but the header has 9" in report.errors[0].message


def test_unknown_material_is_imported_with_a_warning(db):
    header = "sku,kind,name,colours,price,currency,material\n"
    report = _import_csv(db, header + "O-1,outfit,Coat,camel,300,EUR,mushroom leather\n")
    assert report.ok and report.created == 1
    assert report.warnings[0].field == "material"
    with db.session() as session:
        assert session.scalar(select(Item.material_family)) == "other"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (HEADER.encode(), "no rows"),
        ("sku,name\nx,é\n".encode("cp1252"), "UTF-8 (line 2"),
        ((HEADER + GOOD).encode("utf-16"), "UTF-16"),
        (b"sku,kind,name\nB-1,bag,x\n", "lacks required column(s): colours, price, currency"),
        (HEADER.encode() + b'B-1,bag,"unterminated,black,1,EUR,casual,9,clutch\n', "malformed"),
        (HEADER.encode() + b"B-1,bag," + b"x" * (129 * 1024) + b",black,1,EUR,,9,clutch\n", "malformed"),
        (b"sku,sku,kind,name,colours,price,currency\n", "repeats column(s): sku"),
    ],
)
def test_unreadable_csv_files_get_a_clear_reason(data, words):
    with pytest.raises(ImportFileError) as exc:
        list(read_csv(data))
    assert words in str(exc.value)


def test_a_utf8_bom_is_fine(db):
    report = _import_csv(db, "\ufeff" + HEADER + GOOD)
    assert report.ok and report.created == 1


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"[" * 100_000, "nested too deeply"),
        (b'[{"sku": "B-1", "price": NaN}]', "NaN"),
        (b'{"items": [1,', "invalid JSON"),
        (b'{"products": []}', "expected a list of items"),
        (b"[]", "no items and no lookbooks"),
        (b'{"items": {}}', "must be lists"),
    ],
)
def test_unreadable_json_files_get_a_clear_reason(data, words):
    with pytest.raises(ImportFileError) as exc:
        read_json(data)
    assert words in str(exc.value)


def test_json_values_are_type_checked(db):
    rows, _ = read_json(json.dumps([
        item("B-1", price=True),
        item("B-2", in_stock="perhaps"),
        item("B-3", occasions={"a": 1}),
        "not an object",
    ]).encode())
    with db.write() as session:
        report = import_rows(session, rows)
    assert [(e.location, e.field) for e in report.errors] == [
        ("items[0]", "price"), ("items[1]", "in_stock"), ("items[2]", "occasions"), ("items[3]", "item"),
    ]


def test_json_numbers_are_accepted_for_price_and_width(db):
    rows, _ = read_json(json.dumps([item("B-1", price=129.9, width_cm=9)]).encode())
    with db.write() as session:
        report = import_rows(session, rows)
    assert report.ok


def test_lookbook_looks_must_reference_known_items_of_the_right_kind(db):
    add_items(db, item("O-1", "outfit"), item("B-1"))
    before = _state(db)
    doc = {"items": [item("B-2")], "lookbooks": [{
        "slug": "bad", "title": "Bad", "looks": [
            {"outfit": "B-1", "bag": "O-1"},
            {"outfit": "O-1", "bag": "B-9"},
        ]}]}
    rows, books = read_json(json.dumps(doc).encode())
    with db.write() as session:
        report = import_rows(session, rows, books)
        session.rollback()
    messages = {(e.field, e.message) for e in report.errors}
    assert ("looks[0].outfit", "'B-1' is a bag, not a outfit") in messages
    assert ("looks[0].bag", "'O-1' is a outfit, not a bag") in messages
    assert ("looks[1].bag", "unknown sku 'B-9'") in messages
    assert _state(db) == before


def test_image_paths_must_stay_next_to_the_import_file(db, tmp_path):
    (tmp_path / "ok.png").write_bytes(b"x")
    rows, _ = read_json(json.dumps([
        item("B-1", image="../secret.png"),
        item("B-2", image="/etc/passwd"),
        item("B-3", image="missing.png"),
    ]).encode())
    with db.write() as session:
        report = import_rows(session, rows, base_dir=tmp_path)
    assert [e.message for e in report.errors] == [
        "must stay inside the import file's folder",
        "must be a path relative to the import file",
        "file 'missing.png' not found next to the import file",
    ]


def test_a_bad_row_after_several_written_batches_still_leaves_nothing_written(db):
    before = _state(db)
    good = "".join(f"B-{i},bag,Bag {i},black,10,EUR,casual,9,clutch\n" for i in range(4500))
    report = _import_csv(db, HEADER + good + "B-X,bag,Bad,black,ten,EUR,casual,9,clutch\n")
    assert [(e.location, e.field) for e in report.errors] == [("line 4502", "price")]
    assert _state(db) == before


def test_a_malformed_line_deep_in_the_file_rolls_back_everything(db):
    before = _state(db)
    good = "".join(f"B-{i},bag,Bag {i},black,10,EUR,casual,9,clutch\n" for i in range(2500))
    with pytest.raises(ImportFileError, match="line 2502"):
        _import_csv(db, HEADER + good + 'B-X,bag,"open quote,black,10,EUR,casual,9,clutch\n')
    assert _state(db) == before


class _RefusingImages:
    """An image pipeline that accepts files at validation but refuses one when attaching."""

    def check(self, path):
        return None

    def attach(self, session, item_id, path):
        if path.name == "full.png":
            raise ValueError("this item already has 12 photos")


def test_an_image_refused_while_attaching_is_a_row_error_and_nothing_is_written(db, tmp_path):
    (tmp_path / "ok.png").write_bytes(b"x")
    (tmp_path / "full.png").write_bytes(b"x")
    before = _state(db)
    rows, _ = read_json(json.dumps([item("B-1", image="ok.png"), item("B-2", image="full.png")]).encode())
    with db.write() as session:
        report = import_rows(session, rows, base_dir=tmp_path, images=_RefusingImages())
    assert [(e.location, e.field, e.message) for e in report.errors] == [
        ("items[1]", "image", "this item already has 12 photos")]
    assert not report.written and report.images == 0
    assert _state(db) == before
