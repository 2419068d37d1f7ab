"""Two app servers on one PostgreSQL and one Redis behave as one service.

Each server is a real ``lookbook serve`` (gunicorn, 2 workers) on its own port; they
share the database, the Redis, the models folder and the media folder, as hosts behind
a load balancer would.  A write through one shows in the next answer of the other, the
rate limit and the answer cache are shared, and one process in all four refits.
Runs when LOOKBOOK_TEST_DATABASE_URL (PostgreSQL) and LOOKBOOK_TEST_REDIS_URL are set.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from lookbook.auth.keys import create_key
from lookbook.database import Database
from lookbook.database.migrations import upgrade
from lookbook.recommend.refits import refit
from tests.conftest import PG_URL
from tests.recommend_fixtures import bag
from tests.test_recommend_service import evening_catalog

REDIS_URL = os.environ.get("LOOKBOOK_TEST_REDIS_URL", "")
PORTS = range(5600, 5690)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (PG_URL.startswith("postgresql") and REDIS_URL),
                       reason="set LOOKBOOK_TEST_DATABASE_URL (PostgreSQL) and LOOKBOOK_TEST_REDIS_URL"),
]


def _free_ports(n: int) -> list[int]:
    found = []
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == n:
            return found
    pytest.fail("no free ports in 5600-5689")


def call(url: str, method: str = "GET", body: dict | None = None, key: str = "") -> tuple[int, dict, dict]:
    """Make one HTTP request; return status, headers and the decoded JSON body (or {})."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - local servers
    req.add_header("Host", "shop.example")  # one public name, as behind a load balancer
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if key:
        req.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310
            raw, status, headers = resp.read(), resp.status, dict(resp.headers)
    except urllib.error.HTTPError as exc:
        raw, status, headers = exc.read(), exc.code, dict(exc.headers)
    return status, headers, json.loads(raw) if raw else {}


def _skus(body: dict) -> list[str]:
    return [r["bag"]["sku"] for r in body["results"]]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Start two app servers on one PostgreSQL schema and one Redis; yield their URLs."""
    work = tmp_path_factory.mktemp("cluster")
    schema = f"lbscale_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"
    db = Database(url)
    upgrade(db.engine)
    evening_catalog(db)
    with db.write() as session:
        _row, secret = create_key(session, "cms", secret=True)
    models = work / "models"  # shared storage, as media is
    assert refit(db, models, only_if_stale=False) is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOOKBOOK_")}
    env.update(LOOKBOOK_DATABASE_URL=url, LOOKBOOK_REDIS_URL=REDIS_URL,
               LOOKBOOK_REDIS_PREFIX=f"scale-{uuid.uuid4().hex[:8]}",
               LOOKBOOK_SECRET_KEY="scale-out-test-secret-" + "x" * 32,  # production: a long key
               LOOKBOOK_TRUSTED_HOSTS="shop.example",
               LOOKBOOK_MODELS_DIR=str(models), LOOKBOOK_MEDIA_DIR=str(work / "media"),
               LOOKBOOK_RATE_LIMIT="1000 per hour")
    servers, bases = [], []
    for name, port in zip(("a", "b"), _free_ports(2), strict=True):
        log = (work / f"{name}.log").open("wb")
        servers.append((subprocess.Popen(
            [sys.executable, "-m", "lookbook.cli", "serve", "--port", str(port), "--workers", "2"],
            env={**env, "LOOKBOOK_INSTANCE": str(work / name)}, stdout=log, stderr=subprocess.STDOUT), log))
        bases.append(f"http://127.0.0.1:{port}")
    try:
        for base, (proc, _log) in zip(bases, servers, strict=True):
            for _ in range(600):
                try:
                    if call(f"{base}/health/ready")[0] == 200:
                        break
                except OSError:
                    pass
                if proc.poll() is not None:
                    pytest.fail(Path(_log.name).read_text())
                time.sleep(0.1)
        yield {"a": bases[0], "b": bases[1], "key": secret, "db": db, "models": models}
    finally:
        for proc, log in servers:
            proc.terminate()
            proc.wait(timeout=30)
            log.close()
        db.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_the_answer_cache_is_shared_between_app_servers(cluster):
    status, first, body = call(f"{cluster['a']}/api/v1/outfits/GOWN-2/bags?limit=4")
    assert status == 200 and first["X-Answer-Cache"] == "computed"
    status, second, again = call(f"{cluster['b']}/api/v1/outfits/GOWN-2/bags?limit=4")
    assert status == 200 and second["X-Answer-Cache"] == "shared"
    assert again == body and second["ETag"] == first["ETag"]


def test_the_rate_limit_is_shared_between_app_servers(cluster):
    _s, a, _b = call(f"{cluster['a']}/api/v1/items?per_page=1")
    _s, b, _b = call(f"{cluster['b']}/api/v1/items?per_page=1")
    assert int(b["X-RateLimit-Remaining"]) == int(a["X-RateLimit-Remaining"]) - 1


def test_writes_through_one_server_show_in_the_next_answer_of_the_other(cluster):
    a, b, key = cluster["a"], cluster["b"], cluster["key"]
    before = _skus(call(f"{b}/api/v1/outfits/GOWN-1/bags?limit=6")[2])
    gone, sold = before[0], before[1]
    assert call(f"{a}/api/v1/items/{gone}", "DELETE", key=key)[0] == 204
    after_delete = call(f"{b}/api/v1/outfits/GOWN-1/bags?limit=6")[2]
    assert gone not in _skus(after_delete) and after_delete["model"]["fresh"] is False
    item = call(f"{a}/api/v1/items/{sold}")[2]
    raw = {k: v for k, v in item.items() if k not in ("size", "images", "image_sizes", "material_family")}
    raw.update(in_stock=False, colours=[c["name"] for c in item["colours"]])
    status, _h, saved = call(f"{a}/api/v1/items/{sold}", "PUT", raw, key=key)
    assert status == 200, saved
    assert sold not in _skus(call(f"{b}/api/v1/outfits/GOWN-1/bags?limit=6")[2])
    new = bag("NEW-GOLD", "gold", width="8", styles=["metallic"], occasions=["evening"], silhouette="clutch")
    assert call(f"{a}/api/v1/items", "POST", new, key=key)[0] == 201

    # A burst reaches every worker of both servers at once: each serves the old model and
    # asks for a refit at the same moment; the lease lets one of the four processes fit.
    with ThreadPoolExecutor(16) as pool:
        bodies = list(pool.map(lambda base: call(f"{base}/api/v1/outfits/GOWN-1/bags?limit=6")[2],
                               [a, b] * 16))
    for body in bodies:
        assert gone not in _skus(body) and sold not in _skus(body)
    fresh = {}
    for _ in range(1200):  # until both servers serve the refitted model (a refit takes seconds)
        fresh = {base: call(f"{base}/api/v1/outfits/GOWN-1/bags?limit=8")[2] for base in (a, b)}
        if all(body["model"]["fresh"] for body in fresh.values()):
            break
        time.sleep(0.1)
    assert all(body["model"]["fresh"] for body in fresh.values()), "no server caught up with the catalog"
    revision = fresh[b]["model"]["revision"]
    assert fresh[a]["model"]["revision"] == revision
    assert "NEW-GOLD" in _skus(fresh[b])  # the other server's refit reached this one
    fitted = [p for p in cluster["models"].glob(f"arrays-{revision[:8]}-*")]
    assert len(fitted) == 1, f"{len(fitted)} processes fitted revision {revision[:8]}"
