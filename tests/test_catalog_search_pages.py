"""A text search's pages hold exactly the plain definition's matches, in order, whichever way
they were read: walked from the list's index (a common word) or read from the text index and
sorted (a rare or clustered word, or when the walk runs out).  Checked against Python over a
catalog with common, clustered, rare and missing words, sku prefixes, ties and filters."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from lookbook.catalog import queries
from lookbook.catalog.models import Item, ItemColour, ItemTag
from lookbook.catalog.queries import ItemFilters, count_up_to, parse_key, search_page
from tests.conftest import add_items, item

PER_PAGE = 6
CAP = 10  # more than 10 matches counts as "common": the walk is tried
ADJECTIVES = ["Amber", "Bold", "Calm", "Dusky", "Fluid", "Quilted", "Soft", "Zesty"]
NOUNS = ["tote", "clutch", "tote", "pouch", "tote bag"]
COLOURS = ["navy", "black", "camel"]


def _name(i: int) -> str:
    if i % 29 == 0:
        return "Quilted sable pouch"  # a rare word (and the same name several times)
    if i >= 85:
        return f"Zesty {COLOURS[i % 3]} {NOUNS[i % 5]} {i % 7}"  # a word that sorts together, last
    return f"{ADJECTIVES[i % 5]} {COLOURS[i % 3]} {NOUNS[i % 5]} {i % 4}"


@pytest.fixture(scope="module")
def raw_items() -> list[dict]:
    out = []
    for i in range(110):
        kind = "outfit" if i % 4 == 0 else "bag"
        sku = f"TOTE-{i}" if i % 37 == 0 else f"{'O' if kind == 'outfit' else 'B'}-{i:03d}"
        out.append(item(sku, kind, name=_name(i), price=f"{50 + (i % 6) * 10}.00",
                        colours=[COLOURS[i % 3]], occasions=["evening" if i % 2 else "casual"]))
    return out


@pytest.fixture
def catalog(db, raw_items):
    add_items(db, *raw_items)
    return db


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.lower())


def expected(db, filters: ItemFilters, order: str) -> list[str]:
    """The plain definition, in Python: every word starts a word of the name, or the sku
    starts with the text (as typed or in capitals); then the other filters; then the order."""
    with db.session() as session:
        rows = session.scalars(select(Item)).all()
        tags = {(t.item_id, t.value) for t in session.scalars(select(ItemTag))}
        colours = {(c.item_id, c.name) for c in session.scalars(select(ItemColour))}
        text, typed = filters.text.strip(), _words(filters.text)
        kept = []
        for i in rows:
            name_words = _words(i.name)
            if not (i.sku.startswith(text) or i.sku.startswith(text.upper())
                    or (typed and all(any(n.startswith(w) for n in name_words) for w in typed))):
                continue
            if filters.kind and i.kind not in filters.kind:
                continue
            if filters.occasion and not any((i.id, o) in tags for o in filters.occasion):
                continue
            if filters.colour and not any((i.id, c) in colours for c in filters.colour):
                continue
            kept.append(i)
        column, descending = {"name": ("name", False), "sku": ("sku", False), "price": ("price", False),
                              "-price": ("price", True), "recent": ("updated_at", True)}[order]
        kept.sort(key=lambda i: (getattr(i, column), i.id), reverse=descending)
        return [i.sku for i in kept]


def read_all(db, filters: ItemFilters, order: str) -> tuple[list[list[str]], list[list[str]], set[int]]:
    """Follow Next links to the end, then Previous links back; return both page lists and totals."""
    forward, backward, totals = [], [], set()
    with db.session() as session:
        page, after = 1, None
        while True:
            found = search_page(session, filters, page, PER_PAGE, order, CAP, after=after)
            forward.append([i.sku for i in found.items])
            totals.add(found.total)
            if not found.has_next:
                break
            page, after = page + 1, parse_key(order, found.next_key)
            assert page < 100
        before = parse_key(order, found.prev_key) if found.has_prev else None
        while before is not None:
            found = search_page(session, filters, 2, PER_PAGE, order, CAP, before=before)
            backward.append([i.sku for i in found.items])
            before = parse_key(order, found.prev_key) if found.has_prev else None
    return forward, backward[::-1], totals


SEARCHES = [
    ItemFilters(text="tote"),  # common, all through the list
    ItemFilters(text="zesty"),  # common, but every match sorts last: the walk finds none
    ItemFilters(text="zest tot"),  # two word prefixes
    ItemFilters(text="quilted"),  # rare
    ItemFilters(text="TOTE"),  # names, and skus that start with it
    ItemFilters(text="b"),  # broad: "B-..." skus, "Bold", "black", "bag"
    ItemFilters(text="zzz"),  # nothing
    ItemFilters(text="tote", kind=("bag",)),
    ItemFilters(text="tote", kind=("outfit",), occasion=("evening",)),
    ItemFilters(text="calm navy", colour=("navy",)),
    ItemFilters(text="zesty", occasion=("casual",), colour=("camel", "navy")),
]
WALKS = {"as shipped": (20, 2000), "short walks": (2, 12), "never walk": (20, 0)}
CASES = [(order, "as shipped") for order in ("name", "sku", "price", "-price", "recent")] + \
        [(order, walk) for order in ("name", "-price") for walk in ("short walks", "never walk")]


@pytest.mark.parametrize(("order", "walk"), CASES)
def test_search_pages_hold_exactly_the_matches_in_order_both_ways(catalog, monkeypatch, order, walk):
    monkeypatch.setattr(queries, "WALK_PER_ROW", WALKS[walk][0])
    monkeypatch.setattr(queries, "WALK_MAX", WALKS[walk][1])
    for filters in SEARCHES:
        want = expected(catalog, filters, order)
        forward, backward, totals = read_all(catalog, filters, order)
        label = (filters, order, walk)
        assert [sku for page in forward for sku in page] == want, label
        assert all(len(page) == PER_PAGE for page in forward[:-1]), label
        assert backward == forward[:-1], label  # Previous links from the last page come back
        assert totals == {min(len(want), CAP + 1)}, label  # counted up to the cap, then "more"
        with catalog.session() as session:  # numbered pages count from the start
            for page in (2, 3):
                found = search_page(session, filters, page, PER_PAGE, order, CAP)
                assert [i.sku for i in found.items] == want[(page - 1) * PER_PAGE:page * PER_PAGE], label


def test_the_searches_cover_common_rare_and_clustered_words(catalog):
    """The catalog really has what the test above relies on (else it would prove little)."""
    counts = {f.text: len(expected(catalog, ItemFilters(text=f.text), "name")) for f in SEARCHES}
    assert counts["tote"] > 3 * CAP and counts["b"] > 3 * CAP
    assert counts["zesty"] > CAP and counts["quilted"] <= CAP and counts["zzz"] == 0
    zesty = expected(catalog, ItemFilters(text="zesty"), "name")
    assert zesty == expected(catalog, ItemFilters(), "name")[-len(zesty):]  # they sort last
    assert any(s.startswith("TOTE") for s in expected(catalog, ItemFilters(text="TOTE"), "name"))


@pytest.mark.parametrize(("text", "walked", "sorted_matches"), [
    ("tote", True, False),  # common and spread out: the walk fills the page
    ("zesty", True, True),  # common but clustered: the walk finds too few, the matches answer
    ("quilted", False, True),  # rare (counted under the cap): straight to the matches
])
def test_a_common_word_walks_the_list_and_a_rare_one_reads_its_matches(catalog, monkeypatch, text, walked,
                                                                        sorted_matches):
    monkeypatch.setattr(queries, "WALK_PER_ROW", 3)  # 21 rows: less than the catalog
    walks, seen, among = [], [], queries.IdAmong
    monkeypatch.setattr(queries, "IdAmong", lambda head: walks.append(head) or among(head))
    event.listen(catalog.engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    with catalog.session() as session:
        found = search_page(session, ItemFilters(text=text), 1, PER_PAGE, "name", CAP)
    assert [i.sku for i in found.items] == expected(catalog, ItemFilters(text=text), "name")[:PER_PAGE]
    assert any("matches" not in str(ids) for ids in walks) == walked  # ids read from the list itself
    assert any(" AS matches" in s for s in seen) == sorted_matches


def test_prices_and_names_tie_so_the_id_breaks_them(catalog):
    """Equal names and prices are what makes paging by (value, id) necessary."""
    with catalog.session() as session:
        names = [i.name for i in session.scalars(select(Item))]
        prices = [i.price for i in session.scalars(select(Item))]
    assert len(set(names)) < len(names) and prices.count(Decimal("50.00")) > PER_PAGE


def test_a_renamed_item_is_found_by_its_new_words_only(db):
    """The words are stored beside the row (PostgreSQL) or in the FTS5 table (SQLite):
    a rename, through the same write path as an import, must move the item between searches."""
    add_items(db, item("B-1", name="Camel tote"), item("B-2", name="Navy clutch"))
    add_items(db, item("B-1", name="Ivory bucket"))
    with db.session() as session:
        def skus(text: str) -> list[str]:
            found = search_page(session, ItemFilters(text=text), 1, PER_PAGE, "name", CAP)
            return [i.sku for i in found.items]

        assert skus("tote") == [] and skus("camel") == []
        assert skus("ivo buck") == ["B-1"] and skus("clutch") == ["B-2"]


@pytest.mark.parametrize("filters", [
    ItemFilters(colour=("camel",)),  # counted from the colour's index
    ItemFilters(colour=("camel",), kind=("outfit",), occasion=("evening",)),
    ItemFilters(occasion=("casual",), kind=("bag",)),  # from the occasion's index
    ItemFilters(occasion=("evening",), kind=("outfit",), colour=("navy", "black")),
    ItemFilters(colour=("navy", "black")),  # two colours: the plain count
    ItemFilters(kind=("outfit",)),
    ItemFilters(colour=("camel",), text="tote"),  # words count through the text index
])
@pytest.mark.parametrize("cap", [3, 10, 1000])
def test_capped_counts_are_the_number_of_matches_or_cap_plus_one(catalog, filters, cap):
    want = len(expected(catalog, filters, "name"))
    with catalog.session() as session:
        assert count_up_to(session, filters, cap) == min(want, cap + 1), (filters, want)


def test_an_item_listing_a_colour_twice_counts_once(db):
    """Imports list each colour once; a row written any other way still counts one item."""
    ids = add_items(db, item("B-1", colours=["camel"]), item("B-2", colours=["camel"]),
                    item("B-3", colours=["navy"]))
    with db.write() as session:
        session.add(ItemColour(item_id=ids["B-1"], position=1, name="camel", hex="#c19a6b"))
    with db.session() as session:
        assert count_up_to(session, ItemFilters(colour=("camel",)), 10) == 2
        assert count_up_to(session, ItemFilters(colour=("camel",)), 1) == 2  # "more than 1"
