"""Answers are remembered for one catalog revision only: repeats are cheap, changes show at once."""

import logging
import os
import uuid

import pytest

from lookbook.auth.keys import create_key
from lookbook.catalog.models import CurationRule, Item
from lookbook.recommend.answer_cache import AnswerCache, Encoded
from lookbook.recommend.estimator import BagRecommender
from lookbook.recommend.shared_answers import SharedAnswers
from tests.recommend_fixtures import add_rule, skus
from tests.test_recommend_service import bags_for, evening_catalog


def test_a_repeated_question_is_answered_from_the_cache():
    cache, calls = AnswerCache(), []

    def compute():
        calls.append(1)
        return {"results": [1]}

    first = cache.get_or_compute(("bags", "A"), "rev-1", compute)
    again = cache.get_or_compute(("bags", "A"), "rev-1", compute)
    assert first is again and len(calls) == 1 and cache.hits == 1


def test_a_new_revision_empties_the_cache():
    cache = AnswerCache()
    cache.get_or_compute("a", "rev-1", lambda: 1)
    cache.get_or_compute("b", "rev-1", lambda: 2)
    assert cache.get_or_compute("a", "rev-2", lambda: 3) == 3
    assert len(cache) == 1


def test_the_least_recently_used_answer_is_dropped_first():
    cache = AnswerCache(maxsize=2)
    for key in ("a", "b"):
        cache.get_or_compute(key, "r", lambda k=key: k)
    cache.get_or_compute("a", "r", lambda: "recomputed")  # a is now the freshest
    cache.get_or_compute("c", "r", lambda: "c")
    assert cache.get_or_compute("a", "r", lambda: "recomputed") == "a"
    assert cache.get_or_compute("b", "r", lambda: "new b") == "new b"


def test_a_deleted_bag_disappears_from_the_next_answer_despite_the_cache(app, db, client):
    evening_catalog(db)
    first = skus(bags_for(client, "GOWN-1"))
    repeat = client.get("/api/v1/outfits/GOWN-1/bags")
    assert skus(repeat.get_json()) == first
    assert repeat.headers["X-Answer-Cache"] == "process"  # held by a cache layer (front or answers)
    with db.write() as session:
        _row, key = create_key(session, "cms", secret=True)
    top = first[0]
    assert client.delete(f"/api/v1/items/{top}",
                         headers={"Authorization": f"Bearer {key}"}).status_code == 204
    after = skus(bags_for(client, "GOWN-1"))
    assert top not in after and after


