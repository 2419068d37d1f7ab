"""Shopper pages over the Flask test client: what a shopper sees on each page, the 404s,
prices in two locales, share tags, and a query count that does not grow with the looks."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import event

from tests.html_page import Page
from tests.shop_fixtures import book, import_shop, shop_items


@pytest.fixture
def shop(app, db, tmp_path):
    import_shop(db, app.extensions["lookbook.storage"], tmp_path)
    return db


def page(client, path, **headers):
    resp = client.get(path, headers=headers)
    assert resp.status_code == 200, (path, resp.status_code, resp.get_data(as_text=True)[:500])
    assert resp.mimetype == "text/html"
    return Page(resp.get_data(as_text=True))


# -- home ------------------------------------------------------------------------------------
def test_home_leads_with_the_newest_lookbook_and_enters_by_occasion(client, shop):
    home = page(client, "/")
    assert "After dark" in home.text and "Small bags that catch the light." in home.text
    links = home.links()
    assert "/lookbooks/after-dark" in links
    assert not {"/lookbooks/draft", "/lookbooks/later", "/lookbooks/ended"} & set(links)
    for occasion in ("casual", "business", "evening"):
        assert f"/browse?occasion={occasion}" in links
    # The cover look is the outfit and its bag together, photographed.
    covers = [img for img in home.all("img") if "Gold chain micro" in img["alt"]]
    assert covers and covers[0]["alt"] == "Gold chain micro, in gold and black"


def test_home_puts_the_newest_lookbook_first(client, app, db, tmp_path):
    import_shop(db, app.extensions["lookbook.storage"], tmp_path, photos=False, lookbooks=[
        book("older", [("O-EVE", "B-GOLD", [])], title="Older book"),
        book("newer", [("O-BIZ", "B-NAVY", [])], title="Newer book")])
    from sqlalchemy import select

    from lookbook.lookbooks.models import Lookbook

    with db.write() as session:
        books = {b.slug: b for b in session.scalars(select(Lookbook))}
        books["newer"].publish_at = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
        books["older"].publish_at = dt.datetime(2024, 9, 1, tzinfo=dt.UTC)
    text = page(client, "/").text
    assert text.index("Newer book") < text.index("Older book")


def test_home_without_lookbooks_says_so_and_offers_browse(client, db):
    home = page(client, "/")
    assert "No lookbook is published yet" in home.text
    assert "/browse" in home.links()


# -- lookbook --------------------------------------------------------------------------------
def test_a_lookbook_shows_every_look_with_prices_swatches_badges_and_bundle(client, shop):
    lb = page(client, "/lookbooks/after-dark")
    text = lb.text
    assert lb.all("h1")  # one page title
    assert "After dark" in text and "Holiday" in text and "Middle East" in text
    assert "3 looks" in text
    for sku, name in (("O-EVE", "Black silk gown"), ("B-GOLD", "Gold chain micro"),
                      ("O-BIZ", "Navy wool suit"), ("B-NAVY", "Navy leather mini")):
        assert name in text
        kind = "outfits" if sku.startswith("O-") else "bags"
        assert f"/{kind}/{sku}" in lb.links()
    assert "Wear B-GOLD with O-EVE." in text  # the styling note
    assert "€1,334.90" in text and "€219.90" in text  # Babel, not "1334.90 EUR"
    assert "1334.90 EUR" not in text
    assert "Limited edition" in text
    assert "micro (8 cm)" in text and "mini (15.5 cm)" in text
    # Swatches carry their colour names, drawn in the colour's hex.
    assert "burgundy" in text and 'fill="#800020"' in lb.html
    # The bundle: accent and functional piece, both prices and the total.
    assert "Make it a set" in text and "Camel leather tote" in text and "€480.00" in text
    assert re.search(r"Together\s*€699\.90", text)
    assert "Shop this bag" in text and "https://shop.example/bags/gold-chain-micro" in lb.links()
    assert "Shop the outfit" in text


def test_a_bundle_discount_setting_shows_the_saving(client, shop, app):
    app.config["LOOKBOOK"] = app.config["LOOKBOOK"].override({"bundle_discount_percent": "10"})
    text = page(client, "/lookbooks/after-dark").text
    assert re.search(r"Together\s*€629\.91 instead of €699\.90 save €69\.99", text)


@pytest.mark.parametrize("slug", ["draft", "later", "ended", "no-such-book", "After-Dark"])
def test_unpublished_scheduled_ended_and_unknown_lookbooks_are_404(client, shop, slug):
    resp = client.get(f"/lookbooks/{slug}")
    assert resp.status_code == 404
    assert resp.mimetype == "text/html"
    assert "Not Found" in resp.get_data(as_text=True)


# -- outfit and bag --------------------------------------------------------------------------
def test_an_outfit_page_completes_the_look_in_words_not_numbers(client, shop):
    outfit = page(client, "/outfits/O-EVE")
    text = outfit.text
    assert outfit.all("h1") and "Black silk gown" in text and "€1,334.90" in text
    assert "Complete the look" in text
    cards = [h for h in outfit.links() if h.startswith("/bags/")]
    assert cards, "no bags recommended"
    assert re.search(r"A strong match|A good match|Closest we have|Our stylists' pick", text)
    assert not re.search(r"\b0\.\d{2,}\b", text)  # scores are words, never raw numbers
    assert "B-CORAL" not in " ".join(cards)  # sold out: not recommended
    assert "Bundles" in text and "The everyday bag" in text and "Together" in text
    assert "Shop the outfit" in text


def test_an_outfit_page_shows_more_curated_looks(client, app, db, tmp_path):
    import_shop(db, app.extensions["lookbook.storage"], tmp_path, photos=False, lookbooks=[
        book("evenings", [("O-EVE", "B-GOLD", []), ("O-EVE2", "B-SILVER", [])])],
        items=[*shop_items(), {**shop_items()[0], "sku": "O-EVE2", "name": "Burgundy slip dress"}])
    outfit = page(client, "/outfits/O-EVE")
    assert "More looks like this" in outfit.text
    assert "/lookbooks/evenings#look-2" in outfit.links()


def test_a_pinned_bag_is_the_stylists_pick_on_every_visit_and_a_new_pin_shows_at_once(client, shop, db):
    """Page answers are remembered per revision, pinned bags included: a second visit (served
    from memory) shows the same pick, and a curator's new pin changes the page right away."""
    from sqlalchemy import select

    from lookbook.catalog.models import CurationRule, Item

    def pin(bag_sku):
        with db.write() as session:
            ids = {i.sku: i.id for i in session.scalars(select(Item))}
            session.add(CurationRule(outfit_id=ids["O-BIZ"], bag_id=ids[bag_sku], action="pin"))

    pin("B-SILVER")
    for _visit in range(2):
        cards = page(client, "/outfits/O-BIZ").text.split("Complete the look")[-1]
        assert re.search(r"Our stylists' pick .{0,80}Silver clutch", cards)
    pin("B-GOLD")
    cards = page(client, "/outfits/O-BIZ").text.split("Complete the look")[-1]
    assert re.search(r"Our stylists' pick .{0,80}Gold chain micro", cards)


