"""Faults are answered by their cause on SQLite and PostgreSQL: the caller's bad value is a
422, a conflict a 409, an outage a 503 with Retry-After, a full media disk a 507 with
nothing half-written (RELIABILITY (b) 43-45, 48)."""

from __future__ import annotations

import errno
import io
import json
import os

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DataError, ProgrammingError

from lookbook.auth.keys import create_key
from lookbook.catalog import records
from lookbook.catalog.models import Item, ItemImage
from lookbook.database import Database
from lookbook.images import storage as storage_mod
from tests.conftest import PG_URL, add_items, item
from tests.image_samples import encode, photo


@pytest.fixture
def key(db):
    with db.write() as session:
        return create_key(session, "writer", secret=True)[1]


def _post(client, path, body, key):
    return client.post(path, data=json.dumps(body), content_type="application/json",
                       headers={"Authorization": f"Bearer {key}"})


def _count(db, model=Item):
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_a_value_too_long_for_its_column_is_a_422_not_an_outage(client, db, key, monkeypatch):
    monkeypatch.setattr(records, "MAX_TAG", 10_000)  # let it past the policy to the database
    if not PG_URL:  # SQLite stores any length; make the write refuse the way PostgreSQL does
        def refuse(*_a, **_k):
            raise DataError("INSERT INTO item_tags", {}, Exception("value too long"))

        monkeypatch.setattr("lookbook.catalog.changes.upsert_records", refuse)
    resp = _post(client, "/api/v1/items", item("B-1", sustainability=["certified:" + "X" * 300]), key)
    assert resp.status_code == 422
    assert resp.mimetype == "application/problem+json"
    assert "Retry-After" not in resp.headers
    assert _count(db) == 0


def test_nul_reaching_postgresql_is_a_422_not_database_not_reachable(client, db, monkeypatch):
    monkeypatch.setattr("lookbook.server.inbound.problem_in", lambda *_a, **_k: None)
    monkeypatch.setattr("lookbook.server.inbound.valid_sku", lambda value: value)
    resp = client.get("/api/v1/items/B%00-1")
    # PostgreSQL refuses NUL in text (a data error); SQLite simply finds nothing.
    assert resp.status_code == (422 if PG_URL else 404)
    assert "not reachable" not in resp.get_data(as_text=True)


def test_a_unique_violation_is_a_409_conflict(client, db, key, monkeypatch):
    add_items(db, item("B-1"))
    # Two writers racing past the existence check: the database's unique index decides.
    monkeypatch.setattr("lookbook.api.item_writes.get_item", lambda *_a, **_k: None)
    monkeypatch.setattr("lookbook.catalog.store.fetch_records", lambda *_a, **_k: {})
    resp = _post(client, "/api/v1/items", item("B-1", name="Second writer"), key)
    assert resp.status_code == 409
    assert resp.json["title"] == "Conflict"
    assert "Retry-After" not in resp.headers
    assert _count(db) == 1


def test_a_dead_database_is_a_503_with_retry_after(tmp_path):
    from lookbook import create_app

    url = ("postgresql+psycopg://postgres@127.0.0.1:1/nowhere" if PG_URL
           else f"sqlite:///{tmp_path / 'missing' / 'dir' / 'x.db'}")
    dead = Database(url)
    app = create_app({"instance": tmp_path / "i", "database": dead, "database_url": url,
                      "secret_key": "k" * 40, "TESTING": True, "RATELIMIT_ENABLED": False})
    client = app.test_client()
    resp = client.get("/api/v1/items")
    assert resp.status_code == 503
    assert int(resp.headers["Retry-After"]) > 0
    assert "not reachable" in resp.json["detail"]
    page = client.get("/")
    assert page.status_code == 503 and page.mimetype == "text/html"
    assert client.get("/health/ready").status_code == 503
    dead.dispose()


def test_any_other_database_error_is_our_500_without_retry_after(client, monkeypatch):
    def broken(*_a, **_k):
        raise ProgrammingError("SELECT", {}, Exception("syntax error"))

    monkeypatch.setattr("lookbook.api.items.search_items", broken)
    resp = client.get("/api/v1/items")
    assert resp.status_code == 500
    assert "Retry-After" not in resp.headers
    assert "syntax" not in resp.get_data(as_text=True)


# --- media storage ----------------------------------------------------------------------------

def _upload(client, key, data):
    return client.post("/api/v1/items/B-1/images", headers={"Authorization": f"Bearer {key}"},
                       data={"image": (io.BytesIO(data), "bag.jpg", "image/jpeg")},
                       content_type="multipart/form-data")


def _fail_writes_after(monkeypatch, good_writes: int, code: int):
    real = os.fdopen
    calls = {"n": 0}

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data):
            raise OSError(code, os.strerror(code))

    def fdopen(fd, mode="r", *args, **kwargs):
        fh = real(fd, mode, *args, **kwargs)
        calls["n"] += 1
        return fh if calls["n"] <= good_writes else Full(fh)

    monkeypatch.setattr(storage_mod.os, "fdopen", fdopen)


def _media_files(app):
    root = app.config["LOOKBOOK"].media_dir
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.parametrize(("code", "status"), [(errno.ENOSPC, 507), (errno.EDQUOT, 507),
                                              (errno.EROFS, 503)])
def test_a_full_or_read_only_media_disk_stores_nothing(app, client, db, key, monkeypatch, code, status):
    add_items(db, item("B-1"))
    _fail_writes_after(monkeypatch, good_writes=1, code=code)  # the second rendition fails
    resp = _upload(client, key, encode(photo((400, 300)), "JPEG"))
    assert resp.status_code == status
    assert resp.mimetype == "application/problem+json"
    assert ("Retry-After" in resp.headers) == (status == 503)
    assert _media_files(app) == []  # neither renditions nor temporary parts are left
    assert _count(db, ItemImage) == 0
