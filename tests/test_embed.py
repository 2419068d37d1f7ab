"""oEmbed for lookbook URLs and the framable lookbook view: the only page others may frame."""

import re
import uuid

import pytest
from sqlalchemy import update

from lookbook.analytics.models import Event
from lookbook.catalog.models import Item
from tests.conftest import item, trust

HOST = "http://localhost"


@pytest.fixture
def books(db, tmp_path, app):
    from lookbook.demo.drawing import draw_bag
    from lookbook.images.service import ImageService
    from lookbook.transfer.importer import import_rows, read_json_value

    draw_bag("chain", ["gold"], ["metallic"], 9).save(tmp_path / "B-1.png")
    doc = {"items": [item("O-1", "outfit", name="Navy suit"),
                     item("B-1", name="Gold chain micro", image="B-1.png", width_cm="9"),
                     item("B-2", name="Coral micro", width_cm="9")],
           "lookbooks": [{"slug": "after-dark", "title": 'After "dark" <night>', "published": True,
                          "description": "Evening bags.",
                          "looks": [{"outfit": "O-1", "bag": "B-1", "note": "Gold lifts navy."},
                                    {"outfit": "O-1", "bag": "B-2"}]},
                         {"slug": "draft", "title": "Draft", "published": False,
                          "looks": [{"outfit": "O-1", "bag": "B-2"}]}]}
    rows, lookbooks = read_json_value(doc)
    with db.write() as session:
        report = import_rows(session, rows, lookbooks, base_dir=tmp_path,
                             images=ImageService(app.extensions["lookbook.storage"]))
        assert report.ok, report.errors
    with db.write() as session:  # the retailer's product page ("Shop this bag")
        session.execute(update(Item).where(Item.sku == "B-1").values(url="https://shop.example/gold-chain"))


def oembed(client, url, **params):
    return client.get("/oembed", query_string={"url": url, **params})


def test_oembed_answers_a_rich_iframe_for_our_lookbook(client, books):
    resp = oembed(client, f"{HOST}/lookbooks/after-dark")
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    data = resp.json
    assert data["version"] == "1.0" and data["type"] == "rich"
    assert data["title"] == 'After "dark" <night>'
    assert data["provider_name"] == "Lookbook" and data["provider_url"] == f"{HOST}/"
    assert (data["width"], data["height"]) == (640, 720)
    iframe = data["html"]
    assert iframe.startswith(f'<iframe src="{HOST}/lookbooks/after-dark/embed" width="640" height="720"')
    assert 'title="After &#34;dark&#34; &lt;night&gt; · Lookbook"' in iframe
    assert 'style="max-width:100%;border:0"' in iframe  # narrower on a phone than asked
    assert data["thumbnail_url"].startswith(f"{HOST}/media/")
    assert resp.headers["Access-Control-Allow-Origin"] == "*"


def test_maxwidth_and_maxheight_are_honoured_thumbnail_included(client, books):
    data = oembed(client, f"{HOST}/lookbooks/after-dark/", maxwidth="400", maxheight="500").json
    assert (data["width"], data["height"]) == (400, 500)
    assert 'width="400" height="500"' in data["html"]
    assert (data["thumbnail_width"], data["thumbnail_height"]) == (320, 400)  # the 600 px one is too big
    tiny = oembed(client, f"{HOST}/lookbooks/after-dark", maxwidth="20", maxheight="20").json
    assert "thumbnail_url" not in tiny  # no rendition that small: left out, as the spec allows
    assert (tiny["width"], tiny["height"]) == (20, 20)


@pytest.mark.parametrize("url", [
    "https://evil.example/lookbooks/after-dark",      # not our host
    "http://localhost.evil.example/lookbooks/after-dark",
    "javascript:alert(1)",
    f"{HOST}/lookbooks/no-such-book",                # unknown
    f"{HOST}/lookbooks/draft",                       # unpublished
    f"{HOST}/bags/B-1",                              # not a lookbook
    f"{HOST}/lookbooks/after-dark/looks/1",
    "http://[::1/lookbooks/after-dark",
])
def test_urls_that_are_not_our_published_lookbooks_are_404(client, books, url):
    resp = oembed(client, url)
    assert resp.status_code == 404
    assert resp.mimetype == "application/problem+json"


def test_xml_answers_the_same_fields_escaped(client, books):
    import xml.etree.ElementTree as ET

    resp = oembed(client, f"{HOST}/lookbooks/after-dark", format="xml", maxwidth="400")
    assert resp.status_code == 200 and resp.mimetype == "text/xml"
    root = ET.fromstring(resp.data)
    assert root.tag == "oembed" and root.findtext("type") == "rich"
    assert root.findtext("title") == 'After "dark" <night>' and root.findtext("width") == "400"
    assert root.findtext("html").startswith('<iframe src="http://localhost/lookbooks/after-dark/embed"')
    assert oembed(client, f"{HOST}/lookbooks/after-dark", format="XML").status_code == 400


@pytest.mark.parametrize("params", [{}, {"url": ""}, {"url": f"{HOST}/lookbooks/after-dark", "maxwidth": "0"},
                                    {"url": f"{HOST}/lookbooks/after-dark", "maxheight": "wide"},
                                    {"url": "x" * 3000}])
def test_bad_oembed_parameters_are_400(client, books, params):
    resp = client.get("/oembed", query_string=params)
    assert resp.status_code == 400
    assert resp.mimetype == "application/problem+json"


