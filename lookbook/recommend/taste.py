"""Learn the weights of the pair features from curated looks, shrunk towards the rules.

Each curated look is a choice: its curator picked this bag for this outfit over the
other bags of the same size.  For every look and a sample of those other bags, the
difference of their pair features ``d = f(outfit, chosen) - f(outfit, other)`` is one
pairwise comparison; the model is a logistic regression on those differences (a
pairwise ranking model, no intercept), written as ``w = prior + delta``.  Only
``delta`` is penalised (L2, strength ``prior_strength`` looks' worth of comparisons),
so with a handful of looks the weights stay near the brief's rules and with hundreds
they follow the curators; a new installation (no looks) keeps the rules exactly.

The penalised fit is Newton's method (iteratively reweighted least squares) whose
every step is a weighted scikit-learn ``Ridge`` solve on the working response, with
the prior's scores as a fixed offset -- which ``LogisticRegression`` cannot take.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, log1p
from sklearn.base import BaseEstimator
from sklearn.linear_model import Ridge
from sklearn.utils.validation import check_array, check_is_fitted
from threadpoolctl import threadpool_limits


class PriorShrunkPairwiseLogit(BaseEstimator):
    """Pairwise logistic ranking whose coefficients shrink towards a prior."""

    def __init__(self, *, prior_strength: float = 2.0, max_iter: int = 50, tol: float = 1e-6) -> None:
        self.prior_strength = prior_strength
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, X, y=None, *, prior, comparisons_per_look: float = 1.0):  # noqa: N803
        """Fit on rows ``X`` = features(chosen) - features(other); return self.

        ``prior`` holds the rules' weight per feature; ``comparisons_per_look`` scales the
        penalty so that ``prior_strength`` counts in looks, whatever the sample size.
        """
        X = check_array(X, dtype=np.float64, ensure_min_samples=0)  # noqa: N806
        prior = np.asarray(prior, dtype=np.float64)
        if X.shape[1] != len(prior):
            raise ValueError(f"X has {X.shape[1]} features, the prior {len(prior)}")
        self.n_features_in_ = X.shape[1]
        alpha = max(self.prior_strength * comparisons_per_look, 1e-9)
        delta = np.zeros_like(prior)
        offset = X @ prior
        loss = self._loss(X, offset, delta, alpha)
        # Each step is a small dense solve: a single BLAS thread is several times faster
        # than many threads fighting over a shared machine's cores (measured).
        with threadpool_limits(limits=1, user_api="blas"):
            delta, loss, iterations = self._newton(X, offset, delta, loss, alpha)
        self.n_iter_ = iterations
        self.prior_ = prior
        self.delta_ = delta
        self.coef_ = prior + delta
        self.loss_ = float(loss)
        return self

    def _newton(self, X, offset, delta, loss, alpha):  # noqa: N803
        """Run damped Newton steps (each a weighted Ridge solve); return (delta, loss, steps)."""
        iterations = 0
        while len(X) and iterations < self.max_iter:
            iterations += 1
            eta = offset + X @ delta
            p = expit(eta)
            weight = np.clip(p * (1.0 - p), 1e-9, None)
            working = X @ delta + (1.0 - p) / weight
            step = Ridge(alpha=alpha, fit_intercept=False, solver="cholesky").fit(
                X, working, sample_weight=weight).coef_ - delta
            for _halving in range(20):  # damped Newton: never let the penalised loss rise
                new_loss = self._loss(X, offset, delta + step, alpha)
                if new_loss <= loss + 1e-12:
                    break
                step = step / 2.0
            delta, moved = delta + step, float(np.max(np.abs(step), initial=0.0))
            converged = loss - new_loss < self.tol * max(1.0, abs(loss)) and moved < 1e3 * self.tol
            loss = new_loss
            if converged:
                break
        return delta, loss, iterations

    @staticmethod
    def _loss(X, offset, delta, alpha) -> float:  # noqa: N803
        eta = offset + X @ delta
        # log(1 + exp(-eta)), stable for large |eta|
        losses = np.where(eta > 0, log1p(np.exp(-np.abs(eta))), -eta + log1p(np.exp(-np.abs(eta))))
        return float(losses.sum() + 0.5 * alpha * delta @ delta)

    def decision_function(self, X):  # noqa: N803
        """Return each row's score (log-odds that its first bag is the chosen one)."""
        check_is_fitted(self, "coef_")
        return check_array(X, dtype=np.float64) @ self.coef_
