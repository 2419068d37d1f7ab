"""The curated signal: outfits near a query outfit vote for the bags curators paired them with."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.neighbors import NearestNeighbors
from sklearn.utils.validation import check_is_fitted


class CuratedVotes(BaseEstimator):
    """k nearest curated outfits (cosine) vote for their bags, weighted by similarity."""

    def __init__(self, n_neighbors: int = 5, min_similarity: float = 0.6) -> None:
        self.n_neighbors = n_neighbors
        self.min_similarity = min_similarity

    def fit(self, outfit_vectors: np.ndarray, bag_index: np.ndarray):
        """Remember each curated look as (outfit vector, bag position)."""
        self.bag_index_ = np.asarray(bag_index, dtype=np.int64)
        self.n_looks_ = len(self.bag_index_)
        self.nn_ = None
        if self.n_looks_:
            self.nn_ = NearestNeighbors(metric="cosine", algorithm="brute")
            self.nn_.fit(np.asarray(outfit_vectors, dtype=np.float32))
        return self

    def votes(self, vector: np.ndarray) -> dict[int, tuple[float, int]]:
        """Return {bag position: (vote 0..1, number of similar outfits)} for one outfit."""
        check_is_fitted(self, "bag_index_")
        if self.nn_ is None or not np.any(vector):
            return {}
        k = min(self.n_neighbors, self.n_looks_)
        dist, idx = self.nn_.kneighbors(vector.reshape(1, -1).astype(np.float32), k)
        misses: dict[int, float] = {}
        counts: dict[int, int] = {}
        for d, i in zip(dist[0], idx[0], strict=True):
            sim = 1.0 - float(d)
            if sim < self.min_similarity:
                continue
            bag = int(self.bag_index_[i])
            # Noisy-or: several similar outfits agreeing push the vote towards 1.
            misses[bag] = misses.get(bag, 1.0) * (1.0 - min(sim, 1.0))
            counts[bag] = counts.get(bag, 0) + 1
        return {b: (1.0 - m, counts[b]) for b, m in misses.items()}
