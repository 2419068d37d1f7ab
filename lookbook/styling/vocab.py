"""The fashion vocabularies Lookbook speaks, kept as data in one place.

Every other module asks this one what an occasion, a material family or a colour
swatch is; nothing else spells these strings out.  Lists keep their order because
forms, the demo generator and the feature encoders show and encode them in it.
"""

from __future__ import annotations

from decimal import Decimal

KINDS = ("outfit", "bag")

OCCASIONS = ("casual", "business", "evening", "wedding", "travel")
CORE_OCCASIONS = ("casual", "business", "evening")

SEASONS = ("spring", "summer", "autumn", "winter", "holiday")

TIERS = ("luxury", "mid", "affordable")

SILHOUETTES = (
    "tote", "crossbody", "clutch", "shoulder", "top-handle",
    "bucket", "saddle", "flap", "chain", "belt", "backpack", "wristlet", "pouch",
)

STYLES = (
    "embellished", "metallic", "minimalist", "playful",
    "quirky shape", "heritage", "logo", "quilted",
)

SUSTAINABILITY = ("vegan", "recycled", "plant-based", "certified")

# Material -> family.  A value not listed here is accepted into family "other"
# and named as a warning in the import report (DESIGN §2).
MATERIAL_FAMILIES = (
    "fine leather", "exotic", "vegan/plant-based", "fabric/canvas",
    "synthetic", "natural fibre", "other",
)
MATERIALS: dict[str, str] = {
    "calfskin": "fine leather",
    "lambskin": "fine leather",
    "leather": "fine leather",
    "suede": "fine leather",
    "patent": "fine leather",
    "patent leather": "fine leather",
    "metallic leather": "fine leather",
    "exotic": "exotic",
    "python": "exotic",
    "croc": "exotic",
    "crocodile": "exotic",
    "ostrich": "exotic",
    "vegan leather": "vegan/plant-based",
    "cactus leather": "vegan/plant-based",
    "apple leather": "vegan/plant-based",
    "recycled fabric": "fabric/canvas",
    "canvas": "fabric/canvas",
    "denim": "fabric/canvas",
    "satin": "fabric/canvas",
    "velvet": "fabric/canvas",
    "sequin": "fabric/canvas",  # sequins are sewn onto a fabric ground
    "lace": "fabric/canvas",
    "synthetic": "synthetic",
    "nylon": "synthetic",
    "polyester": "synthetic",
    "acrylic": "synthetic",
    "pvc": "synthetic",
    # Hard man-made shells (minaudieres): no family of DESIGN §2 is closer than synthetic,
    # and "other" is kept for materials the vocabulary does not know.
    "metal": "synthetic",
    "metallic": "synthetic",
    "straw": "natural fibre",
    "raffia": "natural fibre",
    "wicker": "natural fibre",
    "rattan": "natural fibre",
    "jute": "natural fibre",
    "wool": "natural fibre",
    "cotton": "natural fibre",
    "linen": "natural fibre",
    "silk": "natural fibre",
    "knit": "natural fibre",
}
OTHER_FAMILY = "other"


def material_family(material: str) -> str:
    """Return the family of a material, or "other" for one the vocabulary lacks."""
    return MATERIALS.get(material.strip().lower(), OTHER_FAMILY)


# Bag sizes by width in centimetres: (name, lower bound inclusive).
SIZES = ("micro", "mini", "standard", "oversized")
SIZE_BOUNDS_CM: tuple[tuple[str, Decimal], ...] = (
    ("micro", Decimal(0)),
    ("mini", Decimal(10)),
    ("standard", Decimal(20)),
    ("oversized", Decimal(35)),
)
ACCENT_SIZES = ("micro", "mini")
FUNCTIONAL_SIZES = ("standard", "oversized")
FUNCTIONAL_SILHOUETTES = ("tote", "crossbody")


def size_for_width(width_cm: Decimal | float | int) -> str:
    """Derive the size category from a bag's width: micro <10, mini <20, standard <35."""
    width = Decimal(str(width_cm))
    if width < 0:
        raise ValueError("width must not be negative")
    name = SIZES[0]
    for size, lower in SIZE_BOUNDS_CM:
        if width >= lower:
            name = size
    return name


# sRGB swatches of the colour vocabulary (DESIGN §2a).
COLOURS: dict[str, str] = {
    "black": "#1a1a1a",
    "white": "#f7f7f5",
    "ivory": "#fffff0",
    "beige": "#d9c3a5",
    "camel": "#c19a6b",
    "brown": "#6f4e37",
    "navy": "#1f2a44",
    "blue": "#2f5fa7",
    "sky": "#87ceeb",
    "teal": "#008080",
    "green": "#2e8b57",
    "olive": "#708238",
    "yellow": "#f2d03b",
    "mustard": "#d4a017",
    "orange": "#f28c28",
    "coral": "#ff7f50",
    "red": "#c8102e",
    "burgundy": "#800020",
    "pink": "#ff69b4",
    "blush": "#f4c2c2",
    "lilac": "#c8a2c8",
    "purple": "#6a0dad",
    "grey": "#8e8e8e",
    "silver": "#c0c0c0",
    "gold": "#d4af37",
    "neon": "#39ff14",
}
NEUTRAL_COLOURS = frozenset(
    {"black", "white", "ivory", "beige", "camel", "brown", "grey", "navy", "olive"}
)
METALLIC_COLOURS = frozenset({"silver", "gold"})

# Active ISO 4217 currency codes.
CURRENCIES = frozenset("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD
FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY
KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP
MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR
RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT
TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR
ZMW ZWG
""".split())

MARKETS = (
    "north-america", "europe", "germany", "asia-pacific",
    "japan", "middle-east", "latin-america", "brazil",
)
