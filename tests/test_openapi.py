"""The OpenAPI document describes every API route, and the API holds to it under fuzzing."""

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS

from lookbook.auth.keys import create_key
from tests.conftest import add_items, item, trust


def test_every_api_route_health_and_oembed_are_documented(app, client):
    doc = client.get("/api/v1/openapi.json").json
    documented = {(path, method.upper()) for path, ops in doc["paths"].items()
                  for method in ops if method != "parameters"}
    routes = set()
    for rule in app.url_map.iter_rules():
        if (rule.rule.startswith(("/api/v1/", "/health/")) or rule.rule == "/oembed") \
                and rule.endpoint != "api.openapi.serve":
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
            routes |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert {("/oembed", "GET"), ("/health/ready", "GET"), ("/api/v1/events", "POST")} <= routes
    assert routes == documented


def test_the_server_url_is_absolute_and_follows_the_request(client):
    trust(client.application, "bags.shop.example")
    doc = client.get("/api/v1/openapi.json", base_url="https://bags.shop.example").json
    assert doc["servers"][0]["url"] == "https://bags.shop.example"


@pytest.fixture
def fuzz_app(app, db):
    add_items(
        db,
        item("O-1", "outfit", occasions=["evening"], colours=["black"]),
        item("O-2", "outfit", occasions=["business"], colours=["navy", "white"]),
        item("B-1", colours=["gold"], styles=["metallic"], width_cm="9", silhouette="chain"),
        item("B-2", colours=["camel"], width_cm="18", silhouette="top-handle"),
        item("B-3", colours=["black"], width_cm="38", silhouette="tote"),
    )
    with db.write() as session:
        _row, key = create_key(session, "fuzz", secret=True)
    return app, key


# Cross-field rules (a bag needs a width, min_price <= max_price) are not in the
# document, so a schema-valid request may still be refused with a 4xx.
# ignored_auth: every case here carries the real secret key (writes are fuzzed too), so a
# case schemathesis meant as "bad credentials" is not one; tests/test_api_auth* hold that.
LOOSE_CHECKS = ["positive_data_acceptance", "ignored_auth"]


def _operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


@pytest.mark.slow
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                         ids=["valid-inputs", "invalid-inputs"])
def test_api_never_errors_and_matches_its_document(fuzz_app, mode):
    """Fuzz every operation, writes included (secret key), with valid and with invalid
    inputs ({"type": {}}, empty patterned parameters...): no 5xx, every answer as documented."""
    app, key = fuzz_app
    failures = []
    operations = _operations(app)
    loose = CHECKS.get_by_names(LOOSE_CHECKS)  # registered once the OpenAPI loader ran
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=40, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {key}"}
            response = case.call()
            assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text[:300]}"
            if response.status_code == 414:  # refused before any parameter was read: fine for any input
                return
            case.validate_response(response, excluded_checks=loose)

        try:
            fuzz()
        except Unsatisfiable:  # nothing in this operation can be made invalid (no parameters)
            assert mode == GenerationMode.NEGATIVE, operation.path
        except BaseException as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:800]}")
    assert not failures, "\n\n".join(failures)


# Regressions found by the live schemathesis run (.ci/run): each request breaks the
# document, so the API must refuse it with a problem, not accept it.
@pytest.fixture
def secret(fuzz_app):
    return {"Authorization": f"Bearer {fuzz_app[1]}"}


@pytest.mark.parametrize("query", ["outfit=", "bag=", "outfit=%20O-1", "bag=b-1%20", "action=pin,hide",
                                   "action=PIN"])
def test_rule_filters_the_document_forbids_are_400(client, secret, query):
    resp = client.get(f"/api/v1/rules?{query}", headers=secret)
    assert resp.status_code == 400 and resp.mimetype == "application/problem+json"


