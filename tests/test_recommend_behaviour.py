"""Shopper click-through nudges the ranking: smoothed, bounded, never past filters or rules."""

import datetime as dt

import pytest

from lookbook.analytics.models import DailyCount
from lookbook.recommend.behaviour import BOUND, REASON, ClickThrough, load_click_through
from lookbook.recommend.filters import Filters
from lookbook.recommend.service import Recommender
from tests.recommend_fixtures import add_items, add_rule, bag, outfit, recommender

TODAY = dt.datetime.now(dt.UTC).date()


def test_without_behaviour_nothing_moves():
    assert ClickThrough().adjustment("O-1", "B-1") == 0.0
    assert not ClickThrough()


def test_click_through_is_smoothed_and_bounded():
    signal = ClickThrough(bags={"HOT": (1_000_000, 1_000_000), "COLD": (0, 1_000_000),
                                "LUCKY": (2, 2), "AVERAGE": (1000, 20_000)},
                          clicks=1_001_002, impressions=3_020_002)
    assert 0 < signal.adjustment(None, "HOT") <= BOUND
    assert -BOUND <= signal.adjustment(None, "COLD") < 0
    # Two clicks from two impressions is luck, not evidence: smoothing keeps it small.
    assert signal.adjustment(None, "LUCKY") < signal.adjustment(None, "HOT") / 2
    assert signal.adjustment(None, "NEVER-SHOWN") == 0.0


def test_a_pair_starts_from_its_bag_and_learns_from_its_own_clicks():
    signal = ClickThrough(bags={"B-1": (100, 1000)}, pairs={("O-1", "B-1"): (90, 100)},
                          clicks=100, impressions=1000)
    assert signal.pair_rate("O-2", "B-1") == pytest.approx(signal.bag_rate("B-1"))
    assert signal.pair_rate("O-1", "B-1") > signal.bag_rate("B-1")


def catalog(db):
    add_items(
        db,
        outfit("GOWN", ["black"], ["evening"], material="silk"),
        bag("GOLD", "gold", width="8", styles=["metallic"], occasions=["evening"], silhouette="clutch"),
        bag("SILVER", "silver", width="9", styles=["metallic"], occasions=["evening"]),
        bag("BEADS", "burgundy", width="12", styles=["embellished"], occasions=["evening"]),
        bag("PEARL", "ivory", width="11", styles=["embellished"], occasions=["evening"]),
        bag("SATIN", "black", width="14", styles=["quilted"], occasions=["evening"], material="satin"),
        bag("CAMEL", "camel", width="13", styles=["minimalist"], occasions=["business"],
            material="calfskin"),
        bag("RED", "red", width="15", styles=["playful"], occasions=["casual"], material="canvas"),
        bag("NAVY", "navy", width="16", styles=["minimalist"], occasions=["business"], material="nylon"),
        bag("TOTE", "beige", width="38", silhouette="tote", occasions=["business"], material="canvas"),
    )


def clicks(db, outfit_sku, bag_sku, clicked, shown, **extra):
    with db.write() as session:
        session.add(DailyCount(day=TODAY, lookbook="", outfit=outfit_sku, bag=bag_sku, placement="widget",
                               site="", impressions=shown, clicks=clicked, add_to_carts=0, purchases=0))
        for sku, (c, n) in extra.items():
            session.add(DailyCount(day=TODAY, lookbook="", outfit="", bag=sku, placement="page", site="",
                                   impressions=n, clicks=c, add_to_carts=0, purchases=0))


def ranked(db, session, filters=None, limit=4, signal=None):
    from lookbook.catalog.queries import get_item

    base = recommender(db, session)
    rec = Recommender(session, base.served, signal)
    gown = get_item(session, "GOWN", "outfit")
    answer = rec.bags_for_outfit(gown, filters or Filters(size=("micro", "mini")), limit,
                                 outfit_id=gown.id)
    return answer.results


