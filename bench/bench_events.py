"""Measure POST /api/v1/events through gunicorn (2 workers) with wrk, next to a floor
measured in the same run: a bare Flask route on the same server settings that decodes
the same JSON body and answers 202 without storing anything (DESIGN §6: >= 2,000
events/s accepted in batches).

Usage: python bench/bench_events.py [--batch 50] [--seconds 10] [--port 5655]
       [--database-url postgresql+psycopg://...]

Needs wrk (Debian package `wrk`).  Every event of every request has a new id, about a
catalog bag and outfit, so each request is one multi-row insert plus one roll-up
upsert.  After the run it checks that the database holds exactly the events the
server said it stored.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_import import write_csv  # noqa: E402

WRK = ["wrk", "-t2", "-c8"]
SERVE_WORKER = "lookbook.server.fair_worker.FairThreadWorker"  # what `lookbook serve` runs


def _wait(url: str, seconds: float = 60) -> None:
    end = time.time() + seconds
    while time.time() < end:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own local server
            return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"server at {url} did not come up")


def _serve(args: list[str], env: dict[str, str], port: int) -> subprocess.Popen:
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait(f"http://127.0.0.1:{port}/health/live")
    return proc


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    proc.wait()


def _wrk(url: str, script: Path, seconds: int) -> dict[str, float]:
    out = subprocess.run([*WRK, f"-d{seconds}s", "--latency", "-s", str(script), url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {p: _ms(v) for p, v in re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": rps, "p50": lat["50"], "p99": lat["99"], "requests": total,
            "non2xx": int(errors.group(1)) if errors else 0}


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _script(path: Path, bags: list[str], outfits: list[str], batch: int) -> None:
    """A wrk script posting ``batch`` events per request, every id new."""
    path.write_text(textwrap.dedent(f"""
        local bags = {{{", ".join(json.dumps(s) for s in bags)}}}
        local outfits = {{{", ".join(json.dumps(s) for s in outfits)}}}
        local types = {{"impression", "impression", "impression", "click"}}
        local n = 0
        math.randomseed(os.time() + math.floor(os.clock() * 1e6))
        local run = string.format("%08x%08x", math.random(0, 0x7fffffff), math.random(0, 0x7fffffff))
        request = function()
          local events = {{}}
          for k = 1, {batch} do
            n = n + 1
            events[k] = string.format(
              '{{"id":"%s-%09d","type":"%s","placement":"widget","item":"%s","outfit":"%s"}}',
              run, n, types[n % 4 + 1], bags[n % #bags + 1], outfits[n % #outfits + 1])
          end
          return wrk.format("POST", "/api/v1/events",
            {{["Content-Type"] = "application/json", ["Origin"] = "https://shop.example"}},
            '{{"events":[' .. table.concat(events, ",") .. ']}}')
        end
    """))


def _count_events(env: dict[str, str]) -> int:
    code = ("from sqlalchemy import func, select\n"
            "from lookbook.config import Settings\nfrom lookbook.database import Database\n"
            "from lookbook.analytics.models import Event\n"
            "db = Database(Settings.from_env().database_url)\n"
            "with db.session() as s: print(s.scalar(select(func.count()).select_from(Event)))\n")
    return int(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                              check=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch", type=int, default=50, help="events per request")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--port", type=int, default=5655)
    parser.add_argument("--database-url", default="", help="default: SQLite in a temporary folder")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    work = Path(tempfile.mkdtemp(prefix="lookbook-events-"))
    env = {**os.environ, "LOOKBOOK_INSTANCE": str(work / "instance"),
           "LOOKBOOK_MODELS_DIR": str(work / "models"),
           "LOOKBOOK_SECRET_KEY": secrets.token_hex(32),  # production length, as PostgreSQL requires
           "LOOKBOOK_RATE_LIMIT": "off", "LOOKBOOK_EVENTS_RATE_LIMIT": "off"}
    if args.database_url:
        env["LOOKBOOK_DATABASE_URL"] = args.database_url
    write_csv(work / "catalog.csv", 400, outfit_every=4)
    lookbook = [sys.executable, "-m", "lookbook.cli"]
    subprocess.run([*lookbook, "import", str(work / "catalog.csv")], env=env, check=True,
                   capture_output=True)
    skus = [f"SKU-{i:07d}" for i in range(400)]
    script = work / "events.lua"
    _script(script, [s for i, s in enumerate(skus) if i % 4], skus[::4], args.batch)

    port = args.port
    server = _serve([*lookbook, "serve", "--port", str(port), "--workers", "2"], env, port)
    try:
        before = _count_events(env)
        events = _wrk(f"http://127.0.0.1:{port}", script, args.seconds)
        stored = _count_events(env) - before
    finally:
        _stop(server)

    bare_dir = work / "bare"
    bare_dir.mkdir()
    (bare_dir / "bareapp.py").write_text(textwrap.dedent("""
        import json
        from flask import Flask, request
        app = Flask(__name__)
        @app.get("/health/live")
        def live():
            return "ok"
        @app.post("/api/v1/events")
        def events():
            n = len(json.loads(request.get_data())["events"])
            return {"received": n, "stored": n, "duplicates": 0, "ignored": []}, 202
    """))
    bare = _serve([sys.executable, "-m", "gunicorn", "-w", "2", "-k", SERVE_WORKER, "--threads", "4",
                   "-b", f"127.0.0.1:{port}", "--chdir", str(bare_dir), "bareapp:app"], env, port)
    try:
        floor = _wrk(f"http://127.0.0.1:{port}", script, args.seconds)
    finally:
        _stop(bare)
    shutil.rmtree(work, ignore_errors=True)

    database = "PostgreSQL" if args.database_url.startswith("postgresql") else "SQLite"
    print(f"gunicorn 2 workers x 4 threads, wrk 2 threads 8 connections, {args.seconds} s each, "
          f"{args.batch} events per request, {database}; {os.cpu_count()} CPUs shared by server "
          f"and wrk; load {os.getloadavg()[0]:.2f}")
    print(f"{'what':<46}{'req/s':>8}{'events/s':>10}{'p50 ms':>8}{'p99 ms':>8}{'non-2xx':>9}")
    for name, r in (("bare Flask route, decode only (floor)", floor),
                    ("POST /api/v1/events, stored and rolled up", events)):
        print(f"{name:<46}{r['rps']:>8.0f}{r['rps'] * args.batch:>10.0f}{r['p50']:>8.1f}"
              f"{r['p99']:>8.1f}{r['non2xx']:>9}")
    sent = (events["requests"] - events["non2xx"]) * args.batch
    print(f"events in the database: {stored:,}; answered 202 to wrk: {sent:,} (requests in flight "
          f"when wrk stops are stored but not counted, so the first may be a few batches more)")
    print(f"events/s vs floor: {events['rps'] / floor['rps']:.2f}; "
          f"accepted events/s: {events['rps'] * args.batch:.0f} (target >= 2,000)")


if __name__ == "__main__":
    main()