def test_a_bag_page_shows_outfits_similar_bags_and_its_lookbooks(client, shop):
    bag = page(client, "/bags/B-GOLD")
    text = bag.text
    assert "Gold chain micro" in text and "micro (8 cm)" in text and "Limited edition" in text
    assert "Wear it with" in text and any(h.startswith("/outfits/") for h in bag.links())
    assert "Similar bags" in text
    assert "In our lookbooks" in text and "/lookbooks/after-dark#look-1" in bag.links()
    assert "Shop this bag" in text


def test_a_bag_in_a_bundle_lists_the_lookbook_too(client, shop):
    bag = page(client, "/bags/B-TOTE")
    assert "/lookbooks/after-dark#look-1" in bag.links() and "In the set" in bag.text
    assert "Shop this bag" not in bag.text  # no url, no shop link


@pytest.mark.parametrize("path", ["/outfits/NOPE", "/bags/NOPE", "/outfits/B-GOLD", "/bags/O-EVE"])
def test_unknown_items_and_wrong_kinds_are_404(client, shop, path):
    resp = client.get(path)
    assert resp.status_code == 404 and resp.mimetype == "text/html"


def test_item_pages_still_show_the_item_when_no_model_can_be_served(client, shop, app, monkeypatch):
    from lookbook.recommend.holder import ModelUnavailable

    def unavailable(session):
        raise ModelUnavailable("no model")

    monkeypatch.setattr(app.extensions["lookbook.model_holder"], "current", unavailable)
    for path, name in (("/outfits/O-EVE", "Black silk gown"), ("/bags/B-GOLD", "Gold chain micro")):
        text = page(client, path).text
        assert name in text and "recommendations are being refreshed" in text


