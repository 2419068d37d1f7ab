"""What shoppers notice: curated looks, determinism, live checks, curator rules, bundles."""

import pytest
from sqlalchemy import delete, update

from lookbook.catalog.models import Item
from lookbook.catalog.revision import bump_revision
from tests.recommend_fixtures import add_items, add_lookbook, add_rule, bag, outfit, skus, wait_for_refit


def evening_catalog(db):
    add_items(
        db,
        outfit("GOWN-1", ["black"], ["evening"], material="silk"),
        outfit("GOWN-2", ["black"], ["evening"], material="silk"),
        outfit("SUIT", ["grey"], ["business"], material="wool"),
        bag("GOLD", "gold", width="8", styles=["metallic"], occasions=["evening"], silhouette="clutch"),
        bag("SILVER", "silver", width="9", styles=["metallic"], occasions=["evening"]),
        bag("BEADS", "burgundy", width="12", styles=["embellished"], occasions=["evening"]),
        bag("PEARL", "ivory", width="11", styles=["embellished"], occasions=["evening"]),
        bag("SATIN", "black", width="14", styles=["quilted"], occasions=["evening"], material="satin"),
        bag("CAMEL", "camel", width="13", styles=["minimalist"], occasions=["business"],
            material="calfskin"),
        bag("TOTE", "beige", width="38", silhouette="tote", styles=["minimalist"], material="canvas",
            occasions=["business"]),
        bag("CROSS", "black", width="25", silhouette="crossbody", material="calfskin"),
    )


def bags_for(client, sku, **params):
    resp = client.get(f"/api/v1/outfits/{sku}/bags", query_string=params)
    assert resp.status_code == 200, resp.json
    return resp.json


def test_a_curated_look_lifts_its_bag_for_similar_outfits(db, app, client):
    evening_catalog(db)
    before = skus(bags_for(client, "GOWN-2", limit="10"))
    assert before.index("CAMEL") >= 3
    add_lookbook(db, "nights", [("GOWN-1", "CAMEL")])
    wait_for_refit(app)
    after = bags_for(client, "GOWN-2", limit="10")
    assert skus(after).index("CAMEL") < before.index("CAMEL")
    camel = next(r for r in after["results"] if r["bag"]["sku"] == "CAMEL")
    assert any("curated" in r or "stylists" in r for r in camel["reasons"])


def test_unpublished_lookbooks_teach_nothing(db, app, client):
    evening_catalog(db)
    before = skus(bags_for(client, "GOWN-2", limit="10"))
    add_lookbook(db, "draft", [("GOWN-1", "CAMEL")], published=False)
    wait_for_refit(app)
    assert skus(bags_for(client, "GOWN-2", limit="10")) == before


def test_results_are_deterministic(db, client, app):
    evening_catalog(db)
    first = bags_for(client, "GOWN-1", limit="8", size="any")
    again = bags_for(client, "GOWN-1", limit="8", size="any")
    assert first == again
    # A second process fitting the same catalog ranks the same way.
    from lookbook.recommend.data import load_catalog
    from lookbook.recommend.estimator import BagRecommender
    with db.session() as session:
        cat = load_catalog(session)
    a, b = BagRecommender().fit(cat), BagRecommender().fit(cat)
    assert (a.bag_matrix_ == b.bag_matrix_).all()


@pytest.fixture
def frozen_client(db, tmp_path):
    """A client whose model is never refitted, to prove the live checks alone hold."""
    from lookbook import create_app

    app = create_app({
        "instance": tmp_path / "instance", "database": db, "database_url": db.url,
        "secret_key": "test-secret-key-not-for-production", "models_dir": tmp_path / "models",
        "TESTING": True, "RATELIMIT_ENABLED": False, "recommend_refit": "never",
    })
    return app.test_client()


