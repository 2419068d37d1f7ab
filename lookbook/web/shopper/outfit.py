"""An outfit page: the outfit, bags that complete the look, bundles, and curated looks like it."""

from __future__ import annotations

from flask import abort, render_template, url_for
from sqlalchemy import select

from lookbook.catalog.models import Item
from lookbook.catalog.queries import get_item
from lookbook.lookbooks.models import Look
from lookbook.lookbooks.queries import live_looks
from lookbook.recommend.bundles import make_bundles
from lookbook.recommend.holder import ModelUnavailable
from lookbook.recommend.request import RecommendQuery
from lookbook.server import appdb, services
from lookbook.web.locale import words
from lookbook.web.shopper.answers import remembered
from lookbook.web.shopper.lookbooks import bundle_price
from lookbook.web.shopper.sharing import share
from lookbook.web.shopper.wording import describe

BAGS, BUNDLES, LOOKS = 4, 2, 4


def item_or_404(sku: str, kind: str) -> Item:
    """Return the catalog item of this kind, or answer the site's 404 page."""
    item = get_item(appdb.session(), sku, kind)
    if item is None:
        abort(404, description=f"We could not find the {kind} {sku!r}; it may have left the catalog.")
    return item


def similar_looks(outfit: Item, looks: list[Look], limit: int = LOOKS) -> list[Look]:
    """Curated looks whose outfits share this outfit's occasions, seasons and colours."""
    occasions, seasons = set(outfit.occasions), set(outfit.seasons)
    colours = {c.name for c in outfit.colours}

    def closeness(look: Look) -> tuple[int, int]:
        other = look.outfit
        shared = (3 * len(occasions & set(other.occasions)) + len(seasons & set(other.seasons))
                  + len(colours & {c.name for c in other.colours}))
        return shared, -look.position

    candidates = [lk for lk in looks if lk.outfit_id != outfit.id and occasions & set(lk.outfit.occasions)]
    candidates.sort(key=closeness, reverse=True)
    seen: set[int] = set()
    out = []
    for look in candidates:  # one look per outfit
        if look.outfit_id not in seen:
            seen.add(look.outfit_id)
            out.append(look)
    return out[:limit]


def outfit(sku: str) -> str:
    """Show an outfit with "complete the look", bundles and more looks like it."""
    item = item_or_404(sku, "outfit")
    session = appdb.session()
    bags, bundles, resting = [], [], False
    try:
        rec = services.recommender()
        q = RecommendQuery({}, accent_default=True)  # the API's defaults: small bags, in stock
        answer, made = remembered(rec, ("outfit", item.sku), lambda: (
            rec.bags_for_outfit(item, q.filters, BAGS, outfit_id=item.id),
            make_bundles(rec, item, q.filters, BUNDLES, outfit_id=item.id)))
        bags = describe(answer.results)
        bundles = [(b, bundle_price([b.accent.item, b.functional.item])) for b in made.bundles]
    except ModelUnavailable:
        resting = True  # the outfit still shows; recommendations come back with the model
    looks = similar_looks(item, live_looks(session, bags=False, occasions=item.occasions))
    # One query for the bags of the looks shown (the other live looks' bags stay unread); held
    # here so the session's (weak) identity map still has them when the template reads look.bag.
    shown_bags = list(session.scalars(select(Item).where(Item.id.in_({lk.bag_id for lk in looks}))))
    page = share(f"{item.name} — complete the look",
                 f"{item.name} in {words([c.name for c in item.colours])}: the micro and mini bags "
                 "that complete the look, bundles and curated looks like it.",
                 url_for("pages.outfit", sku=item.sku, _external=True), item=item, kind="product")
    return render_template("shop/outfit.html", item=item, bags=bags, bundles=bundles, looks=looks,
                           shown_bags=shown_bags, resting=resting, share=page)
