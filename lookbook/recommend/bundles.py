"""Bundles: a micro/mini accent plus a functional tote or crossbody that suits both.

Accents and functional pieces are each recommended for the outfit (with every live
check and curator rule of :mod:`lookbook.recommend.service`); pairs are then scored
by how well each suits the outfit and how the two bags go together (colour harmony in
LCh, tier), and ranked.  Price filters apply to the bundle's total after the configured
bundle discount; the bundles shown vary both the accent and the functional piece.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from lookbook.recommend.filters import Filters
from lookbook.recommend.query import BagView
from lookbook.recommend.reasons import article
from lookbook.recommend.service import Answer, Recommender, Result
from lookbook.styling.harmony import relation
from lookbook.styling.markets import Market
from lookbook.styling.vocab import FUNCTIONAL_SILHOUETTES, FUNCTIONAL_SIZES

ACCENT_SHARE, FUNCTIONAL_SHARE, MATCH_SHARE = 0.5, 0.3, 0.2
POOL = 6
CENT = Decimal("0.01")


@dataclass
class Bundle:
    """An accent and a functional bag, priced together."""

    accent: Result
    functional: Result
    total: Decimal
    currency: str
    score: float
    reasons: list[str]
    discount: dict[str, Any] | None = None


@dataclass
class BundleAnswer:
    """Ranked bundles and any filter that had to be loosened."""

    bundles: list[Bundle] = field(default_factory=list)
    relaxed: list[str] = field(default_factory=list)
    removed_by: list[str] = field(default_factory=list)  # when empty: the filter(s) to blame


def match(accent: BagView, functional: BagView) -> tuple[float, str]:
    """Score how an accent and a functional bag go together, with the reason."""
    a, f = accent.colour, functional.colour
    piece = functional.silhouette or "bag"
    if a is None or f is None:
        return 0.5, "the two bags share the outfit"
    if a.name == f.name:
        score, text = 0.5, f"both in {a.name}: a matching set"
    elif f.neutral and not f.metallic:
        score, text = 1.0, f"a neutral {f.name} {piece} lets the {a.name} accent lead"
    else:
        rel = relation([f], a)
        score, text = {
            "metallic": (0.9, f"the {a.name} accent shines against the {f.name} {piece}"),
            "complementary": (0.8, f"the {a.name} accent pops against the {f.name} {piece}"),
            "contrast": (0.8, f"the {a.name} accent pops against the {f.name} {piece}"),
            "tonal": (0.7, f"{a.name} and {f.name} stay in one colour family"),
            "analogous": (0.7, f"{a.name} and {f.name} stay in one colour family"),
            "neutral": (0.9, f"the neutral {a.name} accent suits the {f.name} {piece}"),
        }.get(rel or "", (0.4, f"{a.name} with {f.name}: a bolder pairing"))
    if accent.tier and accent.tier == functional.tier:
        score = min(1.0, score + 0.1)
    return score, text


def _discount(total: Decimal, percent: Decimal) -> dict[str, Any] | None:
    if percent <= 0:
        return None
    amount = (total * percent / 100).quantize(CENT)
    return {"percent": format(percent.normalize(), "f"), "amount": str(amount),
            "total_after_discount": str((total - amount).quantize(CENT))}


def make_bundles(rec: Recommender, outfit: Any, filters: Filters, limit: int, *,
                 market: Market | None = None, outfit_id: int | None = None,
                 discount_percent: Decimal = Decimal(0)) -> BundleAnswer:
    """Return up to ``limit`` bundles for an outfit, best first."""
    each = replace(filters, min_price=None, max_price=None)
    accents = rec.bags_for_outfit(outfit, each, max(POOL, limit), market=market, outfit_id=outfit_id)
    functional_filters = replace(each, size=FUNCTIONAL_SIZES, silhouette=FUNCTIONAL_SILHOUETTES)
    functionals = rec.bags_for_outfit(outfit, functional_filters, POOL, market=market,
                                      outfit_id=outfit_id)
    pairs = _pairs(accents, functionals, filters, discount_percent)
    pairs.sort(key=lambda b: (-b.score, b.accent.item.sku, b.functional.item.sku))
    chosen = _diverse(pairs, limit)
    relaxed = sorted(set(accents.relaxed) | set(functionals.relaxed))
    blamed: list[str] = []
    if not chosen:
        blamed = accents.removed_by or functionals.removed_by or (
            ["min_price" if filters.min_price is not None else "max_price"]
            if filters.min_price is not None or filters.max_price is not None else [])
    return BundleAnswer(chosen, relaxed, blamed)


def _pairs(accents: Answer, functionals: Answer, filters: Filters, percent: Decimal) -> list[Bundle]:
    out = []
    for a in accents.results:
        for f in functionals.results:
            if a.item.sku == f.item.sku or a.item.currency != f.item.currency:
                continue
            total = (a.item.price + f.item.price).quantize(CENT)
            discount = _discount(total, percent)
            pays = Decimal(discount["total_after_discount"]) if discount else total
            if filters.min_price is not None and pays < filters.min_price:
                continue
            if filters.max_price is not None and pays > filters.max_price:
                continue
            fit, why = match(BagView.of(a.item), BagView.of(f.item))
            score = ACCENT_SHARE * a.score + FUNCTIONAL_SHARE * f.score + MATCH_SHARE * fit
            carry = f"{f.item.size} {f.item.silhouette}"
            reasons = [*a.reasons[:1], why, f"{article(carry)} {carry} carries the day's essentials"]
            out.append(Bundle(a, f, total, a.item.currency, round(min(score, 1.0), 4), reasons, discount))
    return out


def _diverse(pairs: list[Bundle], limit: int) -> list[Bundle]:
    """Prefer bundles whose accent and functional piece are both new to the list.

    Then bundles with at least a new accent, then anything, only to fill up: five
    bundles should not all lean on the same tote.
    """
    chosen: list[Bundle] = []
    accents: set[str] = set()
    functionals: set[str] = set()
    for fresh in (lambda b: b.accent.item.sku not in accents and b.functional.item.sku not in functionals,
                  lambda b: b.accent.item.sku not in accents,
                  lambda b: True):
        for bundle in pairs:
            if len(chosen) < limit and bundle not in chosen and fresh(bundle):
                chosen.append(bundle)
                accents.add(bundle.accent.item.sku)
                functionals.add(bundle.functional.item.sku)
    chosen.sort(key=lambda b: (-b.score, b.accent.item.sku, b.functional.item.sku))
    return chosen
