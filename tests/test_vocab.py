from decimal import Decimal

import pytest

from lookbook.styling import vocab
from lookbook.styling.colour import name_for_hex


@pytest.mark.parametrize(
    ("width", "size"),
    [
        ("0.5", "micro"), ("9.99", "micro"), ("10", "mini"), ("10.00", "mini"),
        ("19.99", "mini"), ("20", "standard"), ("34.99", "standard"), ("35", "oversized"),
        ("60", "oversized"),
    ],
)
def test_size_is_derived_from_width_at_the_10_20_35_boundaries(width, size):
    assert vocab.size_for_width(Decimal(width)) == size


def test_negative_width_has_no_size():
    with pytest.raises(ValueError):
        vocab.size_for_width(-1)


def test_unknown_material_falls_into_family_other():
    assert vocab.material_family("Calfskin ") == "fine leather"
    assert vocab.material_family("mushroom leather") == "other"


def test_every_vocabulary_swatch_is_named_as_itself():
    assert {name: name_for_hex(hex_) for name, hex_ in vocab.COLOURS.items()} == {
        name: name for name in vocab.COLOURS
    }


def test_hex_colours_are_named_perceptually():
    assert name_for_hex("#d00000") == "red"
    assert name_for_hex("#f5c6c6") == "blush"


@pytest.mark.parametrize(("material", "family"), [
    ("straw", "natural fibre"), ("raffia", "natural fibre"), ("velvet", "fabric/canvas"),
    ("sequin", "fabric/canvas"), ("lace", "fabric/canvas"), ("metal", "synthetic"),
    ("metallic", "synthetic"), ("acrylic", "synthetic"), ("suede", "fine leather"),
    ("patent", "fine leather"), ("nylon", "synthetic"),
])
def test_materials_real_catalogs_use_fall_into_their_families(material, family):
    assert vocab.material_family(material) == family


def test_backpacks_wristlets_and_pouches_are_silhouettes():
    assert {"backpack", "wristlet", "pouch"} <= set(vocab.SILHOUETTES)
