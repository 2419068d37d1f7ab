"""Items in the studio: the catalog list, forms validated like an import, photos and palettes."""

import io
import re

import numpy as np
import pytest
from sqlalchemy import select

from lookbook.audit.models import AuditEntry
from lookbook.catalog.models import Item, ItemImage
from lookbook.lookbooks.models import Look, Lookbook
from tests.conftest import add_items, item
from tests.image_samples import encode, product_shot
from tests.studio_helpers import Studio, make_user

BAG_FORM = {"kind": "bag", "sku": "B-NEW", "name": "Coral micro", "price": "89.00", "currency": "EUR",
            "colours": "coral; #ffd700", "width_cm": "9", "silhouette": "chain", "occasions": ["evening"],
            "seasons": ["summer"], "styles": ["playful"], "material": "satin", "in_stock": "yes",
            "sustainability": ["vegan", "certified"], "certification": "GRS"}


@pytest.fixture
def ana(app, db):
    return Studio(app, make_user(db, "ana@shop.example"))


def _item(db, sku):
    with db.session() as session:
        return session.scalar(select(Item).where(Item.sku == sku))


def _form_of(page: str) -> dict:
    """Read the edit form's current values (text inputs, selects and ticked boxes)."""
    data = {}
    for name, value in re.findall(r'<input class="form-input[^"]*" id="f-\w+" name="(\w+)" type="[a-z]+" '
                                  r'value="([^"]*)"', page):
        data[name] = value
    data["seen"] = re.search(r'name="seen" value="([^"]+)"', page).group(1)
    data["silhouette"] = re.search(r'<option value="([^"]+)" selected>', page).group(1) \
        if 'id="f-silhouette"' in page else ""
    return data


def test_the_catalog_list_filters_sorts_and_pages_with_thumbnails(ana, db):
    add_items(db, *[item(f"B-{i:03d}", name=f"Bag {i:03d}", price=f"{i}.00") for i in range(1, 61)],
              item("O-1", "outfit", name="Navy suit", colours=["navy"], occasions=["business"]))
    page = ana.page("/curate/items/?kind=bag")
    assert "60 items" in page and "Page 1 of 2" in page and "Bag 050" in page and "Bag 051" not in page
    assert "Bag 060" in ana.page("/curate/items/?kind=bag&page=2")
    dear = ana.page("/curate/items/?kind=bag&sort=-price")
    assert dear.index("Bag 060") < dear.index("Bag 059")
    assert "Navy suit" in ana.page("/curate/items/?occasion=business&colour=navy")
    assert "Navy suit" not in ana.page("/curate/items/?kind=bag")
    assert "1 item" in ana.page("/curate/items/?q=navy")
    assert 'aria-label="Navy suit (no photo yet)"' in ana.page("/curate/items/?q=navy")
    assert ana.get("/curate/items/?sort=colour").status_code == 400
    assert "€60.00" in dear and "60.00 EUR" not in dear  # prices read as on the shop's pages


def test_a_new_bag_is_created_from_every_field(ana, db):
    resp = ana.post("/curate/items/new", BAG_FORM)
    assert resp.status_code == 303 and resp.headers["Location"] == "/curate/items/B-NEW"
    bag = _item(db, "B-NEW")
    assert (bag.name, bag.size, bag.silhouette, str(bag.price)) == ("Coral micro", "micro", "chain", "89.00")
    assert [(c.name, c.hex) for c in bag.colours] == [("coral", "#ff7f50"), ("yellow", "#ffd700")]
    assert bag.occasions == ["evening"] and bag.sustainability == ["vegan", "certified:GRS"]
    assert bag.in_stock and not bag.limited_edition and not bag.detachable_strap


@pytest.mark.parametrize("field, value, words", [
    ("price", "12,50", "is not valid; use a plain decimal"),
    ("colours", "sparkly", "is neither a colour name"),
    ("width_cm", "", "is required"),
    ("sku", "has space", "use 1-64 letters"),
    ("currency", "EURO", "is not an ISO 4217 currency code"),
])
def test_field_errors_are_the_importers_and_sit_next_to_their_field(ana, db, field, value, words):
    resp = ana.post("/curate/items/new", {**BAG_FORM, field: value})
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert f'href="#f-{field}"' in page
    error = re.search(rf'id="f-{field}-error"><span class="visually-hidden">Error: </span>([^<]+)<', page)
    assert error and words in error.group(1)
    assert _item(db, "B-NEW") is None


