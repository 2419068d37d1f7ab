"""Colour harmony between an outfit's palette and a bag colour, in CIE LCh (DESIGN §2a).

Relations are computed from lightness, chroma and hue, never listed per colour name:
``repeat`` (the bag's colour is in the outfit: ΔE2000 within a few units), ``tonal``
(same hue family, a clear lightness step), ``analogous`` (hues within 30°, similar
lightness), ``complementary`` (hues 150-210° apart) and ``contrast`` (hues 120-150°
apart, or a bold colour against an all-neutral outfit).  :func:`relation_strengths`
scores every vocabulary colour against an outfit at once (the recommender's pair
features); :func:`relation` names the strongest one for a single bag colour (reasons).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from skimage.color import deltaE_ciede2000

from lookbook.styling.colour import (
    BOLD_MIN_C,
    hex_to_lab,
    hue_difference,
    is_neutral,
    is_pastel,
    lab_to_lch,
    vocabulary_lab,
)
from lookbook.styling.vocab import COLOURS, METALLIC_COLOURS

LIGHT_CENTRES = (25.0, 55.0, 85.0)
LIGHT_NAMES = ("dark", "mid", "light")
FLAG_NAMES = ("neutral", "metallic", "pastel", "bold")
# Below this chroma a colour reads as grey whatever its name says.
ACHROMATIC_C = 8.0
TONAL_MIN_DL = 15.0
RELATIONS = ("repeat", "tonal", "analogous", "complementary", "contrast")
REPEAT_DE = (4.0, 8.0)  # ΔE2000: at most 4 reads as the same colour, 8 or more as another
ANALOGOUS_MAX_H = 30.0
COMPLEMENTARY_MIN_H = 150.0
CONTRAST_MIN_H = 120.0
# Later colours of an outfit's palette count a little less than its primary.
POSITION_WEIGHTS = (1.0, 0.8, 0.65, 0.5)


@dataclass(frozen=True)
class Colour:
    """One named colour with its CIELAB and LCh coordinates."""

    name: str
    hex: str
    lab: tuple[float, float, float]
    lch: tuple[float, float, float]

    @property
    def metallic(self) -> bool:
        return self.name in METALLIC_COLOURS

    @property
    def neutral(self) -> bool:
        """Fashion neutral (metallics included) or practically achromatic."""
        return is_neutral(self.name) or self.lch[1] < ACHROMATIC_C

    @property
    def chromatic(self) -> bool:
        return not self.neutral

    @property
    def pastel(self) -> bool:
        return bool(is_pastel(np.array(self.lch), self.name))

    @property
    def bold(self) -> bool:
        return self.chromatic and self.lch[1] >= BOLD_MIN_C


@lru_cache(maxsize=4096)
def colour(name: str, hex_value: str) -> Colour:
    """Return a colour with its perceptual coordinates (cached: palettes repeat)."""
    lab = hex_to_lab([hex_value])[0]
    lch = lab_to_lch(lab)
    l_, a_, b_ = (float(v) for v in lab)
    light, chroma, hue = (float(v) for v in lch)
    return Colour(name, hex_value, (l_, a_, b_), (light, chroma, hue))


def palette(colours: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> list[Colour]:
    """Return an ordered palette of (name, hex) pairs as colours."""
    return [colour(n, h) for n, h in colours]


def key_colour(pal: list[Colour]) -> Colour | None:
    """Return the colour an outfit is read by: its first chromatic colour, else None."""
    return next((c for c in pal if c.chromatic), None)


def _soft_bins(value: float, centres: np.ndarray, period: float | None) -> np.ndarray:
    """Split a value linearly between its two nearest centres (weights sum to 1)."""
    out = np.zeros(len(centres))
    if period is not None:
        step = period / len(centres)
        pos = (value % period) / step
        lo = int(np.floor(pos)) % len(centres)
        frac = pos - np.floor(pos)
        out[lo] += 1 - frac
        out[(lo + 1) % len(centres)] += frac
        return out
    if value <= centres[0]:
        out[0] = 1
    elif value >= centres[-1]:
        out[-1] = 1
    else:
        hi = int(np.searchsorted(centres, value))
        frac = (value - centres[hi - 1]) / (centres[hi] - centres[hi - 1])
        out[hi - 1], out[hi] = 1 - frac, frac
    return out


def colour_features(c: Colour) -> dict[str, float]:
    """Encode one colour as soft lightness bins and flags (all 0..1)."""
    feats: dict[str, float] = {}
    for name, w in zip(LIGHT_NAMES, _soft_bins(c.lch[0], np.array(LIGHT_CENTRES), None), strict=True):
        feats[name] = float(w)
    feats["neutral"] = float(c.neutral and not c.metallic)
    feats["metallic"] = float(c.metallic)
    feats["pastel"] = float(c.pastel)
    feats["bold"] = float(c.bold)
    return feats


def _pair_relations(outfit_lch: np.ndarray, bag_lch: np.ndarray, de: np.ndarray) -> np.ndarray:
    """Return (5, n_outfit, n_bag) strengths of each relation between two sets of colours."""
    o, b = outfit_lch[:, None, :], bag_lch[None, :, :]
    repeat = np.clip((REPEAT_DE[1] - de) / (REPEAT_DE[1] - REPEAT_DE[0]), 0.0, 1.0)
    other = 1.0 - repeat
    chromatic = (o[..., 1] >= ACHROMATIC_C) & (b[..., 1] >= ACHROMATIC_C)
    achromatic = (o[..., 1] < ACHROMATIC_C) & (b[..., 1] < ACHROMATIC_C)
    h = hue_difference(o[..., 2], b[..., 2])
    step = np.abs(o[..., 0] - b[..., 0]) >= TONAL_MIN_DL
    close = chromatic & (h <= ANALOGOUS_MAX_H)
    tonal = ((close | achromatic) & step) * other
    analogous = (close & ~step) * other
    complementary = (chromatic & (h >= COMPLEMENTARY_MIN_H)) * 1.0
    contrast = (chromatic & (h >= CONTRAST_MIN_H) & (h < COMPLEMENTARY_MIN_H)) * 1.0
    return np.stack([repeat, tonal, analogous, complementary, contrast]).astype(float)


def _strengths(outfit: Sequence[Colour], bag_lab: np.ndarray) -> np.ndarray:
    """Return (5, n_bag) relation strengths of bag colours (CIELAB rows) to an outfit palette."""
    if not outfit or not len(bag_lab):
        return np.zeros((len(RELATIONS), len(bag_lab)))
    o_lab = np.array([c.lab for c in outfit])
    de = deltaE_ciede2000(o_lab[:, None, :], bag_lab[None, :, :])
    bag_lch = lab_to_lch(bag_lab)
    return _palette_strengths(_pair_relations(np.array([c.lch for c in outfit]), bag_lch, de),
                              outfit, bag_lch)


def _palette_strengths(per_colour: np.ndarray, outfit: Sequence[Colour], bag_lch: np.ndarray) -> np.ndarray:
    """Combine (5, n_outfit, n_bag) per-colour strengths into a palette's (5, n_bag): each
    colour weighed by its place, the strongest kept; a bold bag contrasts an all-neutral outfit."""
    weights = np.array([POSITION_WEIGHTS[min(i, len(POSITION_WEIGHTS) - 1)] for i in range(len(outfit))])
    out = (per_colour * weights[None, :, None]).max(axis=1)
    if all(c.neutral for c in outfit):
        contrast = RELATIONS.index("contrast")
        out[contrast] = np.maximum(out[contrast], (bag_lch[:, 1] >= BOLD_MIN_C) * 1.0)
    return out


def vocabulary_names() -> tuple[str, ...]:
    """Return the vocabulary colour names in the order of :func:`relation_strengths` columns."""
    return vocabulary_lab()[0]


@lru_cache(maxsize=4096)
def _colour_against_vocabulary(name: str, hex_value: str) -> np.ndarray:
    """Return (5, n_vocabulary) relation strengths of one outfit colour to every swatch.

    Each strength depends on one (outfit colour, bag colour) pair only, so a palette's
    table is built from its colours' rows; catalogs have far fewer colours than palettes.
    """
    _names, swatches = vocabulary_lab()
    own = colour(name, hex_value)
    de = deltaE_ciede2000(np.array([own.lab])[:, None, :], swatches[None, :, :])
    out = _pair_relations(np.array([own.lch]), lab_to_lch(swatches), de)[:, 0, :]
    out.setflags(write=False)
    return out


# One entry (~1 KB) per outfit palette: a fit reads every catalog outfit's (a 25k-outfit
# catalog has ~7k palettes).
@lru_cache(maxsize=8192)
def _vocabulary_strengths(palette_key: tuple[tuple[str, str], ...]) -> np.ndarray:
    """``_strengths`` of a palette against the vocabulary swatches, from per-colour rows."""
    _names, swatches = vocabulary_lab()
    out = np.zeros((len(RELATIONS), len(swatches)))
    if palette_key:
        per_colour = np.stack([_colour_against_vocabulary(n, h) for n, h in palette_key], axis=1)
        out = _palette_strengths(per_colour, palette(palette_key), lab_to_lch(swatches))
    out = out.astype(np.float32)
    out.setflags(write=False)
    return out


def relation_strengths(outfit: Sequence[Colour]) -> np.ndarray:
    """Return (5, n_vocabulary) strengths in 0..1 of each relation (RELATIONS order) for
    every vocabulary colour as a bag colour against this outfit (read-only, cached)."""
    return _vocabulary_strengths(tuple((c.name, c.hex) for c in outfit))


def relation(outfit: Sequence[Colour], bag: Colour) -> str | None:
    """Name how a bag colour relates to an outfit palette (DESIGN §2a), or None.

    Metallic and neutral bags are named as such unless they repeat or tone with the
    outfit; otherwise the strongest relation wins (ties go to the earlier one).
    """
    names = vocabulary_names()
    if bag.name in names and bag.hex == COLOURS[bag.name]:  # a swatch: read the cached table
        strengths = relation_strengths(outfit)[:, names.index(bag.name)]
    else:
        strengths = _strengths(list(outfit), np.array([bag.lab]))[:, 0]
    best = int(np.argmax(strengths))
    if bag.metallic and RELATIONS[best] != "repeat":
        return "metallic"
    if strengths[best] > 0 and (not bag.neutral or RELATIONS[best] in ("repeat", "tonal")):
        return RELATIONS[best]
    return "neutral" if bag.neutral else None


def anchor(outfit: Sequence[Colour], bag: Colour, name: str) -> Colour | None:
    """Return the outfit colour that gives a bag colour its relation ``name``, if any."""
    if name not in RELATIONS or not outfit:
        return None
    per = _strengths_each(list(outfit), bag)[RELATIONS.index(name)]
    return outfit[int(np.argmax(per))] if per.max() > 0 else None


def _strengths_each(outfit: list[Colour], bag: Colour) -> np.ndarray:
    """Return (5, n_outfit) strengths of one bag colour against each outfit colour."""
    o_lab = np.array([c.lab for c in outfit])
    de = deltaE_ciede2000(o_lab, np.array([bag.lab] * len(outfit)))[:, None]
    return _pair_relations(np.array([c.lch for c in outfit]), np.array([bag.lch]), de)[:, :, 0]
