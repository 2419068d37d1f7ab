"""Short human sentences from the score components that actually ranked a result."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lookbook.recommend.query import BagView
from lookbook.styling.harmony import Colour, key_colour, relation

STYLE_PHRASES = {
    "metallic": "metallic finish suits {a} {occ} look",
    "embellished": "embellished details dress up {a} {occ} look",
    "minimalist": "minimalist lines suit {a} {occ} look",
    "playful": "a playful design for {a} {occ} look",
    "quirky shape": "a quirky shape makes {a} {occ} look",
    "heritage": "heritage craft suits {a} {occ} look",
    "logo": "a logo piece for {a} {occ} look",
    "quilted": "quilted texture suits {a} {occ} look",
}
RELATION_PHRASES = {
    "complementary": "{bag} complements the {outfit} outfit",
    "contrast": "{bag} contrasts the {outfit} outfit",
    "analogous": "{bag} sits next to the {outfit} outfit's colour",
    "tonal": "{bag} is tonal with the {outfit} outfit",
    "neutral": "neutral {bag} lets the {outfit} outfit lead",
    "metallic": "{bag} shine lifts the {outfit} outfit",
}
FEATURE_PHRASES = {  # how a market or season names a feature it favours
    "colour:bold": "bold colour", "colour:pastel": "pastel colour", "colour:metallic": "metallic colour",
    "colour:neutral": "neutral colour", "flags:limited_edition": "a limited edition",
    "flags:detachable_strap": "a detachable strap", "colour:dark": "a deep shade",
    "colour:light": "a light shade",
}
MIN_SHARE = 0.015  # a component must move the score at least this much to be named


def article(word: str) -> str:
    """Return "an" before a vowel sound, else "a" (good enough for our vocabulary)."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def _feature_phrase(key: str) -> str:
    block, _, value = key.partition(":")
    if key in FEATURE_PHRASES:
        return FEATURE_PHRASES[key]
    if block == "styles":
        return f"{value} style"
    if block == "family":
        return value
    if block == "colour":
        return "its colour"
    return f"{value} {block}" if block not in ("seasons", "occasions") else value


def sentence(source: str, key: str, bag: BagView, outfit: Sequence[Colour]) -> str:
    """Render one (source, strongest feature) component as a sentence about the bag."""
    kind, _, name = source.partition(":")
    block, _, value = key.partition(":")
    colour = bag.colour.name if bag.colour else "this"
    if kind == "curated":
        return name
    if kind == "harmony" or (block == "colour" and kind == "occasion" and value.startswith("hue")):
        anchor = key_colour(list(outfit)) or (outfit[0] if outfit else None)
        rel = relation(list(outfit), bag.colour) if bag.colour else None
        if rel and anchor:
            return RELATION_PHRASES[rel].format(bag=colour, outfit=anchor.name)
        return f"{colour} works with the outfit's palette"
    if kind == "occasion":
        a = article(name)
        if block == "styles":
            return STYLE_PHRASES[value].format(a=a, occ=name)
        if block == "colour":
            return {
                "metallic": f"{bag.metallic or colour} metallic shine suits {a} {name} look",
                "neutral": f"neutral {colour} keeps {a} {name} look polished",
                "bold": f"bold {colour} makes a statement with {a} {name} look",
                "pastel": f"soft {colour} suits {a} {name} look",
            }.get(value, f"{colour} suits {a} {name} look")
        if block == "size":
            return f"{article(value)} {value} bag is the right scale for {name}"
        if block == "family":
            return f"{bag.material or value} suits {a} {name} look"
        if block == "silhouette":
            return f"{article(value)} {value} silhouette suits {name}"
        if block == "occasions":
            return f"made for {name}"
        if block == "flags":
            return f"{_feature_phrase(key)} adds exclusivity to {a} {name} look"
        return f"suits {a} {name} look"
    if kind == "season":
        if block == "seasons":
            return f"in season for {name}"
        if key == "colour:pastel":
            return f"pastel {colour} leads in {name}"
        if value == "metallic":
            return f"{bag.metallic or 'metallic'} shine leads in the {name} season"
        return f"{_feature_phrase(key)} suits {name}"
    if kind == "market":
        return f"{_feature_phrase(key)} is popular in {name}"
    if kind == "outfit":
        if block == "tier":
            return f"{article(value)} {value} piece, like the outfit"
        return f"shares the outfit's {value} style"
    return f"{_feature_phrase(key)} fits"


def pick(components: Mapping[tuple[str, str], float], limit: int = 3) -> list[tuple[str, str]]:
    """Return the strongest (source, block) components worth naming, best first."""
    ranked = sorted(components.items(), key=lambda kv: (-kv[1], kv[0]))
    chosen: list[tuple[str, str]] = []
    per_source: dict[str, int] = {}
    for key, value in ranked:
        # At most two sentences per source, so a market, season or curated signal that
        # also scored the bag gets its say next to the occasion.
        if value >= MIN_SHARE and per_source.get(key[0], 0) < 2 and len(chosen) < limit:
            chosen.append(key)
            per_source[key[0]] = per_source.get(key[0], 0) + 1
    if not chosen and ranked and ranked[0][1] > 0:
        chosen = [ranked[0][0]]
    return chosen


def similar_sentence(block: str, key: str, bag: BagView, other: BagView) -> str:
    """Say what a similar bag shares with the one being viewed."""
    value = key.partition(":")[2]
    if block == "colour":
        if bag.colour and other.colour and bag.colour.name == other.colour.name:
            return f"also in {bag.colour.name}"
        return f"a close colour: {bag.colour.name if bag.colour else 'similar'}"
    if block == "styles":
        return f"the same {value} style"
    if block in ("size", "silhouette"):
        words = " ".join(w for w in (bag.size, bag.silhouette) if w) or value
        return f"also {article(words)} {words}"
    if block == "family":
        return f"also in {bag.material or value}"
    if block == "occasions":
        return f"also made for {value}"
    if block == "tier":
        return f"the same {value} tier"
    if block == "seasons":
        return f"also a {value} bag"
    return "a similar design"
