"""catalog/queries.py on its own: each filter, LIKE escaping, paging, look-up by sku."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lookbook.catalog.queries import ItemFilters, get_item, like_escape, search_items
from tests.conftest import add_items, item


@pytest.fixture
def catalog(db):
    add_items(
        db,
        item("O-1", "outfit", name="Navy suit", colours=["navy"], occasions=["business"],
             seasons=["autumn"], price="590.00"),
        item("B-1", name="Gold 50% off", colours=["gold"], occasions=["evening"], material="lambskin",
             width_cm="9", price="219.90", sustainability=["vegan"]),
        item("B-2", name="Camel_tote", colours=["camel", "black"], material="canvas", width_cm="38",
             price="89.00", in_stock="false", seasons=["summer"]),
        item("B-3", name="Black mini", colours=["black"], material="calfskin", width_cm="17",
             price="150.00"),
    )
    return db


def _skus(db, page=1, per_page=24, **filters):
    with db.session() as session:
        items, total = search_items(session, ItemFilters(**filters), page, per_page)
        return [i.sku for i in items], total


@pytest.mark.parametrize(("filters", "expected"), [
    ({}, ["B-1", "B-2", "B-3", "O-1"]),
    ({"kind": ("outfit",)}, ["O-1"]),
    ({"size": ("micro",)}, ["B-1"]),
    ({"material": ("canvas",)}, ["B-2"]),
    ({"material": ("fine leather",)}, ["B-1", "B-3"]),  # a family matches its materials
    ({"occasion": ("evening", "business")}, ["B-1", "O-1"]),
    ({"season": ("summer",)}, ["B-2"]),
    ({"sustainability": ("vegan",)}, ["B-1"]),
    ({"colour": ("black",)}, ["B-2", "B-3"]),  # any colour of the palette, not only the first
    ({"min_price": Decimal("150.00")}, ["B-1", "B-3", "O-1"]),  # bounds are inclusive
    ({"max_price": Decimal("150.00")}, ["B-2", "B-3"]),
    ({"in_stock": False}, ["B-2"]),
    ({"in_stock": True, "kind": ("bag",)}, ["B-1", "B-3"]),
    ({"text": "navy"}, ["O-1"]),  # case-insensitive, in names
    ({"text": "b-2"}, ["B-2"]),  # and in skus
])
def test_each_filter_selects_what_it_says(catalog, filters, expected):
    skus, total = _skus(catalog, **filters)
    assert skus == expected and total == len(expected)


@pytest.mark.parametrize(("text", "expected"), [("50%", ["B-1"]), ("x_y", []), ("_", []),
                                                ("%", []), ("\\", []), ("cam", ["B-2"])])
def test_search_text_is_words_never_a_wildcard(catalog, text, expected):
    assert _skus(catalog, text=text)[0] == expected


def test_like_escape_escapes_the_escape_first():
    assert like_escape("a\\%_") == "a\\\\\\%\\_"


def test_pages_are_ordered_by_sku_and_the_total_counts_every_match(catalog):
    assert _skus(catalog, page=1, per_page=3) == (["B-1", "B-2", "B-3"], 4)
    assert _skus(catalog, page=2, per_page=3) == (["O-1"], 4)
    assert _skus(catalog, page=3, per_page=3) == ([], 4)


def test_get_item_by_sku_and_kind(catalog):
    with catalog.session() as session:
        assert get_item(session, "B-1").name == "Gold 50% off"
        assert get_item(session, "B-1", "bag") is not None
        assert get_item(session, "B-1", "outfit") is None
        assert get_item(session, "b-1") is None  # skus are exact
        assert get_item(session, "nope") is None


def test_a_cached_search_statement_takes_each_new_text(catalog):
    """The search SQL is compiled once and cached: each search must still bind its own words."""
    for text, expected in (("navy", ["O-1"]), ("cam", ["B-2"]), ("b-2", ["B-2"]), ("b-1", ["B-1"]),
                           ("navy", ["O-1"]), ("zzz", [])):
        assert _skus(catalog, text=text)[0] == expected, text
