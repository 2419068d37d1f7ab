"""The lookbook editor in the studio: build, reorder, publish, and never lose a colleague's work."""

import re

import pytest
from sqlalchemy import select

from lookbook.lookbooks.models import Lookbook
from tests.recommend_fixtures import add_items, bag, outfit
from tests.studio_helpers import Studio, make_user, version_of


@pytest.fixture
def catalog(db):
    add_items(
        db,
        outfit("LOOK", ["navy"], ["evening"], name="Navy gown"),
        outfit("DAY", ["camel"], ["casual"], name="Camel coat"),
        *[bag(f"MINI-{i}", c, width=str(6 + 2 * i), styles=["metallic"], name=f"{c.title()} micro")
          for i, c in enumerate(["gold", "silver", "coral", "black", "red"])],
        bag("TOTE", "beige", width="40", silhouette="tote", name="Beige tote"),
    )


@pytest.fixture
def ana(app, db, catalog):
    return Studio(app, make_user(db, "ana@shop.example"))


def _create(studio, title="Night out", **extra):
    resp = studio.post("/curate/lookbooks/new", {"title": title, **extra})
    assert resp.status_code == 303, resp.get_data(as_text=True)[-500:]
    return resp.headers["Location"]


def _add(studio, editor, outfit_sku, bag_sku, note="", bundle=""):
    version = version_of(studio.page(editor))
    return studio.post(editor + "/looks", {"version": version, "outfit": outfit_sku, "bag": bag_sku,
                                           "note": note, "bundle": bundle})


def _looks(db):
    with db.session() as session:
        book = session.scalar(select(Lookbook))
        return [(lk.id, lk.outfit.sku, lk.bag.sku, lk.note) for lk in book.looks]


def test_a_lookbook_needs_a_title_and_a_free_address_and_says_so_by_field(ana, db):
    resp = ana.post("/curate/lookbooks/new", {"title": "", "slug": "Bad Slug!", "season": "monsoon"})
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "There is a problem" in page
    for field in ("title", "slug", "season"):
        assert f'href="#f-{field}"' in page and f'id="f-{field}-error"' in page
    _create(ana, "Night out")
    resp = ana.post("/curate/lookbooks/new", {"title": "Night Out!"})
    assert resp.status_code == 400 and "already uses the address" in resp.get_data(as_text=True)


def test_picking_an_outfit_shows_its_recommended_bags_with_reasons_and_bundles(ana):
    editor = _create(ana)
    found = ana.page(editor + "/add?q=navy")
    assert "Navy gown" in found and "Camel coat" not in found
    assert "Camel coat" in ana.page(editor + "/add?occasion=casual")
    assert "Camel coat" in ana.page(editor + "/add?colour=camel")
    pick = ana.page(editor + "/add/LOOK")
    radios = re.findall(r'name="bag" value="([^"]+)"', pick)
    assert radios and set(radios) <= {f"MINI-{i}" for i in range(5)}  # micro and mini accents
    assert 'class="rec__reasons"><span>' in pick  # every bag says why it fits
    assert "Bundle (optional)" in pick and "Beige tote" in pick


def test_looks_are_added_reordered_noted_and_removed(ana, db):
    editor = _create(ana)
    assert _add(ana, editor, "LOOK", "MINI-0", "Gold lifts navy").status_code == 303
    assert _add(ana, editor, "DAY", "MINI-2", bundle="MINI-2,TOTE").status_code == 303
    assert _add(ana, editor, "LOOK", "", "", bundle="MINI-1,TOTE").status_code == 303  # the accent
    looks = _looks(db)
    assert [(o, b) for _i, o, b, _n in looks] == [("LOOK", "MINI-0"), ("DAY", "MINI-2"), ("LOOK", "MINI-1")]
    ids = [i for i, *_rest in looks]
    version = version_of(ana.page(editor))
    moved = ana.post(f"{editor}/looks/{ids[2]}/move", {"version": version, "direction": "up"})
    assert moved.status_code == 303
    assert [b for _i, _o, b, _n in _looks(db)] == ["MINI-0", "MINI-1", "MINI-2"]
    version = version_of(ana.page(editor))
    resp = ana.post(f"{editor}/order", {"version": version, "order": f"{ids[1]},{ids[0]},{ids[2]}"})
    assert resp.status_code == 200 and resp.json["version"] > int(version)
    assert [b for _i, _o, b, _n in _looks(db)] == ["MINI-2", "MINI-0", "MINI-1"]
    version = version_of(ana.page(editor))
    ana.post(f"{editor}/looks/{ids[0]}/note", {"version": version, "note": "Gold, always"})
    version = version_of(ana.page(editor))
    ana.post(f"{editor}/looks/{ids[1]}/remove", {"version": version})
    assert [(b, n) for _i, _o, b, n in _looks(db)] == [("MINI-0", "Gold, always"), ("MINI-1", "")]


def test_a_bad_look_is_named_next_to_its_field(ana, db):
    editor = _create(ana)
    resp = _add(ana, editor, "LOOK", "")
    assert resp.status_code == 400 and 'id="f-bag-error"' in resp.get_data(as_text=True)
    version = version_of(ana.page(editor))
    resp = ana.post(editor + "/looks", {"version": version, "outfit": "LOOK", "other_bag": "DAY"})
    assert resp.status_code == 400 and "DAY is an outfit, not a bag" in resp.get_data(as_text=True)
    assert _looks(db) == []