# -- locale ----------------------------------------------------------------------------------
def test_prices_follow_the_shoppers_language(client, shop):
    german = client.get("/outfits/O-EVE", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert "1.334,90\xa0€" in german.get_data(as_text=True)
    assert "Accept-Language" in german.headers["Vary"]
    english = page(client, "/outfits/O-EVE", **{"Accept-Language": "en-US"})
    assert "€1,334.90" in english.text
    navy = client.get("/bags/B-NAVY", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "mini (15,5 cm)" in navy  # sizes follow the shopper's numbers too
    assert "mini (15.5 cm)" in page(client, "/bags/B-NAVY").text


# -- sharing ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("path", "canonical"), [
    ("/", "http://localhost/"),
    ("/lookbooks/after-dark", "http://localhost/lookbooks/after-dark"),
    ("/outfits/O-EVE", "http://localhost/outfits/O-EVE"),
    ("/bags/B-GOLD", "http://localhost/bags/B-GOLD"),
    ("/browse?occasion=evening&kind=bag&utm_source=x", "http://localhost/browse?kind=bag&occasion=evening"),
])
def test_every_page_has_a_title_description_canonical_and_share_card(client, shop, path, canonical):
    p = page(client, path)
    assert p.title().endswith("· Lookbook") and len(p.title()) > len("· Lookbook") + 3
    assert 50 <= len(p.meta("description") or "") <= 300
    assert p.all("link", rel="canonical")[0]["href"] == canonical
    assert p.meta("og:url") == canonical and p.meta("og:title") and p.meta("og:description")
    assert p.meta("twitter:card") in ("summary", "summary_large_image")
    image = p.meta("og:image")
    if image:  # product photos are absolute so previews can fetch them
        assert image.startswith("http://localhost/media/")
        assert p.meta("twitter:image") == image and p.meta("og:image:alt")


def test_lookbook_and_product_pages_share_their_photo(client, shop):
    for path in ("/lookbooks/after-dark", "/outfits/O-EVE", "/bags/B-GOLD", "/"):
        p = page(client, path)
        assert p.meta("og:image").startswith("http://localhost/media/"), path
        assert p.meta("twitter:card") == "summary_large_image"
        with client.get(p.meta("og:image").removeprefix("http://localhost")) as photo:
            assert photo.status_code == 200 and photo.mimetype == "image/jpeg"


def test_images_are_lazy_sized_and_responsive(client, shop):
    lb = page(client, "/lookbooks/after-dark")
    images = lb.all("img")
    assert images
    for img in images:
        assert img["width"] and img["height"] and img["alt"] and img["srcset"] and img["sizes"]
        assert re.fullmatch(r"(/media/\S+ \d+w)(, /media/\S+ \d+w)*", img["srcset"])
    first, *rest = images
    assert first.get("fetchpriority") == "high"  # the first look is the largest paint
    assert rest and all(i.get("loading") == "lazy" for i in rest[2:])


# -- query count -----------------------------------------------------------------------------
def count_queries(db, client, path):
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return len(statements)


