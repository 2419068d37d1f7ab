from tests.conftest import add_items, item


def test_item_is_served_by_sku(db, client):
    add_items(db, item("BAG-1", colours=["gold"], styles=["metallic"]))
    resp = client.get("/api/v1/items/BAG-1")
    assert resp.status_code == 200
    assert resp.json["size"] == "mini"
    assert resp.json["colours"] == [{"name": "gold", "hex": "#d4af37"}]
