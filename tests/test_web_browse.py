"""Browse: every filter, facet counts, sorting, pages, shareable URLs, and helpful empty results."""

from __future__ import annotations

import re

import pytest

from tests.conftest import add_items, item
from tests.html_page import Page
from tests.shop_fixtures import import_shop

ALL = {"O-EVE", "O-BIZ", "O-CAS", "B-GOLD", "B-NAVY", "B-CORAL", "B-VEGAN", "B-SILVER", "B-TOTE", "B-XL"}


@pytest.fixture
def shop(app, db, tmp_path):
    import_shop(db, app.extensions["lookbook.storage"], tmp_path, photos=False)
    return db


def browse(client, query=""):
    resp = client.get("/browse" + query)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:400]
    return Page(resp.get_data(as_text=True))


def shown(page):
    """Return the skus of the result cards, in order."""
    return [h.rsplit("/", 1)[1] for h in page.links() if re.match(r"^/(bags|outfits)/[^/]+$", h)]


def facet_count(page, name, value):
    """Return the count printed next to one filter checkbox."""
    match = re.search(rf'name="{name}" value="{re.escape(value)}"[^>]*>.*?<span class="count">(\d+)</span>',
                      page.html, re.S)
    return int(match.group(1)) if match else None


def test_browse_shows_the_whole_catalog_by_default(client, shop):
    page = browse(client)
    assert set(shown(page)) == ALL
    assert "10 items" in page.text and "Bags and outfits" in page.text


@pytest.mark.parametrize(("query", "expected"), [
    ("?kind=outfit", {"O-EVE", "O-BIZ", "O-CAS"}),
    ("?kind=bag&occasion=evening", {"B-GOLD", "B-SILVER"}),
    ("?occasion=casual,business", {"O-BIZ", "O-CAS", "B-NAVY", "B-CORAL", "B-VEGAN", "B-TOTE"}),
    ("?occasion=casual&occasion=business", {"O-BIZ", "O-CAS", "B-NAVY", "B-CORAL", "B-VEGAN", "B-TOTE"}),
    ("?colour=navy", {"O-BIZ", "B-NAVY"}),
    ("?colour=gold", {"B-GOLD"}),
    ("?size=micro", {"B-GOLD", "B-CORAL"}),
    ("?size=standard,oversized", {"B-TOTE", "B-XL"}),
    ("?material=fine+leather", {"B-GOLD", "B-NAVY", "B-TOTE"}),
    ("?material=canvas", {"B-CORAL"}),
    ("?season=holiday", {"O-EVE", "B-GOLD", "B-SILVER"}),
    ("?sustainability=vegan", {"B-VEGAN"}),
    ("?sustainability=certified", {"B-VEGAN"}),  # "certified:GRS" is certified
    ("?min_price=100&max_price=400", {"B-GOLD", "B-NAVY", "B-SILVER", "B-XL"}),
    ("?max_price=80", {"B-CORAL", "B-VEGAN"}),
    ("?in_stock=true&kind=bag&size=micro", {"B-GOLD"}),
    ("?in_stock=false", {"B-CORAL"}),
])
def test_each_filter_narrows_the_results(client, shop, query, expected):
    assert set(shown(browse(client, query))) == expected


def test_facet_counts_apply_the_other_filters_but_not_their_own(client, shop):
    page = browse(client, "?kind=bag&colour=navy")
    assert facet_count(page, "colour", "navy") == 1  # navy bags
    assert facet_count(page, "colour", "gold") == 1  # what ticking gold would add
    assert facet_count(page, "kind", "outfit") == 1  # navy outfits
    assert facet_count(page, "kind", "bag") == 1
    assert facet_count(page, "size", "mini") == 1
    everything = browse(client)
    assert facet_count(everything, "kind", "bag") == 7 and facet_count(everything, "kind", "outfit") == 3
    assert facet_count(everything, "occasion", "evening") == 3
    assert facet_count(everything, "sustainability", "certified") == 1
    assert facet_count(everything, "material", "fine leather") == 3
    assert re.search(r"In stock only</span><span class=\"count\">9<", everything.html)
    # Ticked values stay ticked, so the form submits the same state again.
    assert 'name="colour" value="navy" checked' in page.html


def test_sorting_by_price_and_name(client, shop):
    low = shown(browse(client, "?kind=bag&sort=price-low"))
    assert low[:3] == ["B-CORAL", "B-VEGAN", "B-SILVER"]
    assert shown(browse(client, "?kind=bag&sort=price-high"))[0] == "B-TOTE"
    assert shown(browse(client, "?kind=outfit&sort=name")) == ["O-EVE", "O-BIZ", "O-CAS"]


def test_pages_hold_24_items_and_keep_the_filters_in_their_links(client, db):
    add_items(db, *[item(f"B-{i:03d}", colours=["red"], width_cm="9", price=f"{10 + i}.00")
                    for i in range(30)], item("O-1", "outfit"))
    first = browse(client, "?kind=bag&sort=price-low")
    assert len(shown(first)) == 24 and shown(first)[0] == "B-000"
    assert "/browse?kind=bag&sort=price-low&page=2" in first.links()
    second = browse(client, "?kind=bag&sort=price-low&page=2")
    assert shown(second) == [f"B-{i:03d}" for i in range(24, 30)]
    assert "page 2 of 2" in second.text
    assert second.all("link", rel="canonical")[0]["href"].endswith("/browse?kind=bag&sort=price-low&page=2")
    assert client.get("/browse?kind=bag&page=3").status_code == 404


def test_filter_links_and_chips_keep_the_state_shareable(client, shop):
    page = browse(client, "?occasion=evening&kind=bag&sort=price-high")
    # Removing one filter keeps the others and the sort.
    assert "/browse?kind=bag&sort=price-high" in page.links()
    assert "/browse?occasion=evening&sort=price-high" in page.links()
    assert "Occasion: evening" in page.text and "Type: bags" in page.text
    # The sort links keep the filters.
    assert "/browse?kind=bag&occasion=evening&sort=name" in page.links()
    assert "Evening bags" in page.text


def test_an_empty_result_says_which_filter_to_loosen(client, shop):
    page = browse(client, "?colour=gold&occasion=business")
    assert shown(page) == []
    assert "Nothing matches all of these filters" in page.text
    assert "Remove the colour filter (gold) to see 3 items" in page.text
    assert "Remove the occasion filter (business) to see 1 item" in page.text
    assert "/browse?occasion=business" in page.links() and "/browse?colour=gold" in page.links()


@pytest.mark.parametrize("query", ["?colour=plaid", "?kind=shoe", "?min_price=-1", "?max_price=abc",
                                   "?sort=random", "?page=0", "?in_stock=maybe",
                                   "?min_price=500&max_price=100"])
def test_bad_filters_get_a_readable_400_page(client, shop, query):
    resp = client.get("/browse" + query)
    assert resp.status_code == 400 and resp.mimetype == "text/html"
    text = Page(resp.get_data(as_text=True)).text
    assert "Please check the filters" in text
    field = re.match(r"\?(\w+)", query).group(1)
    assert field in text
    assert "/browse" in Page(resp.get_data(as_text=True)).links()  # a way back
