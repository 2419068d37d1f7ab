"""Item features from a fitted scikit-learn ColumnTransformer, colour in CIELAB/LCh.

Every item (outfit or bag) becomes one float32 row in a shared feature space whose
columns are named ``"block:value"``, the names the styling rules weigh.  Categorical
blocks are one-hot (``OneHotEncoder``) or mean-normalised multi-hot, so each block of a
row sums to at most 1 and a score's bound stays computable; colour is encoded from the
primary colour: its vocabulary name (one-hot, the basis of every colour relation the
pair features compute in LCh), lightness bins, neutral/metallic/pastel/bold flags and
its scaled CIELAB coordinates; price as soft bins on a log scale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import OneHotEncoder
from sklearn.utils.validation import check_is_fitted

from lookbook.catalog.records import ItemRecord
from lookbook.recommend.query import colours_of
from lookbook.styling import harmony
from lookbook.styling.rules import FEATURE_BLOCKS, PRICE_CENTRES

# Input columns, in the order rows are built.
COLUMNS = ("occasions", "styles", "family", "silhouette", "size", "seasons", "tier", "flags",
           "colours", "price")
MULTI = ("occasions", "styles", "seasons")
SINGLE = ("family", "silhouette", "size", "tier")
LAB_NAMES = ("L", "a", "b")
# Blocks whose row values form a convex combination (sum <= 1): a score's bound over such
# a block is its largest weight.  "lab" holds signed coordinates; other columns count
# independently within 0..1.
CONVEX_GROUPS = (*MULTI, *SINGLE, "colour:light", "cname", "price")
SIGNED_GROUPS = ("lab",)
PALETTES_KEPT = 4096  # encoded palettes a RowEncoder keeps
COLUMNWISE_FROM = 64  # records from which a RowEncoder writes blocks column by column


class MultiHotEncoder(TransformerMixin, BaseEstimator):
    """Encode a column of value lists as multi-hot rows, optionally mean-normalised."""

    def __init__(self, *, categories: Sequence[str] = (), normalise: bool = True) -> None:
        self.categories = categories
        self.normalise = normalise

    def fit(self, X, y=None):  # noqa: N803 - scikit-learn's argument name
        """Learn the categories (the given vocabulary, in its order)."""
        self.categories_ = list(self.categories)
        self.n_features_in_ = 1
        return self

    def transform(self, X):  # noqa: N803
        check_is_fitted(self, "categories_")
        index = {c: i for i, c in enumerate(self.categories_)}
        column = np.asarray(X, dtype=object).reshape(len(X), -1)[:, 0]
        out = np.zeros((len(column), len(self.categories_)), dtype=np.float32)
        for row, values in enumerate(column):
            hits = [index[v] for v in (values or ()) if v in index]
            if hits:
                out[row, hits] = 1.0 / len(hits) if self.normalise else 1.0
        return out

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "categories_")
        return np.array(self.categories_, dtype=object)


class PaletteEncoder(TransformerMixin, BaseEstimator):
    """Encode an ordered palette by its primary colour: name, lightness, flags, CIELAB."""

    def fit(self, X, y=None):  # noqa: N803
        """Record the output columns; there is nothing to learn from data."""
        self.feature_names_ = [*FEATURE_BLOCKS["colour"], *(f"cname.{n}" for n in FEATURE_BLOCKS["cname"]),
                               *(f"lab.{n}" for n in LAB_NAMES)]
        self.n_features_in_ = 1
        return self

    def transform(self, X):  # noqa: N803
        check_is_fitted(self, "feature_names_")
        column = np.asarray(X, dtype=object).reshape(len(X), -1)[:, 0]
        out = np.zeros((len(column), len(self.feature_names_)), dtype=np.float32)
        cache: dict[tuple, np.ndarray] = {}
        for row, colours in enumerate(column):
            key = tuple(tuple(c) for c in (colours or ()))
            if key not in cache:
                cache[key] = self._encode(key)
            out[row] = cache[key]
        return out

    def _encode(self, colours: tuple[tuple[str, str], ...]) -> np.ndarray:
        vec = np.zeros(len(self.feature_names_), dtype=np.float32)
        if not colours:
            return vec
        pal = harmony.palette(colours)
        feats = harmony.colour_features(pal[0])
        # A metallic trim anywhere in the palette reads as metallic.
        feats["metallic"] = max(feats["metallic"], 0.5 * any(c.metallic for c in pal[1:]))
        feats[f"cname.{pal[0].name}"] = 1.0
        lab = pal[0].lab
        feats.update({"lab.L": lab[0] / 100.0, "lab.a": lab[1] / 100.0, "lab.b": lab[2] / 100.0})
        for i, name in enumerate(self.feature_names_):
            vec[i] = feats.get(name, 0.0)
        return vec

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "feature_names_")
        return np.array(self.feature_names_, dtype=object)


def price_bins(prices: np.ndarray) -> np.ndarray:
    """Split each price linearly (on a log scale) between its two nearest centres."""
    logp = np.log(np.maximum(np.asarray(prices, dtype=float), 1e-3))
    centres = np.log(np.array(PRICE_CENTRES))
    pos = np.clip(np.interp(logp, centres, np.arange(len(centres))), 0, len(centres) - 1)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, len(centres) - 1)
    frac = pos - lo
    out = np.zeros((len(logp), len(centres)), dtype=np.float32)
    rows = np.arange(len(logp))
    # Each statement writes each row once, so plain fancy-index adds give what np.add.at
    # gives (lo == hi at the ends adds both parts to one bin), without its slow path.
    out[rows, lo] += 1 - frac
    out[rows, hi] += frac
    out[np.asarray(prices, dtype=float) <= 0] = 0  # an unpriced item has no price band
    return out


class PriceEncoder(TransformerMixin, BaseEstimator):
    """Encode a price as soft bins over :data:`PRICE_CENTRES` on a log scale."""

    def fit(self, X, y=None):  # noqa: N803
        """Record the output columns; the centres come from the rules, not from data."""
        self.feature_names_ = list(FEATURE_BLOCKS["price"])
        self.n_features_in_ = 1
        return self

    def transform(self, X):  # noqa: N803
        check_is_fitted(self, "feature_names_")
        column = np.asarray(X, dtype=object).reshape(len(X), -1)[:, 0]
        return price_bins(np.array([float(v or 0) for v in column]))

    def get_feature_names_out(self, input_features=None):
        check_is_fitted(self, "feature_names_")
        return np.array(self.feature_names_, dtype=object)


def _single(block: str) -> OneHotEncoder:
    return OneHotEncoder(categories=[list(FEATURE_BLOCKS[block])], handle_unknown="ignore",
                         sparse_output=False, dtype=np.float32)


def build_transformer() -> ColumnTransformer:
    """Return the (unfitted) feature transformer over :data:`COLUMNS`."""
    idx = {name: i for i, name in enumerate(COLUMNS)}
    parts = [(b, MultiHotEncoder(categories=FEATURE_BLOCKS[b]), [idx[b]]) for b in MULTI]
    parts += [(b, _single(b), [idx[b]]) for b in SINGLE]
    parts.append(("flags", MultiHotEncoder(categories=FEATURE_BLOCKS["flags"], normalise=False),
                  [idx["flags"]]))
    parts.append(("colour", PaletteEncoder(), [idx["colours"]]))
    parts.append(("price", PriceEncoder(), [idx["price"]]))
    return ColumnTransformer(parts, remainder="drop", sparse_threshold=0.0, n_jobs=None)


def _flags(r: ItemRecord) -> list[str]:
    return ((["limited_edition"] if r.limited_edition else [])
            + (["detachable_strap"] if r.detachable_strap else []))


# How each of COLUMNS is read from a record (one definition for ``rows`` and RowEncoder).
_READ = {
    "occasions": lambda r: r.occasions, "styles": lambda r: r.styles,
    "family": lambda r: r.material_family or "none", "silhouette": lambda r: r.silhouette or "none",
    "size": lambda r: r.size or "none", "seasons": lambda r: r.seasons, "tier": lambda r: r.tier or "none",
    "flags": _flags, "colours": colours_of, "price": lambda r: float(r.price or 0),
}


def rows(records: Sequence[ItemRecord]) -> np.ndarray:
    """Return records as the transformer's object-array input."""
    out = np.empty((len(records), len(COLUMNS)), dtype=object)
    for i, r in enumerate(records):
        out[i] = tuple(_READ[c](r) for c in COLUMNS)
    return out


