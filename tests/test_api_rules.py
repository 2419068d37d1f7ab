"""Curator rules through the API: secret key, validation, and the very next answer follows them."""

import pytest
from sqlalchemy import func, select

from lookbook.audit.models import AuditEntry
from lookbook.auth.keys import create_key
from lookbook.auth.models import ApiKey
from lookbook.catalog.models import CurationRule
from tests.recommend_fixtures import add_items, bag, outfit, skus

PROBLEM = "application/problem+json"


@pytest.fixture
def catalog(db):
    add_items(
        db,
        outfit("LOOK", ["navy"], ["casual"], material="cotton"),
        outfit("OTHER", ["black"], ["evening"]),
        *[bag(f"MINI-{i}", c, width=str(6 + 2 * i), styles=["playful"])
          for i, c in enumerate(["coral", "yellow", "pink", "orange", "teal", "red", "sky"])],
    )


@pytest.fixture
def keys(db):
    with db.write() as session:
        _row, secret = create_key(session, "cms", secret=True)
        _row, public = create_key(session, "widget", secret=False)
    return {"secret": {"Authorization": f"Bearer {secret}"},
            "public": {"Authorization": f"Bearer {public}"}}


def _bags(client, outfit_sku="LOOK", query="limit=7"):
    return skus(client.get(f"/api/v1/outfits/{outfit_sku}/bags?{query}").json)


def test_rules_need_a_secret_key(client, catalog, keys):
    body = {"action": "hide", "bag": "MINI-1", "outfit": "LOOK"}
    # No key or an unknown one: 401; a publishable key is known but may not: 403.
    for headers, status in (({}, 401), ({"Authorization": "Bearer lbk_s_nope"}, 401),
                            (keys["public"], 403)):
        for resp in (client.get("/api/v1/rules", headers=headers),
                     client.post("/api/v1/rules", json=body, headers=headers),
                     client.delete("/api/v1/rules?bag=MINI-1&outfit=LOOK", headers=headers)):
            assert resp.status_code == status and resp.mimetype == PROBLEM


def test_a_hide_changes_the_next_answer_and_removing_it_brings_the_bag_back(client, catalog, keys):
    first = _bags(client)
    target = first[0]
    resp = client.post("/api/v1/rules", json={"action": "hide", "bag": target, "outfit": "LOOK"},
                       headers=keys["secret"])
    assert resp.status_code == 201
    assert resp.json["action"] == "hide" and resp.json["bag"] == target and resp.json["outfit"] == "LOOK"
    assert target not in _bags(client)
    assert target in _bags(client, "OTHER", "limit=7&size=any")  # only for this outfit
    assert client.delete(f"/api/v1/rules?bag={target}&outfit=LOOK",
                         headers=keys["secret"]).status_code == 204
    assert _bags(client)[0] == target


def test_a_pin_comes_first_and_replaces_a_hide_of_the_same_pair(client, catalog, keys):
    last = _bags(client)[-1]
    hide = {"action": "hide", "bag": last, "outfit": "LOOK"}
    assert client.post("/api/v1/rules", json=hide, headers=keys["secret"]).status_code == 201
    pin = {**hide, "action": "pin"}
    resp = client.post("/api/v1/rules", json=pin, headers=keys["secret"])
    assert resp.status_code == 200  # the pair's rule changed
    assert _bags(client)[0] == last
    listed = client.get("/api/v1/rules", headers=keys["secret"]).json
    assert listed["total"] == 1 and listed["rules"][0]["action"] == "pin"
    assert client.post("/api/v1/rules", json=pin, headers=keys["secret"]).status_code == 200


def test_hide_everywhere_removes_the_bag_from_every_answer_and_wins_over_a_pin(client, catalog, keys, db):
    target = _bags(client)[0]
    client.post("/api/v1/rules", json={"action": "pin", "bag": target, "outfit": "OTHER"},
                headers=keys["secret"])
    resp = client.post("/api/v1/rules", json={"action": "hide", "bag": target, "outfit": None},
                       headers=keys["secret"])
    assert resp.status_code == 201 and resp.json["outfit"] is None
    assert target not in _bags(client)
    assert target not in _bags(client, "OTHER", "limit=7&size=any")
    adhoc = client.post("/api/v1/recommendations/bags",
                        json={"outfit": {"colours": ["navy"], "occasions": ["casual"]}, "limit": 7})
    assert target not in skus(adhoc.json)
    similar = client.get("/api/v1/bags/MINI-6/similar?limit=7").json
    assert target not in skus(similar)
    # one global rule per bag, even on PostgreSQL where NULLs are distinct in a unique key
    again = client.post("/api/v1/rules", json={"action": "hide", "bag": target}, headers=keys["secret"])
    assert again.status_code == 200
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(CurationRule)
                              .where(CurationRule.outfit_id.is_(None))) == 1
    listed = client.get("/api/v1/rules?outfit=OTHER", headers=keys["secret"]).json
    assert [r["action"] for r in listed["rules"]] == ["pin"]
    assert client.delete(f"/api/v1/rules?bag={target}", headers=keys["secret"]).status_code == 204
    assert _bags(client, "OTHER", "limit=7&size=any")[0] == target