def test_deleted_and_sold_out_bags_never_appear_even_from_a_stale_model(db, frozen_client):
    evening_catalog(db)
    first = skus(bags_for(frozen_client, "GOWN-1"))
    gone, sold = first[0], first[1]
    with db.write() as session:
        session.execute(delete(Item).where(Item.sku == gone))
        session.execute(update(Item).where(Item.sku == sold).values(in_stock=False))
        bump_revision(session)  # as every catalog write does
    body = bags_for(frozen_client, "GOWN-1")
    assert body["model"]["fresh"] is False
    assert gone not in skus(body) and sold not in skus(body)
    assert sold in skus(bags_for(frozen_client, "GOWN-1", in_stock="any"))
    assert frozen_client.get(f"/api/v1/bags/{gone}/similar").status_code == 404
    cheap = skus(body)[0]
    with db.write() as session:
        session.execute(update(Item).where(Item.sku == cheap).values(price=9999))
        bump_revision(session)
    assert cheap not in skus(bags_for(frozen_client, "GOWN-1", max_price="500"))


def test_a_pinned_bag_comes_first_and_a_hidden_bag_never_shows(db, client):
    evening_catalog(db)
    ranked = skus(bags_for(client, "GOWN-1"))
    add_rule(db, "GOWN-1", "CAMEL", "pin")
    add_rule(db, "GOWN-1", ranked[0], "hide")
    body = bags_for(client, "GOWN-1")
    assert skus(body)[0] == "CAMEL"
    assert body["results"][0]["score"] == 1.0
    assert "stylists" in body["results"][0]["reasons"][0]
    assert ranked[0] not in skus(body)
    assert ranked[0] not in skus(bags_for(client, "GOWN-1", limit="50", size="any", in_stock="any"))
    assert "GOWN-1" not in [r["outfit"]["sku"] for r in
                            client.get(f"/api/v1/bags/{ranked[0]}/outfits").json["results"]]


def test_a_pinned_bag_still_obeys_the_hard_filters(db, client):
    evening_catalog(db)
    add_rule(db, "GOWN-1", "TOTE", "pin")  # oversized: not an accent
    assert "TOTE" not in skus(bags_for(client, "GOWN-1"))
    assert skus(bags_for(client, "GOWN-1", size="any"))[0] == "TOTE"


def test_exclude_keeps_basket_items_out(db, client):
    evening_catalog(db)
    top = skus(bags_for(client, "GOWN-1"))[:2]
    body = bags_for(client, "GOWN-1", exclude=",".join(top))
    assert not set(top) & set(skus(body))
    assert len(body["results"]) == 4  # six accents in the catalog, two in the basket


def test_fewer_bags_than_the_limit_says_what_was_relaxed(db, client):
    evening_catalog(db)
    add_items(db, bag("WINTER", "gold", width="9", styles=["metallic"], seasons=["winter"],
                      occasions=["evening"]))
    body = bags_for(client, "GOWN-1", season="winter", limit="3")
    assert skus(body)[0] == "WINTER"  # the one bag in season ranks above the relaxed ones
    assert body["relaxed"] == ["season"]
    assert len(body["results"]) == 3
    strict = bags_for(client, "GOWN-1", max_price="50")
    assert strict["results"] == [] and strict["relaxed"] == []
    assert strict["removed_by"] == ["max_price"]


def test_outfits_for_a_bag_and_similar_bags(db, client):
    evening_catalog(db)
    body = client.get("/api/v1/bags/GOLD/outfits").json
    assert [r["outfit"]["sku"] for r in body["results"]][:2] in (["GOWN-1", "GOWN-2"], ["GOWN-2", "GOWN-1"])
    assert all(r["reasons"] for r in body["results"])
    similar = client.get("/api/v1/bags/GOLD/similar?limit=3").json
    assert similar["results"][0]["bag"]["sku"] == "SILVER"
    assert "GOLD" not in skus(similar)
    assert all(r["reasons"] for r in similar["results"])


