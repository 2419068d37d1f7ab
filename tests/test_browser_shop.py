"""The shopper pages in Debian's Chromium, the way a shopper uses them.

At 1280 and 390 px a shopper clicks from the home page into a lookbook, on to an outfit,
to a bag that completes it, and into browse, where they filter, over-filter into an empty
result and loosen it again.  On every page: what the shopper sees (reasons in words,
formatted prices, colour swatches, bundle totals), no console or page error (the site's
Content-Security-Policy stays on), no sideways scrolling, and an axe-core WCAG 2.1 A/AA
audit with zero violations.
"""

from __future__ import annotations

import os
import re
from decimal import Decimal

import pytest

from tests.shop_fixtures import book, shop_items
from tests.test_browser import AXE_JS, CHROMIUM, REQUIRED, _page, browser, served  # noqa: F401 (fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM) and not REQUIRED,
                       reason="Debian chromium is not installed"),
    pytest.mark.skipif(not os.path.exists(AXE_JS) and not REQUIRED,
                       reason="axe-core is not installed (see .ci/run)"),
]
PRICE = re.compile(r"€\d{1,3}(?:,\d{3})*\.\d{2}")
MATCH_WORDS = re.compile(r"A strong match|A good match|Closest we have|Our stylists' pick", re.I)
SIZE = re.compile(r"(micro|mini|standard|oversized) \(\d+(\.\d)? cm\)")


@pytest.fixture
def shop_site(app, db, tmp_path):
    """A small shop, every item photographed, one published lookbook; served on a free port."""
    from lookbook.demo.drawing import draw_bag, draw_outfit
    from lookbook.images.service import ImageService
    from lookbook.transfer.importer import import_rows, read_json_value

    items = shop_items()
    for raw in items:
        if raw["kind"] == "bag":
            shot = draw_bag(raw["silhouette"], raw["colours"], raw.get("styles", []), float(raw["width_cm"]))
        else:
            shot = draw_outfit("gown" if "gown" in raw["name"] else "suit", raw["colours"])
        shot.save(tmp_path / f"{raw['sku']}.png")
        raw["image"] = f"{raw['sku']}.png"
    looks = [("O-EVE", "B-GOLD", ["B-GOLD", "B-TOTE"]), ("O-BIZ", "B-NAVY", []),
             ("O-CAS", "B-VEGAN", ["B-VEGAN", "B-XL"])]
    rows, books = read_json_value({"items": items, "lookbooks": [
        book("after-dark", looks, title="After dark", description="Small bags that catch the light.")]})
    with db.write() as session:
        report = import_rows(session, rows, books, base_dir=tmp_path,
                             images=ImageService(app.extensions["lookbook.storage"]))
        assert report.ok, report.errors
    # The model is warm before the shopper arrives (the first fit is not a page's work).
    assert app.test_client().get("/outfits/O-EVE").status_code == 200
    app.extensions["lookbook.model_holder"].wait(60)
    with served(app) as base:
        yield base


def _shopper(browser, width):  # noqa: F811 - the browser fixture, imported
    """A page with the CSP on; axe-core comes in as an init script, which the CSP allows."""
    page = _page(browser)
    page.set_viewport_size({"width": width, "height": 900})
    page.set_default_timeout(10_000)
    page.add_init_script(path=AXE_JS)
    return page


def check(page, where):
    """Fail on sideways scroll, a broken eager image, a console/page error or an axe violation."""
    page.wait_for_load_state("load")
    scroll = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll[0] <= scroll[1], f"{where}: scrolls sideways ({scroll[0]} > {scroll[1]} px)"
    broken = page.evaluate("""[...document.querySelectorAll('img[fetchpriority=high]')]
        .filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.alt)""")
    assert broken == [], f"{where}: photos did not load: {broken}"
    violations = page.evaluate("""async () => (await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations
        .map(v => `${v.id}: ${v.help} (${v.nodes.length}x: ${v.nodes[0].target})`)""")
    assert violations == [], f"{where}: {violations}"
    assert page.problems == [], f"{where}: {page.problems}"


def prices(text):
    """Return the amounts of every formatted price in ``text``, in order."""
    return [Decimal(p[1:].replace(",", "")) for p in PRICE.findall(text)]


def tab_stops(page, presses):
    """Press Tab ``presses`` times from the top; return where focus went (link targets)."""
    stops = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        stops.append(page.evaluate("document.activeElement.getAttribute('href')"))
    return stops


def click(page, locator):
    """Click a link the shopper can see, and wait for the page it leads to."""
    assert locator.is_visible()
    with page.expect_navigation():
        locator.click()


