"""Browse: filters with counts, sorting and pages, all held in a shareable URL."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from flask import abort, current_app, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from lookbook.catalog.browse import (
    DEFAULT_SORT,
    SORTS,
    Facets,
    active_dimensions,
    browse_items,
    facet_counts,
    loosen,
    without,
)
from lookbook.catalog.models import Item
from lookbook.catalog.params import Params, parse_item_filters
from lookbook.catalog.queries import ItemFilters
from lookbook.catalog.revision import current_revision
from lookbook.recommend.answer_cache import AnswerCache
from lookbook.server import appdb
from lookbook.styling import vocab
from lookbook.web.locale import money, words
from lookbook.web.shopper.sharing import share

PER_PAGE = 24
CACHE = "lookbook.browse_counts"  # app.extensions key: counts per catalog revision
MAX_PAGE = 10_000
LIST_FIELDS = ("kind", "occasion", "colour", "size", "material", "season", "sustainability")
SORT_LABELS = {"newest": "Newest", "price-low": "Lowest price", "price-high": "Highest price",
               "name": "Name"}
DIMENSION_LABELS = {"kind": "type", "occasion": "occasion", "colour": "colour", "size": "size",
                    "material": "material", "season": "season", "sustainability": "sustainability",
                    "price": "price range", "in_stock": "in stock only"}
KIND_WORDS = {"bag": "bags", "outfit": "outfits"}


@dataclass(frozen=True)
class BrowseState:
    """The filters, sort and page of a browse view: what its URL says, in a canonical order."""

    filters: ItemFilters
    sort: str = DEFAULT_SORT
    page: int = 1

    def params(self) -> dict[str, str]:
        """Return the query parameters that reproduce this state (defaults left out)."""
        f = self.filters
        out = {name: ",".join(getattr(f, name)) for name in LIST_FIELDS if getattr(f, name)}
        if f.min_price is not None:
            out["min_price"] = format(f.min_price, "f")
        if f.max_price is not None:
            out["max_price"] = format(f.max_price, "f")
        if f.in_stock is not None:
            out["in_stock"] = "true" if f.in_stock else "false"
        if self.sort != DEFAULT_SORT:
            out["sort"] = self.sort
        if self.page > 1:
            out["page"] = str(self.page)
        return out

    def url(self, external: bool = False, **changes: Any) -> str:
        """Return the browse URL of this state with some fields changed (page resets)."""
        state = replace(self, **{"page": 1, **changes})
        return url_for("pages.browse", **state.params(), _external=external)

    def toggled(self, name: str, value: str) -> str:
        """Return the URL with one value of a list filter switched on or off."""
        current = getattr(self.filters, name)
        values = tuple(v for v in current if v != value) if value in current else (*current, value)
        return self.url(filters=replace(self.filters, **{name: values}))  # type: ignore[arg-type]

    def lifted(self, dimension: str) -> str:
        """Return the URL with one filter dimension removed."""
        return self.url(filters=without(self.filters, dimension))


def read_state(args: Any) -> BrowseState:
    """Parse the query string (repeated keys from checkboxes, or comma lists) into a state."""
    flat = {key: ",".join(v for v in values if v) for key, values in args.lists()}
    p = Params(flat)
    filters = parse_item_filters(p)
    sort = p.choices("sort", tuple(SORTS)) or (DEFAULT_SORT,)
    page = p.integer("page", 1, 1, MAX_PAGE)
    if filters.min_price is not None and filters.max_price is not None \
            and filters.min_price > filters.max_price:
        p.errors.append({"field": "min_price", "message": "must not exceed the highest price"})
    p.finish()
    return BrowseState(filters, sort[0], page)


def chip_text(f: ItemFilters, dimension: str, currency: str) -> str:
    """Say what one active filter holds ("gold or silver", "€50 to €200", "yes")."""
    if dimension == "price":
        low = money(f.min_price, currency) if f.min_price is not None else None
        high = money(f.max_price, currency) if f.max_price is not None else None
        return f"{low} to {high}" if low and high else f"from {low}" if low else f"up to {high}"
    if dimension == "in_stock":
        return "yes" if f.in_stock else "sold out only"
    values = getattr(f, dimension)
    return words([KIND_WORDS.get(v, v) for v in values], style="or")


def heading(f: ItemFilters) -> str:
    """Name what is shown: "Evening bags", "Outfits", "Bags and outfits"."""
    kinds = " and ".join(KIND_WORDS[k] for k in (f.kind or ("bag", "outfit")))
    if len(f.occasion) == 1:
        return f"{f.occasion[0].capitalize()} {kinds}"
    return kinds.capitalize()


def _counted(session: Session, state: BrowseState, fresh: list[Item]
             ) -> tuple[list[int], int, Facets, list[tuple[str, int]]]:
    """What a browse view counts: its page of item ids, the total, the facets, what to loosen.

    The page's rows go into ``fresh`` for this request (only their ids are remembered).
    """
    items, total = browse_items(session, state.filters, state.sort, state.page, PER_PAGE)
    fresh.extend(items)
    suggestions = loosen(session, state.filters) if total == 0 else []
    return [i.id for i in items], total, facet_counts(session, state.filters), suggestions


def init_app(app: Any) -> None:
    """Remember browse views' counts per catalog revision (any catalog write empties it)."""
    app.extensions.setdefault(CACHE, AnswerCache(maxsize=1024))


def browse() -> str:
    """Show one page of the catalog under the shopper's filters, with facet counts."""
    state = read_state(request.args)
    session = appdb.session()
    fresh: list[Item] = []  # the page's rows when the counts are computed now
    ids, total, facets, suggestions = current_app.extensions[CACHE].get_or_compute(
        state, current_revision(session), lambda: _counted(session, state, fresh))
    pages = max(1, -(-total // PER_PAGE))
    if state.page > pages:
        abort(404, description=f"These results have {pages} page{'s' if pages > 1 else ''}.")
    if fresh or not ids:
        items = fresh
    else:  # remembered counts: read this page's rows (same revision, so the same rows)
        rows = {i.id: i for i in session.scalars(select(Item).where(Item.id.in_(ids)))}
        items = [rows[i] for i in ids if i in rows]
    title = heading(state.filters)
    page = share(title if state.page == 1 else f"{title}, page {state.page}",
                 f"{total} {title.lower()} to browse by occasion, colour, size, material and price: "
                 "micro and mini bags and the outfits they complete.",
                 url_for("pages.browse", **state.params(), _external=True))
    occasion = state.filters.occasion
    nav = occasion[0] if len(occasion) == 1 and not active_dimensions(without(state.filters, "occasion")) \
        else "browse"
    return render_template("shop/browse.html", state=state, items=items, total=total, pages=pages,
                           facets=facets, suggestions=suggestions, title=title, share=page, nav=nav,
                           vocab=vocab, sort_labels=SORT_LABELS, dimension_labels=DIMENSION_LABELS,
                           active=active_dimensions(state.filters),
                           chip_values=lambda d: chip_text(state.filters, d, facets.currency or "EUR"))
