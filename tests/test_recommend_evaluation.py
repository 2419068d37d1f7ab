"""Offline evaluation: exact metrics, honest baselines, and learning that shows on the demo."""

import numpy as np
import pytest

from lookbook.catalog.records import parse_item
from lookbook.demo.catalog import generate, public_fields
from lookbook.recommend.data import Catalog
from lookbook.recommend.estimator import BagRecommender
from lookbook.recommend.evaluation import coverage, evaluate_model, random_metrics, rank_metrics


def test_rank_metrics_for_the_one_relevant_bag():
    rng = np.random.default_rng(0)
    best = rank_metrics(np.array([3.0, 1.0, 2.0, 0.0, -1.0]), 0, rng)
    assert best == {"hit@5": 1.0, "hit@10": 1.0, "mrr": 1.0, "fitb": 1.0}
    third = rank_metrics(np.arange(20, dtype=float)[::-1], 2, rng)
    assert third["mrr"] == pytest.approx(1 / 3) and third["hit@5"] == 1.0
    last = rank_metrics(np.arange(20, dtype=float)[::-1], 19, rng)
    assert last["fitb"] == 0.0 and last["hit@10"] == 0.0


def test_ties_count_as_a_random_tie_break_would():
    flat = rank_metrics(np.zeros(20), 7, np.random.default_rng(0))
    assert flat["hit@10"] == pytest.approx(0.5) and flat["hit@5"] == pytest.approx(0.25)
    assert flat["fitb"] == pytest.approx(0.25)
    assert flat["mrr"] == pytest.approx(random_metrics(20)["mrr"])


def test_random_is_exactly_k_over_n():
    assert random_metrics(40) == pytest.approx({"fitb": 0.25, "hit@5": 5 / 40, "hit@10": 10 / 40,
                                                "mrr": sum(1 / r for r in range(1, 41)) / 40})
    assert random_metrics(4)["hit@5"] == 1.0


def demo_catalog() -> Catalog:
    doc = generate()
    recs = [parse_item(public_fields(i))[0] for i in doc["items"]]
    looks = [(lk["outfit"], lk["bag"]) for book in doc["lookbooks"] for lk in book["looks"]]
    books = [book["slug"] for book in doc["lookbooks"] for _lk in book["looks"]]
    return Catalog([r for r in recs if r.kind == "outfit"], [r for r in recs if r.kind == "bag"],
                   looks, "demo", books)


@pytest.fixture(scope="module")
def demo_evaluation():
    catalog = demo_catalog()
    return evaluate_model(BagRecommender().fit(catalog), catalog)


def test_the_model_beats_every_baseline_on_the_demo_stylists_looks(demo_evaluation):
    for split in demo_evaluation.splits:
        scores = {r: t.mean() for r, t in split.overall.items()}
        assert split.looks == 96
        for baseline in ("rules only", "colour in outfit", "popularity", "random"):
            for metric in ("fitb", "hit@10"):
                assert scores["model"][metric] > scores[baseline][metric], (split.name, baseline, metric)


def test_folds_hold_out_whole_lookbooks_and_the_cold_split_holds_out_bags(demo_evaluation):
    folds, cold = demo_evaluation.splits
    assert folds.name == "lookbook folds" and cold.name == "cold split"
    # No held-out bag was in a training look, so popularity has nothing to go on.
    assert cold.overall["popularity"].mean()["hit@10"] == 0.0
    assert set(folds.by_occasion) >= {"business", "casual", "evening"}
    table = demo_evaluation.table()
    assert "random hit@k = k/N" in table and "different first picks" in table


def test_different_outfits_get_different_picks_instead_of_the_same_few_bags():
    catalog = demo_catalog()
    wide = coverage(BagRecommender().fit(catalog), catalog)
    narrow = coverage(BagRecommender(crowding=0.0).fit(catalog), catalog)
    assert wide["distinct_top5"] > narrow["distinct_top5"]
    assert wide["distinct_top1"] >= narrow["distinct_top1"]
    assert wide["distinct_top1"] >= wide["outfits"] / 3
