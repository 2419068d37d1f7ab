"""POST /api/v1/events: validated batches, de-duplicated by the client's id, rolled up daily."""

import datetime as dt
import uuid

import pytest
from sqlalchemy import select

from lookbook.analytics.models import DailyCount, Event
from lookbook.auth.keys import create_key
from lookbook.catalog.revision import current_revision
from tests.conftest import add_items, item
from tests.recommend_fixtures import add_lookbook

URL = "/api/v1/events"


@pytest.fixture
def catalog(db):
    add_items(db, item("O-1", "outfit"), item("O-2", "outfit"), item("B-1"), item("B-2"))
    add_lookbook(db, "after-dark", [("O-1", "B-1"), ("O-2", "B-2")])


@pytest.fixture
def keys(db):
    with db.write() as session:
        return {"public": create_key(session, "widget", secret=False)[1],
                "secret": create_key(session, "shop server", secret=True)[1]}


def event(type_="impression", **fields):
    return {"id": uuid.uuid4().hex, "type": type_, "placement": "widget", **fields}


def post(client, *events, key=None, origin="https://shop.example", headers=None, **options):
    headers = {**({"Origin": origin} if origin else {}), **(headers or {})}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return client.post(URL, json={"events": list(events)}, headers=headers, **options)


def rollups(db):
    with db.session() as session:
        return {(r.lookbook, r.outfit, r.bag, r.placement, r.site):
                (r.impressions, r.clicks, r.add_to_carts, r.purchases)
                for r in session.scalars(select(DailyCount))}


def stored(db):
    with db.session() as session:
        return session.scalars(select(Event).order_by(Event.id)).all()


def test_a_batch_is_stored_and_rolled_up_per_pair_placement_and_site(client, db, catalog):
    resp = post(client, event(item="B-1", outfit="O-1"), event(item="B-1", outfit="O-1"),
                event("click", item="B-1", outfit="O-1"), event(item="B-2"),
                event("add_to_cart", item="B-2", placement="page"))
    assert resp.status_code == 202
    assert resp.json == {"received": 5, "stored": 5, "duplicates": 0, "ignored": []}
    assert rollups(db) == {
        ("", "O-1", "B-1", "widget", "https://shop.example"): (2, 1, 0, 0),
        ("", "", "B-2", "widget", "https://shop.example"): (1, 0, 0, 0),
        ("", "", "B-2", "page", "https://shop.example"): (0, 0, 1, 0),
    }


def test_a_resent_batch_is_counted_once(client, db, catalog):
    batch = [event(item="B-1"), event("click", item="B-1")]
    assert post(client, *batch).json["stored"] == 2
    again = post(client, *batch, event(item="B-1"))
    assert again.status_code == 202
    assert again.json == {"received": 3, "stored": 1, "duplicates": 2, "ignored": []}
    assert rollups(db) == {("", "", "B-1", "widget", "https://shop.example"): (2, 1, 0, 0)}


def test_the_same_id_twice_in_one_batch_is_one_event(client, db, catalog):
    one = event(item="B-1")
    resp = post(client, one, one)
    assert resp.json == {"received": 2, "stored": 1, "duplicates": 1, "ignored": []}
    assert len(stored(db)) == 1


def test_a_look_number_names_the_outfit_and_bag_of_that_look(client, db, catalog):
    post(client, event("click", lookbook="after-dark", look=2, placement="embed"))
    assert rollups(db) == {("after-dark", "O-2", "B-2", "embed", "https://shop.example"): (0, 1, 0, 0)}


def test_an_outfit_item_fills_the_outfit_side_of_the_pair(client, db, catalog):
    post(client, event("click", item="O-2", bag="B-1"))
    assert list(rollups(db)) == [("", "O-2", "B-1", "widget", "https://shop.example")]


def test_events_about_unknown_things_are_ignored_and_named(client, db, catalog):
    resp = post(client, event(item="B-1"), event(item="NOPE"), event(lookbook="no-such-book"),
                event(lookbook="after-dark", look=9), event(item="B-1", outfit="B-2"))
    assert resp.status_code == 202
    assert resp.json["stored"] == 1
    assert resp.json["ignored"] == [
        {"field": "events[1].item", "message": "no item with this sku"},
        {"field": "events[2].lookbook", "message": "no lookbook with this slug"},
        {"field": "events[3].look", "message": "the lookbook has 2 looks"},
        {"field": "events[4].outfit", "message": "is not an outfit"},
    ]


