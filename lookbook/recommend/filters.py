"""Hard filters over bags: a vectorised mask over the fitted arrays, and a live check.

The mask keeps a query fast over 100k bags; :meth:`Filters.accepts` re-checks the
few results against the database's current rows, so an item that changed since the
model was fitted (sold out, repriced, deleted) is never served against the contract.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from typing import Any

import numpy as np

from lookbook.catalog.records import ItemRecord
from lookbook.styling import vocab

SIZE_CODE = {s: i for i, s in enumerate(vocab.SIZES)}
FAMILY_CODE = {f: i for i, f in enumerate(vocab.MATERIAL_FAMILIES)}
TIER_CODE = {t: i for i, t in enumerate(vocab.TIERS)}
SILHOUETTE_CODE = {s: i for i, s in enumerate(vocab.SILHOUETTES)}
SEASON_BIT = {s: 1 << i for i, s in enumerate(vocab.SEASONS)}
SUSTAINABILITY_BIT = {s: 1 << i for i, s in enumerate(vocab.SUSTAINABILITY)}


def sustainability_base(tag: str) -> str:
    """Return the vocabulary tag of a sustainability value ("certified:GRS" -> "certified")."""
    return tag.partition(":")[0]


MASK_CACHE = 64  # filter sets whose masks are kept per table (the API defaults repeat constantly)


@dataclass(eq=False)  # compared and hashed by identity: a table is one fitted model's
class BagTable:
    """Per-bag columns the filters read, as numpy arrays aligned with the feature matrix."""

    skus: list[str]
    price_cents: np.ndarray
    size: np.ndarray
    family: np.ndarray
    material: np.ndarray
    materials: list[str]
    tier: np.ndarray
    silhouette: np.ndarray
    in_stock: np.ndarray
    seasons: np.ndarray
    sustainability: np.ndarray
    currency: np.ndarray
    currencies: list[str]

    ARRAYS = ("price_cents", "size", "family", "material", "tier", "silhouette", "in_stock",
              "seasons", "sustainability", "currency")

    @classmethod
    def from_records(cls, bags: Sequence[ItemRecord]) -> BagTable:
        """Build the columns from bag records."""
        materials = sorted({b.material for b in bags if b.material})
        currencies = sorted({b.currency for b in bags})
        mat_code = {m: i for i, m in enumerate(materials)}
        cur_code = {c: i for i, c in enumerate(currencies)}

        def col(values: list[int], dtype: Any) -> np.ndarray:
            return np.array(values, dtype=dtype)

        return cls(
            skus=[b.sku for b in bags],
            price_cents=col([int(b.price * 100) for b in bags], np.int64),
            size=col([SIZE_CODE.get(b.size or "", -1) for b in bags], np.int8),
            family=col([FAMILY_CODE.get(b.material_family or "", -1) for b in bags], np.int8),
            material=col([mat_code.get(b.material or "", -1) for b in bags], np.int32),
            materials=materials,
            tier=col([TIER_CODE.get(b.tier or "", -1) for b in bags], np.int8),
            silhouette=col([SILHOUETTE_CODE.get(b.silhouette or "", -1) for b in bags], np.int8),
            in_stock=col([b.in_stock for b in bags], np.bool_),
            seasons=col([sum(SEASON_BIT.get(s, 0) for s in b.seasons) for b in bags], np.uint8),
            sustainability=col([sum(SUSTAINABILITY_BIT.get(sustainability_base(s), 0)
                                    for s in set(b.sustainability)) for b in bags], np.uint8),
            currency=col([cur_code[b.currency] for b in bags], np.int32),
            currencies=currencies,
        )


def _codes(values: Sequence[str], table: dict[str, int]) -> list[int]:
    return [table[v] for v in values if v in table]


def _any_of(column: np.ndarray, codes: Sequence[int]) -> np.ndarray:
    """Return column == any code (far faster than np.isin for a few small codes)."""
    out = np.zeros(len(column), dtype=bool)
    for code in codes:
        out |= column == code
    return out


@dataclass(frozen=True)
class Filters:
    """Hard constraints on recommended bags; an empty tuple means "no constraint"."""

    size: tuple[str, ...] = ()
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    material: tuple[str, ...] = ()  # materials or material families
    sustainability: tuple[str, ...] = ()  # any of
    in_stock: bool | None = True
    tier: tuple[str, ...] = ()
    season: tuple[str, ...] = ()
    silhouette: tuple[str, ...] = ()
    exclude: tuple[str, ...] = field(default=())

    def without(self, name: str) -> Filters:
        """Return these filters with one of them lifted."""
        default = {f.name: f.default for f in fields(self)}[name]
        return replace(self, **{name: default})  # type: ignore[arg-type]  # one field, its own default

    def mask(self, t: BagTable) -> np.ndarray:
        """Return a boolean mask over the table's bags that pass every filter."""
        keep = np.ones(len(t.skus), dtype=bool)
        if self.in_stock is not None:
            keep &= t.in_stock if self.in_stock else ~t.in_stock
        if self.size:
            keep &= _any_of(t.size, _codes(self.size, SIZE_CODE))
        if self.min_price is not None:
            keep &= t.price_cents >= int((self.min_price * 100).to_integral_value(rounding="ROUND_CEILING"))
        if self.max_price is not None:
            keep &= t.price_cents <= int((self.max_price * 100).to_integral_value(rounding="ROUND_FLOOR"))
        if self.material:
            fams = _codes(self.material, FAMILY_CODE)
            mats = [i for i, m in enumerate(t.materials) if m in self.material]
            keep &= _any_of(t.family, fams) | _any_of(t.material, mats)
        if self.sustainability:
            bits = sum(SUSTAINABILITY_BIT.get(s, 0) for s in self.sustainability)
            keep &= (t.sustainability & bits) != 0
        if self.tier:
            keep &= _any_of(t.tier, _codes(self.tier, TIER_CODE))
        if self.season:
            bits = sum(SEASON_BIT.get(s, 0) for s in self.season)
            keep &= (t.seasons & bits) != 0
        if self.silhouette:
            keep &= _any_of(t.silhouette, _codes(self.silhouette, SILHOUETTE_CODE))
        return keep

    def accepts_outfit(self, outfit: Any) -> bool:
        """Tell whether an outfit passes the filters that apply to outfits (exclude, in_stock)."""
        return outfit.sku not in self.exclude and (
            self.in_stock is None or bool(outfit.in_stock) == self.in_stock)

    def accepts(self, bag: Any) -> bool:
        """Tell whether one bag (an ORM item or a record) passes every filter right now."""
        if getattr(bag, "kind", "bag") != "bag" or bag.sku in self.exclude:
            return False
        if self.in_stock is not None and bool(bag.in_stock) != self.in_stock:
            return False
        if self.size and bag.size not in self.size:
            return False
        if self.min_price is not None and bag.price < self.min_price:
            return False
        if self.max_price is not None and bag.price > self.max_price:
            return False
        if self.material and bag.material not in self.material \
                and bag.material_family not in self.material:
            return False
        if self.sustainability and not {sustainability_base(s) for s in bag.sustainability} \
                & set(self.sustainability):
            return False
        if self.tier and bag.tier not in self.tier:
            return False
        if self.season and not set(bag.seasons) & set(self.season):
            return False
        return not (self.silhouette and bag.silhouette not in self.silhouette)


