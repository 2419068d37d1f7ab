"""Staff sign-in: CSRF, wrong passwords, safe redirects, revocation on logout."""

import re

import pytest

from lookbook.auth.users import create_user
from tests.conftest import add_items, item

PASSWORD = "a long enough password"


@pytest.fixture
def staff(db):
    with db.write() as session:
        create_user(session, "curator@shop.example", PASSWORD)
    return "curator@shop.example"


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def _token(client, path="/login"):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def _login(client, email, password, next_=None):
    url = "/login" + (f"?next={next_}" if next_ else "")
    return client.post(url, data={"email": email, "password": password,
                                  "csrf_token": _token(client)})


def test_curate_needs_sign_in(client):
    resp = client.get("/curate/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_sign_in_shows_the_catalog_and_lookbooks(csrf_app, db, staff):
    add_items(db, item("B-1", name="Gold chain micro"), item("O-1", "outfit", name="Navy suit"))
    client = csrf_app.test_client()
    resp = _login(client, staff, PASSWORD)
    assert resp.status_code == 302 and resp.headers["Location"] == "/curate/"
    page = client.get("/curate/items/?q=gold").get_data(as_text=True)
    assert "Gold chain micro" in page and "Navy suit" not in page
    assert "1 item matching" in page


def test_search_treats_like_wildcards_literally(csrf_app, db, staff):
    add_items(db, item("B-1", name="50% off tote"), item("B-2", name="Plain tote"))
    client = csrf_app.test_client()
    _login(client, staff, PASSWORD)
    page = client.get("/curate/items/?q=%25").get_data(as_text=True)
    assert "50% off tote" not in page and "Plain tote" not in page
    page = client.get("/curate/items/?q=50%25").get_data(as_text=True)
    assert "50% off tote" in page and "Plain tote" not in page


def test_wrong_password_is_refused_with_a_generic_message(csrf_app, staff):
    client = csrf_app.test_client()
    resp = _login(client, staff, "not the password")
    assert resp.status_code == 401
    assert "do not match an account" in resp.get_data(as_text=True)
    assert _login(client, "nobody@shop.example", PASSWORD).status_code == 401
    assert client.get("/curate/").status_code == 302


def test_a_post_without_csrf_token_is_refused(csrf_app, staff):
    client = csrf_app.test_client()
    resp = client.post("/login", data={"email": staff, "password": PASSWORD})
    assert resp.status_code == 400
    assert client.get("/curate/").status_code == 302


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_next_must_stay_on_this_site(csrf_app, staff, target):
    resp = _login(csrf_app.test_client(), staff, PASSWORD, next_=target)
    assert resp.headers["Location"] == "/curate/"


def test_logout_revokes_the_old_session_cookie(csrf_app, staff):
    client = csrf_app.test_client()
    _login(client, staff, PASSWORD)
    name = "__Host-session" if client.get_cookie("__Host-session") else "session"  # production: prefixed
    stolen = client.get_cookie(name).value
    token = _token(client, "/curate/")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    thief = csrf_app.test_client()
    thief.set_cookie(name, stolen)
    assert thief.get("/curate/").status_code == 302


def test_session_cookie_is_httponly_and_samesite(csrf_app, staff):
    client = csrf_app.test_client()
    resp = _login(client, staff, PASSWORD)
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_login_is_rate_limited(tmp_path, db, staff):
    from lookbook import create_app

    app = create_app({"instance": tmp_path / "i", "database": db, "database_url": db.url,
                      "secret_key": "x" * 40, "TESTING": True, "WTF_CSRF_ENABLED": False})
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    codes = [client.post("/login", data={"email": staff, "password": "wrong"}).status_code
             for _ in range(12)]
    assert codes[:10] == [401] * 10
    assert codes[-1] == 429