class RowEncoder:
    """Encode records exactly as a fitted :func:`build_transformer` does, minus its overhead.

    ``ColumnTransformer.transform`` validates its input on every call (several ms for
    one ad-hoc outfit, most of a fit for 100k bags).  Every encoder here takes its
    categories from the vocabularies, so the same rows can be written directly: the
    same values, float32, into the same columns (tests compare the two on random
    records).  Palettes repeat, so their encodings are kept.
    """

    def __init__(self, transformer: ColumnTransformer) -> None:
        check_is_fitted(transformer, "transformers_")
        self.width = sum(s.stop - s.start for s in transformer.output_indices_.values())
        self.multi: list[tuple[int, int, dict[str, int], bool]] = []  # input column, start, index, mean
        self.single: list[tuple[int, int, dict[str, int]]] = []
        self.palette: tuple[int, PaletteEncoder] | None = None
        self.price: tuple[int, int] | None = None
        for name, encoder, columns in transformer.transformers_:
            if name == "remainder":
                continue
            start = transformer.output_indices_[name].start
            if isinstance(encoder, MultiHotEncoder):
                index = {c: i for i, c in enumerate(encoder.categories_)}
                self.multi.append((columns[0], start, index, bool(encoder.normalise)))
            elif isinstance(encoder, OneHotEncoder):
                index = {str(c): i for i, c in reversed(list(enumerate(encoder.categories_[0])))}
                self.single.append((columns[0], start, index))
            elif isinstance(encoder, PaletteEncoder):
                self.palette = (start, encoder)
            elif isinstance(encoder, PriceEncoder):
                self.price = (start, columns[0])
            else:  # pragma: no cover - build_transformer makes only the encoders above
                raise TypeError(f"no direct encoding for {type(encoder).__name__}")
        self._palettes: dict[tuple | None, np.ndarray] = {}

    def transform(self, records: Sequence[ItemRecord]) -> np.ndarray:
        """Return the feature rows of ``records`` (what ``transformer.transform(rows(records))`` gives)."""
        out = np.zeros((len(records), self.width), dtype=np.float32)
        if not len(records):
            return out
        n_rows = len(records)
        if n_rows < COLUMNWISE_FROM:
            self._one_hot_by_row(records, out)
        else:
            self._one_hot_by_column(records, out)
        if self.palette is not None:
            start, encoder = self.palette
            n = len(encoder.feature_names_)
            for r, record in enumerate(records):
                colours = colours_of(record)
                # The encoding reads the primary colour and whether any other one is
                # metallic: keyed by just that, 75k bags share a few dozen encodings.
                key = (tuple(colours[0]), any(harmony.colour(n, h).metallic for n, h in colours[1:])) \
                    if colours else None
                vec = self._palettes.get(key)
                if vec is None:
                    if len(self._palettes) >= PALETTES_KEPT:  # ad-hoc outfits bring any palette
                        self._palettes.clear()
                    vec = self._palettes[key] = encoder._encode(tuple(colours))
                out[r, start:start + n] = vec
        if self.price is not None:
            start, _column = self.price
            prices = np.fromiter((float(r.price or 0) for r in records), dtype=np.float64, count=n_rows)
            out[:, start:start + len(PRICE_CENTRES)] = price_bins(prices)
        return out

    def _one_hot_by_row(self, records: Sequence[ItemRecord], out: np.ndarray) -> None:
        """Write the multi- and one-hot blocks record by record (cheapest for a few rows)."""
        for r, record in enumerate(records):
            for column, start, index, mean in self.multi:
                hits = [index[v] for v in (_READ[COLUMNS[column]](record) or ()) if v in index]
                if hits:
                    out[r, [start + h for h in hits]] = 1.0 / len(hits) if mean else 1.0
            for column, start, index in self.single:
                hit = index.get(_READ[COLUMNS[column]](record))
                if hit is not None:
                    out[r, start + hit] = 1.0

    def _one_hot_by_column(self, records: Sequence[ItemRecord], out: np.ndarray) -> None:
        """Write the same blocks column by column over all records (a fit encodes 100k
        bags): each block is one pass of look-ups and one array write, not a loop per row."""
        n_rows = len(records)
        for column, start, index, mean in self.multi:
            read = _READ[COLUMNS[column]]
            hits = [[index[v] for v in (read(r) or ()) if v in index] for r in records]
            counts = np.fromiter(map(len, hits), dtype=np.int64, count=n_rows)
            if counts.any():
                at = np.repeat(np.arange(n_rows), counts)
                cols = np.fromiter(chain.from_iterable(hits), dtype=np.int64, count=int(counts.sum()))
                share = (1.0 / np.maximum(counts, 1)) if mean else np.ones(n_rows)
                out[at, start + cols] = share[at]
        for column, start, index in self.single:
            read = _READ[COLUMNS[column]]
            codes = np.fromiter((index.get(read(r), -1) for r in records), dtype=np.int64, count=n_rows)
            found = np.flatnonzero(codes >= 0)
            out[found, start + codes[found]] = 1.0


