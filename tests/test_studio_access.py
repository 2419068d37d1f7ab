"""Every studio route: anonymous visitors go to sign-in, curators cannot manage people or
keys, admins can; every write needs the CSRF token; every page is private (no-store)."""

import pytest
from sqlalchemy import func, select

from lookbook.audit.models import AuditEntry
from lookbook.auth.keys import create_key
from lookbook.auth.models import User
from lookbook.lookbooks.models import Lookbook
from tests.conftest import add_items, item
from tests.studio_helpers import PASSWORD, Studio, make_user

ADMIN_ONLY = ("curate.people.", "curate.keys.")


@pytest.fixture
def world(app, db):
    """A catalog, a lookbook with a look, a key, a curator and an admin."""
    add_items(db, item("O-1", "outfit", name="Navy suit"), item("B-1", name="Gold micro", width_cm="9"))
    admin = make_user(db, "admin@shop.example", "admin")
    curator = make_user(db, "curator@shop.example")
    with db.write() as session:
        _row, _key = create_key(session, "widget", secret=False)
    studio = Studio(app, admin)
    resp = studio.post("/curate/lookbooks/new", {"title": "Night out"})
    assert resp.status_code == 303
    with db.session() as session:
        book = session.scalar(select(Lookbook))
    return {"admin": admin, "curator": curator, "book_id": book.id}


def _studio_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/curate"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def _url(rule, book_id):
    values = {"book_id": book_id, "sku": "B-1", "look_id": 1, "image_id": 1, "user_id": 1, "key_id": 1}
    path = rule.rule
    for name in rule.arguments:
        path = path.replace(f"<int:{name}>", str(values[name])).replace(f"<{name}>", str(values[name]))
    if "outfits" in path or "/add/" in path:
        path = path.replace("B-1", "O-1")
    return path


def test_the_studio_has_the_pages_a_stylist_needs(app):
    endpoints = {rule.endpoint for rule, _m in _studio_rules(app)}
    for needed in ("curate.home", "curate.lookbooks.edit", "curate.looks.pick", "curate.looks.order",
                   "curate.items.index", "curate.items.edit", "curate.photos.upload", "curate.rules.index",
                   "curate.outfits.show", "curate.imports.check", "curate.imports.export_everything_json",
                   "curate.audit.lookbook", "curate.audit.item", "curate.people.invite",
                   "curate.keys.create"):
        assert needed in endpoints


def test_anonymous_visitors_are_sent_to_sign_in_from_every_studio_route(app, world):
    client = app.test_client()
    for rule, method in _studio_rules(app):
        resp = client.open(_url(rule, world["book_id"]), method=method)
        assert resp.status_code == 302, (method, rule.rule, resp.status_code)
        assert resp.headers["Location"].startswith("/login"), rule.rule


def test_curators_get_403_from_people_and_keys_and_the_nav_hides_them(app, world):
    studio = Studio(app, world["curator"])
    for rule, method in _studio_rules(app):
        if rule.endpoint.startswith(ADMIN_ONLY):
            resp = studio.client.open(_url(rule, world["book_id"]), method=method,
                                      data={"csrf_token": studio.token})
            assert resp.status_code == 403, (method, rule.rule)
    home = studio.page("/curate/")
    assert "/curate/people/" not in home and "/curate/keys/" not in home


def test_every_studio_page_answers_a_curator_and_an_admin_privately(app, world):
    pages = [rule for rule, method in _studio_rules(app) if method == "GET"
             and "<" not in rule.rule.replace("<int:book_id>", "").replace("<sku>", "")]
    for who in ("curator", "admin"):
        studio = Studio(app, world[who])
        for rule in pages:
            if who == "curator" and rule.endpoint.startswith(ADMIN_ONLY):
                continue
            resp = studio.get(_url(rule, world["book_id"]))
            assert resp.status_code == 200, (who, rule.rule, resp.status_code)
            assert resp.headers["Cache-Control"] == "no-store", rule.rule


def test_every_studio_write_is_refused_without_the_csrf_token(app, world, db):
    studio = Studio(app, world["admin"])
    with db.session() as session:
        before = session.scalar(select(func.count()).select_from(AuditEntry))
    for rule, method in _studio_rules(app):
        if method == "GET":
            continue
        resp = studio.client.open(_url(rule, world["book_id"]), method=method,
                                  data={"title": "x", "version": "1", "email": "x@shop.example"})
        assert resp.status_code == 400, (method, rule.rule, resp.status_code)
        assert "expired" in resp.get_data(as_text=True)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_a_deactivated_account_is_signed_out_at_once_and_cannot_sign_in(app, world, db):
    curator = Studio(app, world["curator"])
    assert curator.get("/curate/").status_code == 200
    admin = Studio(app, world["admin"])
    with db.session() as session:
        user_id = session.scalar(select(User.id).where(User.email == world["curator"]))
    assert admin.post(f"/curate/people/{user_id}/deactivate").status_code == 303
    assert curator.get("/curate/").status_code == 302  # the open session stopped
    again = Studio(app)
    assert again.sign_in(world["curator"], PASSWORD).status_code == 401