def test_events_with_null_or_blank_fields_are_refused(client, fuzz_app):
    base = {"id": "0123456789abcdef", "type": "impression", "placement": "page", "item": "B-1"}
    for extra in ({"at": None}, {"outfit": ""}, {"look": None, "lookbook": "x"},
                  {"item": None, "bag": "B-1"}):
        resp = client.post("/api/v1/events", json={"events": [{**base, **extra}]})
        assert resp.status_code == 422, extra
        assert resp.json["errors"] and resp.mimetype == "application/problem+json"
    assert client.post("/api/v1/events", json={"events": [base], "site": 5}).status_code == 422
    assert client.post("/api/v1/events", json={"events": [base]}).status_code == 202


def test_bodies_are_held_to_the_document_with_named_fields(client, secret):
    # A lower-case currency, a padded sku and an unknown rule field were read leniently before.
    item_ = {"sku": "N-1", "kind": "outfit", "name": "Navy", "colours": ["navy"], "price": "10",
             "currency": "eur"}
    resp = client.post("/api/v1/items", json=item_, headers=secret)
    assert resp.status_code == 422
    assert {"field": "currency", "message": "is not one of the documented values"} in resp.json["errors"]
    assert client.post("/api/v1/items", json={**item_, "currency": "EUR", "sku": " N-1"},
                       headers=secret).status_code == 422
    assert client.put("/api/v1/items/N-1", json={**item_, "currency": "EUR", "sku": "n-1 "},
                      headers=secret).status_code == 422
    assert client.post("/api/v1/items", json={**item_, "currency": "EUR"}, headers=secret).status_code == 201
    lower = {"outfit": {"colours": ["navy"], "currency": "eur"}}
    assert client.post("/api/v1/recommendations/bags", json=lower).status_code == 422
    assert client.post("/api/v1/recommendations/bags", json={"outfit": {"colours": ["navy"]}, "limit": 5,
                                                             "exclude": ["B-1", ""]}).status_code == 400
    assert client.post("/api/v1/recommendations", json={"requests": [{"type": "bags", "sku": " O-1"}]}
                       ).status_code == 422


def test_query_values_are_spelled_as_documented(client, fuzz_app):
    assert client.get("/api/v1/outfits/O-1/bags?limit=%205").status_code == 400
    assert client.get("/api/v1/outfits/O-1/bags?exclude=B-1,").status_code == 400
    assert client.get("/api/v1/outfits/O-1/bags?exclude=B-1,B-2").status_code == 200
    assert client.get("/oembed?url=http://localhost/lookbooks/x&format=JSON").status_code == 400


def test_the_committed_fuzz_config_carries_no_cache_and_real_demo_ids():
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).parent.parent / ".ci" / "schemathesis.toml").read_text())
    assert config["cache"]["enabled"] is False  # no replay of another run's requests
    from lookbook.api.openapi import EXAMPLE_BAG, EXAMPLE_OUTFIT
    assert EXAMPLE_OUTFIT in config["dictionaries"]["outfits"]["values"]
    assert EXAMPLE_BAG in config["dictionaries"]["bags"]["values"]


def test_the_widgets_batch_body_is_documented_and_answered(client, fuzz_app):
    # embed.js sends the data-* attributes as text, as a query string would hold them.
    body = {"requests": [{"type": "bags", "sku": "O-1", "limit": "3", "size": "micro,mini",
                          "market": "europe"},
                         {"type": "outfits", "sku": "B-1", "limit": "2", "exclude": "O-2,O-9"}]}
    resp = client.post("/api/v1/recommendations", json=body)
    assert resp.status_code == 200
    first, second = resp.json["results"]
    assert 1 <= len(first["results"]) <= 3 and len(second["results"]) <= 2
    assert all(r["outfit"]["sku"] != "O-2" for r in second["results"])
    bad = {"requests": [{"type": "bags", "sku": "O-1", "size": "micro,,mini"}]}
    assert client.post("/api/v1/recommendations", json=bad).status_code == 422
