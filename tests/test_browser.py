"""Pages in real headless Chromium: they render, load their images, sign-in works, and
nothing breaks the Content-Security-Policy.  CI installs Debian's chromium for these."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server

from lookbook.auth.users import create_user
from tests.conftest import item

CHROMIUM = "/usr/bin/chromium"
# axe-core from npm (`.ci/run` installs it here); LOOKBOOK_AXE_JS may point elsewhere.
AXE_JS = os.environ.get("LOOKBOOK_AXE_JS", os.path.join(os.path.dirname(__file__), "..", ".ci",
                                                         "node_modules", "axe-core", "axe.min.js"))
# CI sets LOOKBOOK_REQUIRE_BROWSER=1: there a missing browser or axe-core fails these
# tests instead of skipping them.
REQUIRED = os.environ.get("LOOKBOOK_REQUIRE_BROWSER") == "1"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM) and not REQUIRED,
                       reason="Debian chromium is not installed"),
]
PASSWORD = "a long enough password"


@contextmanager
def served(app) -> Iterator[str]:
    """Serve ``app`` on a free local port in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def live_server(app, db, tmp_path):
    """Serve the app on a free local port for the browser; yield its base URL."""
    from lookbook.demo.drawing import draw_bag
    from lookbook.transfer.importer import import_rows, read_json_value

    for sku, colour in (("B-1", "gold"), ("B-2", "coral")):
        draw_bag("chain", [colour], ["metallic"], 9).save(tmp_path / f"{sku}.png")
    doc = {"items": [item("O-1", "outfit", name="Navy suit"),
                     item("B-1", name="Gold chain micro", image="B-1.png", width_cm="9"),
                     item("B-2", name="Coral micro", image="B-2.png", width_cm="9")],
           "lookbooks": [{"slug": "after-dark", "title": "After dark", "published": True,
                          "looks": [{"outfit": "O-1", "bag": "B-1"}, {"outfit": "O-1", "bag": "B-2"}]}]}
    from lookbook.images.service import ImageService

    rows, books = read_json_value(doc)
    with db.write() as session:
        report = import_rows(session, rows, books, base_dir=tmp_path,
                             images=ImageService(app.extensions["lookbook.storage"]))
        assert report.ok, report.errors
        create_user(session, "curator@shop.example", PASSWORD)
    app.config["WTF_CSRF_ENABLED"] = True
    with served(app) as base:
        yield base


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


def _page(browser, **options):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, **options)
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    return page


@pytest.fixture
def page(browser):
    return _page(browser)


def test_home_page_shows_lookbooks_with_loaded_images(live_server, page):
    page.goto(live_server + "/")
    assert page.locator("h3", has_text="After dark").is_visible()
    images = page.locator(".book-card img")
    assert images.count() == 1  # the cover look's bag; the outfit has no photo yet
    images.last.scroll_into_view_if_needed()
    page.wait_for_function("[...document.querySelectorAll('.book-card img')].every(i => i.complete)")
    widths = images.evaluate_all("imgs => imgs.map(i => i.naturalWidth)")
    assert all(w > 0 for w in widths)
    assert page.problems == []  # no CSP violations, no broken resources


def test_a_curator_signs_in_searches_and_signs_out(live_server, page):
    page.goto(live_server + "/curate/")
    assert "/login?next=" in page.url and page.url.rstrip("/").endswith("curate")
    page.fill("#email", "curator@shop.example")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    assert page.locator("h1", has_text="Lookbooks").is_visible()
    page.click("nav[aria-label=Studio] >> text=Catalog")
    page.fill("#f-q", "coral")
    page.click("form[role=search] button")
    assert page.locator("td", has_text="Coral micro").is_visible()
    assert page.locator("td", has_text="Gold chain micro").count() == 0
    page.click("text=Sign out")
    assert "/login" in page.url
    page.goto(live_server + "/curate/")
    assert "/login" in page.url
    assert page.problems == []


def test_wrong_password_is_announced(live_server, page):
    page.goto(live_server + "/login")
    page.fill("#email", "curator@shop.example")
    page.fill("#password", "wrong password!")
    page.click("button[type=submit]")
    alert = page.locator("[role=alert]")
    assert "do not match" in alert.inner_text()


def _axe_violations(page):
    page.add_script_tag(path=AXE_JS)
    result = page.evaluate("""async () => (await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations""")
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}x: {v['nodes'][0]['target']})" for v in result]


@pytest.mark.skipif(not os.path.exists(AXE_JS) and not REQUIRED,
                    reason="axe-core is not installed (see .ci/run)")
@pytest.mark.parametrize("width", [1280, 390])
def test_pages_pass_an_axe_wcag_21_aa_audit(live_server, browser, width):
    page = _page(browser, bypass_csp=True)  # axe is injected as a script; the site's CSP stays on
    page.set_viewport_size({"width": width, "height": 900})
    found = {}
    for path in ("/", "/login"):
        page.goto(live_server + path)
        found[path] = _axe_violations(page)
    page.goto(live_server + "/login")
    page.fill("#email", "curator@shop.example")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    found["/curate/"] = _axe_violations(page)
    assert found == {"/": [], "/login": [], "/curate/": []}
