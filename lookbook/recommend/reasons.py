"""Short human sentences from the pair features that actually scored a result.

The estimator hands over its arrays for one (outfit, bag) pair: every pair feature's
name and its contribution to the score (learned weight x feature value).  The largest
positive contributions become sentences through :data:`PHRASES`, a table keyed by the
feature (its key after the scope: ``"relation:tonal"``, ``"styles:*"``, ``"cname:*"``...),
filled in with both sides of the pair: "black calfskin goes with the navy and white of
this outfit", "coral contrasts the blue of this outfit".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from lookbook.recommend.pairs import OutfitContext
from lookbook.recommend.query import BagView
from lookbook.styling import vocab
from lookbook.styling.harmony import Colour, anchor, key_colour

MIN_SHARE = 0.015  # a contribution must move the 0..1 score at least this much to be named
PER_SCOPE = 2  # so a market, season or curated signal gets its say next to the occasion

# Phrases by feature key ("block:value" or "block:*"); the scope (an occasion or a
# season) fills {occ}/{season}.  Placeholders: {bag} the bag's colour, {bag_desc} its
# colour and material, {shine} its metallic colour, {anchor} the outfit colour a relation
# is to, {outfit} the outfit's colours, {a} the article for the scope, {value} the
# feature's value, {a_value} with its article.
OCCASION_PHRASES: dict[str, str] = {
    "relation:repeat": "{bag_desc} picks up the {anchor} of this outfit",
    "relation:tonal": "{bag_desc} is tonal with the {anchor} of this outfit",
    "relation:analogous": "{bag} sits next to the {anchor} of this outfit",
    "relation:complementary": "{bag} complements the {anchor} of this outfit",
    "relation:contrast": "{bag} contrasts the {anchor} of this outfit",
    "styles:metallic": "metallic finish suits {a} {occ} look",
    "styles:embellished": "embellished details dress up {a} {occ} look",
    "styles:minimalist": "minimalist lines suit {a} {occ} look",
    "styles:playful": "a playful design for {a} {occ} look",
    "styles:quirky shape": "a quirky shape makes {a} {occ} look",
    "styles:heritage": "heritage craft suits {a} {occ} look",
    "styles:logo": "a logo piece for {a} {occ} look",
    "styles:quilted": "quilted texture suits {a} {occ} look",
    "colour:metallic": "{shine} shine suits {a} {occ} look",
    "colour:neutral": "neutral {bag} keeps {a} {occ} look polished",
    "colour:bold": "bold {bag} makes a statement with {a} {occ} look",
    "colour:pastel": "soft {bag} suits {a} {occ} look",
    "colour:dark": "a deep {bag} suits {a} {occ} look",
    "colour:light": "a light {bag} suits {a} {occ} look",
    "size:*": "{a_value} {value} bag is the right scale for {occ}",
    "family:*": "{material} suits {a} {occ} look",
    "silhouette:*": "{a_value} {value} silhouette suits {occ}",
    "flags:limited_edition": "a limited edition adds exclusivity to {a} {occ} look",
    "flags:detachable_strap": "a detachable strap suits {a} {occ} day",
}
SEASON_PHRASES: dict[str, str] = {
    "colour:pastel": "pastel {bag} leads in {season}",
    "colour:metallic": "{shine} shine leads in the {season} season",
    "styles:metallic": "{shine} shine leads in the {season} season",
    "styles:embellished": "embellished details lead in the {season} season",
    "colour:bold": "bold {bag} suits {season}",
    "colour:neutral": "neutral {bag} suits {season}",
    "colour:dark": "a deep shade suits {season}",
    "colour:light": "a light shade suits {season}",
    "colour:earthy": "earthy {bag} suits {season}",
    "family:*": "{material} suits {season}",
}
PAIR_PHRASES: dict[str, str] = {
    "cname:*": "{bag_desc} goes with the {outfit} of this outfit",
    "occasion": "made for {occ}",
    "in season": "in season for {season}",
    "style": "shares the outfit's {style} style",
    "tier": "{a_tier} {tier} piece, like the outfit",
    "price:well below": "an easy add-on, priced well below the outfit",
    "price:below": "priced below the outfit",
    "price:in step": "priced in step with the outfit",
    "price:above": "a statement piece priced above the outfit",
}
MARKET_FEATURES = {  # how a market names a feature it favours
    "colour:bold": "bold colour", "colour:pastel": "pastel colour", "colour:metallic": "metallic colour",
    "colour:neutral": "neutral colour", "flags:limited_edition": "a limited edition",
    "flags:detachable_strap": "a detachable strap", "colour:dark": "a deep shade",
    "colour:light": "a light shade",
}


@dataclass(frozen=True)
class Evidence:
    """What scored one bag for one outfit: the model's arrays for the pair."""

    names: Sequence[str]  # pair feature names
    contributions: np.ndarray  # per pair feature, in 0..1 score units
    context: OutfitContext
    bag: BagView
    bag_row: np.ndarray  # the bag's feature row
    bag_columns: Sequence[str]
    vote: tuple[float, int] | None = None  # the curated kNN vote for this very bag
    column_of: Mapping[str, int] | None = None  # bag column -> index (built when not given)

    def column(self, name: str) -> int | None:
        """Return the index of a bag column, or None when the bag space has no such column."""
        if self.column_of is not None:
            return self.column_of.get(name)
        return _column_index(tuple(self.bag_columns)).get(name)

    @cached_property
    def fill(self) -> dict[str, str]:
        """The placeholders every sentence about this pair shares (computed once per pair)."""
        bag, palette = self.bag, self.context.palette
        return {"bag": _colour_word(bag), "bag_desc": f"{_colour_word(bag)} {_material_word(bag)}",
                "shine": bag.metallic or _colour_word(bag), "material": _material_word(bag),
                "outfit": _and([c.name for c in palette]) if palette else "colours"}

    def has(self, name: str) -> bool:
        """Tell whether the bag has a positive value in column ``name``."""
        j = self.column(name)
        return j is not None and self.bag_row[j] > 0


