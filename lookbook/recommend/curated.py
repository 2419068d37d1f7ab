"""The curated signal: outfits near a query outfit vote for the bags curators paired them with."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted


class CuratedVotes(BaseEstimator):
    """k nearest curated outfits (cosine) vote for their bags, weighted by similarity.

    The search is brute-force cosine kNN over unit rows -- what
    ``NearestNeighbors(metric="cosine", algorithm="brute")`` computes -- written as one
    small mat-vec, because sklearn's per-call validation would cost more than the search
    itself on the request path.
    """

    def __init__(self, n_neighbors: int = 5, min_similarity: float = 0.6) -> None:
        self.n_neighbors = n_neighbors
        self.min_similarity = min_similarity

    def fit(self, outfit_vectors: np.ndarray, bag_index: np.ndarray):
        """Remember each curated look as (unit outfit vector, bag position)."""
        vectors = np.atleast_2d(np.asarray(outfit_vectors, dtype=np.float32))
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        self.vectors_ = vectors / np.maximum(norms, 1e-9)
        self.bag_index_ = np.asarray(bag_index, dtype=np.int64)
        self.n_looks_ = len(self.bag_index_)
        return self

    def votes(self, vector: np.ndarray, exclude: int | None = None) -> dict[int, tuple[float, int]]:
        """Return {bag position: (vote 0..1, number of similar outfits)} for one outfit.

        ``exclude`` leaves one look out (a look must not vote for itself when the
        taste model learns from it).
        """
        check_is_fitted(self, "bag_index_")
        norm = float(np.linalg.norm(vector))
        if self.n_looks_ == 0 or norm == 0:
            return {}
        sims = self.vectors_ @ (np.asarray(vector, dtype=np.float32) / norm)
        if exclude is not None:
            sims[exclude] = -np.inf
        k = min(self.n_neighbors, self.n_looks_)
        nearest = np.argpartition(-sims, k - 1)[:k] if k < self.n_looks_ else np.arange(self.n_looks_)
        nearest = nearest[np.lexsort((nearest, -sims[nearest]))]
        misses: dict[int, float] = {}
        counts: dict[int, int] = {}
        for i in nearest:
            sim = float(sims[i])
            if sim < self.min_similarity:
                continue
            bag = int(self.bag_index_[i])
            # Noisy-or: several similar outfits agreeing push the vote towards 1.
            misses[bag] = misses.get(bag, 1.0) * (1.0 - min(sim, 1.0))
            counts[bag] = counts.get(bag, 0) + 1
        return {b: (1.0 - m, counts[b]) for b, m in misses.items()}
