"""Every speed and memory target of DESIGN §6 / issue 11, next to its floor, in one run.

Usage:
    python bench/run_all.py                      # 100k bags, 1,000 outfits, SQLite
    python bench/run_all.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
    python bench/run_all.py --big 1000000        # also the 1M-bag in-process row
    python bench/run_all.py --redis-url redis://127.0.0.1:6379/13  # + hot GET sharing answers in Redis
    python bench/run_all.py --quick              # CI smoke: small sizes, no targets checked

Rows and floors (each floor measured in this run, on this machine):
  import CSV         lookbook import (new rows)         csv parse + executemany into a bare SQLite table
  fit                lookbook fit --no-evaluate          reading the catalog from the database
  uncached answer    bags-for-outfit in process: model,  float32 mat-vec + argpartition over the same
                     live re-check, JSON bytes           bag matrix
  hot GET (HTTP)     gunicorn 2 workers + wrk, 1,000     a bare Flask route returning the same bytes,
                     outfits rotating, after a warm-up   same server settings
  ad-hoc POST        every body different (HTTP)         the same bare route; and in process
  1M bags            rank + reasons in process           mat-vec + argpartition (--big)
  workers' memory    4 workers, /proc/<pid>/smaps_rollup the model arrays' size on disk
Needs wrk for the HTTP rows.  Servers listen on LOOKBOOK_BENCH_PORTS (default 5650-5689).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("LOOKBOOK_BENCH_PORTS", "5650-5689")
import bench_http  # noqa: E402
import bench_memory  # noqa: E402
from bench_import import floor as import_floor  # noqa: E402
from bench_import import run_import, write_csv  # noqa: E402


def p50(samples: list[float]) -> float:
    return float(np.percentile(np.array(samples) * 1000, 50))


def in_process(env: dict[str, str], queries: int) -> dict[str, float]:
    """Time uncached answers (catalog outfits and ad-hoc) in this process, with the floor."""
    os.environ.update(env)
    for name in ("LOOKBOOK_DATABASE_URL", "LOOKBOOK_REDIS_URL"):
        if name not in env:
            os.environ.pop(name, None)
    from flask import request
    from sqlalchemy import select

    from lookbook import create_app
    from lookbook.api.body import encode_json
    from lookbook.api.recommendations import adhoc_outfit, bags_for
    from lookbook.catalog.models import Item
    from lookbook.recommend.request import RecommendQuery
    from lookbook.server import appdb, services

    app = create_app()
    with app.app_context():
        skus = list(appdb.session().scalars(select(Item.sku).where(Item.kind == "outfit").limit(1000)))
        appdb.session().close()
    rng = np.random.default_rng(5)
    order = [skus[i % len(skus)] for i in rng.permutation(queries)]
    cold_t: list[float] = []
    for sku in skus:  # first question per outfit under this revision: rows read from the database
        with app.test_request_context(f"/api/v1/outfits/{sku}/bags"):
            t = time.perf_counter()
            encode_json(bags_for(sku, request.args, services.recommender()))
            cold_t.append(time.perf_counter() - t)
    answer_t, floor_t, adhoc_t = [], [], []
    colours = ["black", "navy", "coral", "camel", "gold", "blush", "teal", "red"]
    for n, sku in enumerate(order):
        with app.test_request_context(f"/api/v1/outfits/{sku}/bags"):
            t = time.perf_counter()
            rec = services.recommender()
            encode_json(bags_for(sku, request.args, rec))
            answer_t.append(time.perf_counter() - t)
            model = rec.model
            vector = model.outfit_profiles_[model.outfit_position_[sku]].copy()
            t = time.perf_counter()
            scores = vector @ model.scoring_matrix_  # the faster (feature-major) layout
            np.argpartition(-scores, 5)[:5]
            floor_t.append(time.perf_counter() - t)
        body = {"outfit": {"occasions": ["evening"], "colours": [colours[n % 8], colours[(n * 3) % 8]]}}
        with app.test_request_context("/api/v1/recommendations/bags", method="POST", json=body):
            t = time.perf_counter()
            rec = services.recommender()
            outfit = adhoc_outfit(body["outfit"])
            q = RecommendQuery({}, accent_default=True)
            answer = rec.bags_for_outfit(outfit, q.filters, q.limit, market=q.market)
            encode_json([r.item.sku for r in answer.results])
            adhoc_t.append(time.perf_counter() - t)
    return {"answer": p50(answer_t), "floor": p50(floor_t), "adhoc": p50(adhoc_t), "cold": p50(cold_t[20:])}


def big_in_process(bags: int) -> dict[str, float]:
    """Rank + reasons over ``bags`` bags in process (no database), with the mat-vec floor."""
    out = subprocess.run([sys.executable, str(Path(__file__).parent / "bench_recommend.py"),
                          "--bags", str(bags), "--queries", "300"], capture_output=True, text=True,
                         check=True).stdout
    figures = {}
    for line in out.splitlines():
        parts = line.split()
        if line.startswith("bags-for-outfit"):
            figures["p50"] = float(parts[-2])
        elif line.startswith("floor"):
            figures["floor"] = float(parts[-2])
    return figures


def timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def catalog_read_seconds(env: dict[str, str]) -> float:
    """The fit's floor: read the catalog the fit reads, in a fresh process."""
    code = ("import time; from lookbook.config import Settings; from lookbook.database import Database;"
            "from lookbook.recommend.data import load_catalog;"
            "db = Database(Settings.from_env().database_url); t = time.perf_counter();"
            "load_catalog(db.session()); print(time.perf_counter() - t)")
    return float(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                check=True).stdout.strip())


