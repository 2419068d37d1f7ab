"""Styling rules of the market brief (DESIGN §2), as the *prior* of the taste model.

The rules speak in bag features named ``"block:value"`` (``"styles:metallic"``,
``"colour:pastel"``, ``"size:micro"``, ``"cname:black"``...) and in colour relations
between an outfit and a bag (``"relation:contrast"``), each with a weight in about
-1..1, per occasion and per season.  The recommender turns every such rule into an
interpretable feature of an (outfit, bag) pair whose weight starts at the rule's value
and is then learned from curated looks (``lookbook.recommend.pairs`` and ``taste``):
a new installation ranks by these rules; one with many looks follows its curators.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lookbook.styling import vocab
from lookbook.styling.harmony import FLAG_NAMES, LIGHT_NAMES, Colour

Weights = dict[str, float]

# Bag price is encoded as soft bins over these centres (log scale), so "priced in step
# with the outfit" is a pair feature a linear scorer can weigh.
PRICE_CENTRES = (30.0, 100.0, 300.0, 1000.0, 3000.0)
PRICE_NAMES = tuple(f"p{int(c)}" for c in PRICE_CENTRES)

# The language rules speak: every bag feature a weight may name, by block.
FEATURE_BLOCKS: dict[str, tuple[str, ...]] = {
    "occasions": vocab.OCCASIONS,
    "styles": vocab.STYLES,
    "family": vocab.MATERIAL_FAMILIES,
    "silhouette": vocab.SILHOUETTES,
    "size": vocab.SIZES,
    "seasons": vocab.SEASONS,
    "tier": vocab.TIERS,
    "flags": ("limited_edition", "detachable_strap"),
    "colour": (*LIGHT_NAMES, *FLAG_NAMES),
    "cname": tuple(vocab.COLOURS),
    "price": PRICE_NAMES,
}


def known_key(key: str) -> bool:
    """Tell whether "block:value" names a bag feature the rules can weigh."""
    block, _, value = key.partition(":")
    return value in FEATURE_BLOCKS.get(block, ())

# DESIGN §2: casual -> playful colour and contrast, a statement accessory; business ->
# minimalist, neutral or tonal, fine leather; evening -> embellished or metallic
# micro/mini bags, exclusivity.
OCCASION_RULES: dict[str, Weights] = {
    "casual": {
        "styles:playful": 1.0, "styles:quirky shape": 0.8, "styles:logo": 0.3,
        "styles:minimalist": -0.2, "styles:embellished": -0.3,
        "colour:bold": 0.8, "colour:neutral": -0.4,
        "size:micro": 0.5, "size:mini": 0.4, "size:oversized": -0.3,
        "family:fabric/canvas": 0.3, "family:vegan/plant-based": 0.3, "family:synthetic": 0.2,
        "family:exotic": -0.3,
    },
    "business": {
        "styles:minimalist": 1.0, "styles:heritage": 0.4, "styles:embellished": -0.8,
        "styles:playful": -0.6, "styles:quirky shape": -0.6, "styles:logo": -0.3,
        "styles:metallic": -0.3,
        "family:fine leather": 1.0, "family:exotic": 0.2, "family:synthetic": -0.4,
        "family:fabric/canvas": -0.2,
        "colour:neutral": 1.0, "colour:bold": -0.8, "colour:metallic": -0.2,
        "size:mini": 0.5, "size:micro": 0.1, "silhouette:top-handle": 0.3, "silhouette:flap": 0.2,
    },
    "evening": {
        "styles:embellished": 1.0, "styles:metallic": 1.0, "styles:quilted": 0.3,
        "styles:playful": -0.3, "styles:logo": -0.3, "styles:minimalist": -0.2,
        "colour:metallic": 1.0, "colour:dark": 0.2,
        "size:micro": 0.8, "size:mini": 0.8, "size:standard": -0.5, "size:oversized": -1.0,
        "family:exotic": 0.5, "family:fine leather": 0.3, "flags:limited_edition": 0.4,
        "silhouette:clutch": 0.5, "silhouette:chain": 0.4, "silhouette:tote": -0.5,
    },
    "wedding": {
        "styles:embellished": 0.8, "styles:metallic": 0.6, "styles:minimalist": 0.3,
        "styles:logo": -0.4, "colour:pastel": 0.5, "colour:metallic": 0.6,
        "size:micro": 0.6, "size:mini": 0.8, "size:oversized": -1.0, "silhouette:clutch": 0.5,
    },
    "travel": {
        "silhouette:crossbody": 0.6, "silhouette:belt": 0.4, "silhouette:tote": 0.3,
        "styles:minimalist": 0.4, "styles:logo": 0.2, "styles:embellished": -0.6,
        "family:synthetic": 0.4, "family:fabric/canvas": 0.4, "flags:detachable_strap": 0.4,
        "colour:neutral": 0.5, "size:standard": 0.3,
    },
}

# How much each colour relation (lookbook.styling.harmony.RELATIONS) counts per occasion.
# Casual asks for contrast; a bag in the outfit's own hue is no contrast at all.
HARMONY_RULES: dict[str, Weights] = {
    "casual": {"contrast": 1.0, "complementary": 0.6, "repeat": -0.3, "analogous": -0.3},
    "business": {"tonal": 0.6},
    "evening": {},
    "wedding": {"analogous": 0.4},
    "travel": {"analogous": 0.3},
}

# Pastels lead in spring; metallics surge at year-end (DESIGN §2).  "colour:earthy"
# (hues within 30° of camel/rust, computed in LCh) leads in autumn.
SEASON_RULES: dict[str, Weights] = {
    "spring": {"colour:pastel": 1.2, "colour:light": 0.3, "colour:dark": -0.2},
    "summer": {"colour:bold": 0.4, "colour:light": 0.3, "family:fabric/canvas": 0.2},
    "autumn": {"colour:neutral": 0.3, "colour:dark": 0.2, "family:fine leather": 0.2,
               "colour:earthy": 0.4},
    "winter": {"colour:dark": 0.4, "colour:neutral": 0.2},
    "holiday": {"colour:metallic": 1.0, "styles:metallic": 1.0, "styles:embellished": 0.6},
}
EARTHY_HUE = 60.0

# Relative strength of each source of weights.
OCCASION_MATCH = 1.0  # the bag is tagged with the outfit's occasion
ASKED_SEASON_SCALE = 1.5  # the shopper asked for this season: it outweighs one occasion
OUTFIT_SEASON_SCALE = 0.4
OUTFIT_SCALE = 0.3  # the bag shares the outfit's style or tier
MARKET_SCALE = 0.8
CURATED_SCALE = 2.0  # bags like those curators paired with similar outfits


@dataclass(frozen=True)
class OutfitTraits:
    """What the rules read from an outfit."""

    occasions: Sequence[str]
    palette: Sequence[Colour]
    seasons: Sequence[str] = ()
    styles: Sequence[str] = ()
    tier: str | None = None
    price: float | None = None
