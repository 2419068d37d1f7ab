"""Parse the parameters every recommendation question shares, for the API and the pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lookbook.catalog.params import Params, field_error
from lookbook.recommend.filters import Filters
from lookbook.styling import vocab
from lookbook.styling.markets import Market, load_markets

DEFAULT_LIMIT, MAX_LIMIT = 5, 50


class RecommendQuery:
    """The parameters every recommendation call shares (API query strings, bodies and pages)."""

    def __init__(self, source: Mapping[str, Any], *, accent_default: bool, strict: bool = False) -> None:
        p = Params(source, strict=strict)
        self.limit = p.integer("limit", DEFAULT_LIMIT, 1, MAX_LIMIT, clamp=True)
        size = p.choices("size", vocab.SIZES, allow_any=True)
        if size is None:
            size = ()
        elif not size and accent_default:
            size = vocab.ACCENT_SIZES
        markets = p.choices("market", vocab.MARKETS) or ()
        if len(markets) > 1:
            p.errors.append(field_error("market", "name one market"))
        self.filters = Filters(
            size=size,
            min_price=p.decimal("min_price"),
            max_price=p.decimal("max_price"),
            material=p.choices("material", (*vocab.MATERIALS, *vocab.MATERIAL_FAMILIES)) or (),
            sustainability=p.choices("sustainability", vocab.SUSTAINABILITY) or (),
            in_stock=p.flag("in_stock", True),
            tier=p.choices("tier", vocab.TIERS) or (),
            season=p.choices("season", vocab.SEASONS) or (),
            exclude=p.skus("exclude"),
        )
        f = self.filters
        if f.min_price is not None and f.max_price is not None and f.min_price > f.max_price:
            p.errors.append(field_error("min_price", "must not exceed max_price"))
        p.finish()
        self.market: Market | None = load_markets().get(markets[0]) if markets else None
