"""The curator studio in Debian's Chromium: a stylist builds, orders, steers and publishes
a lookbook by clicks alone, and every studio page passes axe-core at desktop and phone widths."""

from __future__ import annotations

import os
from typing import Any

import pytest

from lookbook.auth.users import create_user
from tests.conftest import item
from tests.studio_helpers import Studio
from tests.test_browser import (
    AXE_JS,
    CHROMIUM,
    PASSWORD,
    REQUIRED,
    _axe_violations,
    _page,
    browser,  # noqa: F401 (the fixture)
    served,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM) and not REQUIRED,
                       reason="Debian chromium is not installed"),
]
CURATOR, ADMIN = "stylist@shop.example", "admin@shop.example"

OUTFITS = {
    "O-NAVY": ("Navy evening suit", "suit", ["navy"], ["evening"]),
    "O-CAMEL": ("Camel weekend coat", "coat", ["camel", "ivory"], ["casual", "travel"]),
    "O-IVORY": ("Ivory wedding gown", "gown", ["ivory"], ["wedding", "evening"]),
    "O-GREY": ("Grey office trousers", "trousers", ["grey", "white"], ["business"]),
}
BAGS = {  # micro and mini accents, and two functional totes for bundles
    "B-GOLD": ("Gold chain micro", "chain", "gold", 9, ["metallic"]),
    "B-SILVER": ("Silver clutch", "clutch", "silver", 12, ["metallic"]),
    "B-CORAL": ("Coral pouch", "pouch", "coral", 8, ["playful"]),
    "B-BLACK": ("Black crossbody mini", "crossbody", "black", 16, ["minimalist"]),
    "B-RED": ("Red top-handle mini", "top-handle", "red", 14, ["heritage"]),
    "B-PINK": ("Pink wristlet", "wristlet", "pink", 11, ["quirky shape"]),
    "T-BLACK": ("Black leather tote", "tote", "black", 38, ["minimalist"]),
    "T-CAMEL": ("Camel canvas tote", "tote", "camel", 36, ["heritage"]),
}


def _catalog(tmp_path) -> dict[str, Any]:
    """Photograph every item and return an import document (with a draft lookbook)."""
    from lookbook.demo.drawing import draw_bag, draw_outfit

    items = []
    for sku, (name, shape, colours, occasions) in OUTFITS.items():
        draw_outfit(shape, colours).save(tmp_path / f"{sku}.png")
        items.append(item(sku, "outfit", name=name, colours=colours, occasions=occasions,
                          image=f"{sku}.png", price="240.00"))
    for n, (sku, (name, silhouette, colour, width, styles)) in enumerate(BAGS.items()):
        draw_bag(silhouette, [colour], styles, width).save(tmp_path / f"{sku}.png")
        items.append(item(sku, name=name, colours=[colour], width_cm=str(width), silhouette=silhouette,
                          styles=styles, occasions=["evening", "casual", "wedding", "business", "travel"],
                          image=f"{sku}.png", price=f"{90 + 15 * n}.00"))
    return {"items": items,
            "lookbooks": [{"slug": "city-days", "title": "City days", "published": False,
                           "looks": [{"outfit": "O-GREY", "bag": "B-BLACK", "note": "Quiet and sharp."}]}]}


@pytest.fixture
def studio_server(app, db, tmp_path):
    """Serve the app with a small photographed catalog, a curator and an admin; yield its URL."""
    from lookbook.images.service import ImageService
    from lookbook.transfer.importer import import_rows, read_json_value

    rows, books = read_json_value(_catalog(tmp_path))
    with db.write() as session:
        report = import_rows(session, rows, books, base_dir=tmp_path,
                             images=ImageService(app.extensions["lookbook.storage"]))
        assert report.ok, report.errors
        create_user(session, CURATOR, PASSWORD)
        create_user(session, ADMIN, PASSWORD, role="admin")
    app.config["WTF_CSRF_ENABLED"] = True
    with served(app) as base:
        yield base


def _sign_in(page, base: str, email: str) -> None:
    page.goto(base + "/curate/")
    assert "/login" in page.url  # the studio is private
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Lookbooks", level=1).wait_for()


def _titles(page) -> list[str]:
    return page.locator("ol.looks .look__title").all_inner_texts()


