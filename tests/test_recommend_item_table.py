"""The revision's item table: questions share the rows they read, and no write is ever missed."""

import pytest

from lookbook.catalog.models import Item
from tests.recommend_fixtures import add_rule, skus
from tests.test_recommend_service import bags_for, evening_catalog


def _table(app):
    return app.extensions["lookbook.item_table"]


def test_a_second_question_reads_no_item_rows(db, app, client):
    evening_catalog(db)
    first = bags_for(client, "GOWN-1", limit="8", size="any")
    loads = _table(app).loads
    narrower = bags_for(client, "GOWN-1", limit="3", size="micro,mini")  # a different question
    assert _table(app).loads == loads
    assert set(skus(narrower)) <= set(skus(first))
    assert narrower["outfit"] == first["outfit"]  # the same encoded item, spliced in


def test_no_write_is_missed_by_the_table(db, app, client):
    evening_catalog(db)
    first = skus(bags_for(client, "GOWN-1", limit="8", size="any"))
    sold, gone, hidden = first[0], first[1], first[2]
    with db.write() as session:
        session.query(Item).filter_by(sku=sold).one().in_stock = False
        session.delete(session.query(Item).filter_by(sku=gone).one())
    add_rule(db, "GOWN-1", hidden, "hide")
    for params in ({"limit": "8", "size": "any"}, {"limit": "3"}, {"limit": "5", "season": "winter"}):
        assert not {sold, gone, hidden} & set(skus(bags_for(client, "GOWN-1", **params)))
    assert sold in skus(bags_for(client, "GOWN-1", limit="8", size="any", in_stock="any"))


def test_a_repriced_bag_shows_its_new_price(db, client):
    evening_catalog(db)
    body = bags_for(client, "GOWN-1", limit="8", size="any")
    top = body["results"][0]["bag"]
    with db.write() as session:
        session.query(Item).filter_by(sku=top["sku"]).one().price = 12345
    again = bags_for(client, "GOWN-1", limit="8", size="any", max_price="20000")
    shown = next(r["bag"] for r in again["results"] if r["bag"]["sku"] == top["sku"])
    assert shown["price"] == "12345.00" != top["price"]
    assert top["sku"] not in skus(bags_for(client, "GOWN-1", limit="8", size="any", max_price="500"))


def test_an_unknown_or_wrong_kind_sku_is_404(db, client):
    evening_catalog(db)
    assert client.get("/api/v1/outfits/GOLD/bags").status_code == 404  # a bag, not an outfit
    assert client.get("/api/v1/outfits/NOPE/bags").status_code == 404
    assert client.get("/api/v1/bags/GOWN-1/similar").status_code == 404


def test_the_table_never_detaches_the_request_s_own_rows(db, app):
    """A request that holds an item and then asks for recommendations can still change it."""
    from lookbook.recommend.item_table import ItemTable

    evening_catalog(db)
    table = ItemTable()
    with db.write() as session:
        mine = session.query(Item).filter_by(sku="GOLD").one()
        shared = table.items(session, "rev-1", ["GOLD", "SILVER"])
        assert shared["GOLD"] is not mine and mine in session
        mine.name = "Renamed in the same request"
    with db.session() as session:
        assert session.query(Item).filter_by(sku="GOLD").one().name == "Renamed in the same request"
    with db.session() as session:
        assert table.items(session, "rev-1", ["GOLD"])["GOLD"] is shared["GOLD"]  # held for rev-1


def test_rows_read_through_core_show_exactly_what_the_orm_item_shows(db, app, tmp_path):
    """Answers show ``ItemRow``s: every attribute, the API JSON and the palette labels must be
    those of the ORM ``Item`` (photos, retailer colour names, tags in order, bag fields)."""
    import sqlalchemy as sa

    from lookbook.catalog.models import ItemColour
    from lookbook.catalog.rows import ItemRow, read_rows
    from lookbook.catalog.serialize import item_to_json
    from tests.shop_fixtures import import_shop

    import_shop(db, app.extensions["lookbook.storage"], tmp_path)
    with db.write() as session:  # a retailer's own colour name beside a vocabulary one
        session.scalars(sa.select(ItemColour).join(Item).where(Item.sku == "B-NAVY")).one().label = "Midnight"
    with db.session() as session:
        orm = {i.sku: i for i in session.scalars(sa.select(Item))}
        rows = read_rows(session.connection(), [*orm, "NO-SUCH-SKU"])
    assert set(rows) == set(orm)  # unknown skus are simply absent
    photographed = 0
    for sku, row in rows.items():
        item = orm[sku]
        assert isinstance(row, ItemRow)
        for column in Item.__table__.columns:
            assert getattr(row, column.key) == getattr(item, column.key), (sku, column.key)
        for facet in ("occasions", "styles", "seasons", "sustainability"):
            assert getattr(row, facet) == getattr(item, facet), (sku, facet)
        assert [(c.position, c.name, c.hex, c.label) for c in row.colours] == \
            [(c.position, c.name, c.hex, c.label) for c in item.colours]
        assert [i.renditions() for i in row.images] == [i.renditions() for i in item.images]
        assert item_to_json(row, str) == item_to_json(item, str)  # type: ignore[arg-type]
        photographed += bool(row.images)
    assert photographed >= 2 and rows["B-NAVY"].colours[0].label == "Midnight"
    with pytest.raises(sa.exc.NoInspectionAvailable):  # plain objects: no session tracks them
        sa.inspect(rows["B-GOLD"])

