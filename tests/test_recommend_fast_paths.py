"""The request path's fast code gives exactly what the straightforward code gives.

Each fast path (direct feature rows, reasons with cached colour maths, curator rules
kept per revision...) is compared with the plain computation over random catalogs, so
a speed-up can never change what is recommended or why.
"""

from __future__ import annotations

import random
from decimal import Decimal

import numpy as np

from lookbook.catalog.records import ItemRecord
from lookbook.recommend.features import RowEncoder, fitted_transformer, rows
from lookbook.styling import vocab


def random_records(n: int, seed: int) -> list[ItemRecord]:
    """Records with every shape the encoders meet: empty, repeated and unknown values too."""
    rng = random.Random(seed)
    colours = list(vocab.COLOURS.items())

    def some(values, unknown: str) -> list[str]:
        picked = rng.sample(list(values), rng.randint(0, 3))
        if rng.random() < 0.2 and picked:
            picked.append(picked[0])  # a repeated value counts twice in a mean-normalised block
        if rng.random() < 0.1:
            picked.append(unknown)
        return picked

    out = []
    for i in range(n):
        palette = rng.sample(colours, rng.randint(0, 3))
        if palette and rng.random() < 0.3:  # a retailer's own shade of a vocabulary colour
            palette[0] = (palette[0][0], f"#{rng.randrange(0x1000000):06x}")
        width = Decimal(rng.randint(40, 500)) / 10 if rng.random() < 0.8 else None
        out.append(ItemRecord(
            sku=f"R{i}", kind=rng.choice(("bag", "outfit")), name=f"r{i}",
            price=Decimal(rng.choice((0, rng.randint(1, 500000)))) / 100, currency="EUR",
            colours=palette, occasions=some(vocab.OCCASIONS, "gala"), styles=some(vocab.STYLES, "boho"),
            seasons=some(vocab.SEASONS, "monsoon"),
            material_family=rng.choice((*vocab.MATERIAL_FAMILIES, None, "unknown family")),
            tier=rng.choice((*vocab.TIERS, None)), size=vocab.size_for_width(width) if width else None,
            width_cm=width, silhouette=rng.choice((*vocab.SILHOUETTES, None, "odd")),
            limited_edition=rng.random() < 0.3, detachable_strap=rng.random() < 0.3,
        ))
    return out


def test_direct_feature_rows_equal_the_column_transformer_s():
    transformer = fitted_transformer()
    encoder = RowEncoder(transformer)
    for seed in range(5):
        records = random_records(300, seed)
        expected = transformer.transform(rows(records))
        got = encoder.transform(records)
        assert got.dtype == expected.dtype == np.float32
        assert np.array_equal(got, expected)
        for record in records[:20]:  # one at a time, as an ad-hoc outfit is encoded
            assert np.array_equal(encoder.transform([record]), transformer.transform(rows([record])))
    assert encoder.transform([]).shape == (0, expected.shape[1])