@lru_cache(maxsize=8)
def _column_index(columns: tuple[str, ...]) -> dict[str, int]:
    return {n: i for i, n in reversed(list(enumerate(columns)))}  # the first of equal names wins


@lru_cache(maxsize=4096)
def _anchor(palette: tuple[Colour, ...], bag: Colour, value: str) -> Colour | None:
    """The outfit colour a relation is to (colours repeat across requests: cached)."""
    found = anchor(palette, bag, value)
    return found or key_colour(list(palette)) or (palette[0] if palette else None)


def article(word: str) -> str:
    """Return "an" before a vowel sound, else "a" (good enough for our vocabulary)."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def _and(words: Sequence[str]) -> str:
    words = list(dict.fromkeys(words))
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _lookup(table: dict[str, str], key: str) -> str | None:
    return table.get(key) or table.get(key.partition(":")[0] + ":*")


def _colour_word(bag: BagView) -> str:
    return bag.colour.name if bag.colour else "this"


def _material_word(bag: BagView) -> str:
    return bag.material or "bag"


def sentence(name: str, ev: Evidence) -> str | None:
    """Render one pair feature of this pair as a sentence, or None when it has no phrase."""
    scope, _, key = name.partition("/")
    if name == "curated":
        if ev.vote:
            n = ev.vote[1]
            return f"paired with {n} similar outfit{'s' if n != 1 else ''} in curated lookbooks"
        return "like the bags our stylists paired with similar outfits"
    if name == "market":
        return _market_sentence(ev)
    bag, ctx = ev.bag, ev.context
    value = key.partition(":")[2]
    palette = ctx.palette
    fill = {**ev.fill, "value": value, "a_value": article(value)}
    if scope in vocab.OCCASIONS or (scope in ("pair", "bag") and _lookup(PAIR_PHRASES, key) is None):
        # An occasion's feature, or the same feature learned for every occasion.
        template = _lookup(OCCASION_PHRASES, key)
        if template is None:
            return None
        occ = scope if scope in vocab.OCCASIONS else _strongest_shared(
            ev, "occasions:", vocab.OCCASIONS, ctx.occasions)
        if key.startswith("relation:"):
            if bag.colour:
                found = _anchor(tuple(palette), bag.colour, value)
            else:
                found = key_colour(list(palette)) or (palette[0] if palette else None)
            fill["anchor"] = found.name if found else "colours"
        return template.format(**fill, occ=occ, a=article(occ))
    if scope in vocab.SEASONS:
        template = _lookup(SEASON_PHRASES, key)
        return template.format(**fill, season=scope) if template else None
    if scope in ("pair", "bag"):
        template = _lookup(PAIR_PHRASES, key)
        if template is None:
            return None
        occ = _strongest_shared(ev, "occasions:", vocab.OCCASIONS, ctx.occasions)
        season = ctx.season_asked or _strongest_shared(ev, "seasons:", vocab.SEASONS, ctx.seasons)
        style = next((s for s in ctx.styles if ev.has(f"styles:{s}")), "")
        tier = ctx.tier or ""
        return template.format(**fill, occ=occ, season=season, style=style, tier=tier,
                               a_tier=article(tier))
    return None


def _strongest_shared(ev: Evidence, prefix: str, values: Sequence[str], weights: np.ndarray) -> str:
    """Return the value (occasion, season) the outfit weighs most among those the bag has."""
    best, best_w = values[int(np.argmax(weights))] if len(weights) else "", 0.0
    for value, w in zip(values, weights.tolist(), strict=True):
        if w > best_w and ev.has(prefix + value):
            best, best_w = value, w
    return best


def _market_sentence(ev: Evidence) -> str | None:
    ctx = ev.context
    if ctx.market is None:
        return None
    share = ctx.market * ev.bag_row
    key = ev.bag_columns[int(np.argmax(share))]
    block, _, value = key.partition(":")
    phrase = MARKET_FEATURES.get(key) or (f"{value} style" if block == "styles" else
                                          value if block == "family" else f"{value} {block}")
    return f"{phrase} is popular in {ctx.market_name or 'this market'}"


def explain(ev: Evidence, limit: int = 3) -> list[str]:
    """Return up to ``limit`` sentences for the strongest positive contributions, best first."""
    order = np.lexsort((np.arange(len(ev.contributions)), -ev.contributions))
    shares = ev.contributions.tolist()
    out: list[str] = []
    per_scope: dict[str, int] = {}
    for i in order.tolist():
        share = shares[i]
        if share < MIN_SHARE and (out or share <= 0):
            break
        name = ev.names[i]
        scope = name.partition("/")[0]
        if per_scope.get(scope, 0) >= PER_SCOPE:
            continue
        text = sentence(name, ev)
        if text and text not in out:
            out.append(text)
            per_scope[scope] = per_scope.get(scope, 0) + 1
        if len(out) >= limit:
            break
    return out


def similar_sentence(block: str, key: str, bag: BagView, other: BagView) -> str:
    """Say what a similar bag shares with the one being viewed."""
    value = key.partition(":")[2]
    if block in ("cname", "colour", "lab"):
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
    if block == "price":
        return "a similar price"
    return "a similar design"
