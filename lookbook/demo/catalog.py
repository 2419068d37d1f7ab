"""Generate the demo catalog: outfits, bags and three curated lookbooks, seeded.

Items are built from style archetypes (evening shine, business minimal, casual colour,
heritage craft, spring pastel, holiday metallic, travel utility) so that the catalog
covers every occasion, size, material family, season and tier.  The curated looks are
picked by a stylist with a taste of her own (:func:`stylist_taste`: black and tonal
bags, metallic only at night), *not* by the recommender's rules, so that
``lookbook evaluate`` shows whether the model learns from curators.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

from lookbook.styling import harmony
from lookbook.styling.vocab import COLOURS, SIZES

SEED = 20261127
N_OUTFITS = 48
N_BAGS = 132


@dataclass(frozen=True)
class Archetype:
    """A recognisable way of dressing, with what goes with it."""

    name: str
    occasions: tuple[str, ...]
    seasons: tuple[str, ...]
    colours: tuple[str, ...]
    accents: tuple[str, ...]
    bag_materials: tuple[str, ...]
    styles: tuple[str, ...]
    tiers: tuple[str, ...]


ARCHETYPES = (
    Archetype("evening", ("evening", "wedding"), ("autumn", "winter", "holiday"),
              ("black", "burgundy", "navy", "purple"), ("gold", "silver"),
              ("satin", "lambskin", "python", "croc"), ("embellished", "metallic"),
              ("luxury", "mid")),
    Archetype("business", ("business",), ("autumn", "winter", "spring"),
              ("black", "navy", "grey", "camel", "beige", "ivory"), ("brown", "white"),
              ("calfskin", "lambskin", "leather"), ("minimalist",), ("luxury", "mid")),
    Archetype("casual", ("casual",), ("spring", "summer"),
              ("coral", "yellow", "orange", "pink", "teal", "green", "blue", "neon"),
              ("white", "sky", "red"),
              ("canvas", "denim", "recycled fabric", "synthetic", "vegan leather"),
              ("playful", "quirky shape", "logo"), ("affordable", "mid")),
    Archetype("heritage", ("business", "casual", "travel"), ("autumn", "winter"),
              ("camel", "brown", "olive", "burgundy"), ("beige", "gold"),
              ("calfskin", "leather", "ostrich"), ("heritage", "quilted"), ("luxury", "mid")),
    Archetype("pastel", ("casual", "wedding"), ("spring", "summer"),
              ("blush", "lilac", "sky", "ivory"), ("white", "beige"),
              ("vegan leather", "cactus leather", "satin", "canvas"), ("minimalist", "playful"),
              ("mid", "affordable")),
    Archetype("holiday", ("evening",), ("holiday", "winter"),
              ("gold", "silver", "red", "black"), ("silver", "gold"),
              ("satin", "lambskin", "synthetic"), ("metallic", "embellished"),
              ("luxury", "mid", "affordable")),
    Archetype("travel", ("travel", "casual"), ("summer", "autumn", "spring"),
              ("olive", "navy", "beige", "grey", "teal"), ("camel", "white"),
              ("nylon", "canvas", "recycled fabric", "apple leather"), ("minimalist", "logo"),
              ("affordable", "mid")),
)
ARCHETYPE = {a.name: a for a in ARCHETYPES}

OUTFIT_SHAPES = {
    "evening": ("gown", "slip dress", "tuxedo"),
    "business": ("suit", "blazer and trousers", "sheath dress"),
    "casual": ("tee and jeans", "sundress", "sweatshirt and skirt"),
    "heritage": ("tweed suit", "trench and trousers", "knit and skirt"),
    "pastel": ("midi dress", "linen set", "sundress"),
    "holiday": ("sequin dress", "velvet suit", "slip dress"),
    "travel": ("knit and trousers", "jumpsuit", "trench and trousers"),
}
OUTFIT_MATERIALS = {
    "evening": ("silk", "satin"), "business": ("wool", "cotton"),
    "casual": ("cotton", "denim", "knit"), "heritage": ("wool", "knit"),
    "pastel": ("linen", "cotton", "silk"), "holiday": ("satin", "silk", "wool"),
    "travel": ("knit", "cotton", "linen"),
}
BRANDS = {
    "luxury": ("Maison Aurelle", "Vantori", "Casa Brisa"),
    "mid": ("Nord & Fable", "Lune Atelier", "Osoro"),
    "affordable": ("Pico", "Daybag", "Little Loop"),
}
ACCENT_SILHOUETTES = ("clutch", "chain", "crossbody", "top-handle", "saddle", "flap",
                      "bucket", "belt", "shoulder")
FUNCTIONAL_SILHOUETTES = ("tote", "crossbody", "tote", "shoulder", "bucket")
WIDTH_RANGES = {"micro": (6.0, 9.9), "mini": (10.0, 19.5), "standard": (20.0, 34.5),
                "oversized": (35.0, 48.0)}
BAG_NOUNS = ("Lyra", "Nova", "Pebble", "Mimi", "Orbit", "Bijou", "Cleo", "Dot", "Fern",
             "Iris", "Juno", "Kiki", "Luz", "Moss", "Nell", "Opal", "Pia", "Rue", "Sol", "Tilly")
PRICE_BANDS = {"luxury": (650, 2400), "mid": (140, 520), "affordable": (35, 130)}
SIZE_PRICE = {"micro": 0.7, "mini": 0.85, "standard": 1.0, "oversized": 1.15}


def _price(rng: random.Random, tier: str, factor: float = 1.0) -> str:
    lo, hi = PRICE_BANDS[tier]
    value = rng.uniform(lo, hi) * factor
    return f"{round(value / 5) * 5 - 0.1:.2f}" if value > 20 else f"{value:.2f}"


def _sustainability(material: str, rng: random.Random) -> list[str]:
    tags = []
    if material in ("vegan leather", "cactus leather", "apple leather", "synthetic", "nylon"):
        tags.append("vegan")
    if material in ("cactus leather", "apple leather"):
        tags.append("plant-based")
    if material == "recycled fabric":
        tags += ["recycled", "vegan"]
    if tags and rng.random() < 0.4:
        tags.append("certified:GRS")
    return tags


def _bag(i: int, rng: random.Random) -> dict[str, Any]:
    size = SIZES[i % 4] if i < 16 else rng.choices(SIZES, weights=(35, 40, 25, 20))[0]
    arch = ARCHETYPES[i % len(ARCHETYPES)]
    if size in ("standard", "oversized") and arch.name in ("evening", "holiday"):
        arch = ARCHETYPE[rng.choice(("business", "travel", "heritage"))]
    functional = size in ("standard", "oversized")
    silhouette = rng.choice(FUNCTIONAL_SILHOUETTES if functional else ACCENT_SILHOUETTES)
    lo, hi = WIDTH_RANGES[size]
    width = round(rng.uniform(lo, hi) * 2) / 2
    width = min(max(width, lo), hi)
    primary = rng.choice(arch.colours + (arch.accents if arch.name in ("evening", "holiday") else ()))
    colours = [primary]
    if rng.random() < 0.6:
        second = rng.choice([c for c in arch.accents if c != primary] or ["black"])
        colours.append(second)
    material = rng.choice(arch.bag_materials)
    tier = rng.choice(arch.tiers)
    styles = sorted(set(rng.sample(arch.styles, k=min(len(arch.styles), rng.choice((1, 2))))))
    if primary in ("gold", "silver") and "metallic" not in styles:
        styles.append("metallic")
    noun = BAG_NOUNS[i % len(BAG_NOUNS)]
    return {
        "sku": f"BAG-{i + 1:04d}",
        "kind": "bag",
        "name": f"{noun} {size} {silhouette} in {primary}",
        "occasions": list(arch.occasions) if not functional else list(
            dict.fromkeys([*arch.occasions[:1], "travel" if size == "oversized" else "business"])),
        "colours": colours,
        "material": material,
        "styles": styles,
        "seasons": sorted(rng.sample(arch.seasons, k=min(2, len(arch.seasons)))),
        "sustainability": _sustainability(material, rng),
        "price": _price(rng, tier, SIZE_PRICE[size]),
        "currency": "EUR",
        "brand": rng.choice(BRANDS[tier]),
        "tier": tier,
        "in_stock": rng.random() > 0.08,
        "limited_edition": (size == "micro" and rng.random() < 0.35) or rng.random() < 0.05,
        "width_cm": f"{width:.1f}",
        "silhouette": silhouette,
        "detachable_strap": silhouette in ("chain", "crossbody", "saddle") or rng.random() < 0.3,
        "_archetype": arch.name,
    }


def _outfit(i: int, rng: random.Random) -> dict[str, Any]:
    arch = ARCHETYPES[i % len(ARCHETYPES)]
    shape = OUTFIT_SHAPES[arch.name][(i // len(ARCHETYPES)) % 3]
    palette = rng.sample(arch.colours, k=min(len(arch.colours), rng.choice((1, 2, 2, 3))))
    if arch.name == "casual" and rng.random() < 0.5:
        palette = [rng.choice(("white", "navy", "beige", "grey")), *palette[:1]]
    tier = rng.choice(arch.tiers)
    material = rng.choice(OUTFIT_MATERIALS[arch.name])
    return {
        "sku": f"OUT-{i + 1:04d}",
        "kind": "outfit",
        "name": f"{palette[0].capitalize()} {shape}",
        "occasions": list(arch.occasions),
        "colours": palette,
        "material": material,
        "styles": [s for s in arch.styles if s in ("minimalist", "heritage", "playful")][:1],
        "seasons": sorted(rng.sample(arch.seasons, k=min(2, len(arch.seasons)))),
        "sustainability": (
            ["certified:GOTS"] if material in ("cotton", "linen") and rng.random() < 0.3 else []
        ),
        "price": _price(rng, tier, 1.4),
        "currency": "EUR",
        "brand": rng.choice(BRANDS[tier]),
        "tier": tier,
        "in_stock": True,
        "limited_edition": False,
        "_archetype": arch.name,
        "_shape": shape,
    }


# The demo's curated lookbooks: (slug, title, description, season, outfit archetypes).
LOOKBOOKS = (
    ("after-dark-micro-bags", "After dark: small bags that shine",
     "Metallic and embellished micro and mini bags for evenings, weddings and the holidays.",
     "holiday", ("evening", "holiday")),
    ("desk-to-dinner", "Desk to dinner, quietly",
     "Black and tonal leather minis for the working week.",
     "autumn", ("business", "heritage")),
    ("weekend-colour", "Weekend colour, kept calm",
     "Casual colour with a small bag in black or in a shade of the outfit's own colour.",
     "spring", ("casual", "pastel", "travel")),
    ("black-tie-and-after", "Black tie and after",
     "Gold and silver for the night, black when the dress does the talking.",
     "winter", ("evening", "holiday")),
    ("the-tonal-edit", "The tonal edit",
     "One colour family from head to bag.",
     "summer", ("casual", "pastel", "business")),
    ("city-commute", "City commute",
     "Hands-free minis for days on the move.",
     "autumn", ("travel", "business", "casual")),
    ("wedding-guest", "Wedding guest",
     "Soft colours by day, a little shine by night.",
     "summer", ("pastel", "evening")),
    ("heritage-weekends", "Heritage weekends",
     "Crafted leather in the colours of the outfit.",
     "winter", ("heritage", "travel")),
)
LOOKS_PER_BOOK = 12
NIGHT = ("evening", "holiday")


def stylist_taste(outfit: dict, bag: dict) -> float:
    """Score a small bag for an outfit the way the demo's stylist sees it.

    Her taste is her own, not the market brief's rules: mostly black bags and bags
    tonal with (or repeating) the outfit's colours; metallic and embellished bags only
    at night; loud colour rarely.  The recommender must learn this from her looks.
    """
    pal = harmony.palette([(c, COLOURS[c]) for c in outfit["colours"]])
    colour = harmony.colour(bag["colours"][0], COLOURS[bag["colours"][0]])
    night = outfit["_archetype"] in NIGHT
    shiny = colour.metallic or "metallic" in bag["styles"]
    score = 2.0 * (colour.name == "black")
    related = harmony.relation(pal, colour)
    score += {"tonal": 1.8, "repeat": 1.4, "analogous": 0.6}.get(related or "", 0.0)
    score += (2.5 if night else -3.0) * shiny
    score += (0.8 if night else -1.0) * ("embellished" in bag["styles"])
    score -= 1.0 * colour.bold * (colour.name not in ("gold",))
    score += 0.4 * (bag["material"] in ("calfskin", "lambskin", "leather"))
    return score


def _stylist_pick(outfit: dict, bags: list[dict], rng: random.Random, used: set[str]) -> dict:
    """Pick the accent bag the demo stylist would: her taste plus a little whim."""
    pool = [b for b in bags if b["in_stock"] and float(b["width_cm"]) < 20 and b["sku"] not in used]
    # Gumbel noise: she mostly takes her favourite, sometimes the second or third.
    return max(pool, key=lambda b: (stylist_taste(outfit, b) - 0.7 * math.log(-math.log(rng.random())),
                                    b["sku"]))


def _functional_pick(bags: list[dict], accent: dict, rng: random.Random) -> dict | None:
    pool = [b for b in bags if float(b["width_cm"]) >= 20 and b["silhouette"] in ("tote", "crossbody")
            and b["in_stock"]]
    if not pool:
        return None
    pool.sort(key=lambda b: (b["colours"][0] == accent["colours"][0], b["tier"] != accent["tier"],
                             rng.random()))
    return pool[0]


def generate(seed: int = SEED) -> dict[str, Any]:
    """Return the demo import document {"items": [...], "lookbooks": [...]} (private keys
    starting with "_" describe the drawing and are removed before import)."""
    rng = random.Random(seed)
    bags = [_bag(i, rng) for i in range(N_BAGS)]
    outfits = [_outfit(i, rng) for i in range(N_OUTFITS)]
    looks_rng = random.Random(seed + 1)  # looks vary without changing the items
    lookbooks = []
    for slug, title, description, season, archetypes in LOOKBOOKS:
        used: set[str] = set()
        looks = []
        pool = [o for o in outfits if o["_archetype"] in archetypes]
        for outfit in looks_rng.sample(pool, min(LOOKS_PER_BOOK, len(pool))):
            accent = _stylist_pick(outfit, bags, looks_rng, used)
            used.add(accent["sku"])
            functional = _functional_pick(bags, accent, looks_rng)
            looks.append({
                "outfit": outfit["sku"],
                "bag": accent["sku"],
                "bundle": [accent["sku"], functional["sku"]] if functional else [],
                "note": _note(outfit, accent),
            })
        lookbooks.append({"slug": slug, "title": title, "description": description,
                          "season": season, "published": True, "looks": looks})
    return {"items": outfits + bags, "lookbooks": lookbooks}


def _note(outfit: dict, bag: dict) -> str:
    colour = bag["colours"][0]
    if outfit["_archetype"] in NIGHT and colour in ("gold", "silver"):
        return f"A small {colour} bag that catches the light is all the jewellery you need."
    if colour == "black":
        return f"Black {bag['material']}: the one bag that goes with everything here."
    return f"Keep it tonal: {colour} {bag['material']} picks up the outfit's colours."


def public_fields(item: dict[str, Any]) -> dict[str, Any]:
    """Drop the generator's private keys (those starting with "_")."""
    return {k: v for k, v in item.items() if not k.startswith("_")}
