"""Offline evaluation: hold out curated looks and rank every bag of their size class.

Two ways of holding looks out, each as folds so every look is scored once:

* **lookbook folds** hold out whole lookbooks (``GroupKFold`` by lookbook): the model
  learns from the other lookbooks only;
* the **cold split** holds out looks whose bags are in no training look (``GroupKFold``
  by bag): only what the looks taught about *kinds* of bags can help.

For each held-out look every bag of the curated bag's size class is a candidate (no
stock filter, no diversity re-ranking), and the curated bag's rank gives hit@5, hit@10
and MRR; fill-in-the-blank asks whether it beats 3 random bags of its size (chance
0.25).  Tied scores count in expectation, as a random tie-break would.  Rankers: the
model (learned from the training looks), the rules alone (the prior, no looks), "the
bag's colour is in the outfit", popularity (training looks per bag) and random, whose
hit@k is exactly k/N.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.model_selection import GroupKFold

from lookbook.catalog.records import ItemRecord
from lookbook.recommend.data import Catalog, load_catalog
from lookbook.recommend.estimator import BagRecommender
from lookbook.recommend.filters import Filters
from lookbook.recommend.query import traits_of
from lookbook.styling.vocab import ACCENT_SIZES, OCCASIONS

SEED = 20261127
RANKERS = ("model", "rules only", "colour in outfit", "popularity", "random")
METRICS = ("fitb", "hit@5", "hit@10", "mrr")
FITB_DRAWS = 10  # sets of 3 distractors per look, averaged
COVERAGE_OUTFITS = 500  # outfits sampled for the coverage figures of a large catalog


@dataclass
class Tally:
    """Sums of each metric over held-out looks."""

    sums: dict[str, float] = field(default_factory=lambda: dict.fromkeys(METRICS, 0.0))
    n: int = 0

    def add(self, values: dict[str, float]) -> None:
        for k, v in values.items():
            self.sums[k] += v
        self.n += 1

    def mean(self) -> dict[str, float]:
        return {k: round(v / max(self.n, 1), 4) for k, v in self.sums.items()}


@dataclass
class SplitResult:
    """One way of holding looks out, scored for every ranker, overall and per occasion."""

    name: str
    description: str
    folds: int = 0
    candidates: int = 0  # summed over looks: the mean N is candidates / looks
    overall: dict[str, Tally] = field(default_factory=lambda: {r: Tally() for r in RANKERS})
    by_occasion: dict[str, dict[str, Tally]] = field(default_factory=dict)

    @property
    def looks(self) -> int:
        return self.overall["model"].n

    def add(self, occasion: str, ranker: str, values: dict[str, float]) -> None:
        self.overall[ranker].add(values)
        group = self.by_occasion.setdefault(occasion, {r: Tally() for r in RANKERS})
        group[ranker].add(values)

    def as_dict(self) -> dict[str, Any]:
        return {"description": self.description, "folds": self.folds, "held_out_looks": self.looks,
                "mean_candidates": round(self.candidates / max(self.looks, 1), 1),
                "rankers": {r: t.mean() for r, t in self.overall.items()},
                "by_occasion": {occ: {"looks": g["model"].n, **{r: t.mean() for r, t in g.items()}}
                                for occ, g in sorted(self.by_occasion.items())}}


@dataclass
class Evaluation:
    """The evaluation: each split's table and the model's catalog coverage."""

    splits: list[SplitResult]
    coverage: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"splits": {s.name: s.as_dict() for s in self.splits}, "coverage": self.coverage}

    def table(self) -> str:
        """Return the evaluation as plain-text tables."""
        lines = ["Each held-out look's bag is ranked against every bag of its size class",
                 "(no stock filter, no diversity); random hit@k = k/N for N candidates."]
        for split in self.splits:
            mean_n = split.candidates / max(split.looks, 1)
            lines += ["", f"{split.name}: {split.description} -- {split.looks} looks, "
                          f"{split.folds} folds, N = {mean_n:.1f} candidates on average"]
            head = f"{'ranker':<18}" + "".join(f"{m:>8}" for m in ("FITB", "hit@5", "hit@10", "MRR"))
            lines += [head, "-" * len(head)]
            for ranker, tally in split.overall.items():
                m = tally.mean()
                lines.append(f"{ranker:<18}" + "".join(f"{m[k]:>8.3f}" for k in METRICS))
            lines.append("  per occasion, FITB / hit@10:")
            for occ, group in sorted(split.by_occasion.items()):
                cells = "  ".join(f"{r} {group[r].mean()['fitb']:.2f}/{group[r].mean()['hit@10']:.2f}"
                                  for r in RANKERS)
                lines.append(f"  {occ:<9} n={group['model'].n:<4} {cells}")
        c = self.coverage
        if c:
            lines += ["", f"coverage (the model on {c['outfits']} catalog outfits, micro/mini in stock): "
                          f"{c['distinct_top1']} different first picks ({c['top1_share']:.0%} of outfits); "
                          f"{c['distinct_top5']} different bags in the top 5 "
                          f"({c['top5_share_of_eligible']:.0%} of {c['eligible_bags']} eligible bags)"]
        return "\n".join(lines)


def rank_metrics(scores: np.ndarray, target: int, rng: np.random.Generator) -> dict[str, float]:
    """Return fill-in-the-blank, hit@5, hit@10 and reciprocal rank of one candidate, ties in expectation."""
    s = scores[target]
    greater = int(np.count_nonzero(scores > s))
    equal = int(np.count_nonzero(scores == s))  # the target included
    out = {f"hit@{k}": float(np.clip((k - greater) / equal, 0.0, 1.0)) for k in (5, 10)}
    out["mrr"] = float(np.mean([1.0 / (r + 1) for r in range(greater, greater + equal)]))
    others = np.delete(np.arange(len(scores)), target)
    if not len(others):
        out["fitb"] = 1.0
        return out
    wins = 0.0
    for _ in range(FITB_DRAWS):
        picked = scores[rng.choice(others, min(3, len(others)), replace=False)]
        if not np.any(picked > s):
            wins += 1.0 / (1 + int(np.count_nonzero(picked == s)))
    out["fitb"] = wins / FITB_DRAWS
    return out


def random_metrics(n: int) -> dict[str, float]:
    """Return the exact expectation of each metric for a uniformly random ranking of n bags."""
    return {"fitb": 1.0 / (1 + min(3, n - 1)), "hit@5": min(5, n) / n, "hit@10": min(10, n) / n,
            "mrr": sum(1.0 / r for r in range(1, n + 1)) / n}


def _occasion(outfit: ItemRecord) -> str:
    return next((o for o in outfit.occasions if o in OCCASIONS), "casual")


def _looks(model: BagRecommender, catalog: Catalog) -> tuple[list[tuple[str, str]], list[str]]:
    """Return the distinct fitted looks and the lookbook of each (a look of its own if unknown)."""
    books = catalog.look_books or [f"look-{i}" for i in range(len(catalog.looks))]
    seen: dict[tuple[str, str, str], None] = {}
    for (o, b), book in zip(catalog.looks, books, strict=True):
        if o in model.outfit_position_ and b in model.bag_position_:
            seen[(o, b, book)] = None
    return [(o, b) for o, b, _ in seen], [book for _, _, book in seen]


def _score_split(split: SplitResult, model: BagRecommender, catalog: Catalog,
                 looks: list[tuple[str, str]], groups: Sequence[str], n_folds: int,
                 rules: BagRecommender, progress: Callable[[int], Any] | None) -> None:
    """Fill a split's tallies: learn from the other folds, rank each held-out look."""
    outfits = {o.sku: o for o in catalog.outfits}
    bags = {b.sku: b for b in catalog.bags}
    sizes = np.asarray(model.bags_.size)
    rng = np.random.default_rng(SEED)
    n_groups = len(set(groups))
    split.folds = max(1, min(n_folds, n_groups))
    if n_groups < 2:
        return
    folds = GroupKFold(n_splits=split.folds).split(np.zeros(len(looks)), groups=groups)
    for train_idx, test_idx in folds:
        trained = model.with_looks([looks[i] for i in train_idx], catalog.outfits)
        for i in test_idx:
            outfit_sku, bag_sku = looks[i]
            outfit, target_pos = outfits[outfit_sku], model.bag_position_[bag_sku]
            candidates = np.flatnonzero(sizes == sizes[target_pos])
            target = int(np.flatnonzero(candidates == target_pos)[0])
            traits, vector = traits_of(outfit), trained.outfit_vector(sku=outfit_sku)
            palette = {name for name, _hex in outfit.colours}
            occasion = _occasion(outfit)
            ranked = {
                "model": trained.scores(traits, candidates, outfit_vector=vector),
                "rules only": rules.scores(traits, candidates),
                "colour in outfit": np.array([
                    float(bags[model.bags_.skus[p]].colours[0][0] in palette) for p in candidates]),
                "popularity": trained.popularity_[candidates].astype(float),
            }
            for ranker, scores in ranked.items():
                split.add(occasion, ranker, rank_metrics(np.round(scores, 6), target, rng))
            split.add(occasion, "random", random_metrics(len(candidates)))
            split.candidates += len(candidates)
        if progress:
            progress(1)


