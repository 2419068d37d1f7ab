"""Benchmark bags-for-outfit in process against the floor of DESIGN §6.

Builds a synthetic catalog (100k bags by default, ``--bags 1000000`` for the large
target, 1,000 outfits), fits, saves and re-loads the model (memory-mapped, as a server
worker does), then times queries rotating over the outfits:

* ``bags-for-outfit``: ``rank_bags`` with the API defaults (micro/mini, in stock,
  limit 5) plus the reasons of the five results -- everything but the database and JSON --
  asked as the service asks for a catalog outfit (its kept candidates may answer), and
  again with every row scanned;
* ``floor``: one float32 matrix-vector product over the same bag matrix (all of it, read
  from the same feature-major copy the model scores from) plus ``argpartition`` for the
  top 5, measured in the same run.

Usage: ``python bench/bench_recommend.py [--bags N] [--outfits N] [--queries N]``
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from lookbook.catalog.records import ItemRecord
from lookbook.recommend.artifacts import MODEL_ARRAYS, load_model, save_model
from lookbook.recommend.data import Catalog
from lookbook.recommend.estimator import BagRecommender
from lookbook.recommend.filters import Filters
from lookbook.recommend.query import BagView, traits_of
from lookbook.styling import vocab

MATERIALS = ("calfskin", "lambskin", "python", "vegan leather", "canvas", "satin", "nylon", "denim")


def synthetic(n_bags: int, n_outfits: int, seed: int = 11) -> Catalog:
    """Return a random but plausible catalog."""
    rng = random.Random(seed)
    colours = list(vocab.COLOURS.items())

    def palette() -> list[tuple[str, str]]:
        return rng.sample(colours, rng.choice((1, 1, 2, 3)))

    bags = []
    for i in range(n_bags):
        width = Decimal(rng.randint(50, 450)) / 10
        material = rng.choice(MATERIALS)
        bags.append(ItemRecord(
            sku=f"B{i:07d}", kind="bag", name=f"bag {i}", price=Decimal(rng.randint(2000, 200000)) / 100,
            currency="EUR", colours=palette(), occasions=rng.sample(vocab.OCCASIONS, rng.randint(1, 2)),
            styles=rng.sample(vocab.STYLES, rng.randint(0, 2)),
            seasons=rng.sample(vocab.SEASONS, rng.randint(0, 2)),
            sustainability=rng.sample(vocab.SUSTAINABILITY, rng.randint(0, 1)),
            material=material, material_family=vocab.material_family(material),
            tier=rng.choice(vocab.TIERS), in_stock=rng.random() < 0.9,
            limited_edition=rng.random() < 0.05, width_cm=width, size=vocab.size_for_width(width),
            silhouette=rng.choice(vocab.SILHOUETTES), detachable_strap=rng.random() < 0.3,
        ))
    outfits = []
    for i in range(n_outfits):
        outfits.append(ItemRecord(
            sku=f"O{i:05d}", kind="outfit", name=f"outfit {i}", price=Decimal(200), currency="EUR",
            colours=palette(), occasions=rng.sample(vocab.OCCASIONS, rng.randint(1, 2)),
            styles=rng.sample(("minimalist", "playful", "heritage"), rng.randint(0, 1)),
            seasons=rng.sample(vocab.SEASONS, rng.randint(1, 2)), material="wool",
            material_family="natural fibre", tier=rng.choice(vocab.TIERS),
        ))
    looks = [(outfits[rng.randrange(n_outfits)].sku, bags[rng.randrange(n_bags)].sku)
             for _ in range(min(200, n_outfits))]
    return Catalog(outfits, bags, looks, "bench-revision")


def percentiles(samples: list[float]) -> tuple[float, float]:
    arr = np.array(samples) * 1000
    return float(np.percentile(arr, 50)), float(np.percentile(arr, 95))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bags", type=int, default=100_000)
    parser.add_argument("--outfits", type=int, default=1_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads while timing")
    args = parser.parse_args()

    t = time.perf_counter()
    catalog = synthetic(args.bags, args.outfits)
    build = time.perf_counter() - t
    t = time.perf_counter()
    fitted = BagRecommender().fit(catalog)
    fit_s = time.perf_counter() - t
    with tempfile.TemporaryDirectory(prefix="lookbook-bench-") as tmp:
        save_model(fitted, Path(tmp))
        del fitted
        t = time.perf_counter()
        model, _card = load_model(Path(tmp))
        load_s = time.perf_counter() - t
        # One BLAS thread, as in a server worker (see lookbook.recommend.holder): on a
        # shared 2-core machine a threaded sgemv is several times slower, floor included.
        with threadpool_limits(limits=args.threads, user_api="blas"):
            run(model, catalog, args, build, fit_s, load_s)


def run(model: BagRecommender, catalog: Catalog, args, build: float, fit_s: float, load_s: float) -> None:
    outfits = catalog.outfits
    bags = catalog.bags
    filters = Filters(size=vocab.ACCENT_SIZES, in_stock=True)
    by_sku = {b.sku: b for b in bags}
    matrix = model.bag_matrix_
    columns = np.asarray(model.scoring_matrix_).view(np.ndarray)
    rng = np.random.default_rng(3)
    queries = [outfits[i % len(outfits)] for i in rng.permutation(args.queries)]

    def recommend(outfit: ItemRecord, kept: bool = True) -> list[list[str]]:
        # As the service asks for a catalog outfit: its kept candidates may answer.
        ranking = model.rank_bags(traits_of(outfit), filters, 5,
                                  outfit_vector=model.outfit_vector(sku=outfit.sku),
                                  outfit=model.outfit_position_[outfit.sku] if kept else None)
        return [model.explain(ranking, int(p), BagView.of(by_sku[model.bags_.skus[int(p)]]))
                for p in ranking.positions[:5]]

    qs = [model.outfit_profiles_[model.outfit_position_[o.sku]].copy() for o in queries]

    def floor(q: np.ndarray) -> np.ndarray:
        scores = q @ columns
        return np.argpartition(-scores, 5)[:5]

    for i in range(50):  # warm up caches and the page cache behind the memory map
        recommend(queries[i % len(queries)])
        floor(qs[i % len(qs)])
    rec_t, floor_t, scan_t = [], [], []
    for outfit, q in zip(queries, qs, strict=True):  # interleaved: same conditions for all
        t = time.perf_counter()
        floor(q)
        floor_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        recommend(outfit)
        rec_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        recommend(outfit, kept=False)
        scan_t.append(time.perf_counter() - t)
    rec50, rec95 = percentiles(rec_t)
    scan50, scan95 = percentiles(scan_t)
    fl50, fl95 = percentiles(floor_t)
    raw = matrix.shape[0] * matrix.shape[1] * 4
    arrays = sum(np.asarray(getattr(model, n)).nbytes for n in MODEL_ARRAYS)
    arrays += sum(np.asarray(getattr(model.bags_, n)).nbytes for n in model.bags_.ARRAYS)
    bag_side = 2 * raw + model.similar_norms_.nbytes + sum(
        np.asarray(getattr(model.bags_, n)).nbytes for n in model.bags_.ARRAYS)
    print(f"BLAS threads: {args.threads}")
    print(f"catalog: {len(bags):,} bags x {matrix.shape[1]} features (float32), {len(outfits):,} outfits, "
          f"{len(catalog.looks)} curated looks; built in {build:.1f} s")
    print(f"{'what':<34} {'p50 ms':>8} {'p95 ms':>8}")
    print(f"{'bags-for-outfit (rank + reasons)':<34} {rec50:>8.3f} {rec95:>8.3f}")
    print(f"{'  the same, every row scanned':<34} {scan50:>8.3f} {scan95:>8.3f}")
    print(f"{'floor (mat-vec + argpartition)':<34} {fl50:>8.3f} {fl95:>8.3f}")
    print(f"{'ratio to floor':<34} {rec50 / fl50:>8.2f} {rec95 / fl95:>8.2f}")
    lo, hi = model._rows_for(filters)
    print(f"rows scanned by a micro/mini query: {hi - lo:,} of {matrix.shape[0]:,} "
          f"(rows are stored in size order; the floor scans all of them)")
    print(f"fit: {fit_s:.2f} s   artifact load (memory-mapped): {load_s * 1000:.0f} ms")
    print(f"bag arrays: {bag_side / 1e6:.1f} MB = {bag_side / raw:.2f}x the raw float32 bag matrix "
          f"({raw / 1e6:.1f} MB; kept twice: rows, and feature-major for scoring); "
          f"all arrays incl. outfits {arrays / 1e6:.1f} MB")
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