def test_click_through_reorders_only_within_its_bound(db):
    catalog(db)
    with db.session() as session:
        model = {r.item.sku: r.score for r in ranked(db, session, limit=8)}
    order = list(model)
    chosen = order[-1]  # the model's weakest bag in the list, chosen by every shopper
    clicks(db, "GOWN", chosen, 5000, 5000, **{s: (10, 5000) for s in order if s != chosen})
    with db.session() as session:
        signal = load_click_through(session)
        after = ranked(db, session, limit=8, signal=signal)
    assert sorted(r.item.sku for r in after) == sorted(order)
    moved = [r.item.sku for r in after]
    assert moved.index(chosen) < order.index(chosen)  # shoppers' choice moved up...
    for r in after:
        assert abs(r.score - model[r.item.sku]) <= BOUND + 1e-4  # ...by at most the bound,
    for sku in order:
        if model[sku] - model[chosen] > 2 * BOUND:  # so a clearly better bag stays above it
            assert moved.index(sku) < moved.index(chosen)
    assert [r.score for r in after] == sorted((r.score for r in after), reverse=True)
    assert REASON in next(r for r in after if r.item.sku == chosen).reasons


def _boost(db, order, favourite):
    """Every shopper who saw the gown's bags chose ``favourite``."""
    with db.write() as session:
        session.query(DailyCount).delete()
    clicks(db, "GOWN", favourite, 5000, 5000, **{s: (10, 5000) for s in order if s != favourite})
    with db.session() as session:
        return load_click_through(session)


def test_a_well_chosen_bag_just_below_the_cut_moves_in_but_not_one_from_far(db):
    catalog(db)
    with db.session() as session:
        model = {r.item.sku: r.score for r in ranked(db, session, limit=8)}
    order = list(model)
    # The cut: the first place where the next bag is close behind (within one bound).
    cut = next(i for i in range(1, len(order)) if model[order[i - 1]] - model[order[i]] < BOUND)
    far = next(s for s in order[cut:] if model[order[cut - 1]] - model[s] > 2 * BOUND)
    with db.session() as session:
        near_in = [r.item.sku for r in ranked(db, session, limit=cut, signal=_boost(db, order, order[cut]))]
        far_in = [r.item.sku for r in ranked(db, session, limit=cut, signal=_boost(db, order, far))]
    assert order[cut] in near_in
    assert far_in == order[:cut]


def test_click_through_never_beats_filters_pins_or_hides(db):
    catalog(db)
    add_rule(db, "GOWN", "CAMEL", "pin")
    add_rule(db, "GOWN", "GOLD", "hide")
    everyone = {"GOLD": (9000, 9000), "TOTE": (9000, 9000)}
    clicks(db, "GOWN", "SILVER", 0, 9000, **everyone)
    with db.session() as session:
        signal = load_click_through(session)
        after = ranked(db, session, limit=5, signal=signal)
    found = [r.item.sku for r in after]
    assert found[0] == "CAMEL"  # the pin stays first
    assert "GOLD" not in found  # hidden stays hidden however often it is clicked elsewhere
    assert "TOTE" not in found  # an oversized tote never passes the micro/mini filter


def test_events_posted_to_the_api_change_the_next_answer(client, db, app):
    catalog(db)
    first = client.get("/api/v1/outfits/GOWN/bags?limit=8").json
    order = [r["bag"]["sku"] for r in first["results"]]
    chosen = order[-1]
    import uuid

    events = [{"id": uuid.uuid4().hex, "type": t, "placement": "widget", "item": s, "outfit": "GOWN"}
              for s in order for t in (["impression", "click"] if s == chosen else ["impression"])]
    for _ in range(30):
        for e in events:
            e["id"] = uuid.uuid4().hex
        assert client.post("/api/v1/events", json={"events": events}).status_code == 202
    app.extensions["lookbook.click_through"].forget()
    again = client.get("/api/v1/outfits/GOWN/bags?limit=8").json
    moved = [r["bag"]["sku"] for r in again["results"]]
    assert moved.index(chosen) < order.index(chosen)
    assert REASON in again["results"][moved.index(chosen)]["reasons"]
