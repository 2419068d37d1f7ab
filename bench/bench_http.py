"""Measure recommendations over HTTP (gunicorn, 2 workers) with wrk, against a bare Flask
route returning the same bytes on the same server settings, in the same run (DESIGN §6).

Usage: python bench/bench_http.py [--bags 100000] [--outfits 1000] [--seconds 15]

Needs wrk (Debian package `wrk`). Builds a synthetic catalog with `lookbook import`,
fits it, then runs: GET bags-for-outfit rotating over the catalog outfits, the same
against the bare route, and POST ad-hoc outfits with every body different.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_import import write_csv  # noqa: E402

WORKERS = ["--workers", "2"]
SERVE_WORKER = "lookbook.server.fair_worker.FairThreadWorker"  # what `lookbook serve` runs


def _free_port() -> int:
    """Return a free local port: from LOOKBOOK_BENCH_PORTS ("5650-5689") if set, else any."""
    low, _sep, high = os.environ.get("LOOKBOOK_BENCH_PORTS", "").partition("-")
    candidates = range(int(low), int(high) + 1) if low and high else [0]
    for port in candidates:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    sys.exit(f"no free port in {low}-{high}")


def _wait(url: str, seconds: float = 60) -> None:
    end = time.time() + seconds
    while time.time() < end:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own local server
            return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"server at {url} did not come up")


def _wrk(url: str, script: Path, seconds: int) -> dict[str, float]:
    out = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "-s", str(script), url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {p: _ms(v) for p, v in re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": lat["50"], "p99": lat["99"], "non2xx": int(errors.group(1)) if errors else 0}


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _serve(args: list[str], env: dict[str, str], port: int) -> subprocess.Popen:
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait(f"http://127.0.0.1:{port}/health/live")
    return proc


ROTATE_LUA = """
local skus = {%s}
local i = 0
request = function()
  i = i %% #skus + 1
  return wrk.format("GET", "/api/v1/outfits/" .. skus[i] .. "/bags")
end
"""
ADHOC_LUA = """
local colours = {"black","navy","coral","camel","gold","blush","teal","red","white","olive"}
local occasions = {"casual","business","evening"}
local n = 0
request = function()
  n = n + 1
  local body = string.format(
    '{"outfit": {"occasions": ["%s"], "colours": ["%s", "%s"], "name": "look %d"}, "limit": %d}',
    occasions[n % 3 + 1], colours[n % 10 + 1], colours[(n * 7) % 10 + 1], n, n % 5 + 1)
  return wrk.format("POST", "/api/v1/recommendations/bags",
                    {["Content-Type"] = "application/json"}, body)
end
"""
BARE_APP = """
from pathlib import Path
from flask import Flask, Response
BODY = (Path(__file__).parent / "body.json").read_bytes()
app = Flask(__name__)
@app.get("/health/live")
def live():
    return "ok"
@app.get("/api/v1/outfits/<sku>/bags")
def bags(sku):
    return Response(BODY, mimetype="application/json")