def open_filters(page, width):
    """At phone widths the filters fold behind a "Filter" link (no script needed)."""
    if width < 1024:
        assert not page.locator("form.filter-form").is_visible()
        page.click("a.browse__open")
    assert page.locator("form.filter-form").is_visible()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_shopper_clicks_from_home_to_a_lookbook_outfit_bag_and_browse(shop_site, browser, width):  # noqa: F811
    page = _shopper(browser, width)

    # Home: the new lookbook up front, a way in by occasion.
    page.goto(shop_site + "/")
    check(page, "home")
    assert page.locator(".hero h2").inner_text() == "After dark"
    for occasion in ("Casual", "Business", "Evening"):
        assert page.locator(".occasion__name a", has_text=occasion).is_visible()
    stops = tab_stops(page, 25)  # the cards are reachable from the keyboard, in reading order
    assert stops.index("/browse?occasion=evening") < stops.index("/lookbooks/after-dark")
    click(page, page.get_by_role("link", name="See the 3 looks of After dark"))

    # Lookbook: every look, its photos, prices in euros, swatches by name, the set's total.
    assert page.url == shop_site + "/lookbooks/after-dark"
    check(page, "lookbook")
    assert page.locator("h1").inner_text() == "After dark"
    assert page.locator("section.look").count() == 3
    first = page.locator("#look-1")
    text = first.inner_text()
    assert "Black silk gown, with Gold chain micro" in text
    assert "€1,334.90" in text and "€219.90" in text and "1334.90 EUR" not in text
    assert first.locator(".swatches li", has_text="burgundy").is_visible()
    assert first.locator(".badge", has_text="Limited edition").is_visible()
    assert "micro (8 cm)" in text
    assert first.locator(".look__note").inner_text() == "Wear B-GOLD with O-EVE."
    set_text = first.locator(".set").inner_text()
    assert "Camel leather tote" in set_text and "standard (32 cm)" in set_text  # the larger bag
    *parts, total = prices(set_text)
    assert parts == [Decimal("219.90"), Decimal("480.00")] and total == sum(parts)
    shop = first.get_by_role("link", name=re.compile(r"^Shop this bag\s*: Gold chain micro$"))
    assert shop.get_attribute("href") == "https://shop.example/bags/gold-chain-micro"
    click(page, first.locator(".piece__name a", has_text="Black silk gown"))

    # Outfit: bags that complete the look, their fit in words with reasons, bundles with totals.
    assert page.url == shop_site + "/outfits/O-EVE"
    check(page, "outfit")
    assert page.locator("h1").inner_text() == "Black silk gown"
    assert page.locator(".product__price").inner_text() == "€1,334.90"
    assert page.locator(".product__info .swatches").inner_text().split() == ["black", "burgundy"]
    cards = page.locator("#complete .card")
    assert cards.count() >= 2
    for n in range(cards.count()):
        card = cards.nth(n).inner_text()
        assert MATCH_WORDS.search(card) and PRICE.search(card), card
        assert cards.nth(n).locator(".reasons li").count() >= 1
    complete = page.locator("#complete").inner_text()
    assert not re.search(r"\b0\.\d+\b|\b\d{1,2}\s?%", complete)  # no raw scores
    assert "Coral canvas micro" not in complete  # sold out: never recommended
    bundles = page.locator("#bundles .bundle")
    assert bundles.count() >= 1
    for n in range(bundles.count()):
        accent, everyday, total = prices(bundles.nth(n).inner_text())
        assert total == accent + everyday
    assert page.get_by_role("link", name=re.compile(r"^Shop the outfit\s*: Black silk gown$")).is_visible()
    bag_link = cards.first.locator(".card__title a")
    bag_name = bag_link.inner_text()
    click(page, bag_link)

    # Bag: the bag, outfits to wear it with (in words), similar bags, its size in words.
    assert re.fullmatch(shop_site + r"/bags/B-[A-Z]+", page.url)
    check(page, "bag")
    assert page.locator("h1").inner_text() == bag_name
    assert PRICE.fullmatch(page.locator(".product__price").inner_text())
    assert SIZE.search(page.locator(".facts").inner_text())
    assert page.locator(".product__info .swatches li").count() >= 1
    wear = page.locator("#wear .card")
    assert wear.count() >= 1 and MATCH_WORDS.search(wear.first.inner_text())
    assert page.locator("#similar .card").count() >= 1
    click(page, page.locator(".crumbs a", has_text="Bags"))

    # Browse: every bag; filter to evening bags, then to nothing, then loosen one filter.
    assert page.url == shop_site + "/browse?kind=bag"
    check(page, "browse")
    assert page.locator("h1").inner_text() == "Bags"
    assert page.locator(".page-head [role=status]").inner_text() == "7 items"
    assert page.locator(".browse__results .card").count() == 7
    open_filters(page, width)
    check(page, "browse, filters open")
    assert page.evaluate("""[...document.querySelectorAll('.facet')]
        .every(f => f.scrollWidth <= f.clientWidth)"""), "a filter sticks out of its column"
    evening = page.locator("label.check", has_text="Evening")
    assert evening.locator(".count").inner_text() == "2"
    evening.click()
    click(page, page.get_by_role("button", name="Show results"))
    assert "occasion=evening" in page.url and "kind=bag" in page.url
    check(page, "browse, filtered")
    assert page.locator("h1").inner_text() == "Evening bags"
    names = page.locator(".browse__results .card__title").all_inner_texts()
    assert sorted(names) == ["Gold chain micro", "Silver clutch"]
    assert page.locator(".chip", has_text="Occasion: evening").is_visible()
    assert all(PRICE.search(c) for c in page.locator(".browse__results .card").all_inner_texts())

    open_filters(page, width)
    page.fill("#max_price", "10")
    click(page, page.get_by_role("button", name="Show results"))
    check(page, "browse, empty")
    assert page.locator(".page-head [role=status]").inner_text() == "0 items"
    empty = page.locator(".empty")
    assert "Nothing matches all of these filters" in empty.inner_text()
    loosen = empty.get_by_role("link", name=re.compile(r"Remove the price range filter \(up to €10\.00\)"))
    assert "to see 2 items" in empty.locator("li", has_text="Remove the price range").inner_text()
    click(page, loosen)
    assert page.locator(".browse__results .card").count() == 2
    check(page, "browse, loosened")
