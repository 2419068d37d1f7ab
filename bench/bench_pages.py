"""Server time, weight and SQL queries of every shopper page on the demo catalog.

Usage:
    python bench/bench_pages.py                      # build the demo in a temp instance
    python bench/bench_pages.py --instance DIR       # reuse a demo built with `lookbook demo --no-serve`
    python bench/bench_pages.py --rounds 5 --quick   # fewer samples

In process (Flask's test client, no network), with a warm model: every page type is
requested over several different pages (each lookbook, a dozen outfits and bags, browse
views), first once to warm the answer cache ("first visit"), then ``--rounds`` more times
("hot").  Next to it, the floor measured in the same run: a bare Flask app rendering a
trivial Jinja template through its test client.  Also per page: HTML + CSS + JS bytes
(the stylesheets and scripts the page links; photos and the font are not counted) and the
SQL statements one request runs.  Targets (issue 7): p50 <= 25 ms, <= 300 KB, a fixed
number of queries whatever the number of looks.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

TARGET_MS, TARGET_KB = 25.0, 300


def build_demo(instance: Path) -> None:
    """Build the demo catalog (and fit its model) into ``instance``."""
    env = {**os.environ, "LOOKBOOK_INSTANCE": str(instance),
           "LOOKBOOK_MODELS_DIR": str(instance / "models")}
    lookbook = Path(sys.executable).with_name("lookbook")
    subprocess.run([str(lookbook), "demo", "--no-serve"], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def timed(call: Callable[[], object], times: int) -> list[tuple[float, float]]:
    """Return ``times`` (wall-clock, this thread's CPU) durations of ``call`` in milliseconds.

    On a shared, loaded machine the wall clock mostly measures waiting for a core; the
    thread's CPU time is what the request costs the server, and what a quiet machine's
    wall clock would show.
    """
    out = []
    for _ in range(times):
        start, cpu = time.perf_counter(), time.thread_time()
        call()
        out.append(((time.perf_counter() - start) * 1000, (time.thread_time() - cpu) * 1000))
    return out


def p50(samples: list[tuple[float, float]], which: int = 0) -> float:
    return statistics.median(s[which] for s in samples)


def floor_ms(requests: int) -> list[tuple[float, float]]:
    """p50 of a bare Flask route rendering a trivial template (test client, same process)."""
    from flask import Flask, render_template_string

    bare = Flask("floor")

    @bare.get("/")
    def index() -> str:
        return render_template_string("<!doctype html><title>{{ t }}</title><h1>{{ t }}</h1>", t="Floor")

    client = bare.test_client()
    client.get("/")
    return timed(lambda: client.get("/"), requests)


def page_paths(client) -> dict[str, list[str]]:
    """Find the pages to time: every lookbook, outfits and bags from them, browse views."""
    home = client.get("/").get_data(as_text=True)
    books = sorted(set(re.findall(r'href="(/lookbooks/[^"#]+)"', home)))
    outfits: list[str] = []
    bags: list[str] = []
    for path in books:
        html = client.get(path).get_data(as_text=True)
        outfits += [p for p in re.findall(r'href="(/outfits/[^"#]+)"', html) if p not in outfits]
        bags += [p for p in re.findall(r'href="(/bags/[^"#]+)"', html) if p not in bags]
    return {
        "home": ["/"],
        "lookbook": books,
        "outfit": outfits[:12],
        "bag": bags[:12],
        "browse": ["/browse", "/browse?page=2", "/browse?kind=outfit", "/browse?sort=price-low"],
        "browse, filtered": ["/browse?kind=bag&occasion=evening&size=micro,mini",
                             "/browse?colour=gold,silver&in_stock=true",
                             "/browse?material=fine+leather&max_price=300&sort=price-high"],
        "browse, empty": ["/browse?kind=bag&colour=gold&occasion=business&max_price=20"],
    }


def weight(client, path: str) -> tuple[int, int]:
    """Return (HTML bytes, linked CSS + JS bytes) of one page."""
    html = client.get(path).get_data(as_text=True)
    assets = (re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
              + re.findall(r'<script[^>]* src="([^"]+)"', html))
    extra = 0
    for url in assets:
        with client.get(url) as resp:
            extra += len(resp.get_data())
    return len(html.encode()), extra


def queries(db, client, path: str) -> int:
    """Return how many SQL statements one request for ``path`` runs."""
    from sqlalchemy import event

    count = 0

    def record(*_args: object) -> None:
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        client.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--instance", type=Path, help="a demo instance folder (default: build one)")
    parser.add_argument("--rounds", type=int, default=20, help="hot requests per page (default 20)")
    args = parser.parse_args()

    tmp = None
    instance = args.instance
    if instance is None:
        tmp = tempfile.TemporaryDirectory(prefix="bench-pages-")
        instance = Path(tmp.name)
        print(f"building the demo catalog in {instance} ...", flush=True)
        build_demo(instance)
    os.environ["LOOKBOOK_INSTANCE"] = str(instance)
    os.environ.setdefault("LOOKBOOK_MODELS_DIR", str(instance / "models"))
    os.environ["LOOKBOOK_RATE_LIMIT"] = "off"

    from lookbook import create_app
    from lookbook.server.services import HOLDER

    app = create_app()
    client = app.test_client()
    assert client.get("/").status_code == 200
    holder = app.extensions[HOLDER]
    with app.app_context():
        from lookbook.server import appdb

        db = appdb.database()
    paths = page_paths(client)  # also loads the model (warm from here on)
    holder.wait(120)

    load_before = os.getloadavg()
    floor = floor_ms(100)
    rows = []
    for name, group in paths.items():
        statuses: dict[str, int] = {}
        first = [timed(lambda p=p: statuses.__setitem__(p, client.get(p).status_code), 1)[0]  # noqa: B023
                 for p in group]
        if any(code != 200 for code in statuses.values()):
            sys.exit(f"not every page answered 200: {statuses}")
        hot = [ms for _ in range(args.rounds) for p in group for ms in timed(lambda p=p: client.get(p), 1)]  # noqa: B023
        floor += floor_ms(len(hot) // 4 + 10)  # interleaved, so the floor sees the same load
        weights = [weight(client, p) for p in group]
        html_kb = max(w[0] for w in weights) / 1024
        total_kb = max(w[0] + w[1] for w in weights) / 1024
        counts = sorted({queries(db, client, p) for p in group})
        rows.append((name, len(group), p50(first), p50(hot), p50(hot, 1), max(h[0] for h in hot),
                     html_kb, total_kb, counts))
    load = os.getloadavg()
    floor_wall, floor_cpu = p50(floor), p50(floor, 1)

    print(f"\nmachine: {os.cpu_count()} CPUs, load {load_before[0]:.2f} before / "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} after (1/5/15 min); python "
          f"{sys.version.split()[0]}; demo catalog in {instance}")
    print(f"floor: a bare Flask route rendering a trivial template, test client, interleaved with "
          f"the pages: p50 {floor_wall:.2f} ms wall, {floor_cpu:.2f} ms CPU\n")
    head = (f"{'page':<18} {'pages':>5} {'first p50':>10} {'hot p50':>9} {'hot CPU':>9} {'x floor':>8} "
            f"{'hot max':>9} {'HTML KB':>8} {'+CSS/JS':>8} {'queries':>8}")
    print(head + f"   target p50 <= {TARGET_MS:.0f} ms, <= {TARGET_KB} KB")
    print("-" * (len(head) + 35))
    misses = []
    for name, n, first, hot, cpu, worst, html_kb, total_kb, counts in rows:
        qs = "/".join(map(str, counts))
        print(f"{name:<18} {n:>5} {first:>8.2f}ms {hot:>7.2f}ms {cpu:>7.2f}ms {cpu / floor_cpu:>7.1f}x "
              f"{worst:>7.1f}ms {html_kb:>8.1f} {total_kb:>8.1f} {qs:>8}")
        if min(hot, cpu) > TARGET_MS:
            misses.append(f"{name}: hot p50 {hot:.1f} ms wall, {cpu:.1f} ms CPU > {TARGET_MS} ms")
        if total_kb > TARGET_KB:
            misses.append(f"{name}: {total_kb:.0f} KB > {TARGET_KB} KB")
    print("\n(first = each page's first request after the model is loaded, recommendation answers "
          "not cached yet, wall clock;\n hot = the same pages again: wall clock and this thread's CPU "
          "time, x floor = CPU / floor CPU;\n KB = the heaviest page of the group; queries = the "
          "distinct counts seen)")
    if misses:
        print("misses: " + "; ".join(misses))
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
