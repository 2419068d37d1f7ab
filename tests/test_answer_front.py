"""The answer front: a repeated API read is answered before Flask, and only while it holds.

Each test watches whether Flask ran (a before-request counter): a repeat the front may
send must not reach it, and everything the front must leave to the app must.
"""

from __future__ import annotations

import pytest

from lookbook.server.answer_front import AnswerFront, request_key
from tests.recommend_fixtures import skus
from tests.test_recommend_service import evening_catalog

URL = "/api/v1/outfits/GOWN-1/bags?size=any&limit=8"


@pytest.fixture
def flask_runs(app):
    """Count the requests Flask itself handled."""
    seen: list[str] = []
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: seen.append(1) and None)
    return seen


def warm(client, url: str = URL):
    """Ask twice: the first answer is computed, the second names the click-through too."""
    first = client.get(url)
    assert first.status_code == 200 and first.headers["X-Answer-Cache"] == "computed"
    client.get(url)
    return first


def test_a_repeated_read_is_sent_again_without_flask_and_equals_the_app_s(app, db, client, flask_runs):
    evening_catalog(db)
    first = warm(client)
    before = len(flask_runs)
    again = client.get(URL)
    assert len(flask_runs) == before  # answered in front of Flask
    assert again.status_code == 200 and again.data == first.data
    assert again.headers["X-Answer-Cache"] == "process"
    per_request = {"X-Request-ID", "X-Answer-Cache", "Date"}
    assert {k: v for k, v in again.headers if k not in per_request} == \
        {k: v for k, v in first.headers if k not in per_request}
    ids = {client.get(URL).headers["X-Request-ID"] for _ in range(3)} | {again.headers["X-Request-ID"]}
    assert len(ids) == 4  # a new id for every request
    echoed = client.get(URL, headers={"X-Request-ID": "shopper-req-42"})
    assert echoed.headers["X-Request-ID"] == "shopper-req-42" and len(flask_runs) == before


def test_a_write_anywhere_sends_the_next_read_through_the_app(app, db, client, flask_runs):
    from lookbook.catalog.models import Item

    evening_catalog(db)
    first = warm(client)
    sold = skus(first.get_json())[0]
    with db.write() as session:  # another worker or host sells the top bag out
        session.query(Item).filter_by(sku=sold).one().in_stock = False
    before = len(flask_runs)
    after = client.get(URL)
    assert len(flask_runs) == before + 1 and after.headers["X-Answer-Cache"] == "computed"
    assert sold not in skus(after.get_json()) and skus(after.get_json())
    repeat = client.get(URL)  # the new answer is the one repeated now
    assert len(flask_runs) == before + 1 and repeat.data == after.data


def make_app(db, tmp_path, **extra):
    from lookbook import create_app

    return create_app({"instance": tmp_path / "instance", "database": db, "database_url": db.url,
                       "secret_key": "test-secret-key-not-for-production",
                       "models_dir": tmp_path / "models", "TESTING": True, **extra})


def test_a_second_app_on_the_same_database_sees_the_first_app_s_write(app, db, client, tmp_path):
    evening_catalog(db)
    first = warm(client)
    other = make_app(db, tmp_path / "other", RATELIMIT_ENABLED=False)
    hidden = skus(first.get_json())[0]
    with other.app_context():
        from lookbook.catalog.models import CurationRule, Item
        from lookbook.server import appdb

        with appdb.database().write() as session:
            bag_id = session.query(Item.id).filter_by(sku=hidden).scalar()
            session.add(CurationRule(action="hide", bag_id=bag_id, outfit_id=None))
    assert hidden not in skus(client.get(URL).get_json())


@pytest.mark.parametrize("headers", [
    {"cookie": "session=abc"},
    {"Authorization": "Bearer lbk_secret"},
    {"If-Modified-Since": "Sat, 28 Nov 2026 00:00:00 GMT"},
    {"Range": "bytes=0-10"},
])
def test_credentials_cookies_and_conditions_are_left_to_the_app(app, db, client, flask_runs, headers):
    evening_catalog(db)
    warm(client)
    before = len(flask_runs)
    if "cookie" in headers:  # the test client sends its own cookie jar
        client.set_cookie("session", "abc")
        headers = {}
    client.get(URL, headers=headers)
    assert len(flask_runs) == before + 1


def test_a_conditional_read_gets_the_app_s_304(app, db, client, flask_runs):
    evening_catalog(db)
    first = warm(client)
    before = len(flask_runs)
    resp = client.get(URL, headers={"If-None-Match": first.headers["ETag"]})
    assert resp.status_code == 304 and resp.data == b"" and len(flask_runs) == before + 1


