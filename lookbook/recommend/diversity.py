"""Diversity re-ranking: maximal marginal relevance over a short list of candidates."""

from __future__ import annotations

import numpy as np


def mmr_order(scores: np.ndarray, vectors: np.ndarray, trade_off: float, k: int) -> np.ndarray:
    """Return positions of the candidates in MMR order (the first ``k`` chosen greedily).

    ``scores`` are relevances (best first is not required), ``vectors`` unit-length rows;
    each pick maximises ``trade_off * score - (1 - trade_off) * max similarity`` to the
    picks so far, so five near-identical bags do not fill the top five.  Positions not
    chosen follow in score order.
    """
    n = len(scores)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    # A short list: plain floats beat numpy calls on 25-element arrays; every value is the
    # same IEEE double numpy would compute (float32 similarities widen exactly).
    sims = (vectors @ vectors.T).astype(np.float64).tolist()
    scores = np.asarray(scores)
    kept = (trade_off * scores).astype(np.float64).tolist()  # in the scores' own precision, as before
    avoid = 1.0 - trade_off
    chosen: list[int] = []
    left = [True] * n
    max_sim = [0.0] * n
    for _ in range(min(k, n)):
        pick, best = -1, -np.inf
        for i in range(n):
            if left[i]:
                gain = kept[i] - avoid * max_sim[i]
                if gain > best or pick < 0:  # ties go to the earlier (better ranked) candidate
                    pick, best = i, gain
        chosen.append(pick)
        left[pick] = False
        row = sims[pick]
        max_sim = [m if m >= r else r for m, r in zip(max_sim, row, strict=True)]
    rest = [i for i in np.argsort(-scores, kind="stable").tolist() if left[i]]
    return np.array(chosen + rest, dtype=np.int64)
