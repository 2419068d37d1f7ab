"""The studio's analytics page: charts and tables from the roll-ups, a period, a CSV."""

import csv
import datetime as dt
import io
import re
import uuid

import pytest

from lookbook.analytics.models import DailyCount
from lookbook.auth.users import create_user
from tests.conftest import add_items, item
from tests.recommend_fixtures import add_lookbook

PASSWORD = "a long enough password"
TODAY = dt.datetime.now(dt.UTC).date()


@pytest.fixture
def staff(client, db):
    """A client signed in as a curator."""
    with db.write() as session:
        create_user(session, "curator@shop.example", PASSWORD)
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": "curator@shop.example", "password": PASSWORD, "csrf_token": token})
    return client


@pytest.fixture
def shopped(client, db):
    """A catalog, a lookbook, and a day of shopper events on two sites."""
    add_items(db, item("O-1", "outfit", name="Navy suit"), item("B-1", name="Gold chain micro"),
              item("B-2", name="=HYPERLINK(\"http://evil.example\")"),
              item("B-3", name="<script>alert(1)</script>"))
    add_lookbook(db, "after-dark", [("O-1", "B-1")])

    def send(origin, *events):
        batch = [{"id": uuid.uuid4().hex, "placement": "widget", **e} for e in events]
        assert client.post("/api/v1/events", json={"events": batch},
                           headers={"Origin": origin}).status_code == 202

    send("https://shop.example", *[{"type": "impression", "item": "B-1", "outfit": "O-1"}] * 4,
         {"type": "click", "item": "B-1", "outfit": "O-1"},
         {"type": "impression", "item": "B-2"}, {"type": "impression", "item": "B-3"})
    send("https://blog.example", {"type": "impression", "lookbook": "after-dark", "look": 1,
                                  "placement": "embed"},
         {"type": "click", "lookbook": "after-dark", "look": 1, "placement": "embed"})


def test_analytics_needs_sign_in(client):
    resp = client.get("/curate/analytics")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert client.get("/curate/analytics.csv").status_code == 302


def test_the_page_charts_and_tabulates_every_dimension(staff, shopped):
    resp = staff.get("/curate/analytics")
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == "no-store"
    page = resp.get_data(as_text=True)
    for title in ("Lookbooks", "Looks", "Bags", "Placements", "Embedding sites"):
        assert f">{title}</h2>" in page
    # Gold chain micro: 4 + 1 impressions (widget + embedded look), 2 clicks.
    row = re.search(r"<th scope=\"row\" data-label=\"Bags\">Gold chain micro</th>(.*?)</tr>", page, re.S)
    assert [c.strip() for c in re.findall(r">([^<]+)</td>", row.group(1))] == ["5", "2", "40.0%", "0", "0"]
    assert "After-Dark: Navy suit + Gold chain micro" in page
    assert "https://blog.example" in page and "https://shop.example" in page
    assert "Embedded lookbook (oEmbed)" in page
    # Charts are SVG with a title and a description that reads the numbers out.
    assert page.count('role="img"') == 6
    assert "Gold chain micro: 5 impressions, 2 clicks, 40.0% click-through" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_curate_home_links_to_analytics(staff):
    assert 'href="/curate/analytics"' in staff.get("/curate/").get_data(as_text=True)


def test_the_period_picker_chooses_the_days(staff, shopped, db):
    with db.write() as session:
        session.add(DailyCount(day=TODAY - dt.timedelta(days=40), lookbook="", outfit="", bag="B-1",
                               placement="page", site="", impressions=1000, clicks=10, add_to_carts=0,
                               purchases=0))
    recent = staff.get("/curate/analytics").get_data(as_text=True)
    start = (TODAY - dt.timedelta(days=60)).isoformat()
    longer = staff.get(f"/curate/analytics?start={start}&end={TODAY.isoformat()}").get_data(as_text=True)
    assert "1,007" not in recent  # 7 impressions in the last 30 days...
    assert "<dd>7</dd>" in recent
    assert "<dd>1,007</dd>" in longer  # ...and 1,000 more 40 days ago


@pytest.mark.parametrize("query, message", [
    ("start=yesterday", "must be a date"), ("start=2026-02-30", "must be a date"),
    ("start=2026-12-01&end=2026-11-01", "on or before"), ("start=2020-01-01&end=2026-01-01", "at most 366"),
    ("end=%D9%A2%D9%A0%D9%A2%D9%A6-01-01", "must be a date"),
])
def test_a_bad_period_is_explained_not_a_500(staff, shopped, query, message):
    resp = staff.get(f"/curate/analytics?{query}")
    assert resp.status_code == 400
    assert message in resp.get_data(as_text=True)
    assert staff.get(f"/curate/analytics.csv?{query}").status_code == 400


def test_the_csv_has_every_row_and_neutralises_formulas(staff, shopped):
    resp = staff.get("/curate/analytics.csv")
    assert resp.status_code == 200
    assert resp.mimetype == "text/csv"
    assert resp.headers["Cache-Control"] == "no-store"
    assert resp.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    bags = {r["key"]: r for r in rows if r["dimension"] == "bag"}
    assert bags["B-1"]["impressions"] == "5" and bags["B-1"]["click_through"] == "0.4000"
    assert bags["B-2"]["label"].startswith("'=HYPERLINK")
    assert {r["key"] for r in rows if r["dimension"] == "placement"} == {"widget", "embed"}
