"""Answers are remembered for one catalog revision only: repeats are cheap, changes show at once."""

from lookbook.auth.keys import create_key
from lookbook.recommend.answer_cache import AnswerCache
from tests.recommend_fixtures import skus
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
    assert skus(bags_for(client, "GOWN-1")) == first
    cache = app.extensions["lookbook.answer_cache"]
    assert cache.hits >= 1
    with db.write() as session:
        _row, key = create_key(session, "cms", secret=True)
    top = first[0]
    assert client.delete(f"/api/v1/items/{top}",
                         headers={"Authorization": f"Bearer {key}"}).status_code == 204
    after = skus(bags_for(client, "GOWN-1"))
    assert top not in after and after
