"""Interpretable features of an (outfit, bag) pair, and their prior weights from the rules.

Every pair feature is *bilinear*: its value is ``A(outfit)[f] @ x_bag`` for a row of a
matrix built from the outfit alone and the bag's feature row.  So one outfit scores
every bag with a single float32 matrix-vector product (``X @ (w @ A)``), and the few
results of a request are explained by ``w * (A @ x_bag)``, each feature's contribution.

Features are named ``"scope/key"``:

* ``"<occasion>/<bag feature>"``: the bag's style, material family, size, colour flags
  (neutral, metallic, pastel, bold, dark, light)... weighed for that occasion, the value
  scaled by the outfit's share of the occasion;
* ``"<occasion>/relation:<r>"``: the bag's colour repeats, tones with, sits next to,
  complements or contrasts the outfit's palette (computed in LCh);
* ``"pair/relation:<r>"`` and ``"bag/<colour flag or style>"``: the same whatever the
  occasion (a curator's habit that holds everywhere is learned once);
* ``"bag/cname:<neutral>"``: a black, white, beige... bag, one feature per neutral;
* ``"<season>/<bag feature>"`` and ``"pair/in season"``: the season asked for (or the
  outfit's own seasons, weaker);
* ``"pair/occasion"``, ``"pair/style"``, ``"pair/tier"``, ``"pair/price:<ratio>"``: the
  bag is made for the outfit's occasion, shares its style or tier, is priced below, in
  step with, or above it;
* ``"bag/reach:crowded"``: how much more often than its share the bag is already a top
  pick across catalog outfits (a fixed penalty, never learned, so range holds);
* ``"market"``: the market profile asked for; ``"curated"``: how much the bag looks like
  the bags curators paired with similar outfits (the kNN signal, one feature).

The prior weight of each feature is the brief's rule (``lookbook.styling.rules``), so a
model with no looks ranks as the rules do; ``lookbook.recommend.taste`` learns the rest.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from lookbook.styling import vocab
from lookbook.styling.colour import hue_difference, lab_to_lch, vocabulary_lab
from lookbook.styling.harmony import ACHROMATIC_C, RELATIONS, Colour, relation_strengths
from lookbook.styling.rules import (
    ASKED_SEASON_SCALE,
    CURATED_SCALE,
    EARTHY_HUE,
    HARMONY_RULES,
    MARKET_SCALE,
    OCCASION_MATCH,
    OCCASION_RULES,
    OUTFIT_SCALE,
    OUTFIT_SEASON_SCALE,
    PRICE_CENTRES,
    SEASON_RULES,
    OutfitTraits,
)

# Bag features weighed per occasion, whether or not a rule names them, so curators can
# teach e.g. "metallic only at night" or "neutral for casual" (the rules' own keys join).
OCCASION_KEYS = (
    *(f"styles:{s}" for s in vocab.STYLES),
    *(f"family:{f}" for f in vocab.MATERIAL_FAMILIES if f != vocab.OTHER_FAMILY),
    *(f"size:{s}" for s in vocab.SIZES),
    "colour:neutral", "colour:metallic", "colour:pastel", "colour:bold", "colour:dark", "colour:light",
    "flags:limited_edition",
)
SEASON_KEYS = ("colour:pastel", "colour:metallic", "colour:bold", "colour:neutral", "colour:dark",
               "colour:light")
GLOBAL_KEYS = ("colour:neutral", "colour:metallic", "colour:pastel", "colour:bold", "colour:dark",
               "colour:light", *(f"styles:{s}" for s in vocab.STYLES))
CROWDED = "reach:crowded"  # a bag column the estimator fills: how over-exposed the bag is
NEUTRALS = tuple(c for c in vocab.COLOURS if c in vocab.NEUTRAL_COLOURS)
# Bag price relative to the outfit's: (name, upper bound of the ratio).
PRICE_RATIOS = (("well below", 0.2), ("below", 0.6), ("in step", 1.6), ("above", float("inf")))


def _earthy() -> np.ndarray:
    """Return, per vocabulary colour, whether its hue is earthy (near camel and rust)."""
    lch = lab_to_lch(vocabulary_lab()[1])
    return ((lch[:, 1] >= ACHROMATIC_C) & (hue_difference(lch[:, 2], EARTHY_HUE) <= 30.0)).astype(np.float32)


def feature_names() -> tuple[str, ...]:
    """Return every pair feature's name, in the model's order."""
    names = ["pair/occasion"]
    for occ in vocab.OCCASIONS:
        keys = dict.fromkeys((*OCCASION_KEYS, *OCCASION_RULES.get(occ, {})))
        names += [f"{occ}/{k}" for k in keys if not k.startswith("occasions:")]
    names += [f"{occ}/relation:{r}" for occ in vocab.OCCASIONS for r in RELATIONS]
    # The same relations and colour flags whatever the occasion: a curator's habit that
    # holds everywhere is learned once instead of once per occasion.
    names += [f"pair/relation:{r}" for r in RELATIONS]
    names += [f"bag/{k}" for k in GLOBAL_KEYS]
    names += [f"bag/cname:{c}" for c in NEUTRALS]
    names.append(f"bag/{CROWDED}")
    names.append("pair/in season")
    for season in vocab.SEASONS:
        keys = dict.fromkeys((*SEASON_KEYS, *SEASON_RULES.get(season, {})))
        names += [f"{season}/{k}" for k in keys]
    names += ["pair/style", "pair/tier", *(f"pair/price:{name}" for name, _ in PRICE_RATIOS)]
    names += ["market", "curated"]
    return tuple(names)


def prior_weights(names: Sequence[str]) -> np.ndarray:
    """Return the brief's rule for every pair feature (0 where the rules say nothing)."""
    out = np.zeros(len(names), dtype=np.float64)
    fixed = {"pair/occasion": OCCASION_MATCH, "pair/in season": 1.0, "pair/style": OUTFIT_SCALE,
             "pair/tier": OUTFIT_SCALE, "market": MARKET_SCALE, "curated": CURATED_SCALE}
    for i, name in enumerate(names):
        scope, _, key = name.partition("/")
        if name in fixed:
            out[i] = fixed[name]
        elif scope in OCCASION_RULES and key.startswith("relation:"):
            out[i] = HARMONY_RULES.get(scope, {}).get(key.partition(":")[2], 0.0)
        elif scope in OCCASION_RULES:
            out[i] = OCCASION_RULES[scope].get(key, 0.0)
        elif scope in SEASON_RULES:
            out[i] = SEASON_RULES[scope].get(key, 0.0)
    return out


