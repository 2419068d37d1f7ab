"""Pair features: interpretable, computed in LCh, and bilinear so one mat-vec scores every bag."""

import numpy as np
import pytest

from lookbook.recommend.estimator import BagRecommender
from lookbook.recommend.pairs import price_ratio_membership, prior_weights
from lookbook.recommend.query import traits_of
from lookbook.styling.rules import OCCASION_RULES
from tests.recommend_fixtures import bag, catalog_of, outfit


@pytest.fixture(scope="module")
def model():
    cat = catalog_of(
        outfit("SUIT", ["navy", "white"], ["business"], material="wool", price="400"),
        outfit("TEE", ["blue"], ["casual"], material="cotton", price="60"),
        bag("BLACK", "black", material="calfskin", price="380"),
        bag("NAVY", "blue", material="calfskin", price="120"),
        bag("ORANGE", "orange", styles=["playful"], material="canvas", price="40"),
        bag("GOLD", "gold", styles=["metallic"], material="satin", price="90"),
        bag("TOTE", "camel", width="38", silhouette="tote", material="canvas"),
    )
    return BagRecommender().fit(cat), {o.sku: o for o in cat.outfits}


def features(model, outfits, outfit_sku, bag_sku):
    m, by_sku = model, outfits
    ranking = m.pair_context(traits_of(by_sku[outfit_sku]))
    values = ranking.pairs @ m.bag_matrix_[m.bag_position_[bag_sku]]
    return dict(zip(m.pairs_.names, values, strict=True))


def test_colour_relations_are_read_in_lch_from_both_sides(model):
    m, outfits = model
    tee_orange = features(m, outfits, "TEE", "ORANGE")
    assert tee_orange["casual/relation:contrast"] == 1.0  # 142 degrees apart in LCh
    assert tee_orange["casual/relation:tonal"] == 0.0 and tee_orange["business/relation:contrast"] == 0.0
    tee_blue = features(m, outfits, "TEE", "NAVY")  # the bag is blue: the outfit's own colour
    assert tee_blue["casual/relation:repeat"] == 1.0 and tee_blue["pair/relation:repeat"] == 1.0
    suit_blue = features(m, outfits, "SUIT", "NAVY")
    assert suit_blue["business/relation:tonal"] == 1.0  # navy to blue: same hue, a lightness step


def test_neutral_metallic_price_and_occasion_are_separate_features(model):
    m, outfits = model
    black = features(m, outfits, "SUIT", "BLACK")
    assert black["bag/cname:black"] == 1.0 and black["bag/cname:navy"] == 0.0
    assert black["business/colour:neutral"] == 1.0 and black["business/family:fine leather"] == 1.0
    assert black["pair/price:in step"] > 0.75  # 380 for a 400 outfit (soft price bins)
    gold = features(m, outfits, "SUIT", "GOLD")
    assert gold["business/colour:metallic"] == 1.0 and gold["business/styles:metallic"] == 1.0
    assert gold["pair/price:below"] + gold["pair/price:well below"] == pytest.approx(1.0)
    assert gold["market"] == 0.0 and gold["curated"] == 0.0


def test_one_mat_vec_gives_the_same_scores_as_the_features(model):
    m, outfits = model
    ranking = m.pair_context(traits_of(outfits["TEE"]))
    per_pair = (ranking.pairs @ m.bag_matrix_.T).T @ m.weights_  # every bag's features, then weights
    one_matvec = m.bag_matrix_ @ (m.weights_ @ ranking.pairs)
    assert np.allclose(per_pair, one_matvec, atol=1e-5)
    assert np.allclose(m.scores(traits_of(outfits["TEE"]), np.arange(len(m.bags_.skus))), one_matvec,
                       atol=1e-5)


def test_the_prior_is_the_brief_rules():
    from lookbook.recommend.pairs import feature_names

    names = feature_names()
    prior = dict(zip(names, prior_weights(names), strict=True))
    for occasion, rules in OCCASION_RULES.items():
        for key, weight in rules.items():
            assert prior[f"{occasion}/{key}"] == weight
    assert prior["casual/relation:contrast"] == 1.0 and prior["bag/cname:black"] == 0.0


def test_price_ratio_bands():
    bands = price_ratio_membership(100.0)  # centres 30, 100, 300, 1000, 3000
    assert bands.sum(axis=0).tolist() == [1.0] * 5
    assert bands[:, 1].argmax() == 2  # 100 for a 100 outfit: in step
    assert bands[:, 4].argmax() == 3  # 3000: above


def test_catalog_profiles_computed_together_equal_one_matrix_per_outfit(model):
    """A fit stores every catalog outfit's ``w @ A`` from block sums over all outfits at once;
    each must be what building the outfit's pair matrix gives (every occasion, season,
    style, tier and price case; random learned-like weights, not just the prior)."""
    import random

    from lookbook.styling import vocab
    from lookbook.styling.harmony import palette
    from lookbook.styling.rules import OutfitTraits

    m, _outfits = model
    rng = random.Random(5)
    colours = list(vocab.COLOURS)
    traits = [OutfitTraits(
        occasions=tuple(rng.sample([*vocab.OCCASIONS, "unknown"], rng.choice((0, 1, 2, 3)))),
        palette=tuple(palette([(c, vocab.COLOURS[c]) for c in rng.sample(colours, rng.choice((1, 2, 3)))])),
        seasons=tuple(rng.sample(vocab.SEASONS, rng.choice((0, 1, 2)))),
        styles=tuple(rng.choices(vocab.STYLES, k=rng.choice((0, 1, 3)))),  # repeats too
        tier=rng.choice([None, *vocab.TIERS]),
        price=rng.choice([None, 0.0, 15.0, 120.0, 480.0, 4000.0]),
    ) for _ in range(300)]
    weights = np.random.default_rng(2).normal(size=len(m.pairs_.names)).astype(np.float32)
    together = m.pairs_.profiles(traits, weights, chunk=64)  # several chunks
    one_by_one = np.stack([weights @ m.pairs_.matrix(m.pairs_.context(t)) for t in traits])
    assert np.allclose(together, one_by_one, rtol=1e-5, atol=1e-5)
    bounds = m._bounds_many(one_by_one)
    assert np.allclose(bounds, [reference_bounds(m, q) for q in one_by_one], rtol=1e-6, atol=1e-6)


def reference_bounds(m, q):
    """The score bounds written one feature group at a time (what _bounds_many vectorises)."""
    edges = [*m.group_starts_.tolist(), len(q)]
    lo = hi = 0.0
    for g, (start, end) in enumerate(zip(edges, edges[1:], strict=False)):
        part = q[start:end].astype(np.float64)
        pos, neg = np.maximum(part, 0), np.minimum(part, 0)
        if m.group_signed_[g]:
            lo, hi = lo - np.abs(part).sum(), hi + np.abs(part).sum()
        elif m.group_convex_[g]:
            lo, hi = lo + neg.min(), hi + pos.max()
        else:
            lo, hi = lo + neg.sum(), hi + pos.sum()
    return lo, hi