@pytest.mark.parametrize("body, field", [
    ({"action": "pin", "bag": "MINI-1"}, "outfit"),  # only hides apply everywhere
    ({"action": "like", "bag": "MINI-1", "outfit": "LOOK"}, "action"),
    ({"action": "hide", "outfit": "LOOK"}, "bag"),
    ({"action": "hide", "bag": "NOPE", "outfit": "LOOK"}, "bag"),
    ({"action": "hide", "bag": "LOOK", "outfit": "LOOK"}, "bag"),  # an outfit is not a bag
    ({"action": "hide", "bag": "MINI-1", "outfit": "MINI-2"}, "outfit"),
    ({"action": "hide", "bag": "MINI-1", "outfit": ""}, "outfit"),
    ({"action": "hide", "bag": ["MINI-1"]}, "bag"),
    ({"action": "hide", "bag": "MINI-1", "colour": "red"}, "colour"),
])
def test_bad_rules_are_422_and_change_nothing(client, catalog, keys, db, body, field):
    resp = client.post("/api/v1/rules", json=body, headers=keys["secret"])
    assert resp.status_code == 422 and resp.mimetype == PROBLEM
    assert field in {e["field"] for e in resp.json["errors"]}
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(CurationRule)) == 0


def test_deleting_a_missing_rule_is_404_and_bag_is_required(client, catalog, keys):
    resp = client.delete("/api/v1/rules?bag=MINI-1&outfit=LOOK", headers=keys["secret"])
    assert resp.status_code == 404 and resp.mimetype == PROBLEM
    assert client.delete("/api/v1/rules", headers=keys["secret"]).status_code == 400


def test_rule_writes_are_never_cors_enabled_and_never_cached(client, catalog, keys):
    resp = client.post("/api/v1/rules", json={"action": "hide", "bag": "MINI-1"},
                       headers={**keys["secret"], "Origin": "https://shop.example"})
    assert "Access-Control-Allow-Origin" not in resp.headers
    listed = client.get("/api/v1/rules", headers={**keys["secret"], "Origin": "https://shop.example"})
    assert "Access-Control-Allow-Origin" not in listed.headers
    assert listed.headers["Cache-Control"] == "no-store"


def test_rule_writes_are_in_the_audit_trail_with_before_and_after(client, catalog, keys, db):
    client.post("/api/v1/rules", json={"action": "hide", "bag": "MINI-1", "outfit": "LOOK"},
                headers=keys["secret"])
    client.post("/api/v1/rules", json={"action": "pin", "bag": "MINI-1", "outfit": "LOOK"},
                headers=keys["secret"])
    client.delete("/api/v1/rules?bag=MINI-1&outfit=LOOK", headers=keys["secret"])
    with db.session() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [r.action for r in rows] == ["rule.set", "rule.set", "rule.delete"]
    assert {r.actor for r in rows} == {"API key 'cms'"}
    assert rows[1].before == {"action": "hide", "bag": "MINI-1", "outfit": "LOOK"}
    assert rows[1].after == {"action": "pin", "bag": "MINI-1", "outfit": "LOOK"}
    assert rows[2].sku == "MINI-1" and rows[2].other_sku == "LOOK"


def test_a_key_records_when_it_was_last_used(client, catalog, keys, db):
    with db.session() as session:
        assert session.scalar(select(ApiKey.last_used_at).where(ApiKey.name == "cms")) is None
    client.get("/api/v1/rules", headers=keys["secret"])
    with db.session() as session:
        assert session.scalar(select(ApiKey.last_used_at).where(ApiKey.name == "cms")) is not None


@pytest.mark.parametrize("bag", ["MINI\t1", "MINI 1", "\u202eMINI-1", "x" * 65])
def test_a_rule_naming_a_bag_no_sku_can_be_is_a_422_naming_the_field(client, catalog, keys, bag):
    resp = client.post("/api/v1/rules", json={"action": "hide", "bag": bag}, headers=keys["secret"])
    assert resp.status_code == 422 and resp.mimetype == PROBLEM
    assert [e["field"] for e in resp.json["errors"]] == ["bag"]
