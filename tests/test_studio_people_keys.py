"""People and API keys (admins only): invitations, roles, deactivation, keys shown once."""

import re

import pytest
from sqlalchemy import select

from lookbook.auth.keys import hash_key
from lookbook.auth.models import ApiKey, User
from tests.conftest import add_items, item
from tests.studio_helpers import PASSWORD, Studio, make_user


@pytest.fixture
def admin(app, db):
    return Studio(app, make_user(db, "admin@shop.example", "admin"))


def _user_id(db, email):
    with db.session() as session:
        return session.scalar(select(User.id).where(User.email == email))


def test_an_invitation_link_lets_a_new_curator_choose_a_password_once(app, db, admin):
    resp = admin.post("/curate/people/", {"email": "Nia@Shop.example", "role": "curator"})
    assert resp.status_code == 201
    link = re.search(r'value="(http://localhost/welcome/[^"]+)"', resp.get_data(as_text=True)).group(1)
    path = link.removeprefix("http://localhost")
    assert Studio(app).sign_in("nia@shop.example", PASSWORD).status_code == 401  # no password yet
    guest = Studio(app)
    page = guest.get(path).get_data(as_text=True)
    assert "nia@shop.example" in page
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    short = guest.client.post(path, data={"password": "short", "confirm": "short", "csrf_token": token})
    assert short.status_code == 400 and 'id="f-password-error"' in short.get_data(as_text=True)
    done = guest.client.post(path, data={"password": PASSWORD, "confirm": PASSWORD, "csrf_token": token})
    assert done.status_code == 303
    assert guest.client.get(path).status_code == 404  # used once
    assert Studio(app).sign_in("nia@shop.example").status_code == 302


def test_invitations_are_validated_and_unique(admin, db):
    resp = admin.post("/curate/people/", {"email": "not an email", "role": "boss"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400 and 'href="#f-email"' in page and 'href="#f-role"' in page
    admin.post("/curate/people/", {"email": "nia@shop.example", "role": "curator"})
    again = admin.post("/curate/people/", {"email": "nia@shop.example", "role": "curator"})
    assert again.status_code == 400 and "already exists" in again.get_data(as_text=True)


def test_roles_change_at_once_and_the_last_admin_stays_an_admin(app, db, admin):
    curator = Studio(app, make_user(db, "cy@shop.example"))
    assert curator.get("/curate/people/").status_code == 403
    admin.post(f"/curate/people/{_user_id(db, 'cy@shop.example')}/role", {"role": "admin"})
    assert curator.get("/curate/people/").status_code == 200
    me = _user_id(db, "admin@shop.example")
    resp = admin.post(f"/curate/people/{_user_id(db, 'cy@shop.example')}/role", {"role": "curator"},
                      follow_redirects=True)
    assert "is now curator" in resp.get_data(as_text=True)
    resp = admin.post(f"/curate/people/{me}/role", {"role": "curator"}, follow_redirects=True)
    assert "last admin" in resp.get_data(as_text=True)
    resp = admin.post(f"/curate/people/{me}/deactivate", follow_redirects=True)
    assert "cannot deactivate your own account" in resp.get_data(as_text=True)
    with db.session() as session:
        assert session.get(User, me).role == "admin" and session.get(User, me).active


def test_a_key_is_shown_once_stored_hashed_records_its_use_and_can_be_revoked(app, db, admin, client):
    add_items(db, item("B-1"))
    resp = admin.post("/curate/keys/", {"name": "CMS sync", "kind": "secret"})
    assert resp.status_code == 201
    shown = re.search(r'id="new-key" type="text" readonly value="([^"]+)"', resp.get_data(as_text=True))
    key = shown.group(1)
    assert key not in admin.page("/curate/keys/")  # never shown again
    with db.session() as session:
        row = session.scalar(select(ApiKey).where(ApiKey.name == "CMS sync"))
        assert row.key_hash == hash_key(key) and row.secret
    assert "Never" in admin.page("/curate/keys/")
    auth = {"Authorization": f"Bearer {key}"}
    assert client.get("/api/v1/rules", headers=auth).status_code == 200
    assert "Never" not in admin.page("/curate/keys/")
    admin.post(f"/curate/keys/{row.id}/revoke")
    assert client.get("/api/v1/rules", headers=auth).status_code == 401
    bad = admin.post("/curate/keys/", {"name": "", "kind": "master"})
    assert bad.status_code == 400 and 'href="#f-name"' in bad.get_data(as_text=True)
