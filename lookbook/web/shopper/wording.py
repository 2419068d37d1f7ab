"""Turn recommendation scores into words a shopper reads ("a strong match")."""

from __future__ import annotations

from dataclasses import dataclass

STRONG, GOOD = 0.75, 0.6  # on the recommender's 0..1 score
FAR_BELOW_BEST = 0.25  # this much under the best result of the same answer reads as weak
PINNED = "picked by our stylists"  # how the recommender's reasons start for curator pins


@dataclass(frozen=True)
class Match:
    """How well a result fits, in words, and whether it is only the closest we have."""

    words: str
    weak: bool = False


def match(score: float, best: float, reasons: list[str] | tuple[str, ...] = ()) -> Match:
    """Describe one result's score next to the best score of its answer."""
    if reasons and reasons[0].startswith(PINNED):
        return Match("Our stylists' pick")
    if score < GOOD or score < best - FAR_BELOW_BEST:
        return Match("Closest we have", weak=True)
    if score >= STRONG:
        return Match("A strong match")
    return Match("A good match")


def describe(results: list) -> list[tuple[object, Match]]:
    """Pair every result (with ``score`` and ``reasons``) with its words."""
    best = max((r.score for r in results), default=0.0)
    return [(r, match(r.score, best, r.reasons)) for r in results]
