"""Colour harmony in LCh (DESIGN §2a): relations are computed, not listed per name."""

import pytest

from lookbook.styling.harmony import (
    RELATIONS,
    anchor,
    colour,
    colour_features,
    key_colour,
    palette,
    relation,
    relation_strengths,
)
from lookbook.styling.rules import HARMONY_RULES
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
    (["navy", "white"], "navy", "repeat"),     # the bag's colour is in the outfit
    (["grey"], "black", "tonal"),              # the achromatic family, a clear lightness step
    (["white"], "camel", "neutral"),
])
def test_relation_between_outfit_and_bag_colours(outfit, bag, expected):
    assert relation(palette([(n, COLOURS[n]) for n in outfit]), c(bag)) == expected


def test_an_outfit_is_read_by_its_first_chromatic_colour():
    assert key_colour([c("navy"), c("coral"), c("teal")]).name == "coral"
    assert key_colour([c("black"), c("white")]) is None


def test_colour_features_are_lightness_bins_and_flags():
    feats = colour_features(c("coral"))
    assert feats["bold"] == 1.0 and feats["pastel"] == 0.0 and feats["neutral"] == 0.0
    assert sum(feats[k] for k in ("dark", "mid", "light")) == pytest.approx(1.0)
    assert colour_features(c("blush"))["pastel"] == 1.0
    assert colour_features(c("gold"))["metallic"] == 1.0


def test_relation_strengths_score_every_vocabulary_colour_at_once():
    names = list(COLOURS)
    strengths = relation_strengths(palette([("blue", COLOURS["blue"])]))
    assert strengths.shape == (len(RELATIONS), len(names))
    rel = dict(zip(RELATIONS, strengths, strict=True))
    assert rel["repeat"][names.index("blue")] == 1.0
    assert rel["tonal"][names.index("navy")] == 1.0  # hue 1 degree apart, 23 lighter
    assert rel["contrast"][names.index("orange")] == 1.0
    assert rel["complementary"][names.index("blue")] == 0.0
    assert not strengths.flags.writeable  # cached per palette, so shared read-only


def test_a_relation_names_the_outfit_colour_it_is_to():
    outfit = palette([("white", COLOURS["white"]), ("blue", COLOURS["blue"])])
    assert anchor(outfit, c("orange"), "contrast").name == "blue"
    assert anchor(outfit, c("orange"), "tonal") is None


def test_the_rules_speak_only_of_known_relations():
    assert all(set(rules) <= set(RELATIONS) for rules in HARMONY_RULES.values())


def test_cached_palette_tables_equal_the_pairwise_computation_exactly():
    """relation_strengths builds a palette's table from per-colour rows (fast on big
    catalogs); it must equal the full pairwise CIEDE2000 computation bit for bit, for
    vocabulary and custom colours, all-neutral palettes and long ones."""
    import random

    import numpy as np

    from lookbook.styling import harmony
    from lookbook.styling.colour import vocabulary_lab
    from lookbook.styling.vocab import COLOURS

    rng = random.Random(11)
    names = list(COLOURS)
    palettes = [[], [("black", COLOURS["black"]), ("white", COLOURS["white"])],
                [("beige", COLOURS["beige"])]]
    for _ in range(300):
        size = rng.choice((1, 2, 3, 4))
        pal = [(n, COLOURS[n]) for n in rng.sample(names, size)]
        if rng.random() < 0.3:  # a colour read from a photo: a hex of its own
            pal[0] = (pal[0][0], f"#{rng.randrange(0x1000000):06x}")
        palettes.append(pal)
    swatches = vocabulary_lab()[1]
    for pal in palettes:
        colours = harmony.palette(pal)
        fast = harmony.relation_strengths(colours)
        slow = harmony._strengths(colours, swatches).astype(np.float32)
        assert np.array_equal(fast, slow), pal
