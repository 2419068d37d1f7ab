"""Offline evaluation: hold out curated looks, rank bags for their outfits, score the hits.

Looks are split into folds; for each fold the model learns the curated signal from
the other folds only, then ranks bags for every held-out outfit with the API's
default filters (micro/mini, in stock; ``size=any`` when the curated bag is larger).
Hit-rate@k and NDCG@k (one relevant bag per look) are reported for the model, a
popularity baseline (bags most often curated in the training folds) and the exact
expectation of a uniformly random ranking of the same candidates.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import numpy as np

from lookbook.recommend.data import Catalog, load_catalog
from lookbook.recommend.estimator import BagRecommender
from lookbook.recommend.filters import Filters
from lookbook.recommend.query import traits_of
from lookbook.styling.vocab import ACCENT_SIZES

SEED = 20261127


@dataclass
class Scores:
    """Hit-rate@k and NDCG@k accumulated over held-out looks."""

    hits: float = 0.0
    ndcg: float = 0.0
    n: int = 0

    def add(self, hit: float, gain: float) -> None:
        self.hits += hit
        self.ndcg += gain
        self.n += 1

    def as_dict(self, k: int) -> dict[str, float]:
        n = max(self.n, 1)
        return {f"hit_rate@{k}": round(self.hits / n, 4), f"ndcg@{k}": round(self.ndcg / n, 4)}


@dataclass
class Evaluation:
    """The evaluation table."""

    k: int
    folds: int
    held_out: int
    rows: dict[str, Scores] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"k": self.k, "folds": self.folds, "held_out_looks": self.held_out,
                **{name: s.as_dict(self.k) for name, s in self.rows.items()}}

    def table(self) -> str:
        """Return the scores as a plain-text table."""
        head = f"{'ranker':<12} {'hit-rate@' + str(self.k):>11} {'NDCG@' + str(self.k):>8}"
        lines = [head, "-" * len(head)]
        for name, s in self.rows.items():
            d = s.as_dict(self.k)
            lines.append(f"{name:<12} {d[f'hit_rate@{self.k}']:>11.3f} {d[f'ndcg@{self.k}']:>8.3f}")
        lines.append(f"({self.held_out} held-out curated looks, {self.folds} folds)")
        return "\n".join(lines)


def _gain(rank: int | None, k: int) -> tuple[float, float]:
    """Return (hit, NDCG) for the rank (0-based) of the one relevant bag."""
    if rank is None or rank >= k:
        return 0.0, 0.0
    return 1.0, 1.0 / math.log2(rank + 2)


def _random_expectation(n: int, k: int) -> tuple[float, float]:
    """Return the expected (hit, NDCG) of the relevant bag among n shuffled candidates."""
    if n == 0:
        return 0.0, 0.0
    m = min(k, n)
    return m / n, sum(1.0 / math.log2(r + 2) for r in range(m)) / n


def _folds(looks: list[tuple[str, str]], n_folds: int) -> list[list[tuple[str, str]]]:
    order = list(dict.fromkeys(looks))
    random.Random(SEED).shuffle(order)
    return [order[i::n_folds] for i in range(n_folds)]


def evaluate_model(model: BagRecommender, catalog: Catalog, k: int = 5, n_folds: int = 5,
                   progress=None) -> Evaluation:
    """Evaluate a model fitted on ``catalog`` against the baselines, fold by fold."""
    looks = [p for p in dict.fromkeys(catalog.looks)
             if p[0] in model.outfit_position_ and p[1] in model.bag_position_]
    n_folds = max(1, min(n_folds, len(looks)))
    result = Evaluation(k, n_folds, len(looks),
                        {"model": Scores(), "popularity": Scores(), "random": Scores()})
    outfits = {o.sku: o for o in catalog.outfits}
    for held in _folds(looks, n_folds):
        held_set = set(held)
        trained = model.with_looks([p for p in catalog.looks if p not in held_set])
        for outfit_sku, bag_sku in held:
            bag_pos = model.bag_position_[bag_sku]
            size = model.bags_.size[bag_pos]
            accent = size in (0, 1)  # ACCENT_SIZES are the first two size codes
            filters = Filters(size=ACCENT_SIZES if accent else ())
            passing = filters.mask(model.bags_)
            if not passing[bag_pos]:
                filters = Filters(size=(), in_stock=None)
                passing = filters.mask(model.bags_)
            outfit = outfits[outfit_sku]
            ranking = trained.rank_bags(traits_of(outfit), filters, k,
                                        outfit_vector=trained.outfit_vector(sku=outfit_sku))
            top = list(ranking.positions[:k])
            order = np.argsort(-ranking.scores[:k], kind="stable")
            top = [top[i] for i in order]
            result.rows["model"].add(*_gain(top.index(bag_pos) if bag_pos in top else None, k))
            candidates = np.flatnonzero(passing)
            pop = trained.popularity_[candidates]
            ranked = candidates[np.lexsort((candidates, -pop))]
            pop_rank = int(np.flatnonzero(ranked == bag_pos)[0])
            result.rows["popularity"].add(*_gain(pop_rank, k))
            result.rows["random"].add(*_random_expectation(len(candidates), k))
        if progress:
            progress(1)
    return result


def run_evaluation(db, k: int = 5, n_folds: int = 5, progress=None) -> Evaluation:
    """Fit on the database's catalog and evaluate; ValueError when there is nothing to hold out."""
    with db.session() as session:
        catalog = load_catalog(session)
    if len(set(catalog.looks)) < 2:
        raise ValueError("evaluation needs at least 2 curated looks in published lookbooks")
    model = BagRecommender().fit(catalog)
    return evaluate_model(model, catalog, k=k, n_folds=n_folds, progress=progress)
