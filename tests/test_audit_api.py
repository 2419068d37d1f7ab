"""Every secret-key write leaves an entry in the audit trail: who, what, before and after."""

import io

import numpy as np
import pytest
from sqlalchemy import select

from lookbook.audit.models import AuditEntry
from lookbook.audit.trail import entries
from lookbook.auth.keys import create_key
from tests.conftest import add_items, item
from tests.image_samples import encode, product_shot


@pytest.fixture
def auth(db):
    with db.write() as session:
        _row, secret = create_key(session, "cms", secret=True)
    return {"Authorization": f"Bearer {secret}"}


def _trail(db, sku=None):
    with db.session() as session:
        rows, _total = entries(session, sku=sku)
        return [(r.action, r.actor, r.before, r.after) for r in reversed(rows)]


def test_create_replace_and_delete_are_recorded_with_before_and_after(client, auth, db):
    client.post("/api/v1/items", json=item("B-1", name="Coral micro"), headers=auth)
    client.put("/api/v1/items/B-1", json=item("B-1", name="Coral micro bag"), headers=auth)
    client.put("/api/v1/items/B-1", json=item("B-1", name="Coral micro bag"), headers=auth)  # no change
    client.delete("/api/v1/items/B-1", headers=auth)
    trail = _trail(db, "B-1")
    assert [t[0] for t in trail] == ["item.create", "item.update", "item.delete"]
    assert {t[1] for t in trail} == {"API key 'cms'"}
    assert trail[0][2] is None and trail[0][3]["name"] == "Coral micro"
    assert trail[1][2]["name"] == "Coral micro" and trail[1][3]["name"] == "Coral micro bag"
    assert trail[2][2]["name"] == "Coral micro bag" and trail[2][3] is None


def test_an_api_import_is_one_entry_with_its_counts(client, auth, db):
    add_items(db, item("B-1"))
    resp = client.post("/api/v1/items/import", json=[item("B-1"), item("B-2")], headers=auth)
    assert resp.status_code == 200
    with db.session() as session:
        rows = session.scalars(select(AuditEntry)).all()
    assert [r.action for r in rows] == ["import"]
    assert rows[0].after["created"] == 1 and rows[0].after["unchanged"] == 1
    client.post("/api/v1/items/import?dry_run=true", json=[item("B-3")], headers=auth)
    with db.session() as session:
        assert len(session.scalars(select(AuditEntry)).all()) == 1


def test_a_photo_upload_is_recorded_on_the_item(client, auth, db):
    add_items(db, item("B-1"))
    data = encode(product_shot("red", "camel", "flap", "white", np.random.default_rng(0)), "JPEG")
    resp = client.post("/api/v1/items/B-1/images", headers=auth,
                       data={"image": (io.BytesIO(data), "bag.jpg")})
    assert resp.status_code == 201
    trail = _trail(db, "B-1")
    assert [t[0] for t in trail] == ["item.photo"]
    assert trail[0][3]["palette"]
