"""Long studio lists page by signed row keys: every item once, in order, both ways; forged links are a 400."""

import html
import re

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select, text

from lookbook.catalog.models import Item
from lookbook.lookbooks.models import Lookbook
from tests.conftest import add_items, item
from tests.studio_helpers import Studio, make_user

NEXT = re.compile(r'<a href="([^"]+)" rel="next">')
PREV = re.compile(r'<a href="([^"]+)" rel="prev">')
SKU_CELL = re.compile(r'<td data-label="SKU"><code>([^<]+)</code>')
PICK_SKU = re.compile(r'<span class="pick-card__meta small muted">([^ <]+)')
# Python's view of each order: the column, high to low?, and the id breaking ties.
ORDERS = {"name": ("name", False), "sku": ("sku", False), "price": ("price", False),
          "-price": ("price", True), "recent": ("updated_at", True)}


@pytest.fixture
def ana(app, db):
    return Studio(app, make_user(db, "ana@shop.example"))


@pytest.fixture
def catalog(db, monkeypatch):
    """Thirteen bags whose names and prices tie in runs, three to a page, counted up to five."""
    from lookbook.web.studio import items as items_view

    monkeypatch.setattr(items_view, "PER_PAGE", 3)
    monkeypatch.setattr(items_view, "COUNT_UP_TO", 5)
    names = ["Tote", "Tote", "Tote", "Clutch", "Clutch", "Micro", "Tote", "Bucket", "Bucket",
             "Bucket", "Bucket", "Saddle", "Clutch"]
    prices = ["50.00", "50.00", "20.00", "50.00", "99.00", "20.00", "20.00", "50.00", "50.00",
              "75.00", "75.00", "50.00", "10.00"]
    add_items(db, *[item(f"B-{i:02d}", name=n, price=p) for i, (n, p) in enumerate(zip(names, prices))])
    return db


def expected(db, order: str) -> list[str]:
    column, descending = ORDERS[order]
    with db.session() as session:
        rows = [(getattr(i, column), i.id, i.sku) for i in session.scalars(select(Item))]
    return [sku for *_key, sku in sorted(rows, reverse=descending)]


def walk(ana, first: str, link: re.Pattern, cells: re.Pattern) -> tuple[list[list[str]], list[str]]:
    """Follow one kind of link from ``first`` to its end; return each page's skus and the links."""
    pages, links, path = [], [], first
    while path:
        page = ana.page(path)
        pages.append(cells.findall(page))
        found = link.search(page)
        path = html.unescape(found.group(1)) if found else None
        if path:
            links.append(path)
        assert len(pages) < 20, "paging never ends"
    return pages, links


@pytest.mark.parametrize("order", list(ORDERS))
def test_next_links_reach_every_item_once_in_order_and_previous_links_come_back(ana, catalog, order):
    query = "" if order == "name" else f"?sort={order}"
    forward, links = walk(ana, f"/curate/items/{query}", NEXT, SKU_CELL)
    assert [len(p) for p in forward] == [3, 3, 3, 3, 1]
    assert [sku for page in forward for sku in page] == expected(catalog, order)
    assert all("after=" in link for link in links)  # a row key, not an offset to walk
    last = ana.page(links[-1])
    assert "More than 5 items" in last and "Page 5<" in last and 'rel="next"' not in last

    backward, back_links = walk(ana, links[-1], PREV, SKU_CELL)
    assert backward == forward[::-1]
    assert all("before=" in link for link in back_links[:-1])
    assert "before=" not in back_links[-1] and "after=" not in back_links[-1]  # page 1 is a plain link
    assert "Page 1<" in ana.page(back_links[-1])


def test_page_links_keep_the_filters_and_old_page_numbers_still_work(ana, catalog):
    first = ana.page("/curate/items/?q=tote&sort=price")
    link = html.unescape(NEXT.search(first).group(1))
    assert "q=tote" in link and "sort=price" in link
    tote = [s for page in walk(ana, "/curate/items/?q=tote&sort=price", NEXT, SKU_CELL)[0] for s in page]
    assert tote == [s for s in expected(catalog, "price") if s in {"B-00", "B-01", "B-02", "B-06"}]
    assert SKU_CELL.findall(ana.page("/curate/items/?page=2")) == expected(catalog, "name")[3:6]


