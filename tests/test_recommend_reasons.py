"""Reasons come from the pair's largest learned contributions and name both sides."""

import numpy as np

from lookbook.recommend.pairs import PairSpace, feature_names
from lookbook.recommend.query import BagView, traits_of
from lookbook.recommend.reasons import Evidence, explain, sentence
from lookbook.styling.markets import load_markets
from tests.recommend_fixtures import bag, outfit, records


def _evidence(outfit_raw, bag_raw, strongest: dict[str, float], **context) -> Evidence:
    from lookbook.recommend.features import FeatureSpace, fitted_transformer, rows

    transformer = fitted_transformer()
    columns = FeatureSpace.from_transformer(transformer).names
    o, b = records(outfit_raw, bag_raw)
    space = PairSpace(columns)
    ctx = space.context(traits_of(o), **context)
    names = feature_names()
    contributions = np.zeros(len(names), dtype=np.float32)
    for name, value in strongest.items():
        contributions[names.index(name)] = value
    return Evidence(names, contributions, ctx, BagView.of(b), transformer.transform(rows([b]))[0], columns)


def test_a_neutral_bag_names_its_colour_and_material_and_the_outfits_colours():
    ev = _evidence(outfit("SUIT", ["navy", "white"], ["business"]), bag("B", "black", material="leather"),
                   {"bag/cname:black": 0.2})
    assert explain(ev) == ["black leather goes with the navy and white of this outfit"]


def test_a_colour_relation_names_the_outfit_colour_it_relates_to():
    ev = _evidence(outfit("TEE", ["white", "blue"], ["casual"]), bag("B", "orange", material="canvas"),
                   {"casual/relation:contrast": 0.3, "casual/styles:playful": 0.1})
    assert explain(ev)[0] == "orange contrasts the blue of this outfit"
    tonal = _evidence(outfit("SUIT", ["blue"], ["business"]), bag("B", "navy", material="calfskin"),
                      {"business/relation:tonal": 0.2})
    assert explain(tonal) == ["navy calfskin is tonal with the blue of this outfit"]


def test_the_largest_contributions_speak_first_and_tiny_ones_not_at_all():
    ev = _evidence(outfit("GOWN", ["black"], ["evening"]),
                   bag("B", "gold", styles=["metallic"], occasions=["evening"]),
                   {"evening/colour:metallic": 0.05, "evening/styles:metallic": 0.2,
                    "pair/occasion": 0.1, "evening/size:mini": 0.001})
    assert explain(ev) == ["metallic finish suits an evening look", "made for evening",
                           "gold shine suits an evening look"]


def test_seasons_markets_and_curated_looks_have_their_own_phrases():
    market = load_markets()["middle-east"]
    ev = _evidence(outfit("LOOK", ["beige"], ["business"]),
                   bag("B", "blush", material="python", limited_edition=True),
                   {"spring/colour:pastel": 0.3, "market": 0.2, "curated": 0.1},
                   season="spring", market=market.weights, market_name=market.label)
    said = explain(ev)
    assert said[0] == "pastel blush leads in spring"
    assert said[1] == "a limited edition is popular in the Middle East"
    assert said[2] == "like the bags our stylists paired with similar outfits"


def test_every_feature_with_a_rule_has_a_phrase():
    ev = _evidence(outfit("LOOK", ["navy"], ["casual", "business", "evening", "wedding", "travel"],
                          seasons=["spring"], styles=["minimalist"], tier="mid", price="300"),
                   bag("B", "black", styles=["minimalist"], tier="mid", seasons=["spring"]), {})
    penalties = ("bag/reach:crowded",)  # only ever lowers a score: never a reason
    silent = [n for n in feature_names() if n not in ("market", *penalties) and not sentence(n, ev)]
    assert silent == []
