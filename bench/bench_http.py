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
import textwrap
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_import import write_csv  # noqa: E402

WORKERS = ["--workers", "2"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bags", type=int, default=100_000)
    parser.add_argument("--outfits", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=30,
                        help="seconds of rotating requests first, so each worker has seen the outfits "
                             "(answers are cached per catalog revision, as in production)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    work = Path(tempfile.mkdtemp(prefix="lookbook-http-"))
    env = {**os.environ, "LOOKBOOK_INSTANCE": str(work / "instance"),
           "LOOKBOOK_MODELS_DIR": str(work / "models"), "LOOKBOOK_SECRET_KEY": "bench",
           "LOOKBOOK_RATE_LIMIT": "off"}
    rows = args.bags + args.outfits
    csv_path = work / "catalog.csv"
    write_csv(csv_path, rows, outfit_every=max(2, rows // args.outfits))
    lookbook = [sys.executable, "-m", "lookbook.cli"]
    started = time.perf_counter()
    subprocess.run([*lookbook, "import", str(csv_path)], env=env, check=True, capture_output=True)
    subprocess.run([*lookbook, "fit", "--no-evaluate"], env=env, check=True, capture_output=True)
    print(f"catalog: {rows:,} rows imported and fitted in {time.perf_counter() - started:.0f} s")

    port = _free_port()
    server = _serve([*lookbook, "serve", "--port", str(port), *WORKERS], env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        page = json.load(urllib.request.urlopen(f"{base}/api/v1/items?kind=outfit&per_page=100"))  # noqa: S310
        skus = [i["sku"] for i in page["items"]]
        for p in range(2, 11):
            more = json.load(urllib.request.urlopen(  # noqa: S310
                f"{base}/api/v1/items?kind=outfit&per_page=100&page={p}"))["items"]
            skus += [i["sku"] for i in more]
        sample = urllib.request.urlopen(f"{base}/api/v1/outfits/{skus[0]}/bags").read()  # noqa: S310
        rotate = work / "rotate.lua"
        rotate.write_text(textwrap.dedent(f"""
            local skus = {{{", ".join(json.dumps(s) for s in skus)}}}
            local i = 0
            request = function()
              i = i % #skus + 1
              return wrk.format("GET", "/api/v1/outfits/" .. skus[i] .. "/bags")
            end
        """))
        adhoc = work / "adhoc.lua"
        adhoc.write_text(textwrap.dedent("""
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
        """))
        subprocess.run(["wrk", "-t2", "-c16", f"-d{args.warmup}s", "-s", str(rotate), base],
                       capture_output=True, check=True)  # warm both workers' answer caches
        bags = _wrk(base, rotate, args.seconds)
        posts = _wrk(base, adhoc, args.seconds)
    finally:
        server.terminate()
        server.wait()

    bare_dir = work / "bare"
    bare_dir.mkdir()
    (bare_dir / "body.json").write_bytes(sample)
    (bare_dir / "bareapp.py").write_text(textwrap.dedent("""
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
    """))
    port = _free_port()
    bare = _serve([sys.executable, "-m", "gunicorn", "-w", "2", "-k", "gthread", "--threads", "4",
                   "-b", f"127.0.0.1:{port}", "--chdir", str(bare_dir), "bareapp:app"], env, port)
    try:
        floor = _wrk(f"http://127.0.0.1:{port}", rotate, args.seconds)
    finally:
        bare.terminate()
        bare.wait()
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
          "(target >= 0.50; p99 target <= 50 ms; ad-hoc p99 target <= 100 ms)")


if __name__ == "__main__":
    main()
