"""Each styling rule of DESIGN §2, proven on a small catalog through the API."""

from tests.recommend_fixtures import add_items, bag, outfit, skus


def _bags_for(client, sku: str, **params: str) -> list[str]:
    resp = client.get(f"/api/v1/outfits/{sku}/bags", query_string=params)
    assert resp.status_code == 200, resp.json
    return skus(resp.json)


def test_evening_outfit_gets_embellished_or_metallic_small_bags_first(db, client):
    add_items(
        db,
        outfit("GOWN", ["black"], ["evening"]),
        bag("SHINE", "gold", width="8", styles=["metallic"], occasions=["evening"], silhouette="clutch"),
        bag("BEADS", "burgundy", width="12", styles=["embellished"], occasions=["evening"]),
        bag("PLAIN", "camel", width="14", styles=["minimalist"], occasions=["business"],
            material="calfskin"),
        bag("FUN", "yellow", width="9", styles=["playful"], occasions=["casual"], material="canvas"),
        bag("BIG", "gold", width="30", styles=["metallic"], occasions=["evening"], silhouette="tote"),
    )
    ranked = _bags_for(client, "GOWN", size="any")
    assert set(ranked[:2]) == {"SHINE", "BEADS"}
    assert ranked.index("BIG") > ranked.index("SHINE")  # small beats large for evening


def test_business_outfit_gets_a_minimalist_neutral_bag(db, client):
    add_items(
        db,
        outfit("SUIT", ["navy"], ["business"], material="wool"),
        bag("QUIET", "camel", styles=["minimalist"], material="calfskin", occasions=["business"]),
        bag("LOUD", "pink", styles=["playful", "logo"], material="synthetic", occasions=["casual"]),
        bag("SPARKLE", "silver", styles=["embellished"], material="satin", occasions=["evening"]),
    )
    ranked = _bags_for(client, "SUIT")
    assert ranked[0] == "QUIET"
    first = client.get("/api/v1/outfits/SUIT/bags").json["results"][0]
    assert any("business" in r for r in first["reasons"])


def test_casual_outfit_gets_a_playful_contrasting_bag(db, client):
    add_items(
        db,
        outfit("TEE", ["blue"], ["casual"], material="cotton"),
        bag("SAME", "blue", styles=["playful"], material="canvas"),
        bag("POP", "orange", styles=["playful"], material="canvas"),
        bag("DULL", "grey", styles=["minimalist"], material="calfskin"),
    )
    body = client.get("/api/v1/outfits/TEE/bags").json
    assert skus(body)[0] == "POP"
    assert any("orange" in r and "blue" in r for r in body["results"][0]["reasons"])
    # All three are minis, so all are served: the playful blue one before the grey minimalist.
    assert skus(body) == ["POP", "SAME", "DULL"]


def test_pastels_lead_when_the_season_is_spring(db, client):
    add_items(
        db,
        outfit("DRESS", ["white"], ["casual"], material="linen"),
        bag("BLUSH", "blush", styles=["minimalist"], seasons=["spring"]),
        bag("LILAC", "lilac", styles=["minimalist"], seasons=["spring"]),
        bag("BOLD", "red", styles=["minimalist"], seasons=["spring"]),
        bag("DARK", "brown", styles=["minimalist"], seasons=["spring"]),
    )
    ranked = _bags_for(client, "DRESS", season="spring")
    assert set(ranked[:2]) == {"BLUSH", "LILAC"}
    body = client.get("/api/v1/outfits/DRESS/bags?season=spring").json
    assert any("spring" in r for r in body["results"][0]["reasons"])


def test_a_market_profile_moves_the_ranking(db, client):
    add_items(
        db,
        outfit("LOOK", ["beige"], ["business"], material="wool"),
        bag("CLASSIC", "black", styles=["minimalist"], material="calfskin", occasions=["business"]),
        bag("RARE", "black", styles=["minimalist"], material="python", occasions=["business"],
            limited_edition=True),
    )
    plain = _bags_for(client, "LOOK")
    middle_east = _bags_for(client, "LOOK", market="middle-east")
    assert plain[0] == "CLASSIC"
    assert middle_east[0] == "RARE"
    body = client.get("/api/v1/outfits/LOOK/bags?market=middle-east").json
    assert any("Middle East" in r for r in body["results"][0]["reasons"])