def coverage(model: BagRecommender, catalog: Catalog, limit: int = 5) -> dict[str, Any]:
    """Return how many different bags the model serves across catalog outfits (API defaults)."""
    filters = Filters(size=ACCENT_SIZES)
    outfits = list(catalog.outfits)
    if len(outfits) > COVERAGE_OUTFITS:
        keep = np.random.default_rng(SEED).choice(len(outfits), COVERAGE_OUTFITS, replace=False)
        outfits = [outfits[i] for i in sorted(keep)]
    top1: set[int] = set()
    top5: set[int] = set()
    for outfit in outfits:
        ranking = model.rank_bags(traits_of(outfit), filters, limit,
                                  outfit_vector=model.outfit_vector(sku=outfit.sku))
        served = [int(p) for p in ranking.positions[:limit]]
        top1.update(served[:1])
        top5.update(served)
    eligible = int(np.count_nonzero(filters.mask(model.bags_)))
    return {"outfits": len(outfits), "distinct_top1": len(top1), "distinct_top5": len(top5),
            "eligible_bags": eligible, "top1_share": round(len(top1) / max(len(outfits), 1), 3),
            "top5_share_of_eligible": round(len(top5) / max(eligible, 1), 3)}


def evaluate_model(model: BagRecommender, catalog: Catalog, n_folds: int = 5,
                   progress: Callable[[int], Any] | None = None) -> Evaluation:
    """Evaluate a model fitted on ``catalog``: lookbook folds, the cold split, coverage."""
    looks, books = _looks(model, catalog)
    rules = model.with_looks([], catalog.outfits)
    folds = SplitResult("lookbook folds", "whole lookbooks held out")
    _score_split(folds, model, catalog, looks, books, n_folds, rules, progress)
    cold = SplitResult("cold split", "held-out looks' bags are in no training look")
    _score_split(cold, model, catalog, looks, [b for _o, b in looks], n_folds, rules, progress)
    return Evaluation([folds, cold], coverage(model, catalog))


def run_evaluation(db, n_folds: int = 5, progress: Callable[[int], Any] | None = None) -> Evaluation:
    """Fit on the database's catalog and evaluate; ValueError when there is nothing to hold out."""
    with db.session() as session:
        catalog = load_catalog(session)
    if len(set(catalog.looks)) < 2:
        raise ValueError("evaluation needs at least 2 curated looks in published lookbooks")
    model = BagRecommender().fit(catalog)
    return evaluate_model(model, catalog, n_folds=n_folds, progress=progress)