def _add_look(page, search: dict[str, str], outfit: str, bag_rank: int, note: str,
              bundle: bool = False) -> str:
    """Add a look from the editor by clicks; return the chosen bag's name."""
    from playwright.sync_api import expect

    page.get_by_role("link", name="Add a look").click()
    if "q" in search:
        page.get_by_label("Name or SKU", exact=True).fill(search["q"])
    if "occasion" in search:
        page.get_by_label("Occasion", exact=True).select_option(search["occasion"])
    if "colour" in search:
        page.get_by_label("Colour", exact=True).select_option(search["colour"])
    page.get_by_role("button", name="Search outfits").click()
    cards = page.locator(".pick-card")
    expect(cards.filter(has_text=outfit)).to_have_count(1)
    assert cards.count() < len(OUTFITS), "the search narrowed the outfits"
    cards.filter(has_text=outfit).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Choose a bag for {outfit}")

    recs = page.get_by_role("group", name="Recommended bags").locator(".rec")
    assert recs.count() >= 3, "several recommended bags to choose from"
    chosen = recs.nth(bag_rank)
    name = chosen.locator(".rec__name").inner_text()
    reasons = chosen.locator(".rec__reasons span").all_inner_texts()
    assert reasons and all(r.strip() for r in reasons), "each recommendation says why"
    expect(chosen.locator("img")).to_be_visible()  # its photo
    chosen.locator("label").click()
    expect(chosen.get_by_role("radio")).to_be_checked()
    if bundle:
        offers = page.get_by_role("group", name="Bundle (optional)").get_by_role("radio")
        assert offers.count() >= 2, "no bundle offered"
        offers.nth(1).check()
    page.get_by_label("Styling note", exact=True).fill(note)
    page.get_by_role("button", name="Add this look").click()
    expect(page.get_by_role("status").filter(has_text="Look added.")).to_be_visible()
    return name