# -- encoded answers, ETags and 304s ---------------------------------------------------------
REDIS_URL = os.environ.get("LOOKBOOK_TEST_REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="set LOOKBOOK_TEST_REDIS_URL to test sharing")


@pytest.fixture
def rankings(monkeypatch):
    """Count every ranking the estimator does (bags, outfits, similar)."""
    calls = []
    for name in ("rank_bags", "rank_outfits", "rank_similar"):
        real = getattr(BagRecommender, name)

        def counted(self, *args, _real=real, _name=name, **kwargs):
            calls.append(_name)
            return _real(self, *args, **kwargs)

        monkeypatch.setattr(BagRecommender, name, counted)
    return calls


def _app(db, tmp_path, name, **extra):
    from lookbook import create_app

    return create_app({"instance": tmp_path / name, "database": db, "database_url": db.url,
                       "secret_key": "x" * 40, "models_dir": tmp_path / "models",
                       "TESTING": True, "RATELIMIT_ENABLED": False, **extra})


def test_a_conditional_get_with_the_current_etag_is_304_without_ranking(db, client, rankings):
    evening_catalog(db)
    first = client.get("/api/v1/outfits/GOWN-1/bags")
    assert first.status_code == 200 and first.headers["ETag"].startswith('W/"')
    assert first.headers["X-Answer-Cache"] == "computed"
    assert rankings
    rankings.clear()
    again = client.get("/api/v1/outfits/GOWN-1/bags", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert rankings == []
    for path in ("/api/v1/bags/GOLD/similar", "/api/v1/bags/GOLD/outfits", "/api/v1/outfits/GOWN-1/bundles"):
        tag = client.get(path).headers["ETag"]
        rankings.clear()
        assert client.get(path, headers={"If-None-Match": tag}).status_code == 304
        assert rankings == []


def test_the_etag_is_the_hash_of_the_bytes_sent(db, client):
    evening_catalog(db)
    resp = client.get("/api/v1/outfits/GOWN-1/bags?limit=3")
    assert resp.headers["ETag"] == f'W/"{Encoded.of(resp.data).etag}"'
    assert resp.json["results"]


def test_an_old_etag_after_a_write_gets_the_new_answer(db, client):
    evening_catalog(db)
    first = client.get("/api/v1/outfits/GOWN-1/bags")
    top = first.json["results"][0]["bag"]["sku"]
    add_rule(db, "GOWN-1", top, "hide")
    again = client.get("/api/v1/outfits/GOWN-1/bags", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and top not in skus(again.json)
    assert again.headers["ETag"] != first.headers["ETag"]


def test_query_order_does_not_split_the_cache(db, app, client, rankings):
    evening_catalog(db)
    a = client.get("/api/v1/outfits/GOWN-1/bags?limit=3&size=any")
    rankings.clear()
    b = client.get("/api/v1/outfits/GOWN-1/bags?size=any&limit=3")
    assert a.data == b.data and rankings == []


def test_a_stale_model_answer_is_cached_for_its_catalog_revision_only(db, tmp_path, rankings):
    """With refits off, answers still follow every write: the key names both revisions."""
    evening_catalog(db)
    client = _app(db, tmp_path, "frozen", recommend_refit="never").test_client()
    first = skus(bags_for(client, "GOWN-1"))
    with db.write() as session:
        gone = session.query(Item).filter_by(sku=first[0]).one()
        session.delete(gone)
    rankings.clear()
    stale = bags_for(client, "GOWN-1")
    assert stale["model"]["fresh"] is False and first[0] not in skus(stale) and rankings
    rankings.clear()
    assert bags_for(client, "GOWN-1") == stale and rankings == []  # remembered for this revision
    with db.write() as session:
        session.query(Item).filter_by(sku=first[1]).one().in_stock = False
    assert first[1] not in skus(bags_for(client, "GOWN-1"))


def test_a_batch_is_served_from_the_same_cache(db, client, rankings):
    evening_catalog(db)
    single = client.get("/api/v1/outfits/GOWN-1/bags?limit=2").json
    rankings.clear()
    batch = client.post("/api/v1/recommendations", json={"requests": [
        {"type": "bags", "sku": "GOWN-1", "limit": 2}, {"type": "bags", "sku": "NOPE"}]})
    assert batch.status_code == 200
    assert batch.json["results"][0] == single and batch.json["results"][1]["status"] == 404
    assert rankings == []


def test_a_dead_redis_degrades_to_this_process_and_says_so(db, tmp_path, caplog, rankings):
    evening_catalog(db)
    client = _app(db, tmp_path, "dead", redis_url="redis://127.0.0.1:1/0").test_client()
    with caplog.at_level(logging.WARNING, logger="lookbook.recommend.shared_answers"):
        first = client.get("/api/v1/outfits/GOWN-1/bags")
        rankings.clear()
        again = client.get("/api/v1/outfits/GOWN-1/bags")
    assert first.status_code == again.status_code == 200 and first.data == again.data
    assert rankings == []  # the process's own cache still answers
    warnings = [r for r in caplog.records if "Redis unreachable" in r.getMessage()]
    assert len(warnings) == 1  # logged once, then Redis is left alone for a while


@needs_redis
def test_a_second_app_server_answers_from_the_shared_cache_without_ranking(db, tmp_path, rankings):
    evening_catalog(db)
    prefix = f"test-{uuid.uuid4().hex}"
    one = _app(db, tmp_path, "one", redis_url=REDIS_URL, ANSWER_CACHE_PREFIX=prefix)
    two = _app(db, tmp_path, "two", redis_url=REDIS_URL, ANSWER_CACHE_PREFIX=prefix)
    first = one.test_client().get("/api/v1/outfits/GOWN-1/bags")
    c2 = two.test_client()
    c2.get("/health/ready")  # the second server loads the model the first one fitted
    rankings.clear()
    second = c2.get("/api/v1/outfits/GOWN-1/bags")
    assert second.data == first.data and second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["X-Answer-Cache"] == "shared"
    assert c2.get("/api/v1/outfits/GOWN-1/bags").headers["X-Answer-Cache"] == "process"
    assert rankings == [] and two.extensions["lookbook.answer_cache"].shared.hits == 1
    # A write through the first server: the second never serves the shared old answer.
    top = skus(first.json)[0]
    with db.write() as session:
        bag_id = session.query(Item.id).filter_by(sku=top).scalar()
        outfit_id = session.query(Item.id).filter_by(sku="GOWN-1").scalar()
        session.add(CurationRule(outfit_id=outfit_id, bag_id=bag_id, action="hide"))
    assert top not in skus(c2.get("/api/v1/outfits/GOWN-1/bags").json)


@needs_redis
def test_shared_answers_round_trip_and_ignore_other_revisions():
    import redis

    shared = SharedAnswers(redis.Redis.from_url(REDIS_URL), prefix=f"test-{uuid.uuid4().hex}", ttl=30)
    value = Encoded.of(b'{"results":[]}')
    shared.put("rev-1/rev-1", ("bags", "A"), value)
    assert shared.get("rev-1/rev-1", ("bags", "A")) == value
    assert shared.get("rev-2/rev-1", ("bags", "A")) is None
    assert 0 < shared.client.ttl(shared.key("rev-1/rev-1", ("bags", "A"))) <= 30