def test_the_outfit_picker_pages_by_name_through_ties(ana, db, monkeypatch):
    from lookbook.web.studio import looks as looks_view

    monkeypatch.setattr(looks_view, "PER_PAGE", 2)
    add_items(db, *[item(f"O-{i}", "outfit", name="Navy suit" if i % 2 else "Navy dress",
                         occasions=["business"]) for i in range(7)], item("B-1", name="Navy tote"))
    ana.post("/curate/lookbooks/new", {"title": "Night out"})
    with db.session() as session:
        book_id = session.scalar(select(Lookbook.id))
        outfits = [(i.name, i.id, i.sku) for i in session.scalars(select(Item).where(Item.kind == "outfit"))]
    pages, links = walk(ana, f"/curate/lookbooks/{book_id}/add?q=navy&occasion=business", NEXT, PICK_SKU)
    assert [s for page in pages for s in page] == [sku for *_key, sku in sorted(outfits)]
    assert all("q=navy" in link and "occasion=business" in link for link in links)


def _signed(app, data) -> str:
    return URLSafeSerializer(app.secret_key, salt="studio-page-link").dumps(data)


def test_a_damaged_or_forged_page_link_is_a_clear_400(app, ana, catalog):
    link = html.unescape(NEXT.search(ana.page("/curate/items/?sort=price")).group(1))
    token = re.search(r"after=([^&]+)", link).group(1)
    tampered = link.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    bad = [
        tampered,
        "/curate/items/?after=not-a-link",
        "/curate/items/?after=" + "x" * 1000,
        link.replace("sort=price", "sort=name"),  # a price key cannot seek a list of names
        link.replace("after=", "before=") + "&after=" + token,  # both ways at once
        "/curate/items/?after=" + _signed(app, {"o": "name", "k": ["Tote"]}),  # no id
        "/curate/items/?after=" + _signed(app, {"o": "name", "k": [5, 1]}),
        "/curate/items/?sort=price&after=" + _signed(app, {"o": "price", "k": ["NaN", 1]}),
        "/curate/items/?sort=price&after=" + _signed(app, {"o": "price", "k": ["cheap", 1]}),
        "/curate/items/?sort=recent&before=" + _signed(app, {"o": "recent", "k": ["yesterday", 1]}),
        "/curate/items/?sort=recent&before=" + _signed(app, {"o": "recent", "k": ["2026-01-01", True]}),
        "/curate/items/?after=" + _signed(app, ["name", "Tote", 1]),
        "/curate/items/?page=2000",  # deep pages by number would walk every row before them
    ]
    for path in bad:
        resp = ana.get(path)
        assert resp.status_code == 400, path
        assert "page link is damaged or out of date" in resp.get_data(as_text=True) \
            or "either after or before" in resp.get_data(as_text=True) \
            or "reached with the Next and Previous links" in resp.get_data(as_text=True), path
    assert ana.get(link).status_code == 200


def test_the_studio_home_says_how_many_outfits_and_bags_exactly_or_about(app, ana, db, monkeypatch):
    from lookbook.catalog.queries import Count
    from lookbook.web import curate

    add_items(db, *[item(f"B-{i}") for i in range(5)], item("O-1", "outfit"), item("O-2", "outfit"))
    assert "2 outfits and 5 bags in the catalog." in ana.page("/curate/")

    monkeypatch.setattr(curate, "COUNT_UP_TO", 3)  # bags are now past the cap
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE items"))  # what autovacuum keeps up to date
        assert "2 outfits and about 5 bags in the catalog." in ana.page("/curate/")
    else:  # SQLite keeps no estimate, and counts an index quickly
        assert "2 outfits and 5 bags in the catalog." in ana.page("/curate/")

    monkeypatch.setattr(curate, "COUNT_UP_TO", 1000)
    assert curate.say_count(Count(25_123, False), "outfit") == "about 25,000 outfits"
    assert curate.say_count(Count(1_001, False), "bag") == "more than 1,000 bags"
    assert curate.say_count(Count(1, True), "bag") == "1 bag"
