"""The text policy (lookbook.catalog.text) holds for every string that enters, on SQLite
and PostgreSQL: bad text is a 4xx naming the field, never a 500, never echoed back."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lookbook.auth.keys import create_key
from lookbook.catalog.models import Item, ItemTag
from lookbook.catalog.records import MAX_TEXT, RowInvalid, parse_item
from lookbook.catalog.text import IDENTIFIER, MULTILINE, TextInvalid, check_text, column_limit
from lookbook.lookbooks.models import Lookbook
from lookbook.lookbooks.records import parse_lookbook
from lookbook.transfer.exporter import export_csv
from lookbook.transfer.importer import import_rows, read_csv
from tests.conftest import add_items, item

SURROGATE = "\ud800"
BAD_TEXT = {"lone surrogate": SURROGATE, "C1 control NEL": "\u0085", "NUL": "\x00",
            "bell": "\x07", "right-to-left override": "\u202e", "non-character": "\uffff"}


def _post(client, path, body, key=None):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    # json.dumps writes "\ud800" as the escape a hostile client sends
    return client.post(path, data=json.dumps(body), content_type="application/json", headers=headers)


def _no_echo(resp, bad):
    text = resp.get_data(as_text=True)
    assert bad not in text and json.dumps(bad)[1:-1] not in text


@pytest.fixture
def secret(db):
    with db.write() as session:
        return create_key(session, "writer", secret=True)[1]


# --- the policy itself ------------------------------------------------------------------

@pytest.mark.parametrize("bad", BAD_TEXT.values(), ids=BAD_TEXT.keys())
def test_the_policy_refuses_invalid_characters_without_repeating_them(bad):
    with pytest.raises(TextInvalid) as caught:
        check_text(f"Bag {bad} name")
    assert bad not in caught.value.message


def test_line_breaks_only_where_documented():
    assert check_text("line one\nline two\tx", kind=MULTILINE) == "line one\nline two\tx"
    with pytest.raises(TextInvalid, match="single line"):
        check_text("line one\nline two")


def test_text_is_nfc_and_identifiers_nfkc():
    assert check_text("Cafe\u0301") == "Caf\u00e9"
    assert check_text("\uff22\uff21\uff27-1", kind=IDENTIFIER) == "BAG-1"  # fullwidth letters
    with pytest.raises(TextInvalid, match="invisible"):
        check_text("BAG\u00ad1", kind=IDENTIFIER)  # a soft hyphen hides in an identifier


@pytest.mark.parametrize("value", [{}, [], 12, None, True])
def test_non_strings_are_refused_as_text(value):
    with pytest.raises(TextInvalid, match="must be text"):
        check_text(value)


def test_limits_are_read_from_the_columns():
    assert MAX_TEXT["name"] == column_limit(Item.name) == 200
    assert MAX_TEXT["sku"] == column_limit(Item.sku)
    assert column_limit(Lookbook.description) is None  # TEXT: the policy's own limit applies


# --- every way in -----------------------------------------------------------------------

def test_a_lone_surrogate_in_a_public_batch_sku_is_a_422(client):
    resp = _post(client, "/api/v1/recommendations", {"requests": [{"type": "bags", "sku": SURROGATE}]})
    assert resp.status_code == 422
    assert resp.json["errors"][0]["field"] == "requests[0].sku"
    _no_echo(resp, SURROGATE)


def test_a_non_string_request_type_is_a_422_not_a_type_error(client):
    resp = _post(client, "/api/v1/recommendations", {"requests": [{"type": {}, "sku": "0"}]})
    assert resp.status_code == 422
    assert resp.json["errors"][0]["field"] == "requests[0].type"


@pytest.mark.parametrize("bad", [SURROGATE, "\u0085"], ids=["surrogate", "NEL"])
def test_an_ad_hoc_outfit_with_bad_text_is_refused_and_not_echoed(client, bad):
    resp = _post(client, "/api/v1/recommendations/bags",
                 {"outfit": {"name": f"Suit {bad}", "colours": ["navy"], "occasions": ["business"]}})
    assert resp.status_code == 422
    assert resp.json["errors"][0]["field"] == "outfit.name"
    _no_echo(resp, bad)


@pytest.mark.parametrize("bad", BAD_TEXT.values(), ids=BAD_TEXT.keys())
def test_item_writes_refuse_bad_text_and_store_nothing(client, db, secret, bad):
    resp = _post(client, "/api/v1/items", item("B-1", name=f"Bag {bad}"), key=secret)
    assert resp.status_code == 422
    _no_echo(resp, bad)
    assert client.get("/api/v1/items/B-1").status_code == 404


def test_a_json_import_with_a_surrogate_in_a_lookbook_title_is_refused(client, secret):
    doc = {"items": [item("O-1", "outfit"), item("B-1")],
           "lookbooks": [{"slug": "night", "title": f"Night {SURROGATE}",
                          "looks": [{"outfit": "O-1", "bag": "B-1"}]}]}
    resp = _post(client, "/api/v1/items/import", doc, key=secret)
    assert resp.status_code == 422
    assert resp.json["errors"][0]["field"] == "lookbooks[0].title"
    assert client.get("/api/v1/items/O-1").status_code == 404


def test_nul_in_a_lookbook_title_is_a_row_problem_on_both_databases(db):
    with pytest.raises(RowInvalid) as caught:
        parse_lookbook({"slug": "night", "title": "Night\x00", "looks": []})
    assert caught.value.problems[0].field == "title"


@pytest.mark.parametrize("path", ["/api/v1/items/B%00-1", "/api/v1/items/B%C2%851",
                                  "/api/v1/outfits/O%00/bags", "/api/v1/lookbooks/a%00b",
                                  "/api/v1/items/" + "B" * 65])
def test_a_path_no_item_can_have_is_404_on_both_databases(client, path):
    resp = client.get(path)
    assert resp.status_code == 404
    assert resp.mimetype == "application/problem+json"
    assert "\x00" not in resp.get_data(as_text=True)


def test_a_look_alike_sku_in_the_path_finds_the_item(client, db):
    add_items(db, item("BAG-1"))
    assert client.get("/api/v1/items/\uff22\uff21\uff27-1").json["sku"] == "BAG-1"


def test_a_certification_longer_than_its_column_is_a_422_on_postgresql_too(client, db, secret):
    resp = _post(client, "/api/v1/items", item("B-1", sustainability=["certified:" + "X" * 300]),
                 key=secret)
    assert resp.status_code == 422
    assert resp.json["errors"][0]["field"] == "sustainability"
    limit = column_limit(ItemTag.value)
    ok = _post(client, "/api/v1/items",
               item("B-2", sustainability=["certified:" + "X" * (limit - len("certified:"))]), key=secret)
    assert ok.status_code == 201


@pytest.mark.parametrize("query", ["min_price=%C2%85", "kind=bag%00", "page=%D9%A1"])
def test_query_parameters_with_bad_text_or_foreign_digits_are_400(client, query):
    resp = client.get(f"/api/v1/items?{query}")
    assert resp.status_code == 400
    assert "\x85" not in resp.get_data(as_text=True)


def test_an_empty_price_filter_is_refused_as_documented(client):
    resp = client.get("/api/v1/items?min_price=")
    assert resp.status_code == 400
    assert resp.json["errors"][0]["field"] == "min_price"


@pytest.mark.parametrize("price", ["\u0661\u0662", "\uff11\uff12", "12e1", "NaN"])
def test_only_ascii_digits_are_numbers(price):
    with pytest.raises(RowInvalid) as caught:
        parse_item(item("B-1", price=price))
    assert caught.value.problems[0].field == "price"
    with pytest.raises(RowInvalid):
        parse_item(item("B-1", width_cm="\u0661\u0662"))


def test_a_form_with_a_nul_byte_is_400_not_a_database_error(client):
    resp = client.post("/login", data={"email": "a\x00@shop.example", "password": "x" * 10})
    assert resp.status_code == 400


def test_options_lists_only_the_methods_of_the_route_it_names(client):
    assert set(client.open("/api/v1/items/import", method="OPTIONS").headers["Allow"].split(", ")) \
        == {"POST", "OPTIONS"}
    assert client.get("/api/v1/items/import").status_code == 405
    with pytest.raises(RowInvalid):
        parse_item(item("import"))  # the route's name is not a sku


# --- CSV: our escaping round-trips, a hand-typed apostrophe stays ---------------------------

def test_a_hand_typed_apostrophe_formula_keeps_its_apostrophe(db):
    header = "sku,kind,name,colours,price,currency,width_cm,silhouette\n"
    with db.write() as session:
        report = import_rows(session, read_csv((header + "B-1,bag,'=x,black,10,EUR,9,clutch\n").encode()))
    assert report.ok
    with db.session() as session:
        assert session.query(Item).one().name == "'=x"


@pytest.mark.parametrize("name", ["=x", "'=x", "''=x", "'plain", "@x", "'"])
def test_exports_import_back_exactly(db, name):
    add_items(db, item("B-1", name=name))
    with db.session() as session:
        text, _ = export_csv(session)
    assert list(csv.reader(io.StringIO(text)))[0][-1] == "escaped"
    with db.write() as session:
        session.execute(Item.__table__.delete())
        report = import_rows(session, read_csv(text.encode()))
    assert report.ok and not report.warnings
    with db.session() as session:
        assert session.query(Item).one().name == name


# --- the whole policy, as a property, on the test database ------------------------------------

TEXT = st.text(alphabet=st.characters(codec=None, categories=None), max_size=80) | st.sampled_from(
    [SURROGATE, "\u0085", "\x00", "a\u202eb", "x" * 201, "\uff22-1", "e\u0301", " padded "])


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(sku=TEXT, name=TEXT, brand=TEXT, material=TEXT, title=TEXT, note=TEXT)
def test_any_text_is_either_refused_by_name_or_stored_and_read_back_unchanged(db, sku, name, brand,
                                                                            material, title, note):
    raw = item("B-1", name=name, brand=brand, material=material)
    raw["sku"] = sku
    try:
        record, _ = parse_item(raw)
    except RowInvalid as exc:
        assert {p.field for p in exc.problems} <= {"sku", "name", "brand", "material"}
        return
    doc_book = {"slug": "look", "title": title, "looks": [{"outfit": "O-1", "bag": record.sku, "note": note}]}
    try:
        book = parse_lookbook(doc_book)
    except RowInvalid as exc:
        assert {p.field for p in exc.problems} <= {"title", "looks[0].note"}
        book = None
    rows = [item("O-1", "outfit"), {**raw, "sku": record.sku}]
    from lookbook.transfer.importer import read_json_value

    item_rows, book_rows = read_json_value({"items": rows, "lookbooks": [doc_book] if book else []})
    with db.write() as session:
        session.execute(Item.__table__.delete())
        session.execute(Lookbook.__table__.delete())
        report = import_rows(session, item_rows, book_rows)
    assert report.ok, report.errors
    with db.session() as session:
        stored = session.query(Item).filter_by(sku=record.sku).one()
        assert (stored.name, stored.brand) == (record.name, record.brand)
        if book:
            assert session.query(Lookbook).one().title == book.title


def test_staff_emails_and_key_names_follow_the_policy_too(db):
    from lookbook.auth.users import create_user

    with db.write() as session, pytest.raises(ValueError, match="control"):
        create_user(session, "a\u0085@shop.example", "a long enough password")
    with db.write() as session, pytest.raises(ValueError, match="key name"):
        create_key(session, "ci\x00", secret=True)


def test_a_rule_sku_with_a_soft_hyphen_is_a_400_not_a_500(client, secret):
    resp = client.delete("/api/v1/rules?bag=B%C2%AD1", headers={"Authorization": f"Bearer {secret}"})
    assert resp.status_code == 400
    assert resp.json["errors"][0]["field"] == "bag"


def test_a_nameless_multipart_part_with_bad_text_is_a_400_not_a_500(client, secret):
    body = (b"--b\r\nContent-Disposition: form-data\r\n\r\nnul\x00here\r\n--b--\r\n")
    response = client.post("/api/v1/items/B-1/images", data=body,
                           headers={"Authorization": f"Bearer {secret}",
                                    "Content-Type": "multipart/form-data; boundary=b"})
    assert response.status_code == 400
    assert [e["field"] for e in response.json["errors"]] == ["(a parameter name)"]