def fitted_transformer() -> ColumnTransformer:
    """Return the transformer fitted on one placeholder row.

    Every encoder's categories come from the vocabularies, not from data, so this fit
    is complete and identical on every machine; artifacts therefore store the feature
    names and rebuild the transformer instead of unpickling it.
    """
    probe = ItemRecord(sku="probe", kind="outfit", name="probe", price=0, currency="EUR",  # type: ignore[arg-type]
                       colours=[("black", "#1a1a1a")])
    return build_transformer().fit(rows([probe]))


@dataclass(frozen=True)
class FeatureSpace:
    """The named columns of the feature matrix and how they group."""

    names: tuple[str, ...]

    @classmethod
    def from_transformer(cls, transformer: ColumnTransformer) -> FeatureSpace:
        """Name columns "block:value" from a fitted transformer's output names."""
        names = []
        for raw in transformer.get_feature_names_out():
            block, _, value = str(raw).partition("__")
            if block in SINGLE:  # OneHotEncoder names its outputs "x0_value"
                value = value.partition("_")[2]
            if block == "colour" and "." in value:  # "cname.black" -> block cname
                block, _, value = value.partition(".")
            names.append(f"{block}:{value}")
        return cls(tuple(names))

    def index(self) -> dict[str, int]:
        return {n: i for i, n in enumerate(self.names)}

    def columns(self, block: str) -> np.ndarray:
        """Return the positions of one block's columns."""
        return np.array([i for i, n in enumerate(self.names) if n.partition(":")[0] == block], dtype=np.int64)

    def groups(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return (group id per column, convex flag per group, signed flag per group)."""
        labels: list[str] = []
        for n in self.names:
            block, _, value = n.partition(":")
            if block == "colour":
                group = "colour:light" if value in harmony.LIGHT_NAMES else n
            else:
                group = block if block in CONVEX_GROUPS or block in SIGNED_GROUPS else n
            labels.append(group)
        order = list(dict.fromkeys(labels))
        ids = np.array([order.index(g) for g in labels])
        convex = np.array([g in CONVEX_GROUPS for g in order])
        signed = np.array([g in SIGNED_GROUPS for g in order])
        return ids, convex, signed

    def block_weights(self, weights: dict[str, float]) -> np.ndarray:
        """Return one weight per column from weights per block (or per column name)."""
        return np.array([weights.get(n, weights.get(n.partition(":")[0], 0.0)) for n in self.names],
                        dtype=np.float32)
