"""The recommender estimator: learned pair-feature weights and one vectorised search.

An outfit becomes a pair-feature matrix ``A(outfit)`` (:mod:`lookbook.recommend.pairs`);
with the weights ``w`` learned from curated looks (:mod:`lookbook.recommend.taste`) every
bag's score is ``X @ (w @ A)``: one float32 matrix-vector product over the fitted bag
matrix (a maximum-inner-product nearest-neighbour search; rows are stored in size order,
so a size filter reads one slice; the product reads a feature-major copy of the matrix,
which BLAS streams about a third faster than the row-major one), then the hard-filter
mask, argpartition, and MMR on a short list.  For a catalog outfit's default question the
fit keeps its few hundred best bags, and an answer scores only those whenever they provably
hold it (``_keep_candidates``).  The curated kNN signal ("outfits like this
were paired with...") is one pair feature: bags like the ones curators chose for similar
outfits.  A result's reasons are its largest contributions ``w * (A @ x_bag)``
(:mod:`lookbook.recommend.reasons`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from lookbook.catalog.records import ItemRecord
from lookbook.recommend import reasons as reasons_mod
from lookbook.recommend.curated import CuratedVotes
from lookbook.recommend.data import Catalog
from lookbook.recommend.diversity import mmr_order
from lookbook.recommend.features import FeatureSpace, RowEncoder, fitted_transformer
from lookbook.recommend.filters import SIZE_CODE, BagTable, Filters, inverse_mask
from lookbook.recommend.pairs import CROWDED, OutfitContext, PairSpace
from lookbook.recommend.query import BagView, traits_of
from lookbook.recommend.taste import PriorShrunkPairwiseLogit
from lookbook.styling.markets import Market
from lookbook.styling.rules import OutfitTraits
from lookbook.styling.vocab import ACCENT_SIZES

# Block weights of "looks alike" (similar bags, the curated signal) and "dressed alike"
# (the outfit space the curated kNN searches).
SIMILAR_WEIGHTS = {"styles": 1.0, "cname": 0.7, "colour": 0.5, "lab": 0.8, "family": 0.6,
                   "silhouette": 0.6, "size": 0.8, "occasions": 0.6, "seasons": 0.3, "tier": 0.4,
                   "flags": 0.2, "price": 0.3}
OUTFIT_WEIGHTS = {"occasions": 1.2, "styles": 0.6, "seasons": 0.5, "family": 0.4, "tier": 0.3,
                  "cname": 0.7, "colour": 0.5, "lab": 0.8}
# A result whose score is this many log-odds below the best is "weak": curators would
# pick it about e^2 = 7 times less often than the best one.
WEAK_LOGODDS = 2.0
# Best bags kept per catalog outfit at fit time for the default question (micro and mini
# bags, no season or market asked): enough for limit 50's 200 candidates.
CANDIDATES = 256
CANDIDATE_MARGIN = 1e-5  # score units: what float rounding may move a score by
CROWDING_OUTFITS = 200  # catalog outfits sampled to measure how often each bag is a top pick
CROWDING_TOP = 5


def _plain(array: np.ndarray) -> np.ndarray:
    """Return a plain ndarray view of an array (a memory map's indexing is slow Python code)."""
    return array.view(np.ndarray) if type(array) is not np.ndarray else array


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
    """Candidate bags (or outfits) for one query, best first after diversity, and their evidence."""

    positions: np.ndarray
    scores: np.ndarray
    exhausted: bool = True  # every item passing the filters is among the candidates
    pairs: np.ndarray | None = None  # A(outfit): pair features of any bag = pairs @ x_bag
    context: OutfitContext | None = None
    scale: float = 1.0  # score units per unit of raw (log-odds) score
    votes: dict[int, tuple[float, int]] = field(default_factory=dict)
    weak_gap: float = float("inf")  # a result this far below the best is weak


class BagRecommender(BaseEstimator):
    """Pair outfits with bags; also outfits for a bag and bags like a bag.

    ``prior_strength`` is how many looks the brief's rules are worth: with fewer looks
    the learned weights stay near the rules, with many more they follow the curators.
    ``crowding`` is the log-odds penalty on a bag that is already a top-5 pick for far
    more catalog outfits than its share, so different outfits get different picks.
    """

    def __init__(self, *, prior_strength: float = 2.0, n_negatives: int = 24,
                 n_curated_neighbors: int = 5, min_curated_similarity: float = 0.6,
                 diversity: float = 0.15, crowding: float = 1.0, random_state: int = 0) -> None:
        self.prior_strength = prior_strength
        self.crowding = crowding
        self.n_negatives = n_negatives
        self.n_curated_neighbors = n_curated_neighbors
        self.min_curated_similarity = min_curated_similarity
        self.diversity = diversity
        self.random_state = random_state

    # -- fitting -------------------------------------------------------------------------
    def fit(self, catalog: Catalog, y: None = None) -> BagRecommender:
        """Encode bags and outfits, then learn the taste weights from the curated looks."""
        self.transformer_ = fitted_transformer()
        self.encoder_ = RowEncoder(self.transformer_)
        self.feature_names_ = [*FeatureSpace.from_transformer(self.transformer_).names, CROWDED]
        # Rows are kept in size order so a size filter (micro,mini by default) scans one
        # contiguous slice of the matrix instead of all of it.
        bags = sorted(catalog.bags, key=lambda b: SIZE_CODE.get(b.size or "", -1))
        self.bag_matrix_ = self._encode(bags)
        self.bags_ = BagTable.from_records(bags)
        self.outfit_skus_ = [o.sku for o in catalog.outfits]
        self.revision_ = catalog.revision
        self._finish()
        self.outfit_matrix_ = self._encode(catalog.outfits)
        self.outfit_unit_ = self._outfit_vectors(self.outfit_matrix_)
        self.similar_norms_ = (np.linalg.norm(self.bag_matrix_ * self.similar_weights_, axis=1)
                               + 1e-9).astype(np.float32)
        traits = [traits_of(o) for o in catalog.outfits]
        self._learn(traits, catalog.looks)
        self._keep_candidates(traits)
        return self

    def _encode(self, records: Sequence[ItemRecord]) -> np.ndarray:
        out = np.zeros((len(records), len(self.feature_names_)), dtype=np.float32)
        if records:  # the last column, how crowded a bag is, is filled in after learning
            out[:, :-1] = self.encoder_.transform(records)
        return out

    def _finish(self) -> None:
        """Derive the query-time helpers from the feature names and tables (also after loading)."""
        self.space_ = FeatureSpace(tuple(self.feature_names_))
        self.encoder_ = RowEncoder(self.transformer_)  # the transformer's rows, written directly
        self.pairs_ = PairSpace(self.feature_names_)
        groups, convex, signed = self.space_.groups()
        self.group_starts_ = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
        self.group_convex_ = convex
        self.group_signed_ = signed
        self.similar_weights_ = self.space_.block_weights(SIMILAR_WEIGHTS)
        self.outfit_weights_ = self.space_.block_weights(OUTFIT_WEIGHTS)
        self.bag_position_ = {s: i for i, s in enumerate(self.bags_.skus)}
        self.outfit_position_ = {s: i for i, s in enumerate(self.outfit_skus_)}
        self.feature_blocks_ = [name.partition(":")[0] for name in self.feature_names_]
        self.column_of_ = {n: i for i, n in reversed(list(enumerate(self.feature_names_)))}
        blocks = np.array(self.feature_blocks_)
        self.block_columns_ = {b: np.flatnonzero(blocks == b) for b in dict.fromkeys(self.feature_blocks_)}
        sizes = np.asarray(self.bags_.size)
        self.size_starts_ = None
        if np.all(sizes[1:] >= sizes[:-1]):
            self.size_starts_ = np.searchsorted(sizes, np.arange(-1, len(SIZE_CODE) + 1))
        self.candidate_rows_ = self._rows_for(Filters(size=ACCENT_SIZES))

    def _fit_curated(self) -> None:
        """Fit the curated votes from the look arrays (after fit, loading, or new looks)."""
        self.typical_norm_ = float(np.median(self.similar_norms_)) if len(self.similar_norms_) else 1.0
        self.curated_ = CuratedVotes(n_neighbors=self.n_curated_neighbors,
                                     min_similarity=self.min_curated_similarity)
        self.curated_.fit(self.outfit_unit_[self.look_outfits_], self.look_bags_)
        self.popularity_ = np.bincount(self.look_bags_, minlength=len(self.bags_.skus))

    def _learn(self, traits: Sequence[OutfitTraits], looks: Sequence[tuple[str, str]]) -> None:
        """Learn the weights from these looks (the rules alone when there are none);
        ``traits`` are the catalog outfits', in fitted order."""
        self.look_outfits_, self.look_bags_ = self._look_arrays(looks)
        self._fit_curated()
        comparisons, per_look = self._comparisons(traits)
        prior = self.pairs_.prior.copy()
        crowded = self.pairs_.index[f"bag/{CROWDED}"]
        prior[crowded] = -self.crowding
        comparisons[:, crowded] = 0.0  # a fixed penalty: never learned from the looks
        if len(comparisons):
            learner = PriorShrunkPairwiseLogit(prior_strength=self.prior_strength)
            learner.fit(comparisons, prior=prior, comparisons_per_look=per_look)
            weights = learner.coef_
        else:
            weights = prior
        self.weights_ = np.asarray(weights, dtype=np.float32)
        self.prior_weights_ = np.asarray(prior, dtype=np.float32)
        self.outfit_profiles_ = self.pairs_.profiles(traits, self.weights_)
        self.outfit_bounds_ = self._bounds_many(self.outfit_profiles_)
        self._measure_crowding()
        # The same numbers feature by feature: scoring a slice of bags reads each feature's
        # run of values in turn (measured at 100k bags, cache-cold: 0.19 ms against 0.29 ms
        # for the row-major product; rows stay for explanations and diversity).
        self.scoring_matrix_ = np.ascontiguousarray(self.bag_matrix_.T)

    def _measure_crowding(self) -> None:
        """Fill the crowded column: how far above its share each small bag is a top pick.

        Measured with the learned weights over a sample of catalog outfits (in-stock
        micro/mini bags, the API's defaults); 0 for a bag picked no more than its share,
        approaching 1 for one in every outfit's top 5.
        """
        column = self.feature_names_.index(CROWDED)
        self.bag_matrix_ = self.bag_matrix_.copy()  # copies from with_looks share the old one
        self.bag_matrix_[:, column] = 0.0
        start, end = self._rows_for(Filters(size=ACCENT_SIZES))
        n_outfits = len(self.outfit_profiles_)
        stock = np.asarray(self.bags_.in_stock[start:end], dtype=bool)
        if n_outfits == 0 or np.count_nonzero(stock) <= CROWDING_TOP:
            return
        rng = np.random.default_rng(self.random_state)
        sample = np.sort(rng.choice(n_outfits, min(n_outfits, CROWDING_OUTFITS), replace=False))
        scores = self.outfit_profiles_[sample] @ self.bag_matrix_[start:end].T
        scores[:, ~stock] = -np.inf
        top = np.argpartition(-scores, CROWDING_TOP - 1, axis=1)[:, :CROWDING_TOP]
        counts = np.bincount(top.ravel(), minlength=end - start).astype(np.float32)
        share = CROWDING_TOP * len(sample) / np.count_nonzero(stock)
        self.bag_matrix_[start:end, column] = np.clip(1.0 - share / np.maximum(counts, 1e-9), 0.0, 1.0)

    def _keep_candidates(self, traits: Sequence[OutfitTraits], chunk: int = 32) -> None:
        """Keep each catalog outfit's best bags for the default question, the scaled query
        they are best for, and the score no other bag exceeds.

        An answer for a catalog outfit then scores these few hundred bags instead of every
        micro and mini bag, whenever its query is still this one (the outfit unchanged, no
        season or market asked) and enough of them pass the live filters; otherwise, or
        when a bag outside the list could rank, it scans them all (``rank_bags``).
        """
        start, end = self.candidate_rows_
        m = min(CANDIDATES, end - start)
        n = len(traits)
        self.outfit_queries_ = np.zeros((n, len(self.feature_names_)), dtype=np.float32)
        self.outfit_candidates_ = np.zeros((n, m), dtype=np.int32)
        self.outfit_candidate_floor_ = np.full(n, -np.inf, dtype=np.float32)
        for i, t in enumerate(traits):
            self.outfit_queries_[i] = self._query(t, self.outfit_unit_[i], None, None)[3]
        if m == 0:
            return
        columns = _plain(self.scoring_matrix_)[:, start:end]
        for first in range(0, n, chunk):
            scores = self.outfit_queries_[first:first + chunk] @ columns
            best = np.argpartition(scores, scores.shape[1] - m, axis=1)[:, -m:]
            self.outfit_candidates_[first:first + chunk] = best + start
            if m < end - start:  # else every bag is listed and nothing lies outside
                self.outfit_candidate_floor_[first:first + chunk] = \
                    np.take_along_axis(scores, best, axis=1).min(axis=1)

    def _comparisons(self, traits: Sequence[OutfitTraits]) -> tuple[np.ndarray, float]:
        """Return pair-feature differences (chosen bag - other bag of its size), one row each."""
        rng = np.random.default_rng(self.random_state)
        sizes = np.asarray(self.bags_.size)
        by_size = {int(code): np.flatnonzero(sizes == code) for code in np.unique(sizes)}
        out: list[np.ndarray] = []
        used = 0
        for i, (o, b) in enumerate(zip(self.look_outfits_, self.look_bags_, strict=True)):
            same = by_size[int(sizes[b])]
            others = same[same != b]
            if not len(others):
                continue
            if len(others) > self.n_negatives:
                others = np.sort(rng.choice(others, self.n_negatives, replace=False))
            liked = self._liked(self.curated_.votes(self.outfit_unit_[o], exclude=i))
            a = self.pairs_.matrix(self.pairs_.context(traits[o]), liked)
            chosen = a @ self.bag_matrix_[b]
            out.append(chosen[None, :] - (a @ self.bag_matrix_[others].T).T)
            used += 1
        if not out:
            return np.zeros((0, len(self.pairs_.names))), 1.0
        matrix = np.vstack(out)
        return matrix, len(matrix) / used

    def with_looks(self, looks: Sequence[tuple[str, str]], outfits: Sequence[ItemRecord]) -> BagRecommender:
        """Return a copy that learned only these curated looks (content shared, for evaluation).

        ``outfits`` are the catalog outfits the model was fitted on, in the same order.
        """
        check_is_fitted(self, "bag_matrix_")
        other = copy.copy(self)
        other._learn([traits_of(o) for o in outfits], looks)
        return other

    def _look_arrays(self, looks: Sequence[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
        """Return (outfit rows, bag rows) of the curated looks whose outfit and bag were fitted."""
        pairs = [(self.outfit_position_[o], self.bag_position_[b]) for o, b in looks
                 if o in self.outfit_position_ and b in self.bag_position_]
        return (np.array([p[0] for p in pairs], dtype=np.int64),
                np.array([p[1] for p in pairs], dtype=np.int64))

    def _outfit_vectors(self, matrix: np.ndarray) -> np.ndarray:
        return _unit_rows(matrix * self.outfit_weights_)

    # -- scores --------------------------------------------------------------------------
    def _liked(self, votes: dict[int, tuple[float, int]]) -> np.ndarray | None:
        """Return the bag-space direction of the bags curators chose for similar outfits.

        Its product with a bag row is how much that bag looks like them (about 1 for a
        voted bag itself): the vote-weighted mean of their similarity-weighted unit rows.
        """
        if not votes:
            return None
        voted = np.fromiter(votes, dtype=np.int64)
        weight = np.array([votes[int(b)][0] for b in voted], dtype=np.float32)
        liked = (_plain(self.bag_matrix_)[voted] * self.similar_weights_ ** 2
                 / _plain(self.similar_norms_)[voted, None])
        return (weight[:, None] * liked).sum(axis=0) / (weight.sum() * self.typical_norm_)

    def _bounds(self, q: np.ndarray) -> tuple[float, float]:
        """Return the lowest and highest score any bag could get from bag-space weights ``q``."""
        lo, hi = self._bounds_many(q[None, :])[0]
        return float(lo), float(hi)

    def _bounds_many(self, profiles: np.ndarray) -> np.ndarray:
        """Return (lowest, highest) score any bag could get from each row of bag-space
        weights ``profiles``, as an (n, 2) float32 array: per feature group, the largest
        weight of a convex group, the sum of another's, the spread of a signed one."""
        starts = self.group_starts_
        out = np.zeros((len(profiles), 2), dtype=np.float32)
        if not len(starts) or not len(profiles):
            return out
        q = profiles.astype(np.float32)
        pos, neg = np.maximum(q, 0), np.minimum(q, 0)
        convex, signed = self.group_convex_[None, :], self.group_signed_[None, :]
        hi = np.where(convex, np.maximum.reduceat(pos, starts, axis=1), np.add.reduceat(pos, starts, axis=1))
        lo = np.where(convex, np.minimum.reduceat(neg, starts, axis=1), np.add.reduceat(neg, starts, axis=1))
        spread = np.add.reduceat(np.abs(q), starts, axis=1)
        out[:, 0] = np.where(signed, -spread, lo).sum(axis=1)
        out[:, 1] = np.where(signed, spread, hi).sum(axis=1)
        return out

    def outfit_vector(self, outfit: ItemRecord | None = None, sku: str | None = None) -> np.ndarray:
        """Return an outfit's unit vector in outfit space (fitted row if known, else encoded)."""
        check_is_fitted(self, "bag_matrix_")
        if sku is not None and sku in self.outfit_position_:
            return self.outfit_unit_[self.outfit_position_[sku]]
        if outfit is not None:
            return self._outfit_vectors(self._encode([outfit]))[0]
        return np.zeros(len(self.feature_names_), dtype=np.float32)

    def _context(self, traits: OutfitTraits, season: str | None, market: Market | None) -> OutfitContext:
        return self.pairs_.context(traits, season=season, market=market.weights if market else None,
                                   market_name=market.label if market else None)

    def rank_bags(self, traits: OutfitTraits, filters: Filters, limit: int, *,
                  outfit_vector: np.ndarray | None = None, season: str | None = None,
                  market: Market | None = None, extra: int = 0, outfit: int | None = None) -> Ranking:
        """Rank bags for an outfit: pair matrix, one mat-vec, mask, top-k, MMR.

        ``outfit`` (a catalog outfit's row) lets the outfit's kept candidates stand in for
        the mat-vec when they provably hold the answer (see :meth:`_keep_candidates`).
        """
        check_is_fitted(self, "bag_matrix_")
        context, votes, pairs, query, lo, scale = self._query(traits, outfit_vector, season, market)
        start, end = self._rows_for(filters)
        ranking = None
        if outfit is not None and (start, end) == self.candidate_rows_:
            ranking = self._top_of_candidates(outfit, query, filters, limit + extra, limit, -lo * scale)
        if ranking is None:
            scores = self._scores_of_rows(query, start, end)
            ranking = self._top(scores, filters, limit + extra, limit, offset=-lo * scale, start=start)
        ranking.pairs, ranking.context, ranking.scale, ranking.votes = pairs, context, scale, votes
        ranking.weak_gap = WEAK_LOGODDS * scale
        return ranking

    def _query(self, traits: OutfitTraits, outfit_vector: np.ndarray | None, season: str | None,
               market: Market | None) -> tuple[OutfitContext, dict, np.ndarray, np.ndarray, float, float]:
        """Return an outfit's context, curated votes, pair matrix, scaled bag-space query,
        and the lowest score and the scale that map raw scores to 0..1."""
        context = self._context(traits, season, market)
        votes = self.curated_.votes(outfit_vector) if outfit_vector is not None else {}
        pairs = self.pairs_.matrix(context, self._liked(votes))
        q = self.weights_ @ pairs
        lo, hi = self._bounds(q)
        scale = 1.0 / max(hi - lo, 1e-6)
        return context, votes, pairs, (q * scale).astype(np.float32), lo, scale

    def _scores_of_rows(self, q: np.ndarray, start: int, end: int) -> np.ndarray:
        """Return ``bag_matrix_[start:end] @ q``, read from the feature-major copy."""
        return q @ _plain(self.scoring_matrix_)[:, start:end]

    def scores(self, traits: OutfitTraits, positions: np.ndarray, *,
               outfit_vector: np.ndarray | None = None) -> np.ndarray:
        """Return the raw (log-odds) scores of some bags for an outfit, with no filter or MMR."""
        check_is_fitted(self, "bag_matrix_")
        votes = self.curated_.votes(outfit_vector) if outfit_vector is not None else {}
        q = self.weights_ @ self.pairs_.matrix(self.pairs_.context(traits), self._liked(votes))
        return self.bag_matrix_[positions] @ q

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
        inverse, n_valid = inverse_mask(self.bags_, filters)  # every passing bag lies in the range
        np.putmask(scores, inverse[start:end], -np.inf)
        excluded = self._excluded(filters, start, end, lambda p: bool(np.isfinite(scores[p - start])))
        for pos in excluded:
            scores[pos - start] = -np.inf
        n_valid -= len(excluded)
        k = min(n_valid, max(4 * want, want + 20))
        if k <= 0:
            return Ranking(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        part = _best(scores, k)
        return self._diversified(part + start, scores[part].astype(np.float64) + offset, limit,
                                 exhausted=k >= n_valid)

    def _excluded(self, filters: Filters, start: int, end: int, counted: Callable[[int], bool]) -> set[int]:
        """Return the rows in ``start..end`` of the skus ``filters`` exclude that the
        caller still counts as passing (so each lowers the number of valid bags once)."""
        return {p for sku in filters.exclude
                if (p := self.bag_position_.get(sku)) is not None and start <= p < end and counted(p)}

    def _diversified(self, part: np.ndarray, cand_scores: np.ndarray, limit: int, *,
                     exhausted: bool) -> Ranking:
        """Order the best candidates (bag rows, best first) by MMR for variety."""
        if self.diversity > 0 and len(part) > 1:
            vecs = _unit_rows(_plain(self.bag_matrix_)[part] * self.similar_weights_)
            order = mmr_order(cand_scores, vecs, 1.0 - self.diversity, min(limit, len(part)))
            part, cand_scores = part[order], cand_scores[order]
        return Ranking(part, cand_scores.astype(np.float32), exhausted=exhausted)

    def _top_of_candidates(self, outfit: int, query: np.ndarray, filters: Filters, want: int,
                           limit: int, offset: float) -> Ranking | None:
        """What :meth:`_top` would pick over the accent rows, from the catalog outfit's kept
        candidates -- or None when they cannot prove it (then every row is scanned).

        They prove it when the query is the one they were kept for, and the ``k``-th best
        of those passing the filters scores above every bag left out of the list.
        """
        lists = getattr(self, "outfit_candidates_", None)
        if lists is None or not 0 <= outfit < len(lists) or \
                not np.array_equal(query, self.outfit_queries_[outfit]):
            return None
        start, end = self.candidate_rows_
        inverse, n_valid = inverse_mask(self.bags_, filters)
        excluded = self._excluded(filters, start, end, lambda p: not inverse[p])
        n_valid -= len(excluded)
        k = min(n_valid, max(4 * want, want + 20))
        if k <= 0:
            return Ranking(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        cand = _plain(lists)[outfit].astype(np.int64)
        keep = ~inverse[cand]
        if excluded:
            keep &= ~np.isin(cand, np.fromiter(excluded, dtype=np.int64))
        cand = cand[keep]
        if len(cand) < k:
            return None
        scores = _plain(self.bag_matrix_)[cand] @ query
        order = np.lexsort((cand, -scores))[:k]
        part, best = cand[order], scores[order]
        if k < n_valid and not best[-1] > self.outfit_candidate_floor_[outfit] + CANDIDATE_MARGIN:
            return None  # a bag outside the list could be among the k best
        return self._diversified(part, best.astype(np.float64) + offset, limit, exhausted=k >= n_valid)

    def pair_context(self, traits: OutfitTraits) -> Ranking:
        """Return an empty ranking holding an outfit's pair matrix, to explain any bag for it."""
        context = self.pairs_.context(traits)
        pairs = self.pairs_.matrix(context)
        lo, hi = self._bounds(self.weights_ @ pairs)
        return Ranking(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32), pairs=pairs,
                       context=context, scale=1.0 / max(hi - lo, 1e-6))

    # -- the other directions ------------------------------------------------------------
    def rank_outfits(self, bag_sku: str, limit: int, exclude: Sequence[str] = ()) -> Ranking:
        """Rank catalog outfits for a bag: their profiles against the bag, plus curated pairs."""
        check_is_fitted(self, "bag_matrix_")
        pos = self.bag_position_.get(bag_sku)
        n = len(self.outfit_skus_)
        if pos is None or n == 0:
            return Ranking(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        raw = _plain(self.outfit_profiles_) @ _plain(self.bag_matrix_)[pos]
        lo, hi = self.outfit_bounds_[:, 0], self.outfit_bounds_[:, 1]
        curated = np.zeros(n)
        counts = np.zeros(n, dtype=np.int64)
        paired = self.look_outfits_[self.look_bags_ == pos]
        if len(paired):
            # Outfits curators paired with this bag vote, and so do outfits dressed like them.
            sims = self.outfit_unit_ @ self.outfit_unit_[paired].T
            sims[sims < self.min_curated_similarity] = 0
            curated, counts = sims.max(axis=1), np.count_nonzero(sims, axis=1)
        curated_weight = float(self.weights_[self.pairs_.row_of["curated"]])
        scores = (raw + curated_weight * curated - lo) / np.maximum(hi - lo, 1e-6)
        for sku in exclude:
            if sku in self.outfit_position_:
                scores[self.outfit_position_[sku]] = -np.inf
        k = min(n, max(4 * limit, limit + 20))
        part = _best(scores, k)
        ranking = Ranking(part, scores[part].astype(np.float32), exhausted=k >= n)
        ranking.votes = {int(i): (float(curated[i]), int(counts[i])) for i in part if curated[i] > 0}
        return ranking

    def rank_similar(self, bag_sku: str, filters: Filters, limit: int) -> Ranking:
        """Rank bags by weighted cosine similarity to one bag (itself excluded)."""
        check_is_fitted(self, "bag_matrix_")
        pos = self.bag_position_.get(bag_sku)
        if pos is None:
            return Ranking(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        matrix, norms = _plain(self.bag_matrix_), _plain(self.similar_norms_)
        q = matrix[pos] * self.similar_weights_ ** 2
        scores = self._scores_of_rows(q, 0, len(norms)) / (norms * norms[pos])
        scores = np.clip(scores, 0.0, 1.0)
        scores[pos] = -np.inf
        return self._top(scores, filters, limit, limit)

    # -- explanations --------------------------------------------------------------------
    def contributions(self, ranking: Ranking, pos: int) -> np.ndarray:
        """Return each pair feature's share of a bag's score in a ranking (score units)."""
        if ranking.pairs is None:
            return np.zeros(len(self.weights_), dtype=np.float32)
        return self.weights_ * (ranking.pairs @ _plain(self.bag_matrix_)[pos]) * ranking.scale

    def explain(self, ranking: Ranking, pos: int, bag: BagView) -> list[str]:
        """Return up to three sentences naming what scored this bag in this ranking."""
        if ranking.context is None:
            return []
        evidence = reasons_mod.Evidence(
            names=self.pairs_.names, contributions=self.contributions(ranking, pos),
            context=ranking.context, bag=bag, bag_row=_plain(self.bag_matrix_)[pos],
            bag_columns=self.feature_names_, vote=ranking.votes.get(int(pos)),
            column_of=self.column_of_)
        return reasons_mod.explain(evidence)

    def explain_similar(self, pos: int, other: int, bag: BagView, viewed: BagView) -> list[str]:
        """Say what a similar bag shares with the viewed one, strongest first."""
        matrix = _plain(self.bag_matrix_)
        contrib = matrix[pos] * matrix[other] * self.similar_weights_ ** 2
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