NOW = dt.datetime.now(dt.UTC)


@pytest.mark.parametrize("bad, field", [
    ({"id": None}, "events[0].id"),
    ({"id": "short"}, "events[0].id"),
    ({"id": "x" * 65}, "events[0].id"),
    ({"type": "view"}, "events[0].type"),
    ({"type": {}}, "events[0].type"),
    ({"placement": "newsletter"}, "events[0].placement"),
    ({"placement": None}, "events[0].placement"),
    ({"item": "B 1"}, "events[0].item"),
    ({"item": 5}, "events[0].item"),
    ({"item": "B-\ud800"}, "events[0].item"),
    ({"item": "B-1\u0085"}, "events[0].item"),
    ({"item": None, "lookbook": "After Dark"}, "events[0].lookbook"),
    ({"item": None}, "events[0].item"),
    ({"look": 1}, "events[0].lookbook"),
    ({"look": 0, "lookbook": "after-dark"}, "events[0].look"),
    ({"look": True, "lookbook": "after-dark"}, "events[0].look"),
    ({"at": (NOW + dt.timedelta(hours=1)).isoformat()}, "events[0].at"),
    ({"at": (NOW - dt.timedelta(days=8)).isoformat()}, "events[0].at"),
    ({"at": "0001-01-01T00:00:00+01:00"}, "events[0].at"),
    ({"at": "9999-12-31T23:59:59-01:00"}, "events[0].at"),
    ({"at": "2026-11-28T10:00:00"}, "events[0].at"),
    ({"at": "yesterday"}, "events[0].at"),
    ({"at": 1764324000}, "events[0].at"),
    ({"type": "add_to_cart", "item": None, "lookbook": "after-dark"}, "events[0].item"),
])
def test_invalid_events_are_refused_whole_naming_the_field(client, db, catalog, bad, field):
    good = event(item="B-1")
    resp = post(client, {**event(item="B-1"), **bad}, good)
    assert resp.status_code == 422
    assert resp.mimetype == "application/problem+json"
    assert field in [e["field"] for e in resp.json["errors"]]
    assert stored(db) == [] and rollups(db) == {}


@pytest.mark.parametrize("body, status", [
    ({"events": []}, 422), ({"events": "impression"}, 422), ({}, 422), ([], 422),
    ({"events": [event(item="B-1")] * 101}, 422), ({"events": [5]}, 422),
])
def test_malformed_batches_are_4xx(client, db, catalog, body, status):
    resp = client.post(URL, json=body)
    assert resp.status_code == status
    assert resp.mimetype == "application/problem+json"
    assert stored(db) == []


def test_a_body_over_64_kib_is_413(client, db, catalog):
    resp = client.post(URL, data='{"events": [' + " " * 70_000 + "]}", content_type="application/json")
    assert resp.status_code == 413


def test_a_recent_timestamp_is_kept_and_sets_the_day(client, db, catalog):
    at = (NOW - dt.timedelta(days=2)).replace(microsecond=0)
    post(client, event(item="B-1", at=at.isoformat().replace("+00:00", "Z")))
    (row,) = stored(db)
    assert row.day == at.date()
    assert row.at.replace(tzinfo=dt.UTC) == at


def test_purchases_need_a_secret_key(client, db, catalog, keys):
    buy = event("purchase", item="B-1")
    assert post(client, buy).status_code == 401
    forbidden = post(client, buy, key=keys["public"])
    assert forbidden.status_code == 403
    assert "secret API key" in forbidden.json["detail"]
    assert stored(db) == []
    assert post(client, buy, key=keys["secret"], origin=None).json["stored"] == 1
    assert rollups(db) == {("", "", "B-1", "widget", ""): (0, 0, 0, 1)}


def test_a_publishable_key_may_send_shopper_events_but_a_bad_key_is_401(client, db, catalog, keys):
    assert post(client, event(item="B-1"), key=keys["public"]).status_code == 202
    assert post(client, event(item="B-1"), key="lbk_p_made-up").status_code == 401


