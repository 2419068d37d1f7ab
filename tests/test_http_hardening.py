"""The smaller promises a hostile tester checked: caching of private and health answers,
Retry-After only where it means something, production cookies, hosts and secrets,
sign-in timing, batch cost and over-long URLs."""

from __future__ import annotations

import json
import os
import uuid

import pytest

from lookbook.auth import users
from lookbook.auth.users import create_user
from lookbook.config import ConfigError, Settings
from tests.conftest import add_items, item

REDIS_URL = os.environ.get("LOOKBOOK_TEST_REDIS_URL", "")
GOOD_SECRET = "s" * 40


def _app(tmp_path, db, **extra):
    from lookbook import create_app

    return create_app({"instance": tmp_path, "database": db, "database_url": db.url,
                       "secret_key": GOOD_SECRET, "TESTING": True, **extra})


# --- caching ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/health/live", "/health/ready"])
def test_health_answers_are_never_cached(client, path):
    assert client.get(path).headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/login", "/curate/", "/curate/?q=x"])
def test_staff_pages_are_never_cached_even_when_they_redirect(client, path):
    assert client.get(path).headers["Cache-Control"] == "no-store"


def test_a_signed_in_curator_page_is_no_store(app, db):
    with db.write() as session:
        create_user(session, "c@shop.example", "a long enough password")
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    client.post("/login", data={"email": "c@shop.example", "password": "a long enough password"})
    resp = client.get("/curate/")
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"


def test_retry_after_only_on_429_and_503(tmp_path, db):
    client = _app(tmp_path, db, rate_limit="2 per minute").test_client()
    first = client.get("/api/v1/items")
    assert first.status_code == 200 and "Retry-After" not in first.headers
    assert "X-RateLimit-Limit" in first.headers
    client.get("/api/v1/items")
    limited = client.get("/api/v1/items")
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0


# --- production settings ----------------------------------------------------------------------

def test_a_short_secret_key_stops_production_with_a_clear_message(tmp_path):
    settings = Settings.from_env({"LOOKBOOK_INSTANCE": str(tmp_path), "LOOKBOOK_ENV": "production",
                                  "LOOKBOOK_SECRET_KEY": "x"})
    with pytest.raises(ConfigError, match="at least 32"):
        settings.resolve_secret_key()
    dev = Settings.from_env({"LOOKBOOK_INSTANCE": str(tmp_path), "LOOKBOOK_SECRET_KEY": "x"})
    assert dev.resolve_secret_key() == "x"  # development may use anything


def test_production_answers_only_trusted_hosts_by_default(tmp_path, db):
    client = _app(tmp_path, db, env="production").test_client()
    assert client.get("/health/live", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/health/live", headers={"Host": "localhost"}).status_code == 200
    listed = _app(tmp_path / "b", db, env="production", trusted_hosts=("shop.example",)).test_client()
    assert listed.get("/health/live", headers={"Host": "shop.example"}).status_code == 200
    assert listed.get("/health/live", headers={"Host": "localhost"}).status_code == 400


def _session_cookie(resp):
    return next(h for h in resp.headers.getlist("Set-Cookie") if "session=" in h)


def test_production_cookies_are_host_prefixed_and_secure(tmp_path, db):
    app = _app(tmp_path, db, env="production")
    cookie = _session_cookie(app.test_client().get("/login"))
    assert cookie.startswith("__Host-session=") and "Secure" in cookie and "Path=/" in cookie
    assert "Domain" not in cookie


def test_https_makes_the_cookie_secure_whatever_the_database(tmp_path, db):
    app = _app(tmp_path, db, env="development")
    behind_tls = _session_cookie(app.test_client().get("/login", headers={"X-Forwarded-Proto": "https"}))
    assert behind_tls.startswith("__Host-session=") and "Secure" in behind_tls
    if not db.is_sqlite:
        return  # a PostgreSQL deployment is production: always Secure
    plain = _session_cookie(app.test_client().get("/login"))
    assert plain.startswith("session=") and "Secure" not in plain


# --- sign-in ------------------------------------------------------------------------------

def test_an_unknown_email_costs_the_same_argon2_check_and_gets_the_same_answer(app, db, monkeypatch):
    with db.write() as session:
        create_user(session, "known@shop.example", "a long enough password")
    app.config["WTF_CSRF_ENABLED"] = False
    checks = []
    real = users._hasher

    class Counting:
        def verify(self, hash_, password):
            checks.append(hash_)
            return real.verify(hash_, password)

    monkeypatch.setattr(users, "_hasher", Counting())
    client = app.test_client()
    known = client.post("/login", data={"email": "known@shop.example", "password": "wrong password!"})
    unknown = client.post("/login", data={"email": "nobody@shop.example", "password": "wrong password!"})
    assert len(checks) == 2  # one Argon2 verification each
    assert known.status_code == unknown.status_code == 401
    message = "That email and password do not match an account."
    assert message in known.get_data(as_text=True) and message in unknown.get_data(as_text=True)


@pytest.mark.skipif(not REDIS_URL, reason="set LOOKBOOK_TEST_REDIS_URL")
def test_an_unreachable_redis_closes_sign_in_and_fails_readiness(tmp_path, db, caplog):
    app = _app(tmp_path, db, redis_url="redis://127.0.0.1:1/0")
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    assert client.get("/api/v1/items").status_code == 200  # reads stay up
    resp = client.post("/login", data={"email": "a@shop.example", "password": "whatever it is"})
    assert resp.status_code == 503 and resp.headers["Retry-After"]
    ready = client.get("/health/ready")
    assert ready.status_code == 503
    assert ready.json["checks"]["rate_limits"]["ok"] is False
    assert "rate-limit store" in caplog.text


def test_a_dead_redis_without_redis_under_test_still_closes_sign_in(tmp_path, db):
    app = _app(tmp_path, db, redis_url="redis://127.0.0.1:1/0")
    app.config["WTF_CSRF_ENABLED"] = False
    resp = app.test_client().post("/login", data={"email": "a@shop.example", "password": "whatever it is"})
    assert resp.status_code == 503


# --- cost and size limits -------------------------------------------------------------------

def test_each_request_in_a_batch_costs_one_unit_per_client(tmp_path, db):
    add_items(db, item("O-1", "outfit"), item("B-1"))
    app = _app(tmp_path, db, rate_limit="10 per minute", RATE_LIMIT_PREFIX=uuid.uuid4().hex)
    batcher = app.test_client()
    other = app.test_client()
    body = json.dumps({"requests": [{"type": "bags", "sku": "O-1"}] * 5})

    def batch(client, addr):
        return client.post("/api/v1/recommendations", data=body, content_type="application/json",
                           environ_base={"REMOTE_ADDR": addr}).status_code

    assert [batch(batcher, "203.0.113.1") for _ in range(3)] == [200, 200, 429]
    assert other.get("/api/v1/items", environ_base={"REMOTE_ADDR": "203.0.113.2"}).status_code == 200


def test_a_batch_over_the_maximum_is_refused(client):
    body = json.dumps({"requests": [{"type": "bags", "sku": "O-1"}] * 21})
    resp = client.post("/api/v1/recommendations", data=body, content_type="application/json")
    assert resp.status_code == 422


def test_an_over_long_url_is_a_414_problem(client):
    resp = client.get("/api/v1/items?kind=" + "bag," * 2500)
    assert resp.status_code == 414
    assert resp.mimetype == "application/problem+json"