def test_only_public_answers_of_a_revision_are_kept(app, db, client, flask_runs):
    evening_catalog(db)
    for _ in range(3):
        assert client.get("/api/v1/outfits/NOPE/bags").status_code == 404
        client.get("/api/v1/items?kind=bag")  # a read the view did not mark as an answer
        client.post("/api/v1/recommendations/bags", json={"outfit": {"occasions": ["evening"]}})
    assert len(app.extensions["lookbook.answer_front"]) == 0


def test_the_key_holds_what_changes_a_response_and_ignores_what_does_not(app, db, client, flask_runs):
    evening_catalog(db)
    warm(client)
    before = len(flask_runs)
    client.get(URL, headers={"User-Agent": "x", "Referer": "https://shop.example/",
                             "X-Forwarded-For": "203.0.113.9", "Accept": "application/json"})
    assert len(flask_runs) == before
    cors = client.get(URL, headers={"Origin": "https://shop.example"})  # a new key: the app answers
    assert len(flask_runs) == before + 1 and cors.headers["Access-Control-Allow-Origin"] == "*"
    client.get(URL, headers={"Origin": "https://shop.example"})
    assert len(flask_runs) == before + 1
    client.get(URL.replace("limit=8", "limit=3"))
    assert len(flask_runs) == before + 2
    client.get(URL, headers={"X-Shop-Variant": "b"})  # an unknown header is part of the key
    assert len(flask_runs) == before + 3


def test_when_the_revision_cannot_be_read_the_app_answers(app, db, client, flask_runs, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from lookbook.server import services

    evening_catalog(db)
    warm(client)

    def database_away(_app=None):
        raise OperationalError("SELECT revision", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr(services, "answers_revision_of", database_away)
    monkeypatch.setattr(app.extensions["lookbook.answer_front"], "revision", database_away)
    before = len(flask_runs)
    resp = client.get(URL)
    assert len(flask_runs) == before + 1  # nothing repeated without knowing the revision
    assert resp.status_code == 503 and resp.headers["Retry-After"]  # the app's answer, not a 500


def test_request_keys():
    base = {"REQUEST_METHOD": "GET", "PATH_INFO": "/api/v1/x", "QUERY_STRING": "a=1",
            "wsgi.url_scheme": "https", "HTTP_HOST": "shop.example"}
    assert request_key(base) == request_key({**base, "HTTP_USER_AGENT": "y", "HTTP_SEC_FETCH_MODE": "cors"})
    assert request_key(base) != request_key({**base, "HTTP_HOST": "other.example"})
    assert request_key(base) != request_key({**base, "wsgi.url_scheme": "http"})
    assert request_key(base) != request_key({**base, "HTTP_ACCEPT_LANGUAGE": "fr"})
    assert request_key(base) != request_key({**base, "SERVER_PORT": "8443"})  # absolute URLs differ
    assert request_key({**base, "REQUEST_METHOD": "HEAD"}) is None
    assert request_key({**base, "CONTENT_LENGTH": "5"}) is None
    assert request_key({**base, "HTTP_IF_NONE_MATCH": '"x"'}) is None


def test_the_front_keeps_a_bounded_number_of_responses():
    revision = ["r1"]

    def app(environ, start_response):
        environ["lookbook.answer_revision"] = revision[0]
        start_response("200 OK", [("Cache-Control", "public, max-age=60"), ("X-Request-ID", "app")])
        return [environ["PATH_INFO"].encode()]

    front = AnswerFront(app, lambda: revision[0], lambda environ: "front-id", size=3)
    sent = []

    def ask(path):
        env = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "wsgi.url_scheme": "http"}
        return b"".join(front(env, lambda status, headers, exc=None: sent.append(dict(headers))))

    for path in ("/a", "/b", "/c", "/d"):
        assert ask(path) == path.encode()
    assert len(front) == 3
    assert ask("/d") == b"/d" and sent[-1]["X-Request-ID"] == "front-id"
    revision[0] = "r2"  # a new revision: the app answers again, and its id is sent
    assert ask("/d") == b"/d" and sent[-1]["X-Request-ID"] == "app"
    assert len(front) == 1  # the older revision's responses were let go


def test_with_a_default_rate_limit_every_request_reaches_flask(db, tmp_path):
    limited = make_app(db, tmp_path, rate_limit="600 per minute", RATELIMIT_ENABLED=True)
    assert "lookbook.answer_front" not in limited.extensions
    unlimited = make_app(db, tmp_path, rate_limit="off", RATELIMIT_ENABLED=True)
    assert isinstance(unlimited.extensions["lookbook.answer_front"], AnswerFront)
