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
    sims = vectors @ vectors.T
    chosen: list[int] = []
    left = np.ones(n, dtype=bool)
    max_sim = np.zeros(n)
    for _ in range(min(k, n)):
        gain = trade_off * scores - (1.0 - trade_off) * max_sim
        gain[~left] = -np.inf
        pick = int(np.argmax(gain))  # ties go to the earlier (better ranked) candidate
        chosen.append(pick)
        left[pick] = False
        max_sim = np.maximum(max_sim, sims[pick])
    rest = [i for i in np.argsort(-scores, kind="stable") if left[i]]
    return np.array(chosen + rest, dtype=np.int64)
