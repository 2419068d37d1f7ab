"""Colour harmony between an outfit's palette and a bag colour, in CIE LCh (DESIGN §2a).

Two views of the same rules: :func:`relation` names how one bag colour relates to an
outfit (for reasons), and :func:`colour_features` / :func:`hue_targets` turn colours
and harmony wishes into numbers a linear scorer can use (for ranking).  Hue bins are a
soft encoding of the hue angle, so "complementary to this outfit" becomes a weight per
bin computed from hue differences, never a list of colour names.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from lookbook.styling.colour import (
    BOLD_MIN_C,
    hex_to_lab,
    hue_difference,
    is_neutral,
    is_pastel,
    lab_to_lch,
)
from lookbook.styling.vocab import METALLIC_COLOURS

HUE_BINS = 8
HUE_CENTRES = np.arange(HUE_BINS) * (360.0 / HUE_BINS)
LIGHT_CENTRES = (25.0, 55.0, 85.0)
LIGHT_NAMES = ("dark", "mid", "light")
FLAG_NAMES = ("neutral", "metallic", "pastel", "bold")
# Below this chroma a colour reads as grey whatever its name says.
ACHROMATIC_C = 8.0
TONAL_MIN_DL = 15.0


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
    """Encode one colour as soft hue bins, lightness bins and flags (all 0..1)."""
    feats: dict[str, float] = {}
    chroma_weight = 0.0 if c.neutral else min(1.0, (c.lch[1] - ACHROMATIC_C) / 30.0)
    for i, w in enumerate(_soft_bins(c.lch[2], HUE_CENTRES, 360.0)):
        feats[f"hue{i}"] = float(w * chroma_weight)
    for name, w in zip(LIGHT_NAMES, _soft_bins(c.lch[0], np.array(LIGHT_CENTRES), None), strict=True):
        feats[name] = float(w)
    feats["neutral"] = float(c.neutral and not c.metallic)
    feats["metallic"] = float(c.metallic)
    feats["pastel"] = float(c.pastel)
    feats["bold"] = float(c.bold)
    return feats


def _ramp(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """0 below lo, 1 above hi, linear between."""
    return np.clip((x - lo) / (hi - lo), 0.0, 1.0)


def hue_targets(outfit_hue: float, relation: str) -> np.ndarray:
    """Return a weight in -1..1 per hue bin for bags in this relation to an outfit hue."""
    d = hue_difference(HUE_CENTRES, outfit_hue)
    if relation == "complementary":  # 150-210 degrees apart, soft 30-degree shoulders
        return _ramp(d, 120.0, 150.0) - 0.5 * (1 - _ramp(d, 30.0, 60.0))
    if relation == "contrast":  # >= 120 degrees apart; the outfit's own hue reads as no contrast
        return _ramp(d, 90.0, 120.0) - 0.6 * (1 - _ramp(d, 30.0, 60.0))
    if relation in ("analogous", "tonal"):  # within 30 degrees
        return 1 - _ramp(d, 30.0, 60.0)
    raise ValueError(f"no hue rule for {relation!r}")


def relation(outfit: list[Colour], bag: Colour) -> str | None:
    """Name how a bag colour relates to an outfit palette (DESIGN §2a), or None."""
    if bag.metallic:
        return "metallic"
    key = key_colour(outfit)
    if bag.neutral:
        return "neutral"
    if key is None:  # a chromatic bag against an all-neutral outfit
        return "contrast" if bag.bold else None
    d = float(hue_difference(bag.lch[2], key.lch[2]))
    if d >= 150.0:  # hue_difference folds 150-210 degrees onto 150-180
        return "complementary"
    if d >= 120.0:
        return "contrast"
    if d <= 30.0:
        if abs(bag.lch[0] - key.lch[0]) >= TONAL_MIN_DL:
            return "tonal"
        return "analogous"
    return None
