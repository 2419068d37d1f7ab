"""Colour names as retailers write them: read into the vocabulary by ΔE2000, kept for display."""

import pytest
from sqlalchemy import select

from lookbook.catalog.models import ItemColour
from lookbook.catalog.store import fetch_records, record_to_fields
from lookbook.styling.colour_names import UnknownColour, read_colour
from lookbook.transfer.importer import import_rows, read_csv


@pytest.mark.parametrize(("given", "name"), [
    ("Navy Blue", "navy"), ("Off White", "white"), ("off-white", "white"), ("charcoal", "black"),
    ("nude", "beige"), ("Cognac", "brown"), ("cream", "ivory"), ("maroon", "burgundy"),
    ("khaki", "beige"), ("rust", "red"), ("taupe", "grey"), ("light blue", "sky"),
    ("DarkOliveGreen", "olive"), ("Hot Pink", "pink"), ("rose gold", "gold"), ("gunmetal", "silver"),
    ("midnight navy", "navy"),
])
def test_a_retailers_colour_name_reads_as_the_nearest_vocabulary_colour(given, name):
    read = read_colour(given)
    assert read.name == name
    assert read.label == given.strip()
    assert given in read.warning() and repr(name) in read.warning()


def test_vocabulary_names_and_hex_values_need_no_warning():
    assert read_colour(" Black ") == read_colour("black")
    assert read_colour("black").warning() is None and read_colour("black").label is None
    assert read_colour("#D00000").name == "red" and read_colour("#D00000").warning() is None


@pytest.mark.parametrize("value", ["blurple", "#12345", "leopard", ""])
def test_names_no_list_knows_are_refused(value):
    with pytest.raises(UnknownColour):
        read_colour(value)


def test_an_export_with_retailer_colour_names_imports_with_warnings_and_keeps_the_names(db):
    csv = ("sku,kind,name,colours,price,currency,width_cm,silhouette\n"
           "B-1,bag,Evening pouch,Navy Blue;Off White,120,EUR,9,pouch\n"
           "B-2,bag,Day bag,charcoal,90,EUR,14,backpack\n"
           "O-1,outfit,Slip dress,nude,200,EUR,,\n")
    with db.write() as session:
        report = import_rows(session, read_csv(csv.encode()))
    assert report.ok and report.created == 3
    assert {w.field for w in report.warnings} == {"colours"}
    assert len(report.warnings) == 4
    with db.session() as session:
        rows = session.execute(select(ItemColour.name, ItemColour.label).order_by(
            ItemColour.item_id, ItemColour.position)).all()
        assert ("navy", "Navy Blue") in rows and ("white", "Off White") in rows
        records = {sku: rec for sku, (_id, rec) in fetch_records(session).items()}
    assert record_to_fields(records["B-1"])["colours"] == ["Navy Blue", "Off White"]
    with db.write() as session:  # re-importing the export changes nothing
        again = import_rows(session, read_csv(csv.encode()))
    assert again.unchanged == 3


def test_the_api_shows_the_retailers_name_beside_the_vocabulary_name(db, client):
    from tests.conftest import add_items, item

    add_items(db, item("B-9", colours=["Navy Blue", "black"], width_cm="12"))
    colours = client.get("/api/v1/items/B-9").json["colours"]
    assert colours[0] == {"name": "navy", "hex": "#1f2a44", "label": "Navy Blue"}
    assert colours[1] == {"name": "black", "hex": "#1a1a1a"}
