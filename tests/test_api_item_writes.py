"""Catalog writes through the API: secret key only, validated, never CORS-enabled."""

import pytest
from sqlalchemy import func, select

from lookbook.auth.keys import create_key, revoke_key
from lookbook.auth.models import ApiKey
from lookbook.catalog.models import Item
from lookbook.catalog.revision import current_revision
from lookbook.lookbooks.models import Look
from tests.conftest import add_items, item


@pytest.fixture
def keys(db):
    with db.write() as session:
        _row, secret = create_key(session, "cms", secret=True)
        _row, public = create_key(session, "widget", secret=False)
    return {"secret": secret, "public": public}


def _auth(key):
    return {"Authorization": f"Bearer {key}"}


def _count(db):
    with db.session() as session:
        return session.scalar(select(func.count(Item.id)))


def test_create_returns_201_with_location_and_the_stored_item(client, keys, db):
    resp = client.post("/api/v1/items", json=item("B-1", colours=["#ff0000"]), headers=_auth(keys["secret"]))
    assert resp.status_code == 201
    assert resp.headers["Location"] == "/api/v1/items/B-1"
    assert resp.json["colours"] == [{"name": "red", "hex": "#ff0000"}]
    assert client.get("/api/v1/items/B-1").status_code == 200


def test_creating_an_existing_sku_is_a_conflict(client, keys, db):
    add_items(db, item("B-1"))
    resp = client.post("/api/v1/items", json=item("B-1"), headers=_auth(keys["secret"]))
    assert resp.status_code == 409 and resp.mimetype == "application/problem+json"


def test_invalid_items_get_422_naming_fields_and_write_nothing(client, keys, db):
    resp = client.post("/api/v1/items", json=item("B-1", price="-5", colours=[]),
                       headers=_auth(keys["secret"]))
    assert resp.status_code == 422
    assert {e["field"] for e in resp.json["errors"]} == {"price", "colours"}
    assert _count(db) == 0


def test_put_creates_then_replaces_and_the_revision_moves(client, keys, db):
    first = client.put("/api/v1/items/B-1", json=item("B-1"), headers=_auth(keys["secret"]))
    assert first.status_code == 201
    with db.session() as session:
        revision = current_revision(session)
    second = client.put("/api/v1/items/B-1", json=item("B-1", name="Renamed", width_cm="30"),
                        headers=_auth(keys["secret"]))
    assert second.status_code == 200
    assert second.json["name"] == "Renamed" and second.json["size"] == "standard"
    with db.session() as session:
        assert current_revision(session) != revision
    mismatch = client.put("/api/v1/items/B-1", json=item("B-2"), headers=_auth(keys["secret"]))
    assert mismatch.status_code == 422


def test_delete_removes_the_item_and_the_looks_that_used_it(client, keys, db):
    doc = {"items": [item("O-1", "outfit"), item("B-1")], "lookbooks": [
        {"slug": "one", "title": "One", "published": True, "looks": [{"outfit": "O-1", "bag": "B-1"}]}]}
    assert client.post("/api/v1/items/import", json=doc, headers=_auth(keys["secret"])).status_code == 200
    resp = client.delete("/api/v1/items/B-1", headers=_auth(keys["secret"]))
    assert resp.status_code == 204
    assert client.get("/api/v1/items/B-1").status_code == 404
    with db.session() as session:
        assert session.scalar(select(func.count(Look.id))) == 0
    assert client.delete("/api/v1/items/B-1", headers=_auth(keys["secret"])).status_code == 404


