"""An outfit's recommendation list in the studio, where a stylist pins and hides bags."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, render_template, url_for
from flask.typing import ResponseReturnValue

from lookbook.catalog.queries import get_item
from lookbook.catalog.rules import list_rules, rules_for_outfit
from lookbook.recommend.bundles import make_bundles
from lookbook.recommend.holder import ModelUnavailable
from lookbook.recommend.request import RecommendQuery
from lookbook.server import appdb, services

bp = Blueprint("outfits", __name__, url_prefix="/outfits")
RECOMMENDED = 8
BUNDLES = 3


def recommendations(outfit: Any, limit: int = RECOMMENDED) -> dict[str, Any]:
    """Return the bags and bundles shoppers are shown for an outfit (or why there are none)."""
    try:
        rec = services.recommender()
        q = RecommendQuery({"limit": str(limit)}, accent_default=True)
        bags = rec.bags_for_outfit(outfit, q.filters, q.limit, outfit_id=outfit.id)
        bundles = make_bundles(rec, outfit, q.filters, BUNDLES, outfit_id=outfit.id,
                               discount_percent=current_app.config["LOOKBOOK"].bundle_discount_percent)
    except ModelUnavailable:
        return {"bags": [], "bundles": [], "unavailable": True}
    return {"bags": bags.results, "bundles": bundles.bundles, "unavailable": False}


@bp.get("/<sku>")
def show(sku: str) -> ResponseReturnValue:
    """Show the bags recommended for an outfit, with pin and hide beside each."""
    session = appdb.session()
    outfit = get_item(session, sku, "outfit")
    if outfit is None:
        abort(404, f"There is no outfit with the sku {sku}.")
    rules, _total = list_rules(session, outfit_sku=outfit.sku, per_page=200)
    return render_template("curate/outfit.html", outfit=outfit, rules=rules,
                           rule_of=rules_for_outfit(session, outfit.id),
                           back=url_for("curate.outfits.show", sku=outfit.sku),
                           **recommendations(outfit))
