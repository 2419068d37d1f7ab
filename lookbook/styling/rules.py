"""Styling rules: what bag an outfit asks for, by occasion, colour harmony and season.

The rules speak in bag *features* named ``"block:value"`` (``"styles:metallic"``,
``"colour:pastel"``, ``"size:micro"``, ``"colour:hue3"``...), each with a weight in
-1..1.  :func:`target_profile` turns an outfit into named sources of such weights
("occasion:evening", "harmony:contrast", "season:spring"); the recommender adds them
into one target vector and explains a result by the sources that scored it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from lookbook.styling import vocab
from lookbook.styling.harmony import (
    FLAG_NAMES,
    HUE_BINS,
    LIGHT_CENTRES,
    LIGHT_NAMES,
    Colour,
    hue_targets,
    key_colour,
)

Weights = dict[str, float]

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
    "colour": (*(f"hue{i}" for i in range(HUE_BINS)), *LIGHT_NAMES, *FLAG_NAMES),
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

# How much each colour relation counts for each occasion.
HARMONY_RULES: dict[str, Weights] = {
    "casual": {"contrast": 1.0, "complementary": 0.6},
    "business": {"tonal": 0.6},
    "evening": {},
    "wedding": {"analogous": 0.4},
    "travel": {"analogous": 0.3},
}

# Pastels lead in spring; metallics surge at year-end (DESIGN §2).
SEASON_RULES: dict[str, Weights] = {
    "spring": {"colour:pastel": 1.2, "colour:light": 0.3, "colour:dark": -0.2},
    "summer": {"colour:bold": 0.4, "colour:light": 0.3, "family:fabric/canvas": 0.2},
    "autumn": {"colour:neutral": 0.3, "colour:dark": 0.2, "family:fine leather": 0.2},
    "winter": {"colour:dark": 0.4, "colour:neutral": 0.2},
    "holiday": {"colour:metallic": 1.0, "styles:metallic": 1.0, "styles:embellished": 0.6},
}
AUTUMN_HUE = 60.0  # camel, rust and mustard: earthy hues lead in autumn

# Relative strength of each source of weights in the target profile.
OCCASION_SCALE = 1.0
HARMONY_SCALE = 1.0
OCCASION_MATCH = 1.0
ASKED_SEASON_SCALE = 1.5  # the shopper asked for this season: it outweighs one occasion
OUTFIT_SEASON_SCALE = 0.4
OUTFIT_SCALE = 0.3
MARKET_SCALE = 0.8


@dataclass(frozen=True)
class OutfitTraits:
    """What the rules read from an outfit."""

    occasions: Sequence[str]
    palette: Sequence[Colour]
    seasons: Sequence[str] = ()
    styles: Sequence[str] = ()
    tier: str | None = None


@dataclass
class Source:
    """One named reason to want some bag features, with its weights."""

    name: str
    weights: Weights = field(default_factory=dict)

    def add(self, key: str, weight: float) -> None:
        self.weights[key] = self.weights.get(key, 0.0) + weight


def _scaled(weights: Mapping[str, float], scale: float) -> Weights:
    return {k: v * scale for k, v in weights.items()}


def harmony_source(relation: str, palette: Sequence[Colour], scale: float) -> Source:
    """Return the bag colour features wanted for one relation to the outfit's palette."""
    src = Source(f"harmony:{relation}")
    key = key_colour(list(palette))
    if key is None:
        # An all-neutral outfit: contrast means a bold colour; tonal a lighter/darker neutral;
        # with no hue to complement, "complementary" asks for nothing.
        if relation == "contrast":
            for i in range(HUE_BINS):
                src.add(f"colour:hue{i}", 0.6 * scale)
            src.add("colour:bold", 0.6 * scale)
        elif relation in ("tonal", "analogous"):
            src.add("colour:neutral", 0.3 * scale)
        lightness = palette[0].lch[0] if palette else 50.0
    else:
        for i, w in enumerate(hue_targets(key.lch[2], relation)):
            src.add(f"colour:hue{i}", float(w) * scale)
        lightness = key.lch[0]
    if relation == "tonal":  # a clear lightness step from the outfit
        for name, centre in zip(LIGHT_NAMES, LIGHT_CENTRES, strict=True):
            step = float(np.clip((abs(centre - lightness) - 10.0) / 20.0, 0.0, 1.0))
            src.add(f"colour:{name}", 0.5 * step * scale)
    return src


def season_source(season: str, scale: float) -> Source:
    """Return the weights a season puts on bags (its palette and its own tag)."""
    src = Source(f"season:{season}", _scaled(SEASON_RULES.get(season, {}), scale))
    if season == "autumn":
        for i, w in enumerate(hue_targets(AUTUMN_HUE, "analogous")):
            src.add(f"colour:hue{i}", 0.4 * float(w) * scale)
    src.add(f"seasons:{season}", scale)
    return src


def target_profile(
    outfit: OutfitTraits,
    *,
    season: str | None = None,
    market: Mapping[str, float] | None = None,
    market_name: str | None = None,
) -> list[Source]:
    """Return the named sources of the bag an outfit asks for."""
    sources: list[Source] = []
    occasions = [o for o in outfit.occasions if o in OCCASION_RULES] or ["casual"]
    share = 1.0 / len(occasions)
    for occ in occasions:
        src = Source(f"occasion:{occ}", _scaled(OCCASION_RULES[occ], OCCASION_SCALE * share))
        src.add(f"occasions:{occ}", OCCASION_MATCH * share)
        sources.append(src)
        for relation, weight in HARMONY_RULES[occ].items():
            sources.append(harmony_source(relation, outfit.palette, HARMONY_SCALE * share * weight))
    if season:
        sources.append(season_source(season, ASKED_SEASON_SCALE))
    elif outfit.seasons:
        for s in outfit.seasons:
            sources.append(season_source(s, OUTFIT_SEASON_SCALE / len(outfit.seasons)))
    own = Source("outfit:match")
    for style in outfit.styles:
        own.add(f"styles:{style}", OUTFIT_SCALE)
    if outfit.tier:
        own.add(f"tier:{outfit.tier}", OUTFIT_SCALE)
    if own.weights:
        sources.append(own)
    if market:
        sources.append(Source(f"market:{market_name or 'custom'}", _scaled(market, MARKET_SCALE)))
    return _merge(sources)


def _merge(sources: list[Source]) -> list[Source]:
    """Combine sources with the same name (e.g. one relation wanted by two occasions)."""
    merged: dict[str, Source] = {}
    for src in sources:
        if src.name in merged:
            for k, v in src.weights.items():
                merged[src.name].add(k, v)
        else:
            merged[src.name] = Source(src.name, dict(src.weights))
    return list(merged.values())
