"""Measure the studio's outfit search and catalog list on a 100k-item catalog.

Usage: python bench/bench_studio.py [--items 100000] [--repeat 30] [--database-url URL]

Builds a synthetic catalog (a quarter outfits; every item with colours, occasions,
seasons and a photo row) by bulk insert into a freshly migrated database: a SQLite file
in a temporary folder, or a schema of its own in the PostgreSQL database ``--database-url``
names (created and dropped here, so a shared database is left as it was).  Then, signed in
as a curator through the Flask test client, it times each page: the server's whole work
(queries, template, response) without the network.  Target (issue 8): at most 100 ms.

The floor, measured in the same run on the same database: a bare indexed
``SELECT id, sku, name FROM items ORDER BY name LIMIT 25``.  Every SQL statement each page
runs is then EXPLAINed and any full scan of a catalog table is printed.

Deep pages are opened the way the studio links them: Next carries the signed key of the
page's last row (``after=``) and Previous its first (``before=``), so page 2,000 is an index
range read (numbered pages past 20 are refused); the bench signs such keys itself.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert, text

from lookbook.catalog.models import Item, ItemColour, ItemImage, ItemTag
from lookbook.database import Database, utcnow
from lookbook.database.migrations import upgrade
from lookbook.styling import vocab

ADJECTIVES = ("soft", "sharp", "relaxed", "tailored", "silk", "wool", "linen", "cropped", "long",
              "pleated", "belted", "quilted", "classic", "vintage", "modern", "structured", "fluid", "wrap",
              "slim", "wide")
OUTFIT_NOUNS = ("suit", "dress", "gown", "coat", "jumpsuit", "blazer", "skirt", "trousers", "shirt", "jacket")
BAG_NOUNS = ("micro", "mini", "clutch", "pouch", "tote", "crossbody", "bucket", "saddle", "flap", "wristlet")
BATCH = 5000
TABLES = ("items", "item_tags", "item_colours", "item_images")


def rows(n: int, seed: int = 8) -> Iterator[tuple[dict, list[dict], list[dict], dict]]:
    """Yield (item, colours, tags, image) rows of a plausible catalog, item ids 1..n."""
    rng = random.Random(seed)
    colours = list(vocab.COLOURS.items())
    for i in range(1, n + 1):
        outfit = i % 4 == 0
        palette = rng.sample(colours, rng.choice((1, 1, 2, 3)))
        noun = rng.choice(OUTFIT_NOUNS if outfit else BAG_NOUNS)
        width = None if outfit else rng.randint(50, 450) / 10
        item = {
            "id": i, "sku": f"{'O' if outfit else 'B'}{i:07d}", "kind": "outfit" if outfit else "bag",
            "name": f"{rng.choice(ADJECTIVES).title()} {palette[0][0]} {noun} {i}",
            "material": "wool" if outfit else "calfskin", "material_family": None,
            "price": rng.randint(2000, 200000) / 100, "currency": "EUR", "brand": f"Brand {i % 60}",
            "tier": rng.choice(vocab.TIERS), "in_stock": rng.random() < 0.9, "limited_edition": False,
            "width_cm": width, "size": None if outfit else vocab.size_for_width(width),
            "silhouette": None if outfit else rng.choice(vocab.SILHOUETTES), "detachable_strap": False,
        }
        cols = [{"item_id": i, "position": p, "name": name, "hex": hex_}
                for p, (name, hex_) in enumerate(palette)]
        tags = [{"item_id": i, "facet": facet, "value": v, "position": p}
                for facet, values, k in (("occasions", vocab.OCCASIONS, rng.randint(1, 2)),
                                         ("seasons", vocab.SEASONS, rng.randint(1, 2)))
                for p, v in enumerate(rng.sample(values, k))]
        digest = f"{i:064x}"
        image = {"id": i, "item_id": i, "position": 0, "digest": digest, "width": 600, "height": 750,
                 "variants": [{"key": f"{digest}-{w}.webp", "width": w, "height": w * 5 // 4,
                               "format": "webp"} for w in (160, 600)],
                 "palette": [{"name": palette[0][0], "hex": palette[0][1], "share": 1.0}]}
        yield item, cols, tags, image


def build(db: Database, n: int) -> float:
    """Bulk-insert the catalog; return seconds."""
    start = time.perf_counter()
    batch: dict[str, list[dict]] = {t: [] for t in TABLES}
    tables = {"items": Item.__table__, "item_colours": ItemColour.__table__, "item_tags": ItemTag.__table__,
              "item_images": ItemImage.__table__}
    stamp = {"created_at": utcnow(), "updated_at": utcnow()}

    def flush(conn: Any) -> None:
        for name in TABLES:
            if batch[name]:
                conn.execute(insert(tables[name]), batch[name])
                batch[name] = []

    with db.engine.begin() as conn:
        for item, cols, tags, image in rows(n):
            batch["items"].append(item | stamp)
            batch["item_colours"] += cols
            batch["item_tags"] += tags
            batch["item_images"].append(image | {"created_at": stamp["created_at"]})
            if len(batch["items"]) >= BATCH:
                flush(conn)
        flush(conn)
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("SELECT setval(pg_get_serial_sequence('items', 'id'), :n)"), {"n": n})
            conn.execute(text("SELECT setval(pg_get_serial_sequence('item_images', 'id'), :n)"), {"n": n})
    # What autovacuum does to a settled table (and PostgreSQL's index-only scans need).
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"))
    return time.perf_counter() - start


@contextmanager
def recording(db: Database) -> Iterator[list[tuple[str, Any]]]:
    """Collect every statement (and its parameters) the engine runs inside the block."""
    seen: list[tuple[str, Any]] = []

    def before(_conn: Any, _cursor: Any, statement: str, params: Any, _ctx: Any, _many: bool) -> None:
        seen.append((statement, params))

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


CATALOG = ("items", "item_tags", "item_colours", "item_images")
SQLITE_SCAN = re.compile(r"^SCAN (items|item_tags|item_colours|item_images)\b(?! USING)")
PG_READ_SHARE = 0.1  # a plan node reading more than a tenth of a catalog table counts as a scan


def full_scans(db: Database, statements: list[tuple[str, Any]], n_items: int) -> list[str]:
    """EXPLAIN each catalog statement; return what reads a whole table.

    SQLite: a plain ``SCAN table`` (no index).  PostgreSQL: EXPLAIN ANALYZE, and any node
    that read more than a tenth as many rows as there are items (a Seq Scan under a LIMIT
    that stops early is fine; an index walk over the whole table is not).
    """
    found: list[str] = []
    with db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        for statement, params in statements:
            if not statement.lstrip().upper().startswith("SELECT") or "items" not in statement:
                continue
            head = statement.split(chr(10))[0][:80]
            cur = raw.cursor()
            if db.engine.dialect.name == "sqlite":
                plan = [r[3] for r in cur.execute("EXPLAIN QUERY PLAN " + statement, params).fetchall()]
                found += [f"{line}  <-  {head}…" for line in plan if SQLITE_SCAN.search(line)]
                continue
            cur.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, params)
            for node in _nodes(cur.fetchone()[0][0]["Plan"]):
                rows = node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
                read = rows * node.get("Actual Loops", 1)
                if node.get("Relation Name") in CATALOG and read > PG_READ_SHARE * n_items:
                    found.append(f"{node['Node Type']} on {node['Relation Name']}"
                                 f"{' using ' + node['Index Name'] if node.get('Index Name') else ''}: "
                                 f"{read:,.0f} rows  <-  {head}…")
    return found


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float, float]:
    """Return p50 and p95 wall milliseconds of ``fn`` over ``repeat`` runs (after two
    warm-ups), and the p50 of this process's CPU milliseconds (what a busy machine's other
    processes cannot inflate; PostgreSQL's own work is not in it)."""
    fn()
    fn()
    samples, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95, statistics.median(cpu)


