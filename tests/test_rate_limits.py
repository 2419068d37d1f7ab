"""Public reads are rate-limited with a 429 problem and Retry-After, shared via Redis."""

import os
import uuid

import pytest

REDIS_URL = os.environ.get("LOOKBOOK_TEST_REDIS_URL", "")


def _app(tmp_path, db, **extra):
    from lookbook import create_app

    return create_app({"instance": tmp_path, "database": db, "database_url": db.url,
                       "secret_key": "x" * 40, "TESTING": True, "rate_limit": "3 per minute", **extra})


def test_reads_over_the_limit_get_429_with_retry_after(tmp_path, db):
    client = _app(tmp_path, db).test_client()
    codes = [client.get("/api/v1/items").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    resp = client.get("/api/v1/items")
    assert resp.mimetype == "application/problem+json"
    assert int(resp.headers["Retry-After"]) > 0
    assert client.get("/health/live").status_code == 200  # health checks are never limited


@pytest.mark.skipif(not REDIS_URL, reason="set LOOKBOOK_TEST_REDIS_URL to test shared limits")
def test_two_workers_share_one_limit_through_redis(tmp_path, db):
    prefix = uuid.uuid4().hex  # a fresh key space for this run
    first = _app(tmp_path / "a", db, redis_url=REDIS_URL, RATE_LIMIT_PREFIX=prefix).test_client()
    second = _app(tmp_path / "b", db, redis_url=REDIS_URL, RATE_LIMIT_PREFIX=prefix).test_client()
    codes = [c.get("/api/v1/items").status_code for c in (first, second, first, second)]
    assert codes == [200, 200, 200, 429]


def test_a_dead_redis_does_not_break_reads(tmp_path, db):
    client = _app(tmp_path, db, redis_url="redis://127.0.0.1:1/0").test_client()
    assert client.get("/api/v1/items").status_code == 200


def test_the_limit_comes_from_the_environment_and_is_checked(tmp_path):
    from lookbook.config import ConfigError, Settings

    env = {"LOOKBOOK_INSTANCE": str(tmp_path)}
    assert Settings.from_env(env).rate_limit == "600 per minute"
    assert Settings.from_env({**env, "LOOKBOOK_RATE_LIMIT": "off"}).rate_limit == "off"
    with pytest.raises(ConfigError, match="LOOKBOOK_RATE_LIMIT"):
        Settings.from_env({**env, "LOOKBOOK_RATE_LIMIT": "lots"})


def test_rate_limit_off_lets_every_read_through(tmp_path, db):
    client = _app(tmp_path, db, rate_limit="off").test_client()
    assert {client.get("/api/v1/items").status_code for _ in range(10)} == {200}


def test_rate_limit_off_still_guards_sign_in(tmp_path, db):
    """With the site-wide limit off the per-request check is skipped, but the brute-force
    guard on sign-in (its own limit) still answers 429."""
    app = _app(tmp_path, db, rate_limit="off")
    client = app.test_client()
    form = {"email": "nobody@example.com", "password": "wrong"}
    app.config["WTF_CSRF_ENABLED"] = False
    codes = [client.post("/login", data=form).status_code for _ in range(12)]
    assert 429 in codes and codes[0] != 429
    assert {client.get("/api/v1/items").status_code for _ in range(10)} == {200}
    # The skip itself: no per-request limiter check is installed when limits are off,
    # and it is when a site-wide limit is set.
    limiter = app.extensions["lookbook.limiter"]
    assert limiter._check_request_limit not in app.before_request_funcs[None]
    limited = _app(tmp_path / "on", db)
    assert limited.extensions["lookbook.limiter"]._check_request_limit in limited.before_request_funcs[None]


def test_a_recommendation_batch_costs_one_unit_per_request_it_carries(tmp_path, db):
    """A batching client cannot take more than its share: each request in a batch is one
    unit of the client's limit on the batch endpoint (3 a minute here), and another
    client's budget is its own."""
    client = _app(tmp_path, db).test_client()

    def batch(n: int, address: str = "198.51.100.1") -> int:
        body = {"requests": [{"type": "bags", "sku": f"NOPE-{i}"} for i in range(n)]}
        return client.post("/api/v1/recommendations", json=body,
                           environ_base={"REMOTE_ADDR": address}).status_code

    assert batch(2) == 200  # 2 of 3 units
    assert batch(2) == 429  # 2 more do not fit in the 1 left (and the attempt counts)
    assert batch(1) == 429
    assert batch(4, "198.51.100.2") == 429  # more than a whole minute's budget at once
    assert batch(3, "198.51.100.3") == 200  # another client: its own 3 units