_masks: weakref.WeakKeyDictionary[BagTable, OrderedDict[Filters, tuple[np.ndarray, int]]] = (
    weakref.WeakKeyDictionary())


def inverse_mask(table: BagTable, filters: Filters) -> tuple[np.ndarray, int]:
    """Return (bags failing the filters, number passing), kept per table and filter set.

    The cache lives here, beside the table it describes, not on the estimator: a fitted
    model holds no mutable state, and a dropped model takes its masks with it.
    """
    key = replace(filters, exclude=())
    cache = _masks.setdefault(table, OrderedDict())
    hit = cache.get(key)
    if hit is None:
        mask = key.mask(table)
        hit = (~mask, int(np.count_nonzero(mask)))
        cache[key] = hit
        while len(cache) > MASK_CACHE:
            cache.popitem(last=False)
    return hit


def removed_by(table: BagTable, filters: Filters) -> list[str]:
    """Name the filter(s) that leave no bag at all, or nothing when some bag passes.

    First the filters that remove every bag on their own (``material=exotic`` in a
    catalog without exotics); else the one whose lifting alone lets a bag through; else
    every filter in force, when only their combination is to blame.
    """
    if not len(table.skus):
        return []
    free = Filters(in_stock=None)  # no constraint at all
    active = [f.name for f in fields(Filters) if getattr(filters, f.name) != getattr(free, f.name)]
    excluded = np.isin(np.asarray(table.skus, dtype=object), np.asarray(filters.exclude, dtype=object))

    def passing(f: Filters) -> bool:
        mask = f.mask(table)
        if f.exclude:
            mask &= ~excluded
        return bool(mask.any())

    if passing(filters):
        return []
    alone = [n for n in active if not passing(replace(free, **{n: getattr(filters, n)}))]
    if alone:
        return alone
    lifted = [n for n in active if passing(replace(filters, **{n: getattr(free, n)}))]
    return lifted[:1] or active
