"""The revision's item table: questions share the rows they read, and no write is ever missed."""

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
