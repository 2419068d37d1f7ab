"""GET /api/v1/items and /api/v1/items/{sku}: filters, pagination, problems, caching."""

import pytest

from tests.conftest import add_items, item


@pytest.fixture
def catalog(db):
    add_items(
        db,
        item("O-1", "outfit", colours=["navy"], occasions=["business"], seasons=["autumn"],
             price="300", material="wool"),
        item("B-MICRO", colours=["gold", "black"], styles=["metallic"], occasions=["evening"],
             width_cm="8", silhouette="chain", price="250", material="lambskin",
             seasons=["holiday"], sustainability=[]),
        item("B-MINI", colours=["coral"], occasions=["casual"], width_cm="15", price="80",
             material="vegan leather", seasons=["spring", "summer"], sustainability=["vegan"]),
        item("B-STD", colours=["camel"], occasions=["business"], width_cm="25", silhouette="tote",
             price="420", material="calfskin", seasons=["autumn"], in_stock=False),
        item("B-BIG", colours=["black"], occasions=["travel"], width_cm="40", silhouette="tote",
             price="150", material="canvas", seasons=["summer"]),
    )


def _skus(resp):
    assert resp.status_code == 200, resp.json
    return [i["sku"] for i in resp.json["items"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["B-BIG", "B-MICRO", "B-MINI", "B-STD", "O-1"]),
        ("kind=outfit", ["O-1"]),
        ("kind=bag&occasion=evening", ["B-MICRO"]),
        ("occasion=business", ["B-STD", "O-1"]),
        ("colour=black", ["B-BIG", "B-MICRO"]),
        ("material=vegan/plant-based", ["B-MINI"]),
        ("material=calfskin,canvas", ["B-BIG", "B-STD"]),
        ("size=micro,mini", ["B-MICRO", "B-MINI"]),
        ("season=summer", ["B-BIG", "B-MINI"]),
        ("min_price=150&max_price=300", ["B-BIG", "B-MICRO", "O-1"]),
        ("kind=bag&max_price=100", ["B-MINI"]),
        ("sustainability=vegan", ["B-MINI"]),
        ("in_stock=false", ["B-STD"]),
        ("kind=bag&size=micro&colour=coral", []),
    ],
)
def test_filters_select_the_matching_items(client, catalog, query, expected):
    assert _skus(client.get(f"/api/v1/items?{query}")) == expected


def test_pagination_pages_through_every_item_once(client, catalog):
    first = client.get("/api/v1/items?per_page=2").json
    second = client.get("/api/v1/items?per_page=2&page=2").json
    third = client.get("/api/v1/items?per_page=2&page=3").json
    assert (first["total"], first["page"], first["per_page"]) == (5, 1, 2)
    seen = [i["sku"] for page in (first, second, third) for i in page["items"]]
    assert seen == ["B-BIG", "B-MICRO", "B-MINI", "B-STD", "O-1"]
    assert client.get("/api/v1/items?page=4&per_page=2").json["items"] == []


def test_per_page_is_capped_at_the_maximum(client, catalog):
    assert client.get("/api/v1/items?per_page=1000000000").json["per_page"] == 100


def test_an_item_has_the_documented_shape(client, catalog):
    bag = client.get("/api/v1/items/B-MICRO").json
    assert bag["colours"] == [{"name": "gold", "hex": "#d4af37"}, {"name": "black", "hex": "#1a1a1a"}]
    assert bag["price"] == "250.00" and bag["currency"] == "EUR"
    assert bag["size"] == "micro" and bag["width_cm"] == 8.0 and bag["silhouette"] == "chain"
    assert bag["images"] == []
    outfit = client.get("/api/v1/items/O-1").json
    assert "size" not in outfit and outfit["material_family"] == "natural fibre"


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("size=huge", {"size"}),
        ("kind=shoe&occasion=party", {"kind", "occasion"}),
        ("page=0", {"page"}),
        ("page=abc", {"page"}),
        ("per_page=-1", {"per_page"}),
        ("per_page=NaN", {"per_page"}),
        ("min_price=NaN", {"min_price"}),
        ("max_price=-5", {"max_price"}),
        ("min_price=1e400", {"min_price"}),
        ("colour=%27%3B%20DROP%20TABLE%20items", {"colour"}),
        ("min_price=50&max_price=10", {"min_price"}),
    ],
)
def test_bad_parameters_get_a_400_problem_naming_each_field(client, catalog, query, fields):
    resp = client.get(f"/api/v1/items?{query}")
    assert resp.status_code == 400
    assert resp.mimetype == "application/problem+json"
    body = resp.json
    assert body["status"] == 400 and body["title"] and body["type"].startswith("https://")
    assert {e["field"] for e in body["errors"]} == fields


def test_unknown_sku_is_a_404_problem(client, catalog):
    resp = client.get("/api/v1/items/NOPE")
    assert resp.status_code == 404
    assert resp.mimetype == "application/problem+json"
    assert "NOPE" in resp.json["detail"]


def test_unknown_api_path_and_wrong_method_are_problems(client):
    assert client.get("/api/v1/nothing").mimetype == "application/problem+json"
    resp = client.delete("/api/v1/items")
    assert resp.status_code == 405 and resp.mimetype == "application/problem+json"
    assert "GET" in resp.headers["Allow"]


def test_responses_carry_etag_and_answer_304_when_unchanged(client, catalog):
    first = client.get("/api/v1/items/B-MINI")
    assert first.headers["ETag"] and "max-age" in first.headers["Cache-Control"]
    again = client.get("/api/v1/items/B-MINI", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_every_response_has_a_request_id_and_public_reads_allow_cors(client, catalog):
    resp = client.get("/api/v1/items", headers={"Origin": "https://shop.example"})
    assert len(resp.headers["X-Request-ID"]) >= 8
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in resp.headers
    mine = client.get("/api/v1/items", headers={"X-Request-ID": "trace-abc-123"})
    assert mine.headers["X-Request-ID"] == "trace-abc-123"


def test_security_headers_are_sent(client):
    resp = client.get("/")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "object-src 'none'" in resp.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]


def test_health_endpoints(client):
    assert client.get("/health/live").json == {"status": "ok"}
    ready = client.get("/health/ready")
    assert ready.json["checks"]["database"] == {"ok": True, "detail": "ok"}


def test_readiness_fails_with_503_when_the_schema_is_behind(client, db):
    from sqlalchemy import text

    with db.engine.begin() as conn:
        head = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        conn.execute(text("UPDATE alembic_version SET version_num = 'old'"))
    try:
        ready = client.get("/health/ready")
        assert ready.status_code == 503
        assert "lookbook init" in ready.json["checks"]["database"]["detail"]
    finally:  # the PostgreSQL schema is shared by the whole session
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})


def test_a_dead_database_gives_a_503_problem_not_a_500(tmp_path):
    from lookbook import create_app

    app = create_app({"instance": tmp_path, "secret_key": "x" * 40, "TESTING": True,
                      "database_url": "postgresql+psycopg://nobody@127.0.0.1:1/none"})
    resp = app.test_client().get("/api/v1/items")
    assert resp.status_code == 503
    assert resp.mimetype == "application/problem+json"
    assert resp.headers["Retry-After"]
    page = app.test_client().get("/")
    assert page.status_code == 503 and b"not reachable" in page.data