def test_the_embed_view_is_framable_and_self_contained(client, books):
    resp = client.get("/lookbooks/after-dark/embed")
    assert resp.status_code == 200
    csp = resp.headers["Content-Security-Policy"]
    assert csp.endswith("frame-ancestors *")
    assert "script-src 'self'" in csp and "object-src 'none'" in csp
    assert "X-Frame-Options" not in resp.headers
    page = resp.get_data(as_text=True)
    assert "After &#34;dark&#34; &lt;night&gt;" in page and "Gold lifts navy." in page
    assert 'href="https://shop.example/gold-chain" target="_blank" rel="noopener"' in page
    assert 'class="site-header"' not in page  # no site chrome
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts and all("src=" in s and "defer" in s for s in scripts)  # CSP-clean, deferred
    assert re.search(r'<script src="/assets/events.js" defer data-placement="embed">', page)
    assert 'data-track-lookbook="after-dark" data-track-look="2"' in page
    assert 'type="application/json+oembed"' in page
    assert "Cookie" not in resp.headers.get("Vary", "")


def test_only_the_embed_view_may_be_framed(client, books):
    for path in ("/", "/login", "/api/v1/items", "/oembed?url=x", "/embed.js"):
        assert "frame-ancestors 'none'" in client.get(path).headers["Content-Security-Policy"], path
    assert client.get("/lookbooks/draft/embed").status_code == 404
    assert client.get("/lookbooks/nope/embed").status_code == 404


def test_an_allowlist_limits_who_may_frame_it(tmp_path, db, books):
    from lookbook import create_app

    app = create_app({"instance": tmp_path, "database": db, "database_url": db.url, "secret_key": "x" * 40,
                      "TESTING": True, "embed_origins": ("https://shop.example", "https://blog.example")})
    csp = app.test_client().get("/lookbooks/after-dark/embed").headers["Content-Security-Policy"]
    assert "frame-ancestors https://shop.example https://blog.example" in csp


def test_the_allowlist_setting_is_checked(tmp_path):
    from lookbook.config import ConfigError, Settings

    env = {"LOOKBOOK_INSTANCE": str(tmp_path)}
    assert Settings.from_env({**env, "LOOKBOOK_EMBED_ORIGINS": "https://Shop.example/, http://b.example:8080"}
                             ).embed_origins == ("https://shop.example", "http://b.example:8080")
    for bad in ("shop.example", "https://shop.example/path", "ftp://x.example", "https://a b"):
        with pytest.raises(ConfigError, match="LOOKBOOK_EMBED_ORIGINS"):
            Settings.from_env({**env, "LOOKBOOK_EMBED_ORIGINS": bad})


def test_our_framed_view_names_the_site_that_frames_it(client, books, db):
    def send(origin, site):
        body = {"events": [{"id": uuid.uuid4().hex, "type": "impression", "placement": "embed",
                            "lookbook": "after-dark", "look": 1}], "site": site}
        assert client.post("/api/v1/events", json=body, headers={"Origin": origin}).status_code == 202

    send(HOST, "https://blog.example")  # from our own page in a frame: the framing site counts
    send("https://other.example", "https://blog.example")  # anyone else: their own origin
    with db.session() as session:
        assert [e.site for e in session.query(Event).order_by(Event.id)] == [
            "https://blog.example", "https://other.example"]


def test_the_loader_is_short_cached_and_points_at_the_versioned_widget(client):
    loader = client.get("/embed.js")
    assert loader.status_code == 200
    assert loader.mimetype == "text/javascript"
    assert loader.headers["Cache-Control"] == "public, max-age=300"
    src = re.search(r"s\.src='([^']+)'", loader.get_data(as_text=True)).group(1)
    assert re.fullmatch(r"http://localhost/embed/v1\.[0-9a-f]{12}\.js", src)
    widget = client.get(src.removeprefix(HOST))
    assert widget.status_code == 200
    assert widget.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert widget.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert b"data-lookbook-outfit" in widget.data
    old = client.get("/embed/v1.000000000000.js")
    assert old.status_code == 302 and old.headers["Location"] == src.removeprefix(HOST)
    assert old.headers["Cache-Control"] == "no-cache"


def test_the_widget_is_under_15_kb_and_has_no_dependencies(client):
    src = re.search(r"s\.src='([^']+)'", client.get("/embed.js").get_data(as_text=True)).group(1)
    body = client.get(src.removeprefix(HOST)).data
    assert len(body) < 15 * 1024
    assert b"import " not in body and b"require(" not in body


def test_the_api_guide_is_linked_from_the_footer_with_examples_for_this_site(client, books):
    trust(client.application, "bags.shop.example")
    home = client.get("/", base_url="https://bags.shop.example").get_data(as_text=True)
    assert 'href="/api"' in home
    resp = client.get("/api", base_url="https://bags.shop.example")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "&lt;script src=&#34;https://bags.shop.example/embed.js&#34;" in page or \
        '&lt;script src="https://bags.shop.example/embed.js"' in page
    assert "curl &#39;https://bags.shop.example/api/v1/outfits/" in page or \
        "curl 'https://bags.shop.example/api/v1/outfits/" in page
    assert "/oembed?url=https://bags.shop.example/lookbooks/" in page
    for path in ("/api/v1/events", "/oembed", "/health/ready", "/api/v1/rules"):
        assert f"<code>{path}</code>" in page