def test_a_stylist_builds_steers_and_publishes_a_lookbook_by_clicks(studio_server, browser):  # noqa: F811
    from playwright.sync_api import expect

    base = studio_server
    page = _page(browser)
    _sign_in(page, base, CURATOR)

    page.get_by_role("link", name="Create a lookbook").click()
    page.get_by_label("Title", exact=True).fill("Evening edit")
    page.get_by_label("Description", exact=True).fill("Three looks for after six.")
    page.get_by_label("Season", exact=True).select_option("autumn")
    page.get_by_role("button", name="Create lookbook").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evening edit")
    expect(page.locator(".tag--draft")).to_have_text("Draft")

    bags = [
        _add_look(page, {"q": "navy"}, "Navy evening suit", 0, "Gold lifts the navy.", bundle=True),
        _add_look(page, {"q": "o-ivory"}, "Ivory wedding gown", 1, "Soft and bright."),
        _add_look(page, {"occasion": "casual", "colour": "camel"}, "Camel weekend coat", 0,
                  "Easy for the weekend."),
    ]
    first, second, third = (f"{o} with {b}" for o, b in zip(
        ("Navy evening suit", "Ivory wedding gown", "Camel weekend coat"), bags, strict=True))
    assert _titles(page) == [first, second, third]
    expect(page.locator("#looks .look").first.locator(".look__bundle")).to_contain_text("Bundle:")
    expect(page.locator("#looks .look").first.locator("textarea")).to_have_value("Gold lifts the navy.")

    # Reorder with the buttons that work without JavaScript ...
    page.get_by_role("button", name="Move down look 1", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Look moved down.")).to_be_visible()
    assert _titles(page) == [second, first, third]
    # ... and by keyboard: Tab from the last look's note to its "Move up", Enter, and the
    # focus stays on the moved look so Enter moves it again.
    page.get_by_role("button", name="Save note for look 3", exact=True).focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Move up look 3", exact=True)).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert _titles(page) == [second, third, first]
    expect(page.get_by_role("button", name="Move up look 2", exact=True)).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert _titles(page) == [third, second, first]
    # At the top "Move up" is disabled: the focus waits on "Move down".
    expect(page.get_by_role("button", name="Move down look 1", exact=True)).to_be_focused()

    # Pin a bag that is not the navy suit's top recommendation, from its recommendation list.
    api = page.context.request
    navy_bags = base + "/api/v1/outfits/O-NAVY/bags?limit=6"
    before = [r["bag"]["name"] for r in api.get(navy_bags).json()["results"]]
    target = before[2]
    navy = page.locator("#looks .look").filter(has_text="Navy evening suit")
    navy.get_by_role("link", name="Recommendations for Navy evening suit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Navy evening suit")
    page.get_by_role("button", name=f"Pin {target}", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Recommendations follow it")).to_be_visible()
    expect(page.locator(".recs--ranked .rec").first.locator(".rec__name")).to_have_text(target)
    page.go_back()
    page.go_back()
    page.reload()

    # ... and pin the ivory look's own bag from the editor.
    ivory = page.locator("#looks .look").filter(has_text="Ivory wedding gown")
    ivory.get_by_role("button", name=f"Pin bag {bags[1]} for Ivory wedding gown").click()
    ivory = page.locator("#looks .look").filter(has_text="Ivory wedding gown")
    expect(ivory.locator(".tag--rule")).to_have_text("Bag pinned for this outfit")

    page.get_by_role("button", name="Publish now").click()
    expect(page.get_by_role("status").filter(has_text="Published")).to_be_visible()
    expect(page.locator(".tag--live")).to_have_text("Live")

    # Shoppers: the home page lists it, its looks are in the stylist's order, and the
    # pinned bags come first for their outfits.
    page.goto(base + "/")
    expect(page.get_by_role("heading", name="Evening edit", level=3)).to_be_visible()
    page.get_by_role("heading", name="Evening edit", level=3).click()
    shown = page.locator("section.look h2.look__title").all_inner_texts()
    assert shown == [t.replace(" with ", ", with ") for t in (third, second, first)]
    page.goto(base + "/outfits/O-NAVY")
    expect(page.locator("#complete li").first).to_contain_text(target)
    after = api.get(navy_bags).json()["results"]
    assert after[0]["bag"]["name"] == target and before[0] != target
    ivory_first = api.get(base + "/api/v1/outfits/O-IVORY/bags?limit=6").json()["results"][0]
    assert ivory_first["bag"]["name"] == bags[1]
    assert page.problems == []  # no console error, CSP report or failed script on any page


def _pages(base: str, page) -> list[str]:
    """Every studio page a stylist or an admin opens (ids read from the running app)."""
    page.goto(base + "/curate/")
    page.get_by_role("link", name="City days").click()
    editor = page.url.removeprefix(base)
    return ["/curate/", "/curate/lookbooks/new", editor, editor + "/preview", editor + "/add",
            editor + "/add?q=suit", editor + "/add/O-NAVY", editor + "/history", editor + "/delete",
            "/curate/items/", "/curate/items/?kind=bag&sort=-price&size=mini",
            "/curate/items/?page=2&q=zzz", "/curate/items/new", "/curate/items/new?kind=bag",
            "/curate/items/B-GOLD", "/curate/items/O-NAVY", "/curate/items/B-GOLD/history",
            "/curate/items/B-GOLD/delete", "/curate/outfits/O-NAVY", "/curate/rules/",
            "/curate/import/", "/curate/people/", "/curate/keys/", "/curate/audit",
            "/curate/analytics"]


def _sideways(page) -> int:
    """How many CSS pixels the page scrolls sideways (0 when it fits the viewport)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.skipif(not os.path.exists(AXE_JS) and not REQUIRED,
                    reason="axe-core is not installed (see .ci/run)")
@pytest.mark.parametrize("width", [1280, 390])
def test_every_studio_page_passes_axe_and_fits_the_screen(studio_server, app, browser, width):  # noqa: F811
    base = studio_server
    studio = Studio(app, ADMIN)  # some history for the audit pages, and a rule
    studio.post("/curate/rules/", {"rule": "pin|B-BLACK", "outfit": "O-GREY"})  # a pinned look in the editor
    page = _page(browser, bypass_csp=True)  # axe is injected as a script; the site's CSP stays on
    page.set_viewport_size({"width": width, "height": 900})
    _sign_in(page, base, ADMIN)
    found: dict[str, list[str]] = {}
    wide: dict[str, int] = {}

    def check(name: str) -> None:
        found[name] = _axe_violations(page)
        if width < 500 and _sideways(page) > 0:
            wide[name] = _sideways(page)

    for path in _pages(base, page):
        page.goto(base + path)
        check(path)

    assert page.problems == []  # no console error on any page
    # The states that only a submitted form shows: field errors, a dry-run report, a conflict.
    page.goto(base + "/curate/items/new")
    page.get_by_role("button", name="Create outfit").click()
    page.locator(".error-summary").wait_for()
    check("item form with errors")
    page.goto(base + "/curate/import/")
    page.get_by_label("CSV or JSON file", exact=True).set_input_files(files=[{
        "name": "bags.csv", "mimeType": "text/csv",
        "buffer": b"sku,kind,name,colours,price,currency,width_cm\nB-NEW,bag,New micro,gold,80,EUR,9\n"
                  b"B-BAD,bag,,purple-ish,-3,EUR,9\n"}])
    page.get_by_role("button", name="Check the file").click()
    page.locator("#report-title").wait_for()
    check("import dry-run report")
    other = _page(browser)  # a second stylist, in a browser of their own
    _sign_in(other, base, CURATOR)
    other.get_by_role("link", name="City days").click()
    page.goto(other.url)
    other.get_by_role("button", name="Save details").click()  # someone else saves first
    page.get_by_role("button", name="Save details").click()
    page.get_by_role("heading", name="Someone else saved this first").wait_for()
    assert CURATOR in page.get_by_role("alert").inner_text()
    check("409 conflict")

    assert {k: v for k, v in found.items() if v} == {}
    assert wide == {}, "pages scroll sideways at 390 px"
    # Chromium logs each refused form's answer; those three, and nothing else.
    assert [p.rsplit("status of ", 1)[-1] for p in page.problems] == [
        "400 (BAD REQUEST)", "422 (UNPROCESSABLE ENTITY)", "409 (CONFLICT)"]
