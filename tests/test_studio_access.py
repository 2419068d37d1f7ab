"""Every studio route: anonymous visitors go to sign-in, curators cannot manage people or
keys, admins can; every write needs the CSRF token; every page is private (no-store)."""

import pytest
from sqlalchemy import func, select

from lookbook.audit.models import AuditEntry
from lookbook.auth.keys import create_key
from lookbook.auth.models import ApiKey, User
from lookbook.lookbooks.models import Lookbook
from tests.conftest import add_items, item
from tests.studio_helpers import PASSWORD, Studio, make_user

ADMIN_ONLY = ("curate.people.", "curate.keys.")
# Writes that remove what the routes after them need (their own tests cover them).
ENDS_THE_WORLD = ("curate.people.deactivate", "curate.items.delete", "curate.lookbooks.delete")


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
    pages = [rule for rule, method in _studio_rules(app) if method == "GET"]  # every one: none skipped
    assert len(pages) >= 17
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


def test_every_studio_write_lets_its_role_in_and_never_fails_with_a_500(app, world, db):
    """With the CSRF token, a curator reaches every write but people and keys, an admin all."""
    with db.session() as session:
        ids = {"user_id": session.scalar(select(User.id).where(User.email == world["curator"]))}
    writes = [(rule, method) for rule, method in _studio_rules(app) if method != "GET"]
    assert len(writes) >= 25
    for who in ("curator", "admin"):
        studio = Studio(app, world[who])
        for rule, method in writes:
            if who == "curator" and rule.endpoint.startswith(ADMIN_ONLY):
                continue
            if rule.endpoint in ENDS_THE_WORLD:
                continue
            path = _url(rule, world["book_id"]).replace("/people/1/", f"/people/{ids['user_id']}/")
            resp = studio.client.open(path, method=method, data={
                "csrf_token": studio.token, "title": "Night out", "version": "1", "note": "x",
                "direction": "down", "rule": "pin|B-1", "outfit": "O-1", "email": "new@shop.example",
                "role": "curator", "name": "widget", "kind": "publishable"})
            assert resp.status_code < 500, (who, method, rule.rule, resp.status_code)
            assert resp.status_code not in (302, 403), (who, method, rule.rule, resp.status_code)


def test_people_and_key_changes_are_in_the_audit_trail(app, world, db):
    admin = Studio(app, world["admin"])
    with db.session() as session:
        curator_id = session.scalar(select(User.id).where(User.email == world["curator"]))
    admin.post("/curate/people/", {"email": "nia@shop.example", "role": "curator"})
    admin.post(f"/curate/people/{curator_id}/role", {"role": "admin"})
    admin.post(f"/curate/people/{curator_id}/deactivate")
    admin.post("/curate/keys/", {"name": "Storefront", "kind": "secret"})
    with db.session() as session:
        key_id = session.scalar(select(ApiKey.id).where(ApiKey.name == "Storefront"))
    admin.post(f"/curate/keys/{key_id}/revoke")
    with db.session() as session:
        rows = session.execute(select(AuditEntry.action, AuditEntry.actor, AuditEntry.summary)
                               .order_by(AuditEntry.id)).all()
    people_keys = [(a, who) for a, who, _s in rows if a.startswith(("user.", "key."))]
    assert people_keys == [("user.invite", world["admin"]), ("user.role", world["admin"]),
                           ("user.deactivate", world["admin"]), ("key.create", world["admin"]),
                           ("key.revoke", world["admin"])]
    trail = admin.page("/curate/audit")
    assert "Invited nia@shop.example as curator" in trail and "Storefront" in trail
