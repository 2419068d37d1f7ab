"""The recommendation endpoints of DESIGN §4.3: shapes, defaults and problem+json errors."""

import pytest

from tests.recommend_fixtures import add_items, bag, outfit, skus

PROBLEM = "application/problem+json"


@pytest.fixture
def catalog(db):
    add_items(
        db,
        outfit("LOOK", ["navy"], ["casual"], material="cotton"),
        *[bag(f"MINI-{i}", c, width=str(6 + 2 * i), styles=["playful"])
          for i, c in enumerate(["coral", "yellow", "pink", "orange", "teal", "red", "sky"])],
        bag("GONE", "coral", width="12", in_stock=False),
        bag("TOTE", "beige", width="40", silhouette="tote"),
        bag("CROSS", "black", width="24", silhouette="crossbody"),
    )


def test_bags_for_an_outfit_has_the_documented_shape_and_defaults(client, catalog):
    resp = client.get("/api/v1/outfits/LOOK/bags")
    assert resp.status_code == 200
    body = resp.json
    assert body["outfit"]["sku"] == "LOOK"
    assert set(body) >= {"outfit", "results", "model", "relaxed", "removed_by"}
    assert body["model"]["revision"]
    assert len(body["results"]) == 5  # limit=5 by default
    for r in body["results"]:
        assert set(r) == {"bag", "score", "reasons", "weak"}
        assert r["bag"]["size"] in ("micro", "mini")  # accents by default
        assert r["bag"]["in_stock"] is True
        assert 0 <= r["score"] <= 1 and r["reasons"] and all(isinstance(x, str) for x in r["reasons"])
    assert "GONE" not in skus(body)
    assert resp.headers.get("ETag") and resp.headers.get("X-Request-ID")


def test_size_any_and_limits(client, catalog):
    every = skus(client.get("/api/v1/outfits/LOOK/bags?size=any&in_stock=any&limit=50").json)
    assert {"TOTE", "CROSS", "GONE"} <= set(every)
    assert len(client.get("/api/v1/outfits/LOOK/bags?limit=1000").json["results"]) <= 50
    assert len(client.get("/api/v1/outfits/LOOK/bags?limit=2").json["results"]) == 2


@pytest.mark.parametrize("query", [
    "limit=0", "limit=-1", "limit=NaN", "limit=abc", "size=huge", "min_price=-5", "max_price=NaN",
    "season=monsoon", "market=mars", "market=japan,brazil", "in_stock=maybe", "material=gold",
    "sustainability=green", "tier=cheap", "min_price=50&max_price=10",
])
def test_bad_parameters_are_400_problems(client, catalog, query):
    resp = client.get(f"/api/v1/outfits/LOOK/bags?{query}")
    assert resp.status_code == 400
    assert resp.mimetype == PROBLEM
    assert resp.json["status"] == 400 and resp.json["errors"][0]["field"]


@pytest.mark.parametrize("path", [
    "/api/v1/outfits/NOPE/bags", "/api/v1/outfits/MINI-1/bags", "/api/v1/bags/NOPE/outfits",
    "/api/v1/bags/LOOK/similar", "/api/v1/outfits/NOPE/bundles",
])
def test_unknown_skus_are_404_problems(client, catalog, path):
    resp = client.get(path)
    assert resp.status_code == 404 and resp.mimetype == PROBLEM


def test_wear_it_with_similar_and_bundles_shapes(client, catalog):
    outfits = client.get("/api/v1/bags/MINI-1/outfits").json
    assert outfits["bag"]["sku"] == "MINI-1"
    assert [r["outfit"]["sku"] for r in outfits["results"]] == ["LOOK"]
    similar = client.get("/api/v1/bags/MINI-1/similar?limit=3").json
    assert len(similar["results"]) == 3 and "MINI-1" not in skus(similar)
    bundles = client.get("/api/v1/outfits/LOOK/bundles?limit=2").json
    assert len(bundles["results"]) == 2
    first = bundles["results"][0]
    assert set(first) >= {"items", "total_price", "currency", "score", "reasons"}
    assert [i["sku"] for i in first["items"]][1] in ("TOTE", "CROSS")


def test_an_adhoc_outfit_gets_bags_without_being_in_the_catalog(client, catalog):
    resp = client.post("/api/v1/recommendations/bags", json={
        "outfit": {"occasions": ["casual"], "colours": ["#1f2a44", "white"], "material": "denim"},
        "limit": 3, "exclude": ["MINI-0"], "in_stock": True,
    })
    assert resp.status_code == 200, resp.json
    body = resp.json
    assert body["outfit"]["sku"] is None and body["outfit"]["colours"][0]["name"] == "navy"
    assert len(body["results"]) == 3 and "MINI-0" not in skus(body)


