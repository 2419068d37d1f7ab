"""Measure `lookbook import` of a large CSV against a floor measured in the same run.

Usage: python bench/bench_import.py [--rows 100000] [--database-url URL]

The floor is what any import must at least do: parse the same CSV with the csv module
and insert its rows into a bare SQLite table with executemany.  The target (DESIGN §6)
is 100k rows in at most 10 s on SQLite and 20 s on PostgreSQL, with peak memory at
most 500 MB.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lookbook.styling import vocab

COLUMNS = ("sku,kind,name,occasions,colours,material,styles,seasons,sustainability,price,currency,"
           "brand,tier,in_stock,limited_edition,width_cm,silhouette,detachable_strap")


def write_csv(path: Path, rows: int, seed: int = 7, outfit_every: int = 4) -> None:
    """Write a synthetic catalog of ``rows`` items (every ``outfit_every``-th an outfit)."""
    rng = random.Random(seed)
    colours = list(vocab.COLOURS)
    materials = list(vocab.MATERIALS)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS.split(","))
        for i in range(rows):
            bag = i % outfit_every != 0
            w.writerow([
                f"SKU-{i:07d}", "bag" if bag else "outfit", f"Item {i}",
                ";".join(rng.sample(vocab.CORE_OCCASIONS, 2)),
                ";".join(rng.sample(colours, rng.choice((1, 2, 3)))),
                rng.choice(materials), ";".join(rng.sample(vocab.STYLES, 2)),
                ";".join(rng.sample(vocab.SEASONS, 2)),
                rng.choice(("", "vegan", "recycled;vegan")),
                f"{rng.uniform(20, 2000):.2f}", "EUR", f"Brand {i % 50}", rng.choice(vocab.TIERS),
                "true", rng.choice(("true", "false")),
                f"{rng.uniform(5, 45):.1f}" if bag else "",
                rng.choice(vocab.SILHOUETTES) if bag else "",
                rng.choice(("true", "false")) if bag else "",
            ])


def floor(path: Path, workdir: Path) -> float:
    """Parse the CSV and executemany its rows into a bare SQLite table; return seconds."""
    start = time.perf_counter()
    con = sqlite3.connect(workdir / "floor.db")
    con.execute("CREATE TABLE t (" + ", ".join(f"c{i}" for i in range(18)) + ")")
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        next(reader)
        con.executemany("INSERT INTO t VALUES (" + ",".join("?" * 18) + ")", reader)
    con.commit()
    con.close()
    return time.perf_counter() - start


def run_import(path: Path, env: dict[str, str]) -> tuple[float, float, str]:
    """Run `lookbook import` in a child process; return seconds, peak MB and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "lookbook.cli", "import", str(path)],
                          env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode != 0:
        sys.exit(f"import failed:\n{proc.stdout}\n{proc.stderr[-2000:]}")
    return seconds, max(peak, before) / 1024, proc.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default="", help="default: a fresh SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lookbook-bench-") as tmp:
        work = Path(tmp)
        path = work / "catalog.csv"
        write_csv(path, args.rows)
        size_mb = path.stat().st_size / 1e6
        env = {**os.environ, "LOOKBOOK_INSTANCE": str(work / "instance"),
               "LOOKBOOK_SECRET_KEY": "bench"}
        if args.database_url:
            env["LOOKBOOK_DATABASE_URL"] = args.database_url
        floor_s = floor(path, work)
        first_s, first_mb, first_out = run_import(path, env)
        again_s, again_mb, again_out = run_import(path, env)
    print(f"rows: {args.rows:,}  file: {size_mb:.1f} MB")
    print(f"{'run':<28}{'seconds':>10}{'peak MB':>10}{'x floor':>10}")
    print(f"{'floor: csv + executemany':<28}{floor_s:>10.2f}{'':>10}{1:>10.1f}")
    print(f"{'lookbook import (new)':<28}{first_s:>10.2f}{first_mb:>10.0f}{first_s / floor_s:>10.1f}")
    print(f"{'lookbook import (again)':<28}{again_s:>10.2f}{again_mb:>10.0f}{again_s / floor_s:>10.1f}")
    print("target: <= 10 s (SQLite) / <= 20 s (PostgreSQL) and <= 500 MB peak for 100k rows")
    print(first_out.splitlines()[-1])
    print(again_out.splitlines()[-1])


if __name__ == "__main__":
    main()
