"""The taste model learns what curators do, even against the brief's rules, and generalises."""

import random

import numpy as np
import pytest

from lookbook.catalog.records import ItemRecord
from lookbook.recommend.data import Catalog
from lookbook.recommend.estimator import BagRecommender
from lookbook.recommend.evaluation import rank_metrics
from lookbook.recommend.query import traits_of
from lookbook.recommend.taste import PriorShrunkPairwiseLogit
from lookbook.styling import harmony, vocab

CHROMATIC = [c for c in vocab.COLOURS if c not in vocab.NEUTRAL_COLOURS and c not in vocab.METALLIC_COLOURS]


def _bag(i: int, rng: random.Random) -> ItemRecord:
    colour = rng.choice(list(vocab.COLOURS))
    material = rng.choice(("calfskin", "canvas", "vegan leather", "satin", "nylon"))
    return ItemRecord(
        sku=f"B{i:04d}", kind="bag", name=f"bag {i}", price=rng.choice((60, 150, 400)), currency="EUR",
        colours=[(colour, vocab.COLOURS[colour])], occasions=["casual"],
        styles=rng.sample(("playful", "minimalist", "quirky shape", "logo"), rng.randint(0, 2)),
        material=material, material_family=vocab.material_family(material), tier="mid",
        width_cm=15, size="mini", silhouette=rng.choice(("crossbody", "clutch", "saddle")))


def _outfit(i: int, rng: random.Random) -> ItemRecord:
    colours = rng.sample(CHROMATIC, rng.choice((1, 2)))
    return ItemRecord(sku=f"O{i:04d}", kind="outfit", name=f"outfit {i}", price=300, currency="EUR",
                      colours=[(c, vocab.COLOURS[c]) for c in colours], occasions=["casual"],
                      seasons=["summer"], material="cotton", material_family="natural fibre")


def _tonal(outfit: ItemRecord, bag: ItemRecord) -> bool:
    pal = harmony.palette(outfit.colours)
    return harmony.relation(pal, harmony.palette(bag.colours)[0]) == "tonal"


def stylist_looks(outfits, bags, rng) -> list[tuple[str, str]]:
    """A stylist who always puts a casual outfit with a tonal bag (the brief wants contrast)."""
    looks = []
    for outfit in outfits:
        tonal = [b for b in bags if _tonal(outfit, b)]
        if tonal:
            looks.append((outfit.sku, rng.choice(tonal).sku))
    return looks


def hit_at_10(model: BagRecommender, looks, outfits) -> float:
    rng = np.random.default_rng(0)
    candidates = np.arange(len(model.bags_.skus))
    hits = []
    for outfit_sku, bag_sku in looks:
        scores = model.scores(traits_of(outfits[outfit_sku]), candidates,
                              outfit_vector=model.outfit_vector(sku=outfit_sku))
        hits.append(rank_metrics(np.round(scores, 6), model.bag_position_[bag_sku], rng)["hit@10"])
    return float(np.mean(hits))


@pytest.fixture(scope="module")
def stylist():
    rng = random.Random(5)
    seen, unseen = [_bag(i, rng) for i in range(300)], [_bag(300 + i, rng) for i in range(300)]
    outfits = [_outfit(i, rng) for i in range(600)]
    train = stylist_looks(outfits[:300], seen, rng)[:200]
    test = stylist_looks(outfits[300:], unseen, rng)[:200]
    assert len(train) == 200 and len(test) == 200
    return outfits, seen + unseen, train, test


def test_200_looks_of_a_contrary_stylist_teach_bags_no_look_contains(stylist):
    outfits, bags, train, test = stylist
    assert not {b for _o, b in train} & {b for _o, b in test}  # every test bag is unseen
    by_sku = {o.sku: o for o in outfits}
    learned = BagRecommender().fit(Catalog(outfits, bags, train, "taste"))
    rules = BagRecommender().fit(Catalog(outfits, bags, [], "rules"))
    learned_hit, rules_hit = hit_at_10(learned, test, by_sku), hit_at_10(rules, test, by_sku)
    assert learned_hit >= 2 * rules_hit and learned_hit > 10 / len(bags) * 3
    weights = dict(zip(learned.pairs_.names, learned.weights_, strict=True))
    prior = dict(zip(learned.pairs_.names, learned.prior_weights_, strict=True))
    assert prior["casual/relation:tonal"] == 0 and prior["casual/relation:contrast"] == 1.0
    assert weights["casual/relation:tonal"] + weights["pair/relation:tonal"] > 1.0
    assert weights["casual/relation:contrast"] < prior["casual/relation:contrast"]


def test_with_no_looks_the_weights_are_the_rules(stylist):
    outfits, bags, _train, _test = stylist
    model = BagRecommender().fit(Catalog(outfits[:5], bags[:20], [], "new"))
    assert np.array_equal(model.weights_, model.prior_weights_)


def test_few_looks_move_the_weights_less_than_many():
    rng = np.random.default_rng(1)
    truth = np.array([2.0, -1.0, 0.0])
    prior = np.zeros(3)

    def shift(n_looks: int) -> float:
        diffs = rng.normal(size=(n_looks * 10, 3))
        won = rng.random(len(diffs)) < 1 / (1 + np.exp(-diffs @ truth))
        diffs[~won] *= -1  # each row: chosen minus other
        fit = PriorShrunkPairwiseLogit(prior_strength=5.0).fit(diffs, prior=prior, comparisons_per_look=10)
        return float(np.linalg.norm(fit.coef_ - prior))

    few, many = shift(3), shift(300)
    assert few < many
    assert many == pytest.approx(np.linalg.norm(truth), rel=0.25)


def test_the_learner_keeps_the_estimator_contract():
    from sklearn.base import clone

    est = PriorShrunkPairwiseLogit(prior_strength=3.0)
    assert clone(est).get_params() == {"prior_strength": 3.0, "max_iter": 50, "tol": 1e-6}
    fitted = est.fit(np.ones((4, 2)), prior=np.array([0.5, 0.0]))
    assert fitted is est and hasattr(est, "coef_") and est.n_features_in_ == 2
    with pytest.raises(TypeError):
        PriorShrunkPairwiseLogit(3.0)  # keyword-only
