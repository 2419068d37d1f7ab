"""Colour harmony in LCh (DESIGN §2a): relations are computed, not listed per name."""

import numpy as np
import pytest

from lookbook.styling.harmony import colour, colour_features, hue_targets, key_colour, palette, relation
from lookbook.styling.vocab import COLOURS


def c(name: str):
    return colour(name, COLOURS[name])


@pytest.mark.parametrize(("outfit", "bag", "expected"), [
    (["navy"], "coral", "contrast"),          # a bold colour against a neutral outfit
    (["sky"], "coral", "complementary"),      # hues about 180 degrees apart in LCh
    (["blue"], "orange", "contrast"),         # 142 degrees in LCh: contrast, not complement
    (["teal"], "coral", "complementary"),
    (["red"], "burgundy", "tonal"),           # same hue family, clear lightness step
    (["coral"], "orange", "analogous"),
    (["black"], "camel", "neutral"),
    (["black"], "gold", "metallic"),
    (["green"], "purple", "complementary"),
])
def test_relation_between_outfit_and_bag_colours(outfit, bag, expected):
    assert relation(palette([(n, COLOURS[n]) for n in outfit]), c(bag)) == expected


def test_an_outfit_is_read_by_its_first_chromatic_colour():
    assert key_colour([c("navy"), c("coral"), c("teal")]).name == "coral"
    assert key_colour([c("black"), c("white")]) is None


def test_hue_bins_split_a_colour_between_neighbouring_bins():
    feats = colour_features(c("coral"))
    bins = np.array([feats[f"hue{i}"] for i in range(8)])
    assert np.count_nonzero(bins) == 2
    assert bins.sum() == pytest.approx(1.0)
    assert feats["bold"] == 1.0 and feats["pastel"] == 0.0
    assert colour_features(c("blush"))["pastel"] == 1.0
    assert sum(colour_features(c("grey"))[f"hue{i}"] for i in range(8)) == 0.0


def test_complementary_targets_favour_the_opposite_hue():
    weights = hue_targets(0.0, "complementary")
    assert weights[4] == pytest.approx(1.0)  # 180 degrees away
    assert weights[0] < 0  # the outfit's own hue is not a complement
