"""The widget and an oEmbed iframe on another site, in real headless Chromium.

A plain HTML page served from a second origin includes ``embed.js`` (with a
publishable key) and the iframe our oEmbed answer gives; the host page's CSS tries
hard to restyle every div.  Recommendations and the lookbook render, the host CSS
does not leak in, requests are lazy and batched, clicks reach the analytics page and
nothing is logged to the console.  ``LOOKBOOK_SCREENSHOTS=dir`` keeps screenshots.
"""

from __future__ import annotations

import json
import os
import threading
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select, update

from lookbook.analytics.models import Event
from lookbook.auth.keys import create_key
from lookbook.auth.users import create_user
from lookbook.catalog.models import Item
from tests.conftest import item
from tests.test_browser import AXE_JS, CHROMIUM, PASSWORD, _axe_violations, _page, browser, served  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian chromium is not installed"),
]
HOST_CSS = "div { color: red !important; font-size: 40px } body { font-family: serif }"
SHOTS = os.environ.get("LOOKBOOK_SCREENSHOTS", "")


def _serve_forever(server) -> None:
    threading.Thread(target=server.serve_forever, daemon=True).start()


@pytest.fixture
def shop_app(app, db, tmp_path):
    """Our app on a local port with a small photographed catalog, a lookbook and a curator."""
    from lookbook.demo.drawing import draw_bag, draw_outfit
    from lookbook.images.service import ImageService
    from lookbook.transfer.importer import import_rows, read_json_value

    draw_outfit("suit", ["navy", "white"]).save(tmp_path / "O-1.png")
    draw_outfit("gown", ["black"]).save(tmp_path / "O-2.png")
    for sku, colour, shape in (("B-1", "gold", "chain"), ("B-2", "coral", "clutch"),
                               ("B-3", "silver", "bucket")):
        draw_bag(shape, [colour], ["metallic"], 9).save(tmp_path / f"{sku}.png")
    doc = {"items": [item("O-1", "outfit", name="Navy suit", colours=["navy", "white"], image="O-1.png"),
                     item("O-2", "outfit", name="Black gown", occasions=["evening"], image="O-2.png"),
                     item("B-1", name="Gold chain micro", colours=["gold"], image="B-1.png", width_cm="9",
                          price="129.00"),
                     item("B-2", name="Coral clutch", colours=["coral"], image="B-2.png", width_cm="12",
                          price="89.50"),
                     item("B-3", name="Silver bucket", colours=["silver"], image="B-3.png", width_cm="14",
                          price="1450.00")],
           "lookbooks": [{"slug": "after-dark", "title": "After dark", "published": True,
                          "description": "Small bags for long evenings.",
                          "looks": [{"outfit": "O-2", "bag": "B-1", "note": "Gold warms black."},
                                    {"outfit": "O-1", "bag": "B-2"}]}]}
    rows, books = read_json_value(doc)
    with db.write() as session:
        report = import_rows(session, rows, books, base_dir=tmp_path,
                             images=ImageService(app.extensions["lookbook.storage"]))
        assert report.ok, report.errors
        create_user(session, "curator@shop.example", PASSWORD)
        key = create_key(session, "storefront widget", secret=False)[1]
    app.config["WTF_CSRF_ENABLED"] = True
    with served(app) as base:
        yield base, key


@pytest.fixture
def host_site(shop_app, db):
    """Another origin: a retailer's plain page with the widget, an oEmbed iframe and loud CSS."""
    base, key = shop_app
    query = urllib.parse.urlencode({"url": f"{base}/lookbooks/after-dark", "maxwidth": "560"})
    with urllib.request.urlopen(f"{base}/oembed?{query}") as resp:  # noqa: S310 - our own local server
        iframe = json.load(resp)["html"]
    page = f"""<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>A retailer's page</title><style>{HOST_CSS} .spacer {{ height: 1600px }}</style></head>
<body><h1>Spring arrivals</h1>
<div id="complete" data-lookbook-outfit="O-1" data-limit="3"></div>
<p>Scroll for more.</p><div class="spacer"></div>
<div id="wear" data-lookbook-bag="B-1" data-limit="2"></div>
<div id="book" data-lookbook="after-dark"></div>
{iframe}
<script src="{base}/embed.js" data-key="{key}" async></script>
</body></html>""".encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            body = page if self.path == "/" else b"<!doctype html><title>Product</title><p>Product page"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    _serve_forever(server)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    with db.write() as session:  # "Shop this bag" links lead back to the retailer
        session.execute(update(Item).values(url=origin + "/products/" + Item.sku))
    yield origin
    server.shutdown()
    server.server_close()


def _shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name), full_page=True)


def _stored(db, **where):
    with db.session() as session:
        stmt = select(Event)
        for name, value in where.items():
            stmt = stmt.where(getattr(Event, name) == value)
        return session.scalars(stmt).all()


def _wait_for(predicate, page, seconds=10):
    for _ in range(seconds * 10):
        if predicate():
            return True
        page.wait_for_timeout(100)
    return predicate()


