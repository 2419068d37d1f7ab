"""Colour names as retailers write them, read into the colour vocabulary.

A retailer's export says "Navy Blue", "Off White", "charcoal" or "nude", not our
vocabulary's names.  :func:`read_colour` accepts, in this order: a vocabulary name,
a ``#rrggbb`` value, a fashion name from :data:`FASHION_COLOURS`, or any CSS/X11
colour name the ``webcolors`` library knows ("light blue", "darkolivegreen").  Names
are then mapped to the vocabulary colour nearest in ΔE2000 (see
:func:`lookbook.styling.colour.nearest_names`); the retailer's own name is kept for
display, and the caller reports the mapping as a warning, never as an error.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import webcolors

from lookbook.styling.colour import hex_to_lab, nearest_names, normalise_hex
from lookbook.styling.vocab import COLOURS

# Fashion names that CSS lacks or means differently (CSS "khaki" is a pale yellow and
# "chocolate" an orange; in a catalog they are a sandy olive-beige and a dark brown).
# Values are sRGB hex as the trade uses them, or a vocabulary name where the word
# names a finish rather than a hue (metallics read as metallic, whatever their hue).
FASHION_COLOURS: dict[str, str] = {
    "nude": "#e3bc9a", "taupe": "#8b7d72", "rust": "#b7410e", "cognac": "#9a5b36",
    "cream": "#fffdd0", "maroon": "#800000", "khaki": "#c3b091", "charcoal": "#464646",
    "off white": "#faf9f6", "offwhite": "#faf9f6", "navy blue": "navy", "chocolate": "#5c3a21",
    "tan": "#d2b48c", "stone": "#c2b8a3", "sand": "#d8c3a0", "ecru": "#e8dcc4",
    "oatmeal": "#d9ccb4", "mocha": "#6f4e37", "espresso": "#3c2218", "caramel": "#af6f3c",
    "oxblood": "#5c1a1b", "bordeaux": "#5c0120", "wine": "#722f37", "plum": "#673147",
    "mauve": "#b784a7", "dusty pink": "#d8a1a4", "dusty rose": "#c9a0a0", "rose": "#e7a4b2",
    "fuchsia": "#d4267f", "magenta": "#c2185b", "emerald": "#1f7a4d", "forest": "#228b22",
    "sage": "#9caf88", "mint": "#aaf0d1", "khaki green": "#737d4a", "army green": "#4b5320",
    "cobalt": "#0047ab", "denim": "#1560bd", "baby blue": "#89cff0", "ice blue": "#d6ecf3",
    "petrol": "#005f6a", "lime": "#9acd32", "lavender": "#b9a3d6", "mustard yellow": "#d4a017",
    "ochre": "#cc7722", "terracotta": "#c8643c", "burnt orange": "#cc5500", "peach": "#ffcba4",
    "champagne": "gold", "rose gold": "gold", "bronze": "gold", "copper": "gold",
    "gunmetal": "silver", "pewter": "silver", "platinum": "silver", "chrome": "silver",
}
_SPACES = re.compile(r"[\s_\-]+")
MAX_NAME = 40


class UnknownColour(ValueError):
    """A colour value that is neither a hex value nor a name any list knows."""


@dataclass(frozen=True)
class ReadColour:
    """A colour read from a catalog: vocabulary name, hex, and the retailer's own name."""

    name: str
    hex: str
    label: str | None = None  # the retailer's word, kept for display when it is not ours
    source: str = "vocabulary"  # vocabulary | hex | fashion | css

    def warning(self) -> str | None:
        """Say how a retailer's name was read, or None when it needed no reading."""
        if self.label is None:
            return None
        where = {"fashion": "a fashion colour name", "css": "a CSS/X11 colour name"}[self.source]
        return (f"{self.label!r} is {where}, read as the vocabulary colour {self.name!r} "
                f"(nearest in ΔE2000 to {self.hex}); shown as {self.label!r}")


def normalise_name(value: str) -> str:
    """Fold case, width and separators: "Off-White" and "off  white" read alike."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", value).strip().lower())


@lru_cache(maxsize=1024)
def _nearest(hex_value: str) -> str:
    names, _dist = nearest_names(hex_to_lab([hex_value]))
    return names[0]


def _css_hex(name: str) -> str | None:
    try:
        return webcolors.name_to_hex(name.replace(" ", ""), spec=webcolors.CSS3)
    except ValueError:
        return None


def _lookup(key: str) -> tuple[str, str] | None:
    """Return (hex or vocabulary name, source) for a normalised name, or None."""
    if key in FASHION_COLOURS:
        return FASHION_COLOURS[key], "fashion"
    css = _css_hex(key)
    if css is not None:
        return css, "css"
    return None


def read_colour(value: str) -> ReadColour:
    """Read one catalog colour; raise UnknownColour when no list knows it."""
    key = normalise_name(value)
    if key in COLOURS:
        return ReadColour(key, COLOURS[key])
    if key.startswith("#") or re.fullmatch(r"[0-9a-f]{6}", key):
        try:
            hex_value = normalise_hex(key)
        except ValueError:
            raise UnknownColour(value) from None
        return ReadColour(_nearest(hex_value), hex_value, source="hex")
    found = _lookup(key)
    if found is None and " " in key:  # "midnight navy", "dusty sage": the colour noun comes last
        noun = key.rsplit(" ", 1)[1]
        found = (noun, "fashion") if noun in COLOURS else _lookup(noun)
    if found is None:
        raise UnknownColour(value)
    target, source = found
    label = unicodedata.normalize("NFC", value.strip())[:MAX_NAME]
    if target in COLOURS:
        return ReadColour(target, COLOURS[target], label, source)
    return ReadColour(_nearest(target), target, label, source)