@pytest.mark.parametrize("origin, site", [
    ("HTTPS://Shop.Example", "https://shop.example"),
    ("https://shop.example:443", "https://shop.example"),
    ("http://127.0.0.1:5301", "http://127.0.0.1:5301"),
    ("null", ""), ("file://", ""), ("javascript:alert(1)", ""), ("https://" + "a" * 300, ""),
    (None, ""),
])
def test_the_site_is_the_normalised_origin(client, db, catalog, origin, site):
    post(client, event(item="B-1"), origin=origin)
    assert [r.site for r in stored(db)] == [site]


def test_nothing_about_the_shopper_is_kept(client, db, catalog):
    post(client, event(item="B-1", visitor="jane@example.com"),
         headers={"User-Agent": "Secret-Agent/1.0"}, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    with db.session() as session:
        rows = [dict(r._mapping) for r in session.execute(select(Event.__table__))]
        rows += [dict(r._mapping) for r in session.execute(select(DailyCount.__table__))]
    text = repr(rows)
    assert "B-1" in text
    for personal in ("203.0.113.9", "Secret-Agent", "jane@example.com"):
        assert personal not in text
    assert set(Event.__table__.columns.keys()) == {
        "id", "client_id", "type", "at", "day", "outfit", "bag", "lookbook", "placement", "site"}


def test_events_do_not_change_the_catalog_revision(client, db, catalog):
    with db.session() as session:
        before = current_revision(session)
    post(client, event(item="B-1"))
    with db.session() as session:
        assert current_revision(session) == before


def test_the_widget_may_post_events_from_another_origin(client, catalog, keys):
    pre = client.options(URL, headers={"Origin": "https://shop.example",
                                       "Access-Control-Request-Method": "POST",
                                       "Access-Control-Request-Headers": "authorization, content-type"})
    assert pre.headers["Access-Control-Allow-Origin"] == "*"
    assert "authorization" in pre.headers["Access-Control-Allow-Headers"].lower()
    resp = post(client, event(item="B-1"), key=keys["public"])
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in resp.headers


def _limited_app(tmp_path, db, limit):
    from lookbook import create_app

    return create_app({"instance": tmp_path, "database": db, "database_url": db.url,
                       "secret_key": "x" * 40, "TESTING": True, "events_rate_limit": limit})


def test_event_batches_are_rate_limited_per_key_and_address(tmp_path, db, catalog, keys):
    client = _limited_app(tmp_path, db, "2 per minute").test_client()

    def send(addr, key=None):
        return post(client, event(item="B-1"), key=key, environ_base={"REMOTE_ADDR": addr}).status_code

    assert [send("198.51.100.1") for _ in range(3)] == [202, 202, 429]
    assert send("198.51.100.2") == 202  # another shopper has a budget of their own
    assert send("198.51.100.1", keys["public"]) == 202  # and so does the same address with a key
    over = post(client, event(item="B-1"), environ_base={"REMOTE_ADDR": "198.51.100.1"})
    assert over.mimetype == "application/problem+json"
    assert int(over.headers["Retry-After"]) > 0
    assert client.get("/api/v1/items", environ_base={"REMOTE_ADDR": "198.51.100.1"}).status_code == 200


def test_rollup_command_recounts_from_the_stored_events(client, db, catalog, run_cli):
    post(client, event(item="B-1"), event("click", item="B-1"))
    with db.write() as session:  # a roll-up that drifted (say, restored from an old backup)
        session.execute(DailyCount.__table__.update().values(impressions=99))
    result = run_cli("rollup")
    assert result.exit_code == 0, result.output
    assert "recounted 1 roll-up rows" in result.output
    assert rollups(db) == {("", "", "B-1", "widget", "https://shop.example"): (1, 1, 0, 0)}


def test_pruning_old_events_keeps_their_rollups(client, db, catalog, run_cli):
    post(client, event(item="B-1"))
    with db.write() as session:
        session.execute(Event.__table__.update().values(day=dt.date(2020, 1, 1)))
        session.execute(DailyCount.__table__.update().values(day=dt.date(2020, 1, 1)))
    result = run_cli("rollup", "--prune-days", "30")
    assert "deleted 1 stored events" in result.output
    assert stored(db) == []
    assert rollups(db) == {("", "", "B-1", "widget", "https://shop.example"): (1, 0, 0, 0)}
    assert "no stored events" in run_cli("rollup").output
    assert run_cli("rollup", "--prune-days", "3").exit_code == 2  # would forget re-sent ids