def test_an_edit_saves_and_an_edit_of_an_older_copy_is_refused(app, db, ana):
    ana.post("/curate/items/new", BAG_FORM)
    page = ana.page("/curate/items/B-NEW")
    form = {**BAG_FORM, **_form_of(page)}
    ben = Studio(app, make_user(db, "ben@shop.example"))
    ben_form = {**BAG_FORM, **_form_of(ben.page("/curate/items/B-NEW")), "name": "Coral micro bag"}
    assert ben.post("/curate/items/B-NEW", ben_form).status_code == 303
    resp = ana.post("/curate/items/B-NEW", {**form, "price": "99.00"})
    assert resp.status_code == 400 and "changed by ben@shop.example" in resp.get_data(as_text=True)
    bag = _item(db, "B-NEW")
    assert bag.name == "Coral micro bag" and str(bag.price) == "89.00"


def test_deleting_an_item_says_which_looks_and_rules_go_with_it(ana, db):
    ids = add_items(db, item("O-1", "outfit"), item("B-1", name="Gold micro"))
    with db.write() as session:
        session.add(Lookbook(slug="night", title="Night", looks=[
            Look(position=0, outfit_id=ids["O-1"], bag_id=ids["B-1"])]))
    page = ana.page("/curate/items/B-1/delete")
    assert "1 look in" in page and "Night" in page
    assert ana.post("/curate/items/B-1/delete").status_code == 303
    assert _item(db, "B-1") is None
    with db.session() as session:
        assert session.scalar(select(AuditEntry.action).order_by(AuditEntry.id.desc())) == "item.delete"


def _jpeg(body, seed=0):
    return encode(product_shot(body, "camel", "flap", "white", np.random.default_rng(seed)), "JPEG")


def test_several_photos_upload_at_once_and_their_palette_is_offered_not_forced(ana, db):
    ana.post("/curate/items/new", BAG_FORM)
    files = [(io.BytesIO(_jpeg("red")), "red.jpg"), (io.BytesIO(_jpeg("teal", 1)), "teal.jpg"),
             (io.BytesIO(b"<svg onload=alert(1)>"), "evil.jpg")]
    resp = ana.post("/curate/items/B-NEW/photos", {"photos": files}, content_type="multipart/form-data",
                    follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert "2 photos added" in page and "evil.jpg:" in page
    bag = _item(db, "B-NEW")
    assert len(bag.images) == 2
    assert [c.name for c in bag.colours] == ["coral", "yellow"]  # the stylist's colours stay
    assert page.count("Colours read from photo") >= 2
    image_id = bag.images[0].id
    resp = ana.post(f"/curate/items/B-NEW/photos/{image_id}/colours")
    assert resp.status_code == 303
    bag = _item(db, "B-NEW")
    assert [c.hex for c in bag.colours] == [c["hex"] for c in bag.images[0].palette]
    ana.post(f"/curate/items/B-NEW/photos/{image_id}/remove")
    with db.session() as session:
        assert session.get(ItemImage, image_id) is None


def test_an_items_history_lists_its_changes(ana, db):
    ana.post("/curate/items/new", BAG_FORM)
    page = ana.page("/curate/items/B-NEW/history")
    assert "ana@shop.example" in page and "Created bag B-NEW" in page


def test_long_lists_are_counted_only_up_to_a_cap_and_still_page_to_the_end(app, db, ana, monkeypatch):
    from lookbook.web.studio import items as items_view
    from lookbook.web.studio import looks as looks_view

    monkeypatch.setattr(items_view, "PER_PAGE", 2)
    monkeypatch.setattr(items_view, "COUNT_UP_TO", 3)
    add_items(db, *[item(f"B-{i}", name=f"Bag {i}") for i in range(5)])
    first = ana.page("/curate/items/")
    assert "More than 3 items" in first and "Page 1<" in first and 'rel="next"' in first
    last = ana.page("/curate/items/?page=3")
    assert "Bag 4" in last and 'rel="next"' not in last and 'rel="prev"' in last
    few = ana.page("/curate/items/?q=bag+4")
    assert "1 item matching" in few and "studio-pager" not in few

    monkeypatch.setattr(looks_view, "PER_PAGE", 1)
    monkeypatch.setattr(looks_view, "COUNT_UP_TO", 1)
    add_items(db, item("O-1", "outfit", name="Navy suit"), item("O-2", "outfit", name="Navy dress"))
    ana.post("/curate/lookbooks/new", {"title": "Night out"})
    with db.session() as session:
        book_id = session.scalar(select(Lookbook.id))
    picker = ana.page(f"/curate/lookbooks/{book_id}/add?q=navy")
    assert "More than 1 outfit" in picker and "Navy dress" in picker and 'rel="next"' in picker
    assert "Navy suit" in ana.page(f"/curate/lookbooks/{book_id}/add?q=navy&page=2")