def postgres_schema(url: str) -> tuple[str, str]:
    """Create a private schema; return (schema, URL using it)."""
    from sqlalchemy import create_engine, text

    schema = f"lbbench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return schema, f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def drop_schema(url: str, schema: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bags", type=int, default=100_000)
    parser.add_argument("--outfits", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=10, help="wrk measuring time per HTTP row")
    parser.add_argument("--warmup", type=int, default=10, help="wrk warm-up before the hot GET row")
    parser.add_argument("--queries", type=int, default=2000, help="in-process answers timed")
    parser.add_argument("--database-url", default="", help="PostgreSQL URL for the PostgreSQL import row")
    parser.add_argument("--big", type=int, default=0, help="bags for the large in-process row (e.g. 1000000)")
    parser.add_argument("--redis-url", default="",
                        help="also measure the hot GET with the workers sharing answers in this Redis")
    parser.add_argument("--quick", action="store_true", help="CI smoke: 2,000 bags, 50 outfits, short runs")
    args = parser.parse_args()
    if args.quick:
        args.bags, args.outfits, args.seconds, args.warmup, args.queries = 2000, 50, 1, 1, 60
    have_wrk = bool(shutil.which("wrk"))
    work = Path(tempfile.mkdtemp(prefix="lookbook-bench-"))
    models = work / "models"
    env = {**os.environ, "LOOKBOOK_INSTANCE": str(work / "instance"), "LOOKBOOK_MODELS_DIR": str(models),
           "LOOKBOOK_SECRET_KEY": "bench", "LOOKBOOK_RATE_LIMIT": "off", "LOOKBOOK_ENV": "development"}
    env.pop("LOOKBOOK_DATABASE_URL", None)
    env.pop("LOOKBOOK_REDIS_URL", None)
    rows: list[tuple[str, str, str, str, str]] = []  # what, measured, floor, ratio, target
    try:
        csv_path = work / "catalog.csv"
        total = args.bags + args.outfits
        write_csv(csv_path, total, outfit_every=max(2, total // args.outfits))
        floor_s = import_floor(csv_path, work)
        seconds, peak, _out = run_import(csv_path, env)
        rows.append((f"import {total:,} rows CSV, SQLite", f"{seconds:.1f} s, {peak:.0f} MB",
                     f"{floor_s:.2f} s", f"{seconds / floor_s:.1f}x", "<= 10 s, <= 500 MB"))
        if args.database_url:
            schema, pg_url = postgres_schema(args.database_url)
            try:
                seconds, peak, _out = run_import(csv_path, {**env, "LOOKBOOK_DATABASE_URL": pg_url})
            finally:
                drop_schema(args.database_url, schema)
            rows.append((f"import {total:,} rows CSV, PostgreSQL", f"{seconds:.1f} s, {peak:.0f} MB",
                         f"{floor_s:.2f} s", f"{seconds / floor_s:.1f}x", "<= 20 s, <= 500 MB"))

        fit_wall = timed([sys.executable, "-m", "lookbook.cli", "fit", "--no-evaluate"], env)
        card = json.loads((models / "model-card.json").read_text())
        read_s = catalog_read_seconds(env)
        rows.append((f"fit {args.bags:,} bags (lookbook fit, wall)",
                     f"{fit_wall:.1f} s (model {card['fit_seconds']:.1f} s)", f"{read_s:.1f} s read",
                     f"{fit_wall / read_s:.1f}x", "<= 8 s"))

        figures = in_process(env, args.queries)
        rows.append((f"uncached answer in process, {args.bags:,} bags", f"p50 {figures['answer']:.2f} ms",
                     f"{figures['floor']:.2f} ms", f"{figures['answer'] / figures['floor']:.1f}x",
                     "<= 1.5 ms p50"))
        rows.append(("  the same, first question per outfit", f"p50 {figures['cold']:.2f} ms",
                     f"{figures['floor']:.2f} ms", f"{figures['cold'] / figures['floor']:.1f}x",
                     "(rows read from the db)"))

        if have_wrk:
            bags, posts, sample, rotate = bench_http.measure_app(env, work, args.seconds, args.warmup)
            bare = bench_http.measure_bare(env, work, sample, rotate, args.seconds)
            rows.append(("hot GET bags-for-outfit, HTTP, 2 workers",
                         f"{bags['rps']:.0f} req/s, p99 {bags['p99']:.1f} ms",
                         f"{bare['rps']:.0f} req/s, p99 {bare['p99']:.1f} ms",
                         f"{bags['rps'] / bare['rps']:.2f}x", ">= 0.5x, p99 <= 20 ms"))
            if args.redis_url:  # the production setting: answers shared by every worker and host
                shared_env = {**env, "LOOKBOOK_REDIS_URL": args.redis_url,
                              "LOOKBOOK_REDIS_PREFIX": f"lbbench{uuid.uuid4().hex[:8]}"}
                shared, _posts, _sample, _rotate = bench_http.measure_app(shared_env, work, args.seconds,
                                                                          args.warmup, posts=False)
                rows.append(("  the same, answers shared in Redis",
                             f"{shared['rps']:.0f} req/s, p99 {shared['p99']:.1f} ms",
                             f"{bare['rps']:.0f} req/s, p99 {bare['p99']:.1f} ms",
                             f"{shared['rps'] / bare['rps']:.2f}x", ">= 0.5x, p99 <= 20 ms"))
            rows.append(("ad-hoc POST, every body different, HTTP",
                         f"{posts['rps']:.0f} req/s, p99 {posts['p99']:.1f} ms",
                         f"in process p50 {figures['adhoc']:.2f} ms = {1000 / figures['adhoc']:.0f}/s/core",
                         f"{posts['rps'] / bare['rps']:.2f}x bare", "p99 <= 50 ms"))
            mem = bench_memory.measure(env, work, models, workers=4, warm_seconds=max(2, args.warmup // 2))
            disk = bench_memory.arrays_mb(models)
            private = [r["private"] for r in mem]
            model_shared = [r["model_shared"] for r in mem]
            rows.append(("4 workers: private / shared MB each",
                         f"private {min(private):.0f}-{max(private):.0f}, model shared "
                         f"{min(model_shared):.1f}-{max(model_shared):.1f}",
                         f"arrays {disk:.1f} MB on disk",
                         f"model private {max(r['model_private'] for r in mem):.1f}",
                         "one copy shared"))
        if args.big:
            big = big_in_process(args.big)
            rows.append((f"{args.big:,} bags in process (rank + reasons)", f"p50 {big['p50']:.2f} ms",
                         f"{big['floor']:.2f} ms", f"{big['p50'] / big['floor']:.2f}x", "p50 <= 15 ms"))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    load = os.getloadavg()
    print(f"\nmachine: {os.cpu_count()} CPUs, load {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f} (1/5/15 min); "
          f"python {sys.version.split()[0]}; wrk {'yes' if have_wrk else 'missing: HTTP rows skipped'}")
    widths = [max(len(r[i]) for r in [("what", "measured", "floor (same run)", "ratio", "target"), *rows])
              for i in range(5)]
    header = ("what", "measured", "floor (same run)", "ratio", "target")
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    if have_wrk and not args.quick:
        print("\nper-worker memory (MB):")
        print(bench_memory.table(mem))


if __name__ == "__main__":
    main()
