"""POST /api/v1/items/{sku}/images and the media it serves (RELIABILITY checklist 1-6)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from lookbook.auth.keys import create_key
from lookbook.catalog.models import CatalogState, ItemColour, ItemImage
from lookbook.images.service import ImageService
from lookbook.images.storage import KEY_RE
from tests.conftest import add_items, item
from tests.image_samples import encode, photo, png_header_only, product_shot
from tests.test_images_ingest import REFUSED

URL = "/api/v1/items/BAG-1/images"


@pytest.fixture
def key(db) -> str:
    with db.write() as session:
        return create_key(session, "uploader", secret=True)[1]


@pytest.fixture
def bag(db):
    add_items(db, item("BAG-1", colours=["navy"]))


@pytest.fixture
def media_dir(app) -> Path:
    return app.config["LOOKBOOK"].media_dir


def upload(client, key, data: bytes, *, url=URL, filename="bag.jpg", field="image",
           content_type="image/jpeg"):
    return client.post(url, headers={"Authorization": f"Bearer {key}"},
                       data={field: (io.BytesIO(data), filename, content_type)},
                       content_type="multipart/form-data")


def state(db, media_dir: Path) -> tuple:
    """Everything a refused upload must leave unchanged."""
    with db.session() as s:
        images = s.scalar(select(func.count()).select_from(ItemImage))
        colours = s.scalars(select(ItemColour.name).order_by(ItemColour.item_id, ItemColour.position)).all()
        revision = s.scalar(select(CatalogState.revision))
    files = sorted(p.name for p in media_dir.rglob("*")) if media_dir.exists() else []
    return images, tuple(colours), revision, tuple(files)


def test_upload_stores_renditions_and_offers_the_palette(client, key, bag, db, media_dir):
    shot = product_shot("red", "camel", "flap", "white", np.random.default_rng(0))
    resp = upload(client, key, encode(shot, "JPEG", quality=90))
    assert resp.status_code == 201, resp.json
    body = resp.json
    assert body["sku"] == "BAG-1"
    assert body["colours"] == [{"name": "navy", "hex": "#1f2a44"}]  # the curator's colours win
    assert body["palette"]["mode"] == "offer" and body["palette"]["applied"] is False
    assert body["palette"]["colours"][0]["name"] == "red"
    assert len(body["images"]) == 1 and body["images"][0].startswith("http://localhost/media/")  # absolute
    assert resp.headers["Location"].endswith("/api/v1/items/BAG-1")
    assert "Access-Control-Allow-Origin" not in resp.headers  # writes are never CORS-enabled
    stored = [p for p in media_dir.rglob("*") if p.is_file()]
    assert {p.name for p in stored} == {s["url"].rsplit("/", 1)[1] for s in body["image"]["sizes"]}
    assert all(KEY_RE.match(p.name) for p in stored)
    assert client.get("/api/v1/items/BAG-1").json["images"] == body["images"]


def test_palette_replace_makes_the_photo_colours_the_items(client, key, bag):
    shot = product_shot("teal", "gold", "tote", "light grey", np.random.default_rng(0))
    resp = upload(client, key, encode(shot, "PNG"), url=URL + "?palette=replace")
    assert resp.status_code == 201
    assert resp.json["palette"]["applied"] is True
    assert resp.json["colours"][0]["name"] == "teal"
    assert [c["name"] for c in resp.json["colours"]] == [c["name"] for c in resp.json["palette"]["colours"]]


@pytest.mark.parametrize("query", ["?palette=merge", "?palette=offer,replace", "?palette=,"])
def test_unknown_palette_mode_is_a_400(client, key, bag, query):
    resp = upload(client, key, encode(photo(), "PNG"), url=URL + query)
    assert resp.status_code == 400
    assert resp.json["errors"][0]["field"] == "palette"


def test_same_picture_twice_is_one_image(client, key, bag, db, media_dir):
    data = encode(photo(), "PNG")
    first = upload(client, key, data)
    assert first.status_code == 201
    before = state(db, media_dir)
    again = upload(client, key, data)
    assert again.status_code == 200
    assert again.json["image"]["created"] is False
    assert again.json["image"]["sizes"] == first.json["image"]["sizes"]
    after = state(db, media_dir)
    assert after[0] == before[0] == 1
    assert after[1] == before[1] and after[3] == before[3]  # same colours, no new file


def test_per_item_cap_gives_409_and_changes_nothing(app, client, key, bag, db, media_dir, monkeypatch):
    storage = app.extensions["lookbook.storage"]
    monkeypatch.setattr("lookbook.api.images.image_service",
                        lambda: ImageService(storage, max_images=2))
    for shade in (10, 20):
        assert upload(client, key, encode(photo(colour=(shade, 90, 90)), "PNG")).status_code == 201
    before = state(db, media_dir)
    resp = upload(client, key, encode(photo(colour=(30, 90, 90)), "PNG"))
    assert resp.status_code == 409
    assert "already has 2 photos" in resp.json["detail"]
    assert state(db, media_dir) == before


@pytest.mark.parametrize("name", list(REFUSED))
def test_refused_uploads_are_problems_and_change_nothing(client, key, bag, db, media_dir, name):
    data, expected = REFUSED[name]
    before = state(db, media_dir)
    resp = upload(client, key, data)
    assert resp.status_code == expected.status
    assert resp.mimetype == "application/problem+json"
    assert resp.json["status"] == expected.status
    assert resp.json["errors"] == [{"field": "image", "message": resp.json["detail"]}]
    assert state(db, media_dir) == before


def test_bomb_is_refused_before_decoding(client, key, bag):
    resp = upload(client, key, png_header_only(30_000, 30_000), filename="x.png")
    assert resp.status_code == 422
    assert "megapixels" in resp.json["detail"]


@pytest.mark.parametrize("filename", [
    "../../x.jpg", "a.php.jpg", "evil%00.jpg", "CON.jpg", "x" * 300 + ".jpg",
    "\u202egpj.exe", "..\\..\\windows.jpg", "/etc/passwd",
])
def test_client_file_names_are_ignored(client, key, bag, media_dir, tmp_path, filename):
    resp = upload(client, key, encode(photo(), "JPEG"), filename=filename, content_type="text/html")
    assert resp.status_code == 201
    files = [p for p in tmp_path.rglob("*") if p.is_file() and p.parent.parent == media_dir]
    assert files and all(KEY_RE.match(p.name) for p in files)
    assert not any("passwd" in str(p) or p.name == "x.jpg" for p in tmp_path.rglob("*"))


def test_over_max_content_length_is_413_problem(db, tmp_path, key, bag):
    from lookbook import create_app

    app = create_app({"instance": tmp_path / "small", "database": db, "database_url": db.url,
                      "secret_key": "test" * 10, "models_dir": tmp_path / "models", "TESTING": True,
                      "RATELIMIT_ENABLED": False, "max_upload_bytes": 50_000})
    client = app.test_client()
    media = app.config["LOOKBOOK"].media_dir
    before = state(db, media)
    resp = upload(client, key, b"\xff\xd8\xff" + b"\0" * 50_001)
    assert resp.status_code == 413
    assert resp.mimetype == "application/problem+json"
    assert state(db, media) == before


def test_five_thousand_part_form_is_413(client, key, bag, db, media_dir):
    before = state(db, media_dir)
    boundary = "lookbook-test-boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="f{i}"\r\n\r\nx\r\n'.encode()
             for i in range(5000)]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\n'
                 f"Content-Type: image/png\r\n\r\n".encode() + encode(photo(), "PNG") + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    # Built by hand: the test client would spool a body this size to an unclosed temp file.
    resp = client.post(URL, headers={"Authorization": f"Bearer {key}"}, data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")
    assert resp.status_code == 413
    assert resp.mimetype == "application/problem+json"
    assert state(db, media_dir) == before


def test_without_a_secret_key_is_401(client, bag, db, media_dir):
    before = state(db, media_dir)
    resp = client.post(URL, data={"image": (io.BytesIO(encode(photo(), "PNG")), "a.png")},
                       content_type="multipart/form-data")
    assert resp.status_code == 401
    assert state(db, media_dir) == before


def test_publishable_key_is_403(client, bag, db):
    with db.write() as session:
        public = create_key(session, "widget", secret=False)[1]
    assert upload(client, public, encode(photo(), "PNG")).status_code == 403


def test_unknown_sku_is_404(client, key):
    resp = upload(client, key, encode(photo(), "PNG"), url="/api/v1/items/NOPE/images")
    assert resp.status_code == 404
    assert resp.mimetype == "application/problem+json"


def test_missing_field_is_400(client, key, bag):
    resp = upload(client, key, encode(photo(), "PNG"), field="photo")
    assert resp.status_code == 400
    assert resp.json["errors"][0]["field"] == "image"


def test_not_multipart_is_415(client, key, bag):
    resp = client.post(URL, headers={"Authorization": f"Bearer {key}", "Content-Type": "image/png"},
                       data=encode(photo(), "PNG"))
    assert resp.status_code == 415
    assert resp.mimetype == "application/problem+json"


def test_get_is_405(client, bag):
    assert client.get(URL).status_code == 405


# --- served media -----------------------------------------------------------------------


def test_media_is_served_with_fixed_type_nosniff_and_long_cache(client, key, bag):
    body = upload(client, key, encode(photo((800, 600)), "JPEG")).json
    for size in body["image"]["sizes"]:
        resp = client.get(size["url"])
        assert resp.status_code == 200
        assert resp.mimetype == {"webp": "image/webp", "jpeg": "image/jpeg"}[size["format"]]
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        assert "immutable" in resp.headers["Cache-Control"]
        assert "max-age=31536000" in resp.headers["Cache-Control"]
        assert resp.headers["Content-Disposition"] == "inline"
        assert "sandbox" in resp.headers["Content-Security-Policy"]
        assert "script-src" not in resp.headers["Content-Security-Policy"]
        assert resp.headers.get("ETag")
        resp.close()
    url = body["image"]["sizes"][0]["url"]
    with client.get(url) as first:
        etag = first.headers["ETag"]
    with client.get(url, headers={"If-None-Match": etag}) as again:
        assert again.status_code == 304


@pytest.mark.parametrize("path", [
    "/media/" + "0" * 64 + "-320.webp",  # well formed, not stored
    "/media/..%2f..%2fsecret_key", "/media/x.svg", "/media/" + "a" * 64 + "-320.html",
    "/media/" + "a" * 64 + "-320.svg",
])
def test_unknown_or_malformed_media_is_404(client, path):
    assert client.get(path).status_code == 404


def test_uploads_at_the_same_time_keep_one_picture_once(app, key, bag, db):
    import threading

    data = encode(photo((400, 300)), "PNG")
    barrier = threading.Barrier(4)
    statuses: list[int] = []

    def send() -> None:
        client = app.test_client()
        barrier.wait()
        statuses.append(upload(client, key, data).status_code)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 200, 200, 201]
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ItemImage)) == 1
