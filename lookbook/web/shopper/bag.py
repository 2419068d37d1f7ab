"""A bag page: the bag, outfits to wear it with, similar bags, and the lookbooks it is in."""

from __future__ import annotations

from flask import render_template, url_for

from lookbook.lookbooks.queries import looks_with_bag
from lookbook.recommend.filters import Filters
from lookbook.recommend.holder import ModelUnavailable
from lookbook.server import appdb, services
from lookbook.web.locale import size_label, words
from lookbook.web.shopper.answers import remembered
from lookbook.web.shopper.outfit import item_or_404
from lookbook.web.shopper.sharing import share
from lookbook.web.shopper.wording import describe

OUTFITS, SIMILAR = 4, 4


def bag(sku: str) -> str:
    """Show a bag with "wear it with", similar bags and where it appears in lookbooks."""
    item = item_or_404(sku, "bag")
    outfits, similar, resting = [], [], False
    try:
        rec = services.recommender()
        wear, alike = remembered(rec, ("bag", item.sku), lambda: (
            rec.outfits_for_bag(item, OUTFITS, Filters()), rec.similar_bags(item, Filters(), SIMILAR)))
        outfits, similar = describe(wear.results), describe(alike.results)
    except ModelUnavailable:
        resting = True
    appears = looks_with_bag(appdb.session(), item.id)
    page = share(item.name,
                 f"{item.name}, a {size_label(item)} {item.silhouette or 'bag'} in "
                 f"{words([c.name for c in item.colours])}: the outfits to wear it with, "
                 "similar bags and the lookbooks it appears in.",
                 url_for("pages.bag", sku=item.sku, _external=True), item=item, kind="product")
    return render_template("shop/bag.html", item=item, outfits=outfits, similar=similar,
                           appears=appears, resting=resting, share=page)
