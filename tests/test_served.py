"""A real `lookbook serve --workers 2` (gunicorn): limits hold across workers, and refusals
gunicorn makes itself are problem documents.  Ports come from the 5500-5599 range."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import add_items, item

PORTS = range(5500, 5600)


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.fail("no free port in 5500-5599")


def request(port: int, method: str, path: str, body: str | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    """One request on a fresh connection (so the two workers both take turns)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers={"Connection": "close", **(headers or {})})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read().decode()
    finally:
        conn.close()


@pytest.fixture
def served(db, tmp_path) -> Iterator[int]:
    """Serve the test database with two gunicorn workers; yield the port."""
    add_items(db, item("O-1", "outfit"), item("B-1"))
    port = _free_port()
    env = {**os.environ, "LOOKBOOK_DATABASE_URL": db.url, "LOOKBOOK_INSTANCE": str(tmp_path / "i"),
           "LOOKBOOK_MODELS_DIR": str(tmp_path / "models"), "LOOKBOOK_SECRET_KEY": "k" * 40,
           "LOOKBOOK_RATE_LIMIT": "25 per minute"}
    env.pop("LOOKBOOK_REDIS_URL", None)  # the point: no Redis, still one shared limit
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "lookbook.cli", "serve", "--port", str(port),
                                 "--workers", "2"], env=env, stdout=out, stderr=out)
    try:
        deadline = time.monotonic() + 180  # a loaded machine takes its time to import and fork
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if request(port, "GET", "/health/live")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            pytest.fail("the server did not start: " + log.read_text()[-2000:])
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_limits_hold_across_two_workers_without_redis(served):
    status, headers, page = request(served, "GET", "/login")
    cookie = headers["set-cookie"].split(";")[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = f"csrf_token={token}&email=nobody%40shop.example&password=wrong+password"
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    # All at once, so they land in one window however slow the machine: both workers
    # take some, and the shared counter still lets exactly 10 through.
    with ThreadPoolExecutor(12) as pool:
        logins = sorted(pool.map(lambda _: request(served, "POST", "/login", form, headers)[0], range(12)))
        assert logins == [401] * 10 + [429] * 2  # 10 a minute, whichever worker answers
        reads = sorted(pool.map(lambda _: request(served, "GET", "/api/v1/items")[0], range(30)))
    assert reads == [200] * 25 + [429] * 5  # 25 a minute in all, not 25 per worker


def _refused(port: int, path: str) -> tuple[int, dict[str, str], str]:
    """Send a line gunicorn refuses; it closes with our bytes unread, so the kernel may reset
    the connection before the answer is read: try again, the answer itself never changes."""
    for _ in range(5):
        try:
            return request(port, "GET", path)
        except ConnectionResetError:
            time.sleep(0.2)
    return request(port, "GET", path)


def test_serve_runs_the_fair_worker(served, tmp_path):
    assert request(served, "GET", "/api/v1/items")[0] == 200
    assert "Using worker: lookbook.server.fair_worker.FairThreadWorker" in \
        (tmp_path / "server.log").read_text()


def test_gunicorn_refusals_are_problem_documents(served):
    status, headers, body = _refused(served, "/api/v1/items?kind=" + "x" * 9000)
    assert status == 414
    assert headers["content-type"] == "application/problem+json"
    assert "xxxx" not in body  # the refused line is not repeated
    status, headers, _ = request(served, "GET", "/api/v1/items?kind=" + "x" * 8100)
    assert status == 414 and headers["content-type"] == "application/problem+json"


def test_a_busy_worker_takes_new_connections_slowly_and_a_free_one_at_once(monkeypatch):
    """`lookbook serve` runs FairThreadWorker: with a free thread it accepts as gthread
    does; with every thread busy it accepts one connection per BUSY_ACCEPT_SECONDS, so a
    burst spreads over the workers and no connection waits in the backlog for long."""
    from types import SimpleNamespace

    from lookbook.server import fair_worker
    from lookbook.server.fair_worker import BUSY_ACCEPT_SECONDS, FairThreadWorker

    clock = [100.0]
    monkeypatch.setattr(fair_worker.time, "monotonic", lambda: clock[0])
    submitted = []
    worker = FairThreadWorker.__new__(FairThreadWorker)
    worker.cfg = SimpleNamespace(threads=2)
    worker.worker_connections = 1000
    worker.nr_conns = 0
    worker.tpool = SimpleNamespace(submit=lambda fn, conn: submitted.append(conn) or SimpleNamespace(
        add_done_callback=lambda callback: None))
    closed = []
    conn = SimpleNamespace(close=lambda graceful=False: closed.append(graceful))
    listener = SimpleNamespace(accept=lambda: (_ for _ in ()).throw(BlockingIOError(11, "again")))
    assert worker.worker_connections == 1000  # idle: accepts as gthread does
    worker.accept(listener)  # nothing pending: EAGAIN is ignored, as in gthread
    worker.enqueue_req(conn)
    worker.enqueue_req(conn)
    assert worker.busy == 2 and worker.worker_connections == 0  # all busy, just accepted: rest
    clock[0] += BUSY_ACCEPT_SECONDS / 2
    assert worker.worker_connections == 0
    clock[0] += BUSY_ACCEPT_SECONDS  # busy for a while: one more connection may come in
    assert worker.worker_connections == 1000
    worker.accept(listener)
    assert worker.worker_connections == 0
    worker.nr_conns = 2
    worker.finish_request(conn, SimpleNamespace(cancelled=lambda: True))  # a request ends
    assert worker.busy == 1 and worker.worker_connections == 1000 and closed == [True]
    assert len(submitted) == 2