def sign_in(client: Any, email: str, password: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page).group(1)
    resp = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert resp.status_code in (302, 303), resp.status_code


@contextmanager
def database(url: str, work: Path) -> Iterator[Database]:
    """Yield a freshly migrated database: a SQLite file, or a PostgreSQL schema of its own."""
    if not url:
        db = Database(f"sqlite:///{work / 'bench.db'}")
        upgrade(db.engine)
        yield db
        db.dispose()
        return
    schema = f"bench_studio_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = Database(url)
    with admin.engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    db = Database(f"{url}{sep}options=-csearch_path%3D{schema}")
    try:
        upgrade(db.engine)
        yield db
    finally:
        db.dispose()
        with admin.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _signed(app: Any, order: str, key: list[Any]) -> str:
    """A page link's key, signed as the studio signs it (see lookbook.web.studio.common)."""
    from itsdangerous import URLSafeSerializer

    from lookbook.web.studio.common import PAGE_LINK_SALT
    return str(URLSafeSerializer(app.secret_key, salt=PAGE_LINK_SALT).dumps({"o": order, "k": key}))


def deep_link(db: Database, app: Any, order: str, page: int, way: str, per_page: int = 50) -> str:
    """The catalog's Next (or Previous) link that leads to ``page``: the key of the row before
    (or after) it, read once here with OFFSET so the timed request seeks by key."""
    column = {"name": "name", "price": "price"}[order]
    row = (page - 1) * per_page - 1 if way == "after" else page * per_page
    with db.engine.connect() as conn:
        value, item_id = conn.execute(text(f"SELECT {column}, id FROM items ORDER BY {column}, id "  # noqa: S608
                                           "LIMIT 1 OFFSET :n"), {"n": row}).one()
    if order == "price":
        value = f"{value / 100:.2f}"  # prices are stored in hundredths
    sort = "" if order == "name" else f"&sort={order}"
    return f"/curate/items/?page={page}{sort}&{way}={_signed(app, order, [value, item_id])}"