def test_bundles_pair_a_small_accent_with_a_functional_tote_or_crossbody(db, client):
    evening_catalog(db)
    body = client.get("/api/v1/outfits/SUIT/bundles?limit=3").json
    assert body["results"]
    for bundle in body["results"]:
        accent, functional = bundle["items"]
        assert accent["size"] in ("micro", "mini")
        assert functional["size"] in ("standard", "oversized")
        assert functional["silhouette"] in ("tote", "crossbody")
        from decimal import Decimal
        assert Decimal(bundle["total_price"]) == Decimal(accent["price"]) + Decimal(functional["price"])
        assert bundle["currency"] == "EUR" and bundle["reasons"]
        carry = f"{functional['size']} {functional['silhouette']}"
        article = "an" if carry[0] in "aeiou" else "a"
        assert f"{article} {carry} carries the day's essentials" in bundle["reasons"]
    scores = [b["score"] for b in body["results"]]
    assert scores == sorted(scores, reverse=True)
    accents = [b["items"][0]["sku"] for b in body["results"]]
    assert len(set(accents)) == len(accents)  # variety before repeats


def test_a_bundle_budget_applies_to_the_total(db, client):
    evening_catalog(db)
    body = client.get("/api/v1/outfits/SUIT/bundles?max_price=150").json
    assert body["results"] == []
    assert client.get("/api/v1/outfits/SUIT/bundles?max_price=250").json["results"]


def test_a_similar_bag_reason_names_the_strongest_shared_feature_of_a_block():
    import numpy as np

    from lookbook.recommend.estimator import BagRecommender

    model = BagRecommender.__new__(BagRecommender)  # only the fitted arrays matter here
    model.feature_names_ = ["occasions:casual", "occasions:evening", "occasions:business"]
    model.similar_weights_ = np.ones(3, dtype=np.float32)
    # Shared: casual 0.09, evening 0.36, business 0.42 - the strongest, yet below 0.09 + 0.36.
    model.bag_matrix_ = np.array([[0.3, 0.6, 0.65], [0.3, 0.6, 0.65]], dtype=np.float32)
    assert model.explain_similar(0, 1, None, None) == ["also made for business"]


def test_a_result_far_below_the_best_is_marked_weak(db, client):
    add_items(
        db,
        outfit("GOWN", ["black"], ["evening"]),
        bag("SHINE", "gold", width="8", styles=["metallic", "embellished"], occasions=["evening"],
            silhouette="clutch", limited_edition=True),
        bag("ALSO", "silver", width="9", styles=["metallic"], occasions=["evening"], silhouette="clutch"),
        bag("ODD", "neon", width="18", styles=["playful", "logo"], occasions=["travel"],
            material="nylon", silhouette="belt"),
    )
    results = bags_for(client, "GOWN")["results"]
    weak = {r["bag"]["sku"]: r["weak"] for r in results}
    assert weak == {"SHINE": False, "ALSO": False, "ODD": True}


def test_bundles_vary_the_functional_piece_and_the_discount_counts_against_the_budget(db, tmp_path):
    from decimal import Decimal

    from lookbook import create_app

    add_items(
        db,
        outfit("SUIT", ["grey"], ["business"], material="wool"),
        *[bag(f"ACC-{i}", c, width="12", styles=["minimalist"], material="calfskin", price="100")
          for i, c in enumerate(["black", "camel", "navy", "brown"])],
        *[bag(f"TOTE-{i}", c, width="36", silhouette=s, material="calfskin", price="100")
          for i, (c, s) in enumerate([("beige", "tote"), ("grey", "tote"), ("black", "crossbody")])],
    )
    app = create_app({
        "instance": tmp_path / "instance", "database": db, "database_url": db.url,
        "secret_key": "test-secret-key-not-for-production", "models_dir": tmp_path / "models",
        "TESTING": True, "RATELIMIT_ENABLED": False, "bundle_discount_percent": "10",
    })
    client = app.test_client()
    bundles = client.get("/api/v1/outfits/SUIT/bundles?limit=3").json["results"]
    functional = [b["items"][1]["sku"] for b in bundles]
    assert len(set(functional)) == 3  # not one tote for every bundle
    # Each bundle totals 200.00, 180.00 after the 10 % discount: a budget of 190 takes them.
    within = client.get("/api/v1/outfits/SUIT/bundles?limit=3&max_price=190").json["results"]
    assert len(within) == 3 and all(Decimal(b["total_price"]) == Decimal("200.00") for b in within)
    assert all(Decimal(b["discount"]["total_after_discount"]) == Decimal("180.00") for b in within)

