"""A lookbook page: every look with its outfit and bag side by side, the note and the bundle."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import abort, current_app, render_template, url_for

from lookbook.catalog.models import Item
from lookbook.lookbooks.queries import live_lookbook
from lookbook.server import appdb
from lookbook.styling.markets import load_markets
from lookbook.web.shopper.home import cover_look
from lookbook.web.shopper.sharing import share

CENT = Decimal("0.01")


@dataclass(frozen=True)
class BundlePrice:
    """What a bundle costs: the sum, and the discount the retailer offers on it (if any)."""

    total: Decimal
    currency: str
    percent: Decimal = Decimal(0)

    @property
    def discount(self) -> Decimal:
        return (self.total * self.percent / 100).quantize(CENT)

    @property
    def after_discount(self) -> Decimal:
        return self.total - self.discount


def bundle_price(items: list[Item]) -> BundlePrice | None:
    """Price a bundle; None when its items are priced in different currencies."""
    if not items or len({i.currency for i in items}) != 1:
        return None
    percent = current_app.config["LOOKBOOK"].bundle_discount_percent
    return BundlePrice(sum((i.price for i in items), Decimal(0)).quantize(CENT), items[0].currency,
                       percent)


def market_name(market_id: str | None) -> str | None:
    """Return a market's display name ("Middle East"), or None."""
    if not market_id:
        return None
    market = load_markets().get(market_id)
    return market.label if market else market_id.replace("-", " ").title()


def lookbook(slug: str) -> str:
    """Show a published lookbook; drafts and books outside their window are 404."""
    book = live_lookbook(appdb.session(), slug)
    if book is None:
        abort(404, description="This lookbook is not published (or no longer is).")
    cover = cover_look(book)
    looks = f"{len(book.looks)} look{'s' if len(book.looks) != 1 else ''}"
    page = share(book.title, f"{book.description} {looks} pairing outfits with micro and mini bags, "
                             "with styling notes, colours and bundles.".strip(),
                 url_for("pages.lookbook", slug=book.slug, _external=True),
                 item=cover.outfit if cover else None, kind="article")
    bundles = {look.id: bundle_price(look.bundle) for look in book.looks}
    return render_template("shop/lookbook.html", book=book, bundles=bundles,
                           market=market_name(book.market), share=page, nav="lookbooks")
