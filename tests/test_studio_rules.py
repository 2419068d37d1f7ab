"""Steering the recommender from the studio: pins and hides change the next answer at once."""

import pytest
from sqlalchemy import select

from lookbook.audit.models import AuditEntry
from tests.recommend_fixtures import add_items, bag, outfit, skus
from tests.studio_helpers import Studio, make_user


@pytest.fixture
def ana(app, db):
    add_items(db, outfit("LOOK", ["navy"], ["evening"], name="Navy gown"),
              outfit("DAY", ["camel"], ["casual"], name="Camel coat"),
              *[bag(f"MINI-{i}", c, width=str(6 + 2 * i), name=f"{c.title()} micro")
                for i, c in enumerate(["gold", "silver", "coral", "black", "red", "pink"])])
    return Studio(app, make_user(db, "ana@shop.example"))


def _bags(client, outfit_sku="LOOK"):
    return skus(client.get(f"/api/v1/outfits/{outfit_sku}/bags?limit=6").json)


def test_pin_and_hide_from_an_outfits_recommendation_list(ana, client):
    page = ana.page("/curate/outfits/LOOK")
    assert "What shoppers are shown" in page and 'value="pin|MINI-' in page
    last = _bags(client)[-1]
    resp = ana.post("/curate/rules/", {"rule": f"pin|{last}", "outfit": "LOOK",
                                       "next": "/curate/outfits/LOOK"})
    assert resp.status_code == 303 and resp.headers["Location"] == "/curate/outfits/LOOK"
    assert _bags(client)[0] == last
    first_other = _bags(client)[1]
    ana.post("/curate/rules/", {"rule": f"hide|{first_other}", "outfit": "LOOK"})
    assert first_other not in _bags(client) and first_other in _bags(client, "DAY")
    page = ana.page("/curate/outfits/LOOK")
    assert "Rules for this outfit" in page and page.count("Remove<span") == 2
    ana.post("/curate/rules/remove", {"bag": first_other, "outfit": "LOOK"})
    assert first_other in _bags(client)


def test_hide_everywhere_from_the_studio_reaches_every_outfit(ana, client):
    target = _bags(client)[0]
    ana.post("/curate/rules/", {"rule": f"hide-everywhere|{target}", "outfit": "LOOK"})
    assert target not in _bags(client) and target not in _bags(client, "DAY")
    page = ana.page("/curate/rules/?show=everywhere")
    assert "Hide everywhere" in page and target in page


def test_the_rules_form_names_each_problem_next_to_its_field(ana, db):
    resp = ana.post("/curate/rules/", {"action": "pin", "bag": "NOPE", "outfit": ""})
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert 'href="#f-outfit"' in page  # a pin needs an outfit
    resp = ana.post("/curate/rules/", {"action": "hide", "bag": "NOPE", "outfit": "LOOK"})
    assert resp.status_code == 400 and "unknown sku" in resp.get_data(as_text=True)
    resp = ana.post("/curate/rules/", {"action": "hide", "bag": "MINI-1", "outfit": "LOOK"})
    assert resp.status_code == 303
    listed = ana.page("/curate/rules/?q=MINI-1")
    assert "Navy gown" in listed and "ana@shop.example" in listed
    with db.session() as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "rule.set"))
    assert entry.actor == "ana@shop.example" and entry.after == {"action": "hide", "bag": "MINI-1",
                                                                  "outfit": "LOOK"}


def test_pin_from_the_lookbook_editor_and_it_shows_on_the_look(ana, client):
    resp = ana.post("/curate/lookbooks/new", {"title": "Night out"})
    editor = resp.headers["Location"]
    version = ana.page(editor).split('name="version" value="')[1].split('"')[0]
    last = _bags(client)[-1]
    ana.post(editor + "/looks", {"version": version, "outfit": "LOOK", "bag": last})
    ana.post("/curate/rules/", {"rule": f"pin|{last}", "outfit": "LOOK", "next": editor + "#looks"})
    assert "Bag pinned for this outfit" in ana.page(editor)
    assert _bags(client)[0] == last


def test_a_rule_button_never_sends_people_off_site(ana):
    resp = ana.post("/curate/rules/", {"rule": "hide|MINI-1", "outfit": "LOOK", "next": "//evil.example/"})
    assert resp.headers["Location"] == "/curate/rules/"