"""


def build_catalog(work: Path, env: dict[str, str], bags: int, outfits: int) -> None:
    """Import a synthetic catalog and fit it (the HTTP bench's own setup)."""
    rows = bags + outfits
    csv_path = work / "catalog.csv"
    write_csv(csv_path, rows, outfit_every=max(2, rows // outfits))
    lookbook = [sys.executable, "-m", "lookbook.cli"]
    subprocess.run([*lookbook, "import", str(csv_path)], env=env, check=True, capture_output=True)
    subprocess.run([*lookbook, "fit", "--no-evaluate"], env=env, check=True, capture_output=True)


def outfit_skus(base: str, count: int = 1000) -> list[str]:
    """Return up to ``count`` catalog outfit skus, read through the API."""
    skus: list[str] = []
    page = 1
    while len(skus) < count:
        items = json.load(urllib.request.urlopen(  # noqa: S310 - our own local server
            f"{base}/api/v1/items?kind=outfit&per_page=100&page={page}"))["items"]
        if not items:
            break
        skus += [i["sku"] for i in items]
        page += 1
    return skus[:count]


def write_scripts(work: Path, skus: list[str]) -> tuple[Path, Path]:
    """Write the wrk scripts: GET rotating over the outfits, and POST ad-hoc outfits."""
    rotate, adhoc = work / "rotate.lua", work / "adhoc.lua"
    rotate.write_text(ROTATE_LUA % ", ".join(json.dumps(s) for s in skus))
    adhoc.write_text(ADHOC_LUA)
    return rotate, adhoc


def measure_app(env: dict[str, str], work: Path, seconds: int, warmup: int,
                workers: int = 2, posts: bool = True) -> tuple[dict, dict, bytes, Path]:
    """Serve the app; return (rotating GET, ad-hoc POST) figures, a sample body and the GET script.

    ``posts=False`` skips the POST row (its figures are then empty)."""
    lookbook = [sys.executable, "-m", "lookbook.cli"]
    port = _free_port()
    server = _serve([*lookbook, "serve", "--port", str(port), "--workers", str(workers)], env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        skus = outfit_skus(base)
        sample = urllib.request.urlopen(f"{base}/api/v1/outfits/{skus[0]}/bags").read()  # noqa: S310
        rotate, adhoc = write_scripts(work, skus)
        subprocess.run(["wrk", "-t2", "-c16", f"-d{warmup}s", "-s", str(rotate), base],
                       capture_output=True, check=True)  # warm both workers' answer caches
        bags = _wrk(base, rotate, seconds)
        adhoc_figures = _wrk(base, adhoc, seconds) if posts else {}
    finally:
        server.terminate()
        server.wait()
    return bags, adhoc_figures, sample, rotate


def measure_bare(env: dict[str, str], work: Path, sample: bytes, rotate: Path, seconds: int) -> dict:
    """Serve a bare Flask route returning ``sample`` with the same server settings; measure it."""
    bare_dir = work / "bare"
    bare_dir.mkdir(exist_ok=True)
    (bare_dir / "body.json").write_bytes(sample)
    (bare_dir / "bareapp.py").write_text(BARE_APP)
    port = _free_port()
    bare = _serve([sys.executable, "-m", "gunicorn", "-w", "2", "-k", SERVE_WORKER, "--threads", "4",
                   "-b", f"127.0.0.1:{port}", "--chdir", str(bare_dir), "bareapp:app"], env, port)
    try:
        return _wrk(f"http://127.0.0.1:{port}", rotate, seconds)
    finally:
        bare.terminate()
        bare.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bags", type=int, default=100_000)
    parser.add_argument("--outfits", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=10,
                        help="seconds of rotating requests first (answers are cached per revision, "
                             "shared through Redis when LOOKBOOK_REDIS_URL is set)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    work = Path(tempfile.mkdtemp(prefix="lookbook-http-"))
    env = {**os.environ, "LOOKBOOK_INSTANCE": str(work / "instance"),
           "LOOKBOOK_MODELS_DIR": str(work / "models"), "LOOKBOOK_SECRET_KEY": "bench",
           "LOOKBOOK_RATE_LIMIT": "off"}
    started = time.perf_counter()
    build_catalog(work, env, args.bags, args.outfits)
    print(f"catalog: {args.bags + args.outfits:,} rows imported and fitted in "
          f"{time.perf_counter() - started:.0f} s")
    bags, posts, sample, rotate = measure_app(env, work, args.seconds, args.warmup)
    floor = measure_bare(env, work, sample, rotate, args.seconds)
    shutil.rmtree(work, ignore_errors=True)

    print(f"gunicorn 2 workers x 4 threads, wrk 2 threads 16 connections, {args.seconds} s each "
          f"after a {args.warmup} s warm-up; "
          f"{os.cpu_count()} CPUs shared by server and wrk; load {os.getloadavg()[0]:.2f}")
    print(f"{'what':<44}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}")
    for name, r in (("bare Flask route, same bytes (floor)", floor),
                    ("GET bags-for-outfit, 1,000 outfits rotating", bags),
                    ("POST ad-hoc outfit, every body different", posts)):
        print(f"{name:<44}{r['rps']:>9.0f}{r['p50']:>9.1f}{r['p99']:>9.1f}{r['non2xx']:>9}")
    print(f"bags-for-outfit req/s vs floor: {bags['rps'] / floor['rps']:.2f} "
          "(target >= 0.50 and p99 <= 20 ms; ad-hoc p99 target <= 50 ms)")


if __name__ == "__main__":
    main()
