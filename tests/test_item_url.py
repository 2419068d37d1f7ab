"""The shop link (`url`) from import to API to page to export, and absolute URLs in the API."""

from __future__ import annotations

import csv
import io
import json

import pytest

from lookbook.catalog.records import RowInvalid, parse_item
from lookbook.transfer.exporter import export_csv, export_document
from lookbook.transfer.importer import import_rows, read_csv, read_json
from tests.conftest import item
from tests.html_page import Page
from tests.shop_fixtures import import_shop

SHOP = "https://shop.example/bags/lyra?colour=gold&size=micro"


def test_url_travels_from_csv_import_through_api_and_page_to_export(client, db):
    rows = [item("B-1", name="Lyra micro", url=SHOP), item("B-2", name="Plain mini")]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows({**r, "colours": ";".join(r["colours"]), "occasions": ";".join(r["occasions"])}
                     for r in rows)
    with db.write() as session:
        assert import_rows(session, read_csv(out.getvalue().encode())).ok

    api = client.get("/api/v1/items/B-1").json
    assert api["url"] == SHOP
    assert client.get("/api/v1/items/B-2").json["url"] is None

    page = Page(client.get("/bags/B-1").get_data(as_text=True))
    shop_links = [a for a in page.all("a") if a.get("href") == SHOP]
    assert shop_links and "Shop this bag" in page.text
    assert "Shop this bag" not in Page(client.get("/bags/B-2").get_data(as_text=True)).text

    with db.session() as session:
        text, _count = export_csv(session)
        doc = export_document(session)
    exported = {r["sku"]: r for r in csv.DictReader(io.StringIO(text))}
    assert exported["B-1"]["url"] == SHOP and exported["B-2"]["url"] == ""
    assert {i["sku"]: i["url"] for i in doc["items"]} == {"B-1": SHOP, "B-2": None}


def test_the_url_can_be_changed_and_cleared_by_reimport(db):
    def load(url):
        rows, _books = read_json(json.dumps([item("B-1", url=url)]).encode())
        with db.write() as session:
            return import_rows(session, rows)

    assert load(SHOP).created == 1
    assert load("https://shop.example/other").updated == 1
    assert load(None).updated == 1
    with db.session() as session:
        assert export_document(session)["items"][0]["url"] is None


@pytest.mark.parametrize("bad", [
    "javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>",
    "/bags/lyra", "shop.example/bags/lyra", "//shop.example/bags", "ftp://shop.example/x",
    "https://", "https://user:secret@shop.example/", "https://shop.example/a b",
    "https://shop.example:99999/", "https://shop.example/\u202e", "https://shop.example/" + "x" * 2048,
    42, ["https://shop.example/"],
])
def test_bad_urls_are_refused_naming_the_field(bad):
    with pytest.raises(RowInvalid) as caught:
        parse_item(item("B-1", url=bad))
    assert [p.field for p in caught.value.problems] == ["url"]


@pytest.mark.parametrize("good", ["https://shop.example/", "http://shop.example/bags/lyra?x=1#top",
                                  "HTTPS://Shop.Example/Bags", "https://xn--bcher-kva.example/tasche"])
def test_http_and_https_urls_are_kept_as_given(good):
    record, _warnings = parse_item(item("B-1", url=f"  {good} "))
    assert record.url == good


def test_a_bad_url_in_an_import_changes_nothing_and_names_row_and_field(db):
    rows, _books = read_json(json.dumps([item("B-1", url=SHOP), item("B-2", url="javascript:x")]).encode())
    with db.write() as session:
        report = import_rows(session, rows)
    assert not report.ok and not report.written
    [error] = report.errors
    assert error.field == "url" and error.sku == "B-2"


def test_the_api_write_refuses_a_bad_url_with_a_422(client, db):
    from lookbook.auth.keys import create_key

    with db.write() as session:
        _row, key = create_key(session, "writer", secret=True)
    resp = client.post("/api/v1/items", json=item("B-1", url="javascript:alert(1)"),
                       headers={"Authorization": f"Bearer {key}"})
    assert resp.status_code == 422
    assert resp.mimetype == "application/problem+json"
    assert any(e["field"] == "url" for e in resp.json["errors"])


# -- absolute URLs in API answers --------------------------------------------------------------
def test_api_images_and_lookbook_pages_are_absolute(client, app, db, tmp_path):
    import_shop(db, app.extensions["lookbook.storage"], tmp_path)
    bag = client.get("/api/v1/items/B-GOLD").json
    assert bag["images"] and all(u.startswith("http://localhost/media/") for u in bag["images"])
    assert all(s["url"].startswith("http://localhost/media/") for s in bag["image_sizes"][0])
    assert bag["url"] == "https://shop.example/bags/gold-chain-micro"
    book = client.get("/api/v1/lookbooks/after-dark").json
    assert book["url"] == "http://localhost/lookbooks/after-dark"
    assert book["market"] == "middle-east"
    assert book["looks"][0]["bag"]["images"][0].startswith("http://localhost/media/")
    listed = client.get("/api/v1/lookbooks").json["lookbooks"]
    assert [b["url"] for b in listed] == ["http://localhost/lookbooks/after-dark"]
    recs = client.get("/api/v1/outfits/O-EVE/bags?limit=3").json["results"]
    assert any(r["bag"]["images"] for r in recs)
    assert all(u.startswith("http://localhost/") for r in recs for u in r["bag"]["images"])


def test_absolute_urls_follow_the_proxy_when_proxy_hops_are_set(db, tmp_path):
    from lookbook import create_app

    app = create_app({"instance": tmp_path / "instance", "database": db, "database_url": db.url,
                      "secret_key": "x" * 32, "models_dir": tmp_path / "models", "proxy_hops": 1,
                      "trusted_hosts": ("bags.shop.example", "localhost"),  # production on PostgreSQL
                      "TESTING": True, "RATELIMIT_ENABLED": False})
    import_shop(db, app.extensions["lookbook.storage"], tmp_path)
    client = app.test_client()
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "bags.shop.example",
               "X-Forwarded-For": "203.0.113.9"}
    bag = client.get("/api/v1/items/B-GOLD", headers=proxied).json
    assert bag["images"][0].startswith("https://bags.shop.example/media/")
    book = client.get("/api/v1/lookbooks/after-dark", headers=proxied).json
    assert book["url"] == "https://bags.shop.example/lookbooks/after-dark"
    page = Page(client.get("/lookbooks/after-dark", headers=proxied).get_data(as_text=True))
    assert page.all("link", rel="canonical")[0]["href"] == "https://bags.shop.example/lookbooks/after-dark"
    assert page.meta("og:image").startswith("https://bags.shop.example/media/")


def test_the_openapi_document_describes_url_fields(client):
    doc = client.get("/api/v1/openapi.json").json
    item_schema = doc["components"]["schemas"]["Item"]["properties"]
    assert "url" in item_schema and "url" in doc["components"]["schemas"]["ItemInput"]["properties"]
    lookbook = doc["components"]["schemas"]["Lookbook"]
    assert "url" in lookbook["properties"] and "url" in lookbook["required"]
