"""Public API answers are the same for everyone: no session cookie read, set or varied on."""

import re

import pytest

from lookbook.auth.users import create_user
from tests.conftest import add_items, item

PASSWORD = "a long enough password"


@pytest.fixture
def signed_in(client, db):
    """A client holding a staff session cookie."""
    with db.write() as session:
        create_user(session, "curator@shop.example", PASSWORD)
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    resp = client.post("/login", data={"email": "curator@shop.example", "password": PASSWORD,
                                       "csrf_token": token})
    assert resp.status_code == 302
    return client


@pytest.mark.parametrize("path", ["/api/v1/items", "/api/v1/items/B-1", "/api/v1/lookbooks",
                                  "/api/v1/openapi.json", "/health/live"])
def test_public_answers_never_vary_on_cookie(signed_in, db, path):
    add_items(db, item("B-1"))
    resp = signed_in.get(path)
    assert resp.status_code == 200
    assert "Cookie" not in resp.headers.get("Vary", "")
    assert "Set-Cookie" not in resp.headers


def test_pages_still_keep_the_staff_session(signed_in):
    resp = signed_in.get("/curate/")
    assert resp.status_code == 200
    assert "Cookie" in resp.headers.get("Vary", "")