def test_a_lookbook_costs_the_same_queries_for_3_or_24_looks(client, app, db, tmp_path):
    items = shop_items()
    small = [("O-EVE", "B-GOLD", ["B-GOLD", "B-TOTE"]), ("O-BIZ", "B-NAVY", []),
             ("O-CAS", "B-VEGAN", ["B-VEGAN", "B-XL"])]
    bags = [i["sku"] for i in items if i["kind"] == "bag"]
    outfits = [i["sku"] for i in items if i["kind"] == "outfit"]
    large = [(outfits[i % 3], bags[i % len(bags)], ["B-SILVER", "B-XL"] if i % 2 else [])
             for i in range(24)]
    import_shop(db, app.extensions["lookbook.storage"], tmp_path,
                lookbooks=[book("small", small), book("large", large)])
    client.get("/")  # warm the app (first-request work is not the page's)
    few = count_queries(db, client, "/lookbooks/small")
    many = count_queries(db, client, "/lookbooks/large")
    assert few == many <= 20
    assert count_queries(db, client, "/") <= 20


def test_item_pages_and_home_cost_the_same_queries_for_8_or_32_looks(client, app, db, tmp_path):
    """The outfit, bag and home pages read looks too (more looks like this, in our lookbooks,
    covers and occasion tiles): 24 more looks, in a second lookbook, add no query."""
    from lookbook.recommend.answer_cache import AnswerCache
    from lookbook.server.services import CACHE, HOLDER

    items = [*shop_items(), {**shop_items()[0], "sku": "O-EVE2", "name": "Burgundy slip dress"}]
    bags = [i["sku"] for i in items if i["kind"] == "bag"]
    outfits = [i["sku"] for i in items if i["kind"] == "outfit"]

    def looks(n, start=0):
        return [(outfits[i % len(outfits)], bags[i % len(bags)], ["B-SILVER", "B-XL"] if i % 2 else [])
                for i in range(start, start + n)]

    import_shop(db, app.extensions["lookbook.storage"], tmp_path, items=items,
                lookbooks=[book("first", looks(8))])
    paths = ("/", "/outfits/O-EVE", "/outfits/O-CAS", "/bags/B-GOLD", "/bags/B-XL")

    def settled_counts():
        """Count each page's queries with its recommendations computed, then remembered."""
        client.get("/outfits/O-EVE")
        app.extensions[HOLDER].wait(60)  # the model fits this revision; no refit reads meanwhile
        cache = app.extensions[CACHE] = AnswerCache()  # nothing remembered yet
        computed = {path: count_queries(db, client, path) for path in paths}
        misses, hits = cache.misses, cache.hits
        remembered = {path: count_queries(db, client, path) for path in paths}
        reused = cache.misses == misses and cache.hits > hits  # the second visits only hit
        return computed, remembered, reused

    few = settled_counts()
    import_shop(db, app.extensions["lookbook.storage"], tmp_path, items=items, photos=False,
                lookbooks=[book("second", looks(24, start=3))])
    many = settled_counts()
    assert "/lookbooks/second" in page(client, "/").links()
    assert "/lookbooks/second#look-1" in page(client, "/outfits/O-EVE").links()
    assert few == many
    computed, remembered, reused = many
    assert max(computed.values()) <= 30
    assert reused  # every answer the second visits needed was remembered, none recomputed
    assert all(remembered[p] <= computed[p] for p in paths)


def test_browse_and_home_query_counts_do_not_grow_with_the_catalog(client, app, db, tmp_path):
    from tests.conftest import add_items, item

    import_shop(db, app.extensions["lookbook.storage"], tmp_path)
    client.get("/")
    paths = ("/", "/browse", "/browse?colour=gold,navy")
    # Each page twice: counted afresh, then with the browse counts remembered for the revision.
    before = {p: (count_queries(db, client, p), count_queries(db, client, p)) for p in paths}
    add_items(db, *[item(f"X-{i}", colours=["red", "gold"], width_cm=str(6 + i % 30)) for i in range(60)])
    after = {p: (count_queries(db, client, p), count_queries(db, client, p)) for p in paths}
    assert before == after
    assert max(max(pair) for pair in after.values()) <= 20
    assert after["/browse"][1] < after["/browse"][0]
    assert "60 items" in page(client, "/browse?colour=red").text  # new items show at once


# -- robots ----------------------------------------------------------------------------------
def test_robots_txt_keeps_crawlers_on_the_shopper_pages(client):
    resp = client.get("/robots.txt")
    assert resp.status_code == 200 and resp.mimetype == "text/plain"
    assert "Disallow: /curate" in resp.get_data(as_text=True)
