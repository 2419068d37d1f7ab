"""The recommender estimator: target bag profile + vectorised nearest-neighbour search.

An outfit is turned into a *target bag profile*: a weight per bag feature, summed from
named sources (occasion rules, colour harmony with its palette, season, market), plus
the bags curators chose for similar outfits.  Scoring is then one float32
matrix-vector product over the fitted bag matrix (a maximum-inner-product
nearest-neighbour search; rows are stored in size order, so a size filter reads one
slice), followed by the hard-filter mask, argpartition and MMR on a short list.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from lookbook.catalog.records import ItemRecord
from lookbook.recommend import reasons as reasons_mod
from lookbook.recommend.curated import CuratedVotes
from lookbook.recommend.data import Catalog
from lookbook.recommend.diversity import mmr_order
from lookbook.recommend.features import FeatureSpace, fitted_transformer, rows
from lookbook.recommend.filters import SIZE_CODE, BagTable, Filters
from lookbook.recommend.query import BagView, traits_of
from lookbook.styling.markets import Market
from lookbook.styling.rules import OutfitTraits, target_profile

MASK_CACHE = 64  # filter sets whose masks are kept (the API defaults repeat constantly)
# Block weights of "looks alike" (similar bags) and "dressed alike" (curated kNN).
SIMILAR_WEIGHTS = {"styles": 1.0, "colour": 1.0, "family": 0.6, "silhouette": 0.6, "size": 0.8,
                   "occasions": 0.6, "seasons": 0.3, "tier": 0.4, "flags": 0.2}
OUTFIT_WEIGHTS = {"occasions": 1.2, "styles": 0.6, "seasons": 0.5, "family": 0.4, "tier": 0.3,
                  "colour": 1.0}


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Scale rows to unit length (all-zero rows stay zero; empty input is fine)."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.maximum(norms, 1e-9)).astype(np.float32)


def _best(scores: np.ndarray, k: int) -> np.ndarray:
    """Return the positions of the ``k`` best finite scores, score desc then position."""
    part = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    part = part[np.isfinite(scores[part])]
    return part[np.lexsort((part, -scores[part]))]  # ties broken by position: deterministic


@dataclass
class Ranking:
    """Candidate bags for one query, best first after diversity, with what scored them."""

    positions: np.ndarray
    scores: np.ndarray
    sources: list[str] = field(default_factory=list)
    source_matrix: np.ndarray | None = None
    scale: float = 1.0
    votes: dict[int, tuple[float, int]] = field(default_factory=dict)
    exhausted: bool = True  # every bag passing the filters is among the candidates
    traits: OutfitTraits | None = None
    liked: dict[int, float] = field(default_factory=dict)  # likeness to curated bags


class BagRecommender(BaseEstimator):
    """Pair outfits with bags; also outfits for a bag and bags like a bag."""

    def __init__(self, curated_weight: float = 0.35, curated_alike: float = 1.0,
                 n_curated_neighbors: int = 5, min_curated_similarity: float = 0.6,
                 diversity: float = 0.15) -> None:
        self.curated_weight = curated_weight
        self.curated_alike = curated_alike
        self.n_curated_neighbors = n_curated_neighbors
        self.min_curated_similarity = min_curated_similarity
        self.diversity = diversity

    # -- fitting -------------------------------------------------------------------------
    def fit(self, catalog: Catalog, y: None = None) -> BagRecommender:
        """Learn the feature space, bag matrix, outfit profiles and curated votes."""
        self.transformer_ = fitted_transformer()
        space = FeatureSpace.from_transformer(self.transformer_)
        self.feature_names_ = list(space.names)
        # Rows are kept in size order so a size filter (micro,mini by default) scans one
        # contiguous slice of the matrix instead of all of it.
        bags = sorted(catalog.bags, key=lambda b: SIZE_CODE.get(b.size or "", -1))
        self.bag_matrix_ = self._encode(bags)
        self.bags_ = BagTable.from_records(bags)
        self.outfit_skus_ = [o.sku for o in catalog.outfits]
        self._finish()
        self.outfit_matrix_ = self._encode(catalog.outfits)
        self.outfit_profiles_ = np.zeros((len(catalog.outfits), len(space.names)), dtype=np.float32)
        for i, outfit in enumerate(catalog.outfits):
            self.outfit_profiles_[i] = self.profile(traits_of(outfit))[1].sum(axis=0)
        self.look_outfits_, self.look_bags_ = self._look_arrays(catalog.looks)
        self.revision_ = catalog.revision
        self.similar_norms_ = (np.linalg.norm(self.bag_matrix_ * self.similar_weights_, axis=1)
                               + 1e-9).astype(np.float32)
        self.outfit_unit_ = self._outfit_vectors(self.outfit_matrix_)
        bounds = [self._bounds(q) for q in self.outfit_profiles_]
        self.outfit_bounds_ = np.array(bounds, dtype=np.float32).reshape(-1, 2)
        self._fit_curated()
        return self

    def _encode(self, records: Sequence[ItemRecord]) -> np.ndarray:
        if not records:
            return np.zeros((0, len(self.feature_names_)), dtype=np.float32)
        return np.ascontiguousarray(self.transformer_.transform(rows(records)), dtype=np.float32)

    def _finish(self) -> None:
        """Derive the cheap query-time helpers from the learned arrays (also after loading)."""
        self.space_ = FeatureSpace(tuple(self.feature_names_))
        self.feature_index_ = self.space_.index()
        groups, convex = self.space_.groups()
        self.group_starts_ = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
        self.group_convex_ = convex
        self.similar_weights_ = self.space_.block_weights(SIMILAR_WEIGHTS)
        self.outfit_weights_ = self.space_.block_weights(OUTFIT_WEIGHTS)
        self.bag_position_ = {s: i for i, s in enumerate(self.bags_.skus)}
        self.outfit_position_ = {s: i for i, s in enumerate(self.outfit_skus_)}
        self.feature_blocks_ = [name.partition(":")[0] for name in self.feature_names_]
        blocks = np.array(self.feature_blocks_)
        self.block_columns_ = {b: np.flatnonzero(blocks == b) for b in dict.fromkeys(self.feature_blocks_)}
        self._mask_cache: dict[Filters, tuple[np.ndarray, int]] = {}
        sizes = np.asarray(self.bags_.size)
        self.size_starts_ = None
        if np.all(sizes[1:] >= sizes[:-1]):
            self.size_starts_ = np.searchsorted(sizes, np.arange(-1, len(SIZE_CODE) + 1))

    def _fit_curated(self) -> None:
        """Fit the curated votes from the look arrays (after fit, loading, or new looks)."""
        self.typical_norm_ = float(np.median(self.similar_norms_)) if len(self.similar_norms_) else 1.0
        look_vectors = self.outfit_unit_[self.look_outfits_]
        self.curated_ = CuratedVotes(self.n_curated_neighbors, self.min_curated_similarity)
        self.curated_.fit(look_vectors, self.look_bags_)
        self.popularity_ = np.bincount(self.look_bags_, minlength=len(self.bags_.skus))

    def with_looks(self, looks: Sequence[tuple[str, str]]) -> BagRecommender:
        """Return a copy that learned only these curated looks (content shared, for evaluation)."""
        check_is_fitted(self, "bag_matrix_")
        other = copy.copy(self)
        other.look_outfits_, other.look_bags_ = self._look_arrays(looks)
        other._fit_curated()
        return other

    def _look_arrays(self, looks: Sequence[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
        """Return (outfit rows, bag rows) of the curated looks whose outfit and bag were fitted."""
        pairs = [(self.outfit_position_[o], self.bag_position_[b]) for o, b in looks
                 if o in self.outfit_position_ and b in self.bag_position_]
        return (np.array([p[0] for p in pairs], dtype=np.int64),
                np.array([p[1] for p in pairs], dtype=np.int64))

    def _outfit_vectors(self, matrix: np.ndarray) -> np.ndarray:
        return _unit_rows(matrix * self.outfit_weights_)

    # -- profiles and scores -------------------------------------------------------------
    def profile(self, traits: OutfitTraits, season: str | None = None,
                market: Market | None = None) -> tuple[list[str], np.ndarray]:
        """Return the target profile's source names and their weight rows (n_sources, d)."""
        sources = target_profile(traits, season=season, market=market.weights if market else None,
                                 market_name=market.label if market else None)
        index = self.feature_index_
        matrix = np.zeros((len(sources), len(index)), dtype=np.float32)
        for row, src in enumerate(sources):
            for key, w in src.weights.items():
                j = index.get(key)
                if j is not None:
                    matrix[row, j] += w
        return [s.name for s in sources], matrix

    def _bounds(self, q: np.ndarray) -> tuple[float, float]:
        """Return the lowest and highest score any bag could get from profile ``q``."""
        pos, neg = np.maximum(q, 0), np.minimum(q, 0)
        starts = self.group_starts_
        hi = np.where(self.group_convex_, np.maximum.reduceat(pos, starts), np.add.reduceat(pos, starts))
        lo = np.where(self.group_convex_, np.minimum.reduceat(neg, starts), np.add.reduceat(neg, starts))
        return float(lo.sum()), float(hi.sum())

    def outfit_vector(self, outfit: ItemRecord | None = None, sku: str | None = None) -> np.ndarray:
        """Return an outfit's unit vector in outfit space (fitted row if known, else encoded)."""
        check_is_fitted(self, "bag_matrix_")
        if sku is not None and sku in self.outfit_position_:
            return self.outfit_unit_[self.outfit_position_[sku]]
        if outfit is not None:
            return self._outfit_vectors(self._encode([outfit]))[0]
        return np.zeros(len(self.feature_names_), dtype=np.float32)

    def rank_bags(self, traits: OutfitTraits, filters: Filters, limit: int, *,
                  outfit_vector: np.ndarray | None = None, season: str | None = None,
                  market: Market | None = None, extra: int = 0) -> Ranking:
        """Rank bags for an outfit: profile, one mat-vec, curated votes, mask, top-k, MMR."""
        check_is_fitted(self, "bag_matrix_")
        names, sources = self.profile(traits, season, market)
        q = sources.sum(axis=0)
        lo, hi = self._bounds(q)
        scale = (1.0 - self.curated_weight) / max(hi - lo, 1e-6)
        votes = self.curated_.votes(outfit_vector) if outfit_vector is not None else {}
        target = q * scale
        liked_target = None
        if votes:
            # Bags like the ones curators chose for similar outfits join the same target
            # (the vote-weighted mean of their similarity-weighted unit rows), so a single
            # mat-vec still scores every bag.
            voted = np.fromiter(votes, dtype=np.int64)
            weight = np.array([votes[int(b)][0] for b in voted], dtype=np.float32)
            rows = self.bag_matrix_[voted] * self.similar_weights_ ** 2 / self.similar_norms_[voted, None]
            liked_target = (weight[:, None] * rows).sum(axis=0) / (weight.sum() * self.typical_norm_)
            target = target + self.curated_weight * self.curated_alike * liked_target
        start, end = self._rows_for(filters)
        scores = self.bag_matrix_[start:end] @ target.astype(np.float32)
        direct = self.curated_weight * (1.0 - self.curated_alike)
        if direct > 0:
            for pos, (vote, _n) in votes.items():
                if start <= pos < end:
                    scores[pos - start] += direct * vote
        ranking = self._top(scores, filters, limit + extra, limit, offset=-lo * scale, start=start)
        ranking.sources, ranking.source_matrix, ranking.scale = names, sources, scale
        ranking.votes, ranking.traits = votes, traits
        if liked_target is not None:
            ranking.liked = {int(p): float(self.bag_matrix_[p] @ liked_target) for p in ranking.positions}
        return ranking

    def _inverse_mask(self, filters: Filters) -> tuple[np.ndarray, int]:
        """Return (bags failing the filters, number passing), cached per filter set."""
        key = replace(filters, exclude=())
        hit = self._mask_cache.get(key)
        if hit is None:
            mask = filters.mask(self.bags_)
            hit = (~mask, int(np.count_nonzero(mask)))
            if len(self._mask_cache) >= MASK_CACHE:
                self._mask_cache.pop(next(iter(self._mask_cache)), None)
            self._mask_cache[key] = hit
        return hit

    def _rows_for(self, filters: Filters) -> tuple[int, int]:
        """Return the row range that holds every bag of the sizes the filters allow."""
        n = len(self.bags_.skus)
        if not filters.size or self.size_starts_ is None:
            return 0, n
        codes = [SIZE_CODE[s] for s in filters.size if s in SIZE_CODE]
        if not codes:
            return 0, 0
        # size_starts_[c + 1] is where size code c begins (code -1, no size, comes first).
        return int(self.size_starts_[min(codes) + 1]), int(self.size_starts_[max(codes) + 2])

    def _top(self, scores: np.ndarray, filters: Filters, want: int, limit: int,
             offset: float = 0.0, start: int = 0) -> Ranking:
        """Mask, take the best candidates with argpartition, then diversify them with MMR.

        ``scores`` cover rows ``start`` to ``start + len(scores)`` of the bag matrix.
        """
        end = start + len(scores)
        inverse, n_valid = self._inverse_mask(filters)  # every passing bag lies in the range
        np.putmask(scores, inverse[start:end], -np.inf)
        for sku in filters.exclude:
            pos = self.bag_position_.get(sku)
            if pos is not None and start <= pos < end and np.isfinite(scores[pos - start]):
                scores[pos - start] = -np.inf
                n_valid -= 1
        k = min(n_valid, max(4 * want, want + 20))
        if k <= 0:
            return Ranking(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        part = _best(scores, k)
        cand_scores = scores[part].astype(np.float64) + offset
        part = part + start
        if self.diversity > 0 and len(part) > 1:
            vecs = _unit_rows(self.bag_matrix_[part] * self.similar_weights_)
            order = mmr_order(cand_scores, vecs, 1.0 - self.diversity, min(limit, len(part)))
            part, cand_scores = part[order], cand_scores[order]
        return Ranking(part, cand_scores.astype(np.float32), exhausted=k >= n_valid)

    def pair_context(self, traits: OutfitTraits) -> Ranking:
        """Return an empty ranking holding an outfit's profile, to explain any bag for it."""
        names, sources = self.profile(traits)
        lo, hi = self._bounds(sources.sum(axis=0))
        return Ranking(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32), names, sources,
                       (1.0 - self.curated_weight) / max(hi - lo, 1e-6), traits=traits)

    # -- the other directions ------------------------------------------------------------
    def rank_outfits(self, bag_sku: str, limit: int, exclude: Sequence[str] = ()) -> Ranking:
        """Rank catalog outfits for a bag: their profiles against the bag, plus curated pairs."""
        check_is_fitted(self, "bag_matrix_")
        pos = self.bag_position_.get(bag_sku)
        n = len(self.outfit_skus_)
        if pos is None or n == 0:
            return Ranking(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        raw = self.outfit_profiles_ @ self.bag_matrix_[pos]
        lo, hi = self.outfit_bounds_[:, 0], self.outfit_bounds_[:, 1]
        scores = (1.0 - self.curated_weight) * (raw - lo) / np.maximum(hi - lo, 1e-6)
        curated = np.zeros(n)
        paired = self.look_outfits_[self.look_bags_ == pos]
        if len(paired):
            # Outfits curators paired with this bag vote, and so do outfits dressed like them.
            sims = self.outfit_unit_ @ self.outfit_unit_[paired].T
            sims[sims < self.min_curated_similarity] = 0
            curated = sims.max(axis=1)
        scores = scores + self.curated_weight * curated
        for sku in exclude:
            if sku in self.outfit_position_:
                scores[self.outfit_position_[sku]] = -np.inf
        k = min(n, max(4 * limit, limit + 20))
        part = _best(scores, k)
        ranking = Ranking(part, scores[part].astype(np.float32), exhausted=k >= n)
        ranking.votes = {int(i): (float(curated[i]), int(np.count_nonzero(sims[i]))) for i in part
                         if curated[i] > 0} if len(paired) else {}
        return ranking

    def rank_similar(self, bag_sku: str, filters: Filters, limit: int) -> Ranking:
        """Rank bags by weighted cosine similarity to one bag (itself excluded)."""
        check_is_fitted(self, "bag_matrix_")
        pos = self.bag_position_.get(bag_sku)
        if pos is None:
            return Ranking(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        q = self.bag_matrix_[pos] * self.similar_weights_ ** 2
        scores = (self.bag_matrix_ @ q) / (self.similar_norms_ * self.similar_norms_[pos])
        scores = np.clip(scores, 0.0, 1.0)
        scores[pos] = -np.inf
        return self._top(scores, filters, limit, limit)

    # -- explanations --------------------------------------------------------------------
    def components(self, ranking: Ranking, pos: int) -> dict[tuple[str, str], float]:
        """Return each (source, block)'s share of a bag's score in a ranking."""
        out: dict[tuple[str, str], float] = {}
        if ranking.source_matrix is not None:
            contrib = ranking.source_matrix * self.bag_matrix_[pos] * ranking.scale
            for s, name in enumerate(ranking.sources):
                for j in np.flatnonzero(contrib[s]):
                    key = (name, self.feature_blocks_[j])
                    out[key] = out.get(key, 0.0) + float(contrib[s, j])
        vote = ranking.votes.get(int(pos))
        share = self.curated_weight * (
            (1.0 - self.curated_alike) * (vote[0] if vote else 0.0)
            + self.curated_alike * ranking.liked.get(int(pos), 0.0))
        if share > 0:
            if vote:
                n = vote[1]
                label = f"paired with {n} similar outfit{'s' if n != 1 else ''} in curated lookbooks"
            else:
                label = "like the bags our stylists paired with similar outfits"
            out[(f"curated:{label}", "curated")] = share
        return out

    def explain(self, ranking: Ranking, pos: int, bag: BagView) -> list[str]:
        """Return up to three sentences naming what scored this bag in this ranking."""
        comps = self.components(ranking, pos)
        palette = list(ranking.traits.palette) if ranking.traits else []
        sentences: list[str] = []
        for source, block in reasons_mod.pick(comps, limit=4):
            key = self._strongest(ranking, source, block, pos)
            text = reasons_mod.sentence(source, key, bag, palette)
            if text not in sentences:
                sentences.append(text)
        return sentences[:3]

    def _strongest(self, ranking: Ranking, source: str, block: str, pos: int) -> str:
        """Return the feature of a block that gave a source its largest contribution."""
        if block == "curated" or ranking.source_matrix is None:
            return "curated:"
        s = ranking.sources.index(source)
        cols = self.block_columns_[block]
        contrib = ranking.source_matrix[s, cols] * self.bag_matrix_[pos, cols]
        return self.feature_names_[cols[int(np.argmax(contrib))]]

    def explain_similar(self, pos: int, other: int, bag: BagView, viewed: BagView) -> list[str]:
        """Say what a similar bag shares with the viewed one, strongest first."""
        contrib = self.bag_matrix_[pos] * self.bag_matrix_[other] * self.similar_weights_ ** 2
        blocks: dict[str, float] = {}
        best: dict[str, tuple[float, str]] = {}  # the strongest shared feature of each block
        for j in np.flatnonzero(contrib > 0):
            name = self.feature_names_[j]
            block = name.partition(":")[0]
            if contrib[j] > best.get(block, (0.0, ""))[0]:
                best[block] = (float(contrib[j]), name)
            blocks[block] = blocks.get(block, 0.0) + float(contrib[j])
        order = sorted(blocks, key=lambda b: (-blocks[b], b))
        out: list[str] = []
        for block in order:
            text = reasons_mod.similar_sentence(block, best[block][1], bag, viewed)
            if text not in out:
                out.append(text)
        return out[:3] or ["a similar design"]