def find_link(db: Database, app: Any, book_id: int, page: int, per_page: int = 24) -> str:
    """The outfit picker's Next link to ``page`` (outfits in name order)."""
    with db.engine.connect() as conn:
        name, item_id = conn.execute(text("SELECT name, id FROM items WHERE kind = 'outfit' "
                                          "ORDER BY name, id LIMIT 1 OFFSET :n"),
                                     {"n": (page - 1) * per_page - 1}).one()
    return f"/curate/lookbooks/{book_id}/add?page={page}&after={_signed(app, 'name', [name, item_id])}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (a schema is made in it)")
    args = parser.parse_args()

    from lookbook import create_app
    from lookbook.auth.users import create_user
    from lookbook.lookbooks.models import Lookbook

    with tempfile.TemporaryDirectory(prefix="lookbook-bench-studio-") as tmp, \
            database(args.database_url, Path(tmp)) as db:
        build_s = build(db, args.items)
        with db.write() as session:
            create_user(session, "bench@shop.example", "a long enough password")
            session.add(Lookbook(slug="bench", title="Bench"))
        with db.session() as session:
            book_id = session.query(Lookbook.id).scalar()
        app = create_app({"instance": Path(tmp) / "instance", "database": db, "database_url": db.url,
                          "secret_key": "bench-secret-key-" + "x" * 32, "models_dir": Path(tmp) / "models",
                          "TESTING": True, "RATELIMIT_ENABLED": False})
        client = app.test_client()
        sign_in(client, "bench@shop.example", "a long enough password")

        find = f"/curate/lookbooks/{book_id}/add"
        deep = (args.items // 50) // 2
        last = -(-args.items // 50)
        cases = [
            ("outfit search: all outfits, page 1", find),
            ("outfit search: name word 'silk'", find + "?q=silk"),
            ("outfit search: two words 'navy sui'", find + "?q=navy+sui"),
            ("outfit search: sku prefix 'O00123'", find + "?q=O00123"),
            ("outfit search: occasion evening", find + "?occasion=evening"),
            ("outfit search: colour camel", find + "?colour=camel"),
            ("outfit search: occasion+colour+word", find + "?q=wool&occasion=wedding&colour=navy"),
            ("outfit search: no match 'zzzz'", find + "?q=zzzz"),
            ("catalog: first page", "/curate/items/"),
            ("catalog: bags, mini, in stock", "/curate/items/?kind=bag&size=mini&in_stock=true"),
            ("catalog: colour red, by price", "/curate/items/?colour=red&sort=price"),
            ("catalog: word 'tote'", "/curate/items/?q=tote"),
            ("catalog: 'b' (skus and words, 80k match)", "/curate/items/?q=b"),
            ("catalog: sorted price high-low", "/curate/items/?sort=-price"),
            ("catalog: recently changed", "/curate/items/?sort=recent"),
            (f"catalog: deep page {deep} (Next link)", deep_link(db, app, "name", deep, "after")),
            (f"catalog: page {deep} by price (Previous)", deep_link(db, app, "price", deep, "before")),
            (f"catalog: last page {last} (Next link)", deep_link(db, app, "name", last, "after")),
            ("outfit search: page 400 (Next link)", find_link(db, app, book_id, 400)),
            ("studio home", "/curate/"),
        ]
        with db.engine.connect() as conn:
            def floor_query() -> None:
                conn.execute(text("SELECT id, sku, name FROM items ORDER BY name LIMIT 25")).all()
            floor = timed(floor_query, args.repeat)

        results = []
        for label, path in cases:
            resp = client.get(path)
            assert resp.status_code == 200, (path, resp.status_code)
            with recording(db) as seen:
                client.get(path)
            scans = full_scans(db, seen, args.items)
            p50, p95, cpu = timed(lambda path=path: client.get(path), args.repeat)
            results.append((label, p50, p95, cpu, len(seen), scans))

    load = os.getloadavg()
    print(f"catalog: {args.items:,} items ({args.items // 4:,} outfits), built in {build_s:.1f} s on "
          f"{db.engine.dialect.name}; {args.repeat} timed requests per page; "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")
    print(f"{'page':<42}{'p50 ms':>9}{'p95 ms':>9}{'cpu ms':>9}{'x floor':>9}{'queries':>9}  scans")
    print(f"{'floor: SELECT … ORDER BY name LIMIT 25':<42}{floor[0]:>9.2f}{floor[1]:>9.2f}{floor[2]:>9.2f}"
          f"{1:>9.0f}{1:>9}")
    worst = 0.0
    for label, p50, p95, cpu, queries, scans in results:
        worst = max(worst, p95)
        print(f"{label:<42}{p50:>9.1f}{p95:>9.1f}{cpu:>9.1f}{p50 / floor[0]:>9.0f}{queries:>9}  "
              f"{len(scans) or '-'}")
        for line in scans:
            print("      scan:", line)
    n_scans = sum(len(scans) for *_rest, scans in results)
    print(f"target: p95 <= 100 ms per page; worst p95 {worst:.1f} ms "
          f"({'met' if worst <= 100 else 'NOT met'}); "
          f"plan nodes reading >10% of a table: {n_scans or 'none'}")
    if n_scans or worst > 100:
        sys.exit(1)


if __name__ == "__main__":
    main()
