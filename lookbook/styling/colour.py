"""Colour science on the vocabulary: sRGB hex <-> CIELAB/LCh and perceptual naming.

Conversions and ΔE2000 come from scikit-image; nothing here hand-writes a colour
formula.  All functions are vectorised over numpy arrays so the recommender and the
photo palette can call them on thousands of colours at once.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
from skimage.color import deltaE_ciede2000, lab2lch, rgb2lab

from lookbook.styling.vocab import COLOURS, METALLIC_COLOURS, NEUTRAL_COLOURS

_HEX = re.compile(r"^#?([0-9a-fA-F]{6})$")

# DESIGN §2a working definitions in CIE LCh (D65).
PASTEL_MIN_L = 70.0
PASTEL_C_RANGE = (10.0, 45.0)
BOLD_MIN_C = 50.0


def normalise_hex(value: str) -> str:
    """Return a colour as lowercase "#rrggbb", or raise ValueError."""
    match = _HEX.match(value.strip())
    if not match:
        raise ValueError(f"{value!r} is not a #rrggbb colour")
    return "#" + match.group(1).lower()


def hex_to_rgb(hexes: list[str] | tuple[str, ...]) -> np.ndarray:
    """Return an (n, 3) float array of sRGB values in 0..1."""
    if not hexes:
        return np.zeros((0, 3))
    ints = [int(normalise_hex(h)[1:], 16) for h in hexes]
    arr = np.array([[(i >> 16) & 255, (i >> 8) & 255, i & 255] for i in ints], dtype=float)
    return arr / 255.0


def rgb_to_lab(rgb: np.ndarray) -> np.ndarray:
    """Convert (..., 3) sRGB in 0..1 to CIELAB (D65)."""
    return rgb2lab(np.asarray(rgb, dtype=float))


def hex_to_lab(hexes: list[str] | tuple[str, ...]) -> np.ndarray:
    """Return an (n, 3) CIELAB array for hex colours."""
    if not hexes:
        return np.zeros((0, 3))
    return rgb_to_lab(hex_to_rgb(hexes))


def lab_to_lch(lab: np.ndarray) -> np.ndarray:
    """Convert (..., 3) CIELAB to LCh with hue in degrees 0..360."""
    lch = lab2lch(np.asarray(lab, dtype=float))
    lch[..., 2] = np.degrees(lch[..., 2]) % 360.0
    return lch


@lru_cache(maxsize=1)
def vocabulary_lab() -> tuple[tuple[str, ...], np.ndarray]:
    """Return the vocabulary names and their CIELAB swatches (cached)."""
    names = tuple(COLOURS)
    return names, hex_to_lab([COLOURS[n] for n in names])


def nearest_names(lab: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Name each CIELAB colour by the vocabulary swatch nearest in ΔE2000.

    Returns the names and the ΔE2000 distance to the chosen swatch.
    """
    lab = np.atleast_2d(np.asarray(lab, dtype=float))
    names, swatches = vocabulary_lab()
    if lab.shape[0] == 0:
        return [], np.zeros(0)
    dist = deltaE_ciede2000(lab[:, None, :], swatches[None, :, :])
    best = dist.argmin(axis=1)
    return [names[i] for i in best], dist[np.arange(len(best)), best]


def name_for_hex(hex_value: str) -> str:
    """Return the vocabulary name perceptually nearest to a hex colour."""
    names, _ = nearest_names(hex_to_lab([hex_value]))
    return names[0]


def is_neutral(name: str) -> bool:
    """Tell whether a vocabulary colour is a fashion neutral (metallics included)."""
    return name in NEUTRAL_COLOURS or name in METALLIC_COLOURS


def is_pastel(lch: np.ndarray, name: str | None = None) -> np.ndarray | bool:
    """Pastel = L* >= 70 and 10 <= C* <= 45, and not a neutral."""
    lch = np.asarray(lch, dtype=float)
    lo, hi = PASTEL_C_RANGE
    result = (lch[..., 0] >= PASTEL_MIN_L) & (lch[..., 1] >= lo) & (lch[..., 1] <= hi)
    if name is not None:
        return bool(result) and not is_neutral(name)
    return result


def hue_difference(h1: np.ndarray | float, h2: np.ndarray | float) -> np.ndarray:
    """Return the absolute hue difference in degrees, 0..180."""
    d = np.abs(np.asarray(h1, dtype=float) - np.asarray(h2, dtype=float)) % 360.0
    return np.minimum(d, 360.0 - d)