@dataclass(frozen=True)
class OutfitContext:
    """What the pair features read from one outfit (and the request's season and market)."""

    occasions: np.ndarray  # share of each vocabulary occasion, summing to 1
    seasons: np.ndarray  # weight of each season: the one asked for, else the outfit's own
    styles: tuple[str, ...]
    tier: str | None
    price: float | None
    palette: tuple[Colour, ...]
    relations: np.ndarray  # (relations, vocabulary colours) strengths in LCh
    market: np.ndarray | None = None  # market weight per bag column
    market_name: str | None = None
    season_asked: str | None = None


class PairSpace:
    """The pair features over one bag feature space, and how to build ``A(outfit)``."""

    def __init__(self, bag_columns: Sequence[str]) -> None:
        self.bag_columns = tuple(bag_columns)
        self.names = feature_names()
        self.prior = prior_weights(self.names)
        col = {n: i for i, n in enumerate(self.bag_columns)}
        row = {n: i for i, n in enumerate(self.names)}
        self.index = row
        occ = {o: i for i, o in enumerate(vocab.OCCASIONS)}
        sea = {s: i for i, s in enumerate(vocab.SEASONS)}
        crossed, seasonal = [], []
        for name, r in row.items():
            scope, _, key = name.partition("/")
            if key in col and scope in occ:
                crossed.append((r, occ[scope], col[key]))
            elif key in col and scope in sea:
                seasonal.append((r, sea[scope], col[key]))
        self._crossed = np.array(crossed, dtype=np.int64).reshape(-1, 3)
        self._seasonal = np.array(seasonal, dtype=np.int64).reshape(-1, 3)
        self._earthy = [(row[n], sea[n.partition("/")[0]]) for n in self.names
                        if n.endswith("/colour:earthy")]
        self._earthy_vec = _earthy()
        self._occasion_cols = np.array([col[f"occasions:{o}"] for o in vocab.OCCASIONS])
        self._season_cols = np.array([col[f"seasons:{s}"] for s in vocab.SEASONS])
        self._cname_cols = np.array([col[f"cname:{c}"] for c in vocab.COLOURS])
        self._price_cols = np.array([col[n] for n in self.bag_columns if n.startswith("price:")])
        self._relation_rows = np.array([[row[f"{o}/relation:{r}"] for r in RELATIONS]
                                        for o in vocab.OCCASIONS])
        self._global_relation_rows = np.array([row[f"pair/relation:{r}"] for r in RELATIONS])
        self._bag_only = np.array([(row[f"bag/{k}"], col[k]) for k in (*GLOBAL_KEYS, *(
            f"cname:{c}" for c in NEUTRALS), CROWDED) if k in col])
        self._style_cols = {s: col[f"styles:{s}"] for s in vocab.STYLES}
        self._tier_cols = {t: col[f"tier:{t}"] for t in vocab.TIERS}
        self._price_rows = np.array([row[f"pair/price:{n}"] for n, _ in PRICE_RATIOS])
        self.row_of = {k: row[k] for k in ("pair/occasion", "pair/in season", "pair/style", "pair/tier",
                                           "market", "curated")}

    def market_vector(self, weights: Mapping[str, float]) -> np.ndarray:
        """Return a market profile as one weight per bag column."""
        col = {n: i for i, n in enumerate(self.bag_columns)}
        vec = np.zeros(len(self.bag_columns), dtype=np.float32)
        for key, w in weights.items():
            if key in col:
                vec[col[key]] += w
        return vec

    def context(self, traits: OutfitTraits, *, season: str | None = None,
                market: Mapping[str, float] | None = None, market_name: str | None = None) -> OutfitContext:
        """Read an outfit (and the request's season and market) for the pair features."""
        occasions = np.zeros(len(vocab.OCCASIONS), dtype=np.float32)
        known = [o for o in traits.occasions if o in vocab.OCCASIONS] or ["casual"]
        for o in known:
            occasions[vocab.OCCASIONS.index(o)] += 1.0 / len(known)
        seasons = np.zeros(len(vocab.SEASONS), dtype=np.float32)
        if season in vocab.SEASONS:
            seasons[vocab.SEASONS.index(season)] = ASKED_SEASON_SCALE
        else:
            own = [s for s in traits.seasons if s in vocab.SEASONS]
            for s in own:
                seasons[vocab.SEASONS.index(s)] += OUTFIT_SEASON_SCALE / len(own)
        palette = tuple(traits.palette)
        return OutfitContext(
            occasions, seasons, tuple(traits.styles), traits.tier,
            float(traits.price) if traits.price else None, palette, relation_strengths(palette),
            self.market_vector(market) if market else None, market_name,
            season if season in vocab.SEASONS else None)

    def matrix(self, ctx: OutfitContext, liked: np.ndarray | None = None) -> np.ndarray:
        """Return ``A`` (pair features x bag columns): pair features = ``A @ x_bag``."""
        a = np.zeros((len(self.names), len(self.bag_columns)), dtype=np.float32)
        a[self.row_of["pair/occasion"], self._occasion_cols] = ctx.occasions
        a[self._crossed[:, 0], self._crossed[:, 2]] = ctx.occasions[self._crossed[:, 1]]
        rel = ctx.occasions[:, None, None] * ctx.relations[None, :, :]  # occasion x relation x colour
        a[self._relation_rows.reshape(-1, 1), self._cname_cols[None, :]] = rel.reshape(-1, rel.shape[2])
        a[self._global_relation_rows.reshape(-1, 1), self._cname_cols[None, :]] = ctx.relations
        a[self._bag_only[:, 0], self._bag_only[:, 1]] = 1.0
        a[self.row_of["pair/in season"], self._season_cols] = ctx.seasons
        a[self._seasonal[:, 0], self._seasonal[:, 2]] = ctx.seasons[self._seasonal[:, 1]]
        for r, s in self._earthy:
            a[r, self._cname_cols] = ctx.seasons[s] * self._earthy_vec
        for style in ctx.styles:
            if style in self._style_cols:
                a[self.row_of["pair/style"], self._style_cols[style]] = 1.0
        if ctx.tier in self._tier_cols:
            a[self.row_of["pair/tier"], self._tier_cols[ctx.tier]] = 1.0
        if ctx.price:
            a[self._price_rows.reshape(-1, 1), self._price_cols[None, :]] = price_ratio_membership(ctx.price)
        if ctx.market is not None:
            a[self.row_of["market"]] = ctx.market
        if liked is not None:
            a[self.row_of["curated"]] = liked
        return a

    def profiles(self, traits: Sequence[OutfitTraits], weights: np.ndarray, chunk: int = 4096) -> np.ndarray:
        """Return ``weights @ matrix(context(t))`` for many outfits at once (no season asked,
        no market, no curated direction): the catalog outfits' profiles a fit stores.

        Every block of ``A`` writes rows of its own, so ``w @ A`` is the sum of each block's
        weighted rows; computed per block for a whole chunk of outfits with a few array
        operations instead of one matrix per outfit (the same values up to float rounding;
        a test compares them).
        """
        out = np.zeros((len(traits), len(self.bag_columns)), dtype=np.float32)
        w = np.asarray(weights, dtype=np.float64)
        n_occ, n_sea = len(vocab.OCCASIONS), len(vocab.SEASONS)
        crossed = np.zeros((n_occ, len(self.bag_columns)))
        np.add.at(crossed, (self._crossed[:, 1], self._crossed[:, 2]), w[self._crossed[:, 0]])
        seasonal = np.zeros((n_sea, len(self.bag_columns)))
        np.add.at(seasonal, (self._seasonal[:, 1], self._seasonal[:, 2]), w[self._seasonal[:, 0]])
        earthy = np.zeros(n_sea)
        for r, season in self._earthy:
            earthy[season] += w[r]
        fixed = np.zeros(len(self.bag_columns))
        np.add.at(fixed, self._bag_only[:, 1], w[self._bag_only[:, 0]])
        relation_w = w[self._relation_rows]  # (occasions, relations)
        global_w = w[self._global_relation_rows]
        price_w = w[self._price_rows]  # one weight per ratio band
        style_w, tier_w = w[self.row_of["pair/style"]], w[self.row_of["pair/tier"]]
        occasion_index = {o: i for i, o in enumerate(vocab.OCCASIONS)}
        season_index = {x: i for i, x in enumerate(vocab.SEASONS)}
        bounds = np.array([hi for _, hi in PRICE_RATIOS])
        centres = np.array(PRICE_CENTRES)
        for start in range(0, len(traits), chunk):
            part = traits[start:start + chunk]
            n = len(part)
            occ = np.zeros((n, n_occ))
            sea = np.zeros((n, n_sea))
            rel = np.empty((n, len(RELATIONS), len(self._cname_cols)))
            block = np.zeros((n, len(self.bag_columns)))
            for i, t in enumerate(part):
                known = [o for o in t.occasions if o in occasion_index] or ["casual"]
                for o in known:
                    occ[i, occasion_index[o]] += 1.0 / len(known)
                own = [x for x in t.seasons if x in season_index]
                for x in own:
                    sea[i, season_index[x]] += OUTFIT_SEASON_SCALE / len(own)
                rel[i] = relation_strengths(tuple(t.palette))
                for style in set(t.styles):
                    if style in self._style_cols:
                        block[i, self._style_cols[style]] += style_w
                if t.tier in self._tier_cols:
                    block[i, self._tier_cols[t.tier]] += tier_w
                if t.price:
                    band = np.searchsorted(bounds, centres / float(t.price), side="right")
                    block[i, self._price_cols] += price_w[band.clip(0, len(bounds) - 1)]
            block[:, self._occasion_cols] += w[self.row_of["pair/occasion"]] * occ
            block += occ @ crossed + sea @ seasonal + fixed
            block[:, self._season_cols] += w[self.row_of["pair/in season"]] * sea
            colour = np.einsum("no,or,nrc->nc", occ, relation_w, rel) + np.einsum("r,nrc->nc", global_w, rel)
            colour += (sea @ earthy)[:, None] * self._earthy_vec[None, :]
            block[:, self._cname_cols] += colour
            out[start:start + n] = block
        return out


def price_ratio_membership(outfit_price: float) -> np.ndarray:
    """Return (ratio bands, price bins): which band each bag price bin falls in for this outfit."""
    ratios = np.array(PRICE_CENTRES) / outfit_price
    bounds = np.array([hi for _, hi in PRICE_RATIOS])
    band = np.searchsorted(bounds, ratios, side="right").clip(0, len(bounds) - 1)
    out = np.zeros((len(PRICE_RATIOS), len(PRICE_CENTRES)), dtype=np.float32)
    out[band, np.arange(len(PRICE_CENTRES))] = 1.0
    return out