def test_bulk_import_is_all_or_nothing_and_supports_dry_run(client, keys, db):
    good = [item("B-1"), item("B-2")]
    dry = client.post("/api/v1/items/import?dry_run=true", json=good, headers=_auth(keys["secret"]))
    assert dry.status_code == 200 and dry.json["written"] is False and _count(db) == 0
    bad = client.post("/api/v1/items/import", json=[*good, item("B-3", kind="shoe")],
                      headers=_auth(keys["secret"]))
    assert bad.status_code == 422
    assert bad.json["errors"] == [{"field": "items[2].kind",
                                   "message": "unknown value 'shoe'; expected one of: outfit, bag"}]
    assert _count(db) == 0
    ok = client.post("/api/v1/items/import", json=good, headers=_auth(keys["secret"]))
    assert ok.json["created"] == 2 and _count(db) == 2


def test_bulk_import_accepts_csv_text(client, keys, db):
    body = "sku,kind,name,colours,price,currency\nO-1,outfit,Suit,navy,10,EUR\n"
    resp = client.post("/api/v1/items/import", data=body, content_type="text/csv",
                       headers=_auth(keys["secret"]))
    assert resp.status_code == 200 and resp.json["created"] == 1


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("[" * 100_000, "application/json", 400),
        ('{"sku": "B-1", "price": NaN}', "application/json", 400),
        ("sku=B-1", "text/plain", 415),
        ("[1, 2]", "application/json", 422),
        ("{}", "application/json", 422),
    ],
)
def test_malformed_bodies_get_a_4xx_problem(client, keys, body, content_type, status):
    resp = client.post("/api/v1/items", data=body, content_type=content_type,
                       headers=_auth(keys["secret"]))
    assert resp.status_code == status
    assert resp.mimetype == "application/problem+json"


@pytest.mark.parametrize("how", ["none", "revoked", "garbage", "query"])
def test_writes_need_a_live_secret_key_and_all_failures_look_the_same(client, keys, db, how):
    headers, url = {}, "/api/v1/items"
    if how == "garbage":
        headers = {"Authorization": "Bearer lbk_s_nope"}
    elif how == "query":
        url += f"?key={keys['secret']}"
    elif how == "revoked":
        with db.write() as session:
            for key in session.scalars(select(ApiKey)):
                revoke_key(session, key)
        headers = _auth(keys["secret"])
    resp = client.post(url, json=item("B-1"), headers=headers)
    assert resp.status_code == 401
    assert resp.json["detail"].startswith("this endpoint needs a secret API key")
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert _count(db) == 0


def test_a_publishable_key_on_a_write_is_403_and_writes_nothing(client, keys, db):
    for method, url in (("post", "/api/v1/items"), ("put", "/api/v1/items/B-1"),
                        ("delete", "/api/v1/items/B-1"), ("post", "/api/v1/items/import")):
        resp = getattr(client, method)(url, json=item("B-1"), headers=_auth(keys["public"]))
        assert resp.status_code == 403, url
        assert resp.mimetype == "application/problem+json"
        assert "publishable key" in resp.json["detail"]
        assert "WWW-Authenticate" not in resp.headers
    assert _count(db) == 0


def test_write_responses_are_never_cors_enabled(client, keys):
    resp = client.post("/api/v1/items", json=item("B-1"),
                       headers={**_auth(keys["secret"]), "Origin": "https://evil.example"})
    assert resp.status_code == 201
    assert not [h for h in resp.headers.keys() if h.lower().startswith("access-control-")]


def test_preflight_for_a_write_gets_no_cors_headers_but_reads_do(client):
    write = client.options("/api/v1/items", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization"})
    assert "Access-Control-Allow-Origin" not in write.headers
    read = client.options("/api/v1/items", headers={
        "Origin": "https://shop.example", "Access-Control-Request-Method": "GET"})
    assert read.headers["Access-Control-Allow-Origin"] == "*"


def test_concurrent_writers_lose_nothing(app, keys, db):
    from concurrent.futures import ThreadPoolExecutor

    def put(i):
        client = app.test_client()
        return client.put(f"/api/v1/items/B-{i}", json=item(f"B-{i}"),
                          headers=_auth(keys["secret"])).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(put, range(40)))
    assert codes == [201] * 40
    assert _count(db) == 40