@pytest.mark.parametrize(("kwargs", "status"), [
    ({"data": "[" * 100_000, "content_type": "application/json"}, 400),
    ({"data": '{"outfit": {"occasions": ["casual"], "colours": ["red"]}, "limit": NaN}',
      "content_type": "application/json"}, 400),
    ({"data": "{not json", "content_type": "application/json"}, 400),
    ({"data": "outfit=casual", "content_type": "text/plain"}, 415),
    ({"json": []}, 422),
    ({"json": {"limit": 3}}, 422),
    ({"json": {"outfit": {"occasions": ["gala"], "colours": ["red"]}}}, 422),
    ({"json": {"outfit": {"kind": "bag", "colours": ["red"]}}}, 422),
    ({"json": {"outfit": {"colours": ["red"]}, "limit": {"a": 1}}}, 422),
    ({"json": {"outfit": {"colours": ["red"]}, "limit": 0}}, 400),
])
def test_bad_bodies_are_4xx_problems(client, catalog, kwargs, status):
    resp = client.post("/api/v1/recommendations/bags", **kwargs)
    assert resp.status_code == status, resp.json
    assert resp.mimetype == PROBLEM


def test_adhoc_outfit_problems_name_the_field(client, catalog):
    resp = client.post("/api/v1/recommendations/bags", json={"outfit": {"colours": ["plaid"]}})
    assert resp.status_code == 422
    assert resp.json["errors"][0]["field"] == "outfit.colours"


def test_batch_answers_every_request_in_order(client, catalog):
    resp = client.post("/api/v1/recommendations", json={"requests": [
        {"type": "bags", "sku": "LOOK", "limit": 2},
        {"type": "similar", "sku": "MINI-2", "limit": 1},
        {"type": "outfits", "sku": "MINI-2"},
        {"type": "bundles", "sku": "LOOK", "limit": 1},
        {"type": "bags", "sku": "NOPE"},
    ]})
    assert resp.status_code == 200
    results = resp.json["results"]
    assert len(results) == 5
    assert len(results[0]["results"]) == 2 and results[0]["outfit"]["sku"] == "LOOK"
    assert results[1]["bag"]["sku"] == "MINI-2"
    assert results[2]["results"][0]["outfit"]["sku"] == "LOOK"
    assert "items" in results[3]["results"][0]
    assert results[4]["status"] == 404
    assert results[4]["type"] == "https://lookbook.example/problems/unknown-sku"


def test_a_batch_asks_for_the_model_once(app, client, catalog, monkeypatch):
    holder = app.extensions["lookbook.model_holder"]
    calls = []
    real = holder.current
    monkeypatch.setattr(holder, "current", lambda session: calls.append(1) or real(session))
    resp = client.post("/api/v1/recommendations", json={"requests": [
        {"type": "bags", "sku": "LOOK", "limit": 1},
        {"type": "similar", "sku": "MINI-2", "limit": 1},
        {"type": "outfits", "sku": "MINI-2"},
    ]})
    assert resp.status_code == 200 and len(resp.json["results"]) == 3
    assert len(calls) == 1


@pytest.mark.parametrize("body", [
    {}, {"requests": []}, {"requests": "bags"}, {"requests": [{"type": "colours", "sku": "LOOK"}]},
    {"requests": [{"type": "bags"}]}, {"requests": [1]},
    {"requests": [{"type": "bags", "sku": "LOOK"}] * 21},
])
def test_bad_batches_are_422(client, catalog, body):
    resp = client.post("/api/v1/recommendations", json=body)
    assert resp.status_code == 422 and resp.mimetype == PROBLEM


def test_readiness_reports_the_model(client, catalog):
    resp = client.get("/health/ready")
    assert resp.status_code == 200, resp.json
    assert resp.json["checks"]["model"]["ok"] is True


def test_a_configured_bundle_discount_is_shown(db, tmp_path, catalog):
    from lookbook import create_app

    app = create_app({
        "instance": tmp_path / "instance", "database": db, "database_url": db.url,
        "secret_key": "test-secret-key-not-for-production", "models_dir": tmp_path / "models",
        "TESTING": True, "RATELIMIT_ENABLED": False, "bundle_discount_percent": "10",
    })
    bundle = app.test_client().get("/api/v1/outfits/LOOK/bundles?limit=1").json["results"][0]
    from decimal import Decimal

    total = Decimal(bundle["total_price"])
    discount = bundle["discount"]
    assert discount["percent"] == "10"
    assert Decimal(discount["amount"]) == (total / 10).quantize(Decimal("0.01"))
    assert Decimal(discount["total_after_discount"]) == total - Decimal(discount["amount"])


def test_an_empty_answer_names_the_filter_that_removed_everything(client, catalog):
    body = client.get("/api/v1/outfits/LOOK/bags?max_price=1").json
    assert body["results"] == [] and body["removed_by"] == ["max_price"]
    exotic = client.get("/api/v1/outfits/LOOK/bags?material=exotic&season=winter").json
    assert exotic["results"] == [] and exotic["removed_by"] == ["material", "season"]
    assert client.get("/api/v1/outfits/LOOK/bundles?max_price=1").json["removed_by"] == ["max_price"]
    assert client.get("/api/v1/outfits/LOOK/bags").json["removed_by"] == []


def test_in_stock_false_and_any_are_documented():
    from lookbook.api.openapi import document

    params = document()["paths"]["/api/v1/outfits/{sku}/bags"]["get"]["parameters"]
    in_stock = next(p for p in params if p["name"] == "in_stock")
    assert in_stock["schema"]["enum"] == ["true", "false", "any"]
    assert "only items that are out of stock" in in_stock["description"]
    assert "no stock filter" in in_stock["description"]
    scored = document()["components"]["schemas"]["Scored"]["properties"]
    assert scored["weak"]["type"] == "boolean"