def test_the_widget_and_an_oembed_lookbook_work_on_another_site(shop_app, host_site, browser, db):  # noqa: F811
    base, _key = shop_app
    page = _page(browser)
    calls = []
    page.on("request", lambda r: r.url.startswith(base + "/api/") and r.method != "OPTIONS"
            and calls.append((r.method, r.url.removeprefix(base))))
    page.goto(host_site + "/")

    # Complete the look renders in the first block, with prices in the host page's language.
    first = page.locator("#complete li")
    first.first.wait_for()
    assert 1 <= first.count() <= 3
    text = page.locator("#complete section").inner_text()
    assert "Complete the look" in text and "£" not in text and "€" in text
    # One batched request asked for both recommendation blocks, the far one included.
    recs = [c for c in calls if c[1] == "/api/v1/recommendations"]
    assert recs == [("POST", "/api/v1/recommendations")]
    assert page.locator("#wear li").count() >= 1
    # Lazy: the lookbook further down is not fetched until it comes near.
    assert not [c for c in calls if c[1].startswith("/api/v1/lookbooks/")]

    # The host's `div { color: red !important; font-size: 40px }` does not reach inside.
    style = page.locator("#complete .n a").first.evaluate(
        "a => { const s = getComputedStyle(a); return [s.color, s.fontSize, s.fontFamily] }")
    assert style[0] != "rgb(255, 0, 0)" and style[1] == "14px" and style[2] != "serif"
    assert page.locator("#complete").evaluate("d => getComputedStyle(d).color") == "rgb(255, 0, 0)"
    heading = page.locator("#complete h2").evaluate("h => getComputedStyle(h).fontSize")
    assert heading == "18px"

    page.locator("#book").scroll_into_view_if_needed()
    page.locator("#book li").first.wait_for()
    assert page.locator("#book h2").inner_text() == "After dark"
    books = [c for c in calls if c[1].startswith("/api/v1/lookbooks/")]
    assert books == [("GET", "/api/v1/lookbooks/after-dark")]
    assert all("key=" not in url and "lbk_" not in url for _m, url in calls)  # never in a URL

    # The oEmbed iframe shows the lookbook, images loaded.
    frame = page.frame_locator("iframe")
    assert frame.locator("h1").inner_text() == "After dark"
    page.locator("iframe").scroll_into_view_if_needed()
    framed = page.locator("iframe").element_handle().content_frame()
    framed.evaluate("() => scrollTo(0, document.body.scrollHeight)")
    framed.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
    framed.evaluate("() => scrollTo(0, 0)")
    _shot(page, "host-1280.png")

    # Clicks: a bag in the widget, a shop link in the framed lookbook (both open new tabs).
    with page.expect_popup() as popup:
        page.locator("#complete .n a").first.click()
    popup.value.close()
    with page.expect_popup() as popup:
        frame.locator("a", has_text="Shop this bag").first.click()
    popup.value.close()
    assert _wait_for(lambda: _stored(db, type="click", placement="widget", site=host_site), page)
    assert _wait_for(lambda: _stored(db, type="click", placement="embed", site=host_site), page)
    assert _wait_for(lambda: _stored(db, type="impression", placement="widget", site=host_site), page)
    clicked = _stored(db, type="click", placement="widget")[0]
    assert clicked.outfit == "O-1" and clicked.bag in {"B-1", "B-2", "B-3"}

    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(host_site + "/")
    page.locator("#complete li").first.wait_for()
    # The oEmbed iframe (560 px asked) shrinks to the phone: nothing widens the host page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for block in ("#complete", "#wear"):  # the widget fits a phone
        box = page.locator(block + " section").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert page.locator(block + " section").evaluate("s => s.scrollWidth <= s.clientWidth")
    page.locator("#book").scroll_into_view_if_needed()
    page.locator("#book li").first.wait_for()
    _shot(page, "host-390.png")
    assert page.problems == []

    # The clicks are in the studio's analytics, under the retailer's site.
    studio = _page(browser)
    studio.goto(base + "/login")
    studio.fill("#email", "curator@shop.example")
    studio.fill("#password", PASSWORD)
    studio.click("button[type=submit]")
    studio.goto(base + "/curate/analytics")
    sites = studio.locator("#site-title").locator("xpath=..").locator("table")
    row = sites.locator("tr", has_text=host_site)
    cells = row.locator("td").all_inner_texts()
    assert int(cells[1]) >= 2  # clicks: one in the widget, one in the framed lookbook
    assert studio.locator("svg[role=img] > title").count() == 6
    _shot(studio, "analytics-1280.png")
    studio.set_viewport_size({"width": 390, "height": 900})
    studio.reload()
    assert studio.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    _shot(studio, "analytics-390.png")
    assert studio.problems == []

    # The analytics page, charts and tables, passes a WCAG 2.1 AA audit at both widths.
    assert os.path.exists(AXE_JS), "axe-core is not installed (see .ci/run)"
    audit = _page(browser, bypass_csp=True)  # axe is injected as a script; the site's CSP stays on
    audit.context.add_cookies(studio.context.cookies())
    for width in (1280, 390):
        audit.set_viewport_size({"width": width, "height": 900})
        audit.goto(base + "/curate/analytics")
        assert audit.locator("h1").inner_text() == "Analytics"
        assert _axe_violations(audit) == [], width
        # The API guide linked from the footer: its examples scroll in their boxes, not the page.
        audit.goto(base + "/api")
        assert audit.locator("pre").count() >= 5
        assert audit.evaluate("document.documentElement.scrollWidth") <= width + 1
        assert _axe_violations(audit) == [], ("/api", width)
