"""Diversity within a list (MMR) and variety across bundles, tested directly."""

from decimal import Decimal
from types import SimpleNamespace

import numpy as np

from lookbook.recommend.bundles import Bundle, _diverse, match
from lookbook.recommend.diversity import mmr_order
from lookbook.recommend.query import BagView
from tests.recommend_fixtures import bag, records


def test_mmr_passes_over_a_near_twin_of_the_first_pick():
    scores = np.array([1.0, 0.99, 0.9])
    twins = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    assert mmr_order(scores, twins, 1.0, 3).tolist() == [0, 1, 2]  # relevance only
    assert mmr_order(scores, twins, 0.7, 3).tolist() == [0, 2, 1]  # the twin waits
    assert mmr_order(np.zeros(0), np.zeros((0, 2)), 0.7, 3).size == 0


def _bundle(accent: str, functional: str, score: float) -> Bundle:
    def result(sku):
        return SimpleNamespace(item=SimpleNamespace(sku=sku))

    return Bundle(result(accent), result(functional), Decimal(1), "EUR", score, [])


def test_bundles_prefer_a_new_accent_and_a_new_functional_piece():
    pairs = [_bundle("A1", "TOTE", 0.9), _bundle("A2", "TOTE", 0.89), _bundle("A2", "CROSS", 0.8),
             _bundle("A3", "TOTE", 0.7), _bundle("A3", "SHOPPER", 0.6)]
    chosen = _diverse(pairs, 3)
    assert [(b.accent.item.sku, b.functional.item.sku) for b in chosen] == [
        ("A1", "TOTE"), ("A2", "CROSS"), ("A3", "SHOPPER")]
    assert len(_diverse(pairs, 5)) == 5  # repeats only fill up


def test_a_neutral_functional_piece_lets_the_accent_lead():
    gold, beige, red = (BagView.of(r) for r in records(bag("G", "gold"), bag("T", "beige", width="38"),
                                                        bag("R", "red", width="38")))
    score, text = match(gold, beige)
    assert score == 1.0 and "lets the gold accent lead" in text
    assert match(gold, red)[0] < score
