"""Offline evaluation: the metrics, and the model ahead of both baselines on the demo catalog."""

import math

import pytest

from lookbook.catalog.records import parse_item
from lookbook.demo.catalog import generate, public_fields
from lookbook.recommend.data import Catalog
from lookbook.recommend.estimator import BagRecommender
from lookbook.recommend.evaluation import _gain, _random_expectation, evaluate_model


def test_hit_and_ndcg_for_the_one_relevant_bag():
    assert _gain(0, 5) == (1.0, 1.0)
    assert _gain(2, 5) == (1.0, pytest.approx(1 / math.log2(4)))
    assert _gain(5, 5) == (0.0, 0.0) and _gain(None, 5) == (0.0, 0.0)
    hit, ndcg = _random_expectation(10, 5)
    assert hit == 0.5 and 0 < ndcg < hit
    assert _random_expectation(3, 5)[0] == 1.0


def demo_catalog() -> Catalog:
    doc = generate()
    recs = [parse_item(public_fields(i))[0] for i in doc["items"]]
    looks = [(lk["outfit"], lk["bag"]) for book in doc["lookbooks"] for lk in book["looks"]]
    return Catalog([r for r in recs if r.kind == "outfit"], [r for r in recs if r.kind == "bag"],
                   looks, "demo")


def test_the_model_beats_popularity_and_random_on_the_demo_catalog():
    catalog = demo_catalog()
    result = evaluate_model(BagRecommender().fit(catalog), catalog).as_dict()
    assert result["held_out_looks"] == len(set(catalog.looks))
    for metric in ("hit_rate@5", "ndcg@5"):
        assert result["model"][metric] > result["popularity"][metric]
        assert result["model"][metric] > result["random"][metric]


def test_curated_looks_improve_the_model_on_held_out_looks():
    catalog = demo_catalog()
    with_curation = evaluate_model(BagRecommender().fit(catalog), catalog).as_dict()
    content_only = evaluate_model(BagRecommender(curated_weight=0.0).fit(catalog), catalog).as_dict()
    assert with_curation["model"]["ndcg@5"] > content_only["model"]["ndcg@5"]