def test_a_stale_save_gets_409_naming_who_changed_it_and_changes_nothing(app, db, ana):
    editor = _create(ana)
    _add(ana, editor, "LOOK", "MINI-0")
    ben = Studio(app, make_user(db, "ben@shop.example"))
    stale = version_of(ana.page(editor))  # Ana opens the editor ...
    ben_version = version_of(ben.page(editor))
    assert ben.post(editor + "/details", {"version": ben_version, "title": "Ben's night"}).status_code == 303
    resp = ana.post(editor + "/details", {"version": stale, "title": "Ana's night"})  # ... and saves late
    assert resp.status_code == 409
    page = resp.get_data(as_text=True)
    assert "ben@shop.example" in page and "Reload the lookbook" in page
    resp = ana.post(editor + "/looks", {"version": stale, "outfit": "DAY", "bag": "MINI-1"})
    assert resp.status_code == 409
    order = ana.post(editor + "/order", {"version": stale, "order": str(_looks(db)[0][0])})
    assert order.status_code == 409 and "ben@shop.example" in order.json["error"]
    with db.session() as session:
        book = session.scalar(select(Lookbook))
        assert book.title == "Ben's night" and len(book.looks) == 1


def test_publishing_shows_the_lookbook_to_shoppers_and_unpublishing_hides_it(ana, client):
    editor = _create(ana, "Gold for evenings")
    resp = ana.post(editor + "/publish", {"version": version_of(ana.page(editor))}, follow_redirects=True)
    assert "add at least one look before publishing" in resp.get_data(as_text=True).lower()
    _add(ana, editor, "LOOK", "MINI-0")
    ana.post(editor + "/publish", {"version": version_of(ana.page(editor))})
    assert "Gold for evenings" in client.get("/").get_data(as_text=True)
    assert [b["slug"] for b in client.get("/api/v1/lookbooks").json["lookbooks"]] == ["gold-for-evenings"]
    ana.post(editor + "/unpublish", {"version": version_of(ana.page(editor))})
    assert "Gold for evenings" not in client.get("/").get_data(as_text=True)


def test_a_schedule_is_validated_and_keeps_the_lookbook_hidden_until_its_time(ana, client):
    editor = _create(ana, "Holiday sparkle")
    _add(ana, editor, "LOOK", "MINI-0")
    version = version_of(ana.page(editor))
    resp = ana.post(editor + "/schedule", {"version": version, "publish_at": "2030-12-01T18:00",
                                           "unpublish_at": "2030-11-01T18:00"})
    assert resp.status_code == 400 and 'id="f-unpublish_at-error"' in resp.get_data(as_text=True)
    resp = ana.post(editor + "/schedule", {"version": version, "publish_at": "2030-12-01T18:00"})
    assert resp.status_code == 303
    assert "Scheduled" in ana.page(editor) and "2030-12-01 18:00 UTC" in ana.page(editor)
    assert client.get("/api/v1/lookbooks").json["lookbooks"] == []


def test_the_preview_shows_a_draft_as_shoppers_will_see_it(ana):
    editor = _create(ana, "Draft night", description="Small bags that shine.")
    _add(ana, editor, "LOOK", "MINI-0", "Gold lifts navy")
    page = ana.page(editor + "/preview")
    assert "Draft night" in page and "Small bags that shine." in page and "Gold lifts navy" in page
    assert "Navy gown" in page and "Gold micro" in page


def test_deleting_a_lookbook_asks_first(ana, db, client):
    editor = _create(ana, "Short lived")
    assert "Delete “Short lived”?" in ana.page(editor + "/delete")
    resp = ana.post(editor + "/delete", {"version": version_of(ana.page(editor))})
    assert resp.status_code == 303 and resp.headers["Location"] == "/curate/"
    with db.session() as session:
        assert session.scalar(select(Lookbook)) is None
    assert ana.get(editor).status_code == 404


def test_a_lookbooks_history_shows_who_changed_what_before_and_after(app, db, ana):
    editor = _create(ana, "Night out")
    _add(ana, editor, "LOOK", "MINI-0", "Gold lifts navy")
    ben = Studio(app, make_user(db, "ben@shop.example"))
    ben.post(editor + "/details", {"version": version_of(ben.page(editor)), "title": "Nights out"})
    page = ana.page(editor + "/history")
    assert page.index("<strong>ben@shop.example") < page.index("<strong>ana@shop.example")  # newest first
    assert "Added a look: Navy gown (LOOK) with Gold micro (MINI-0)" in page
    assert ('<th scope="row">Title</th><td data-label="Before"><span class="diff-line">Night out</span></td>'
            '<td data-label="After"><span class="diff-line">Nights out</span></td>') in page
    assert "1. LOOK with MINI-0: “Gold lifts navy”" in page  # the looks read as a list, not JSON
    everything = ana.page("/curate/audit")
    assert "Created lookbook “Night out”" in everything
