"""Links from demo items to an example shop, so pages show "Shop this bag" as they would live."""

from __future__ import annotations

import re
from typing import Any

SHOP = "https://shop.example"


def shop_url(item: dict[str, Any]) -> str | None:
    """Return the example shop's product page of an in-stock item (sold-out items have none)."""
    if not item.get("in_stock", True):
        return None
    slug = re.sub(r"[^a-z0-9]+", "-", item["name"].lower()).strip("-")
    section = "bags" if item["kind"] == "bag" else "outfits"
    return f"{SHOP}/{section}/{slug}-{item['sku'].lower()}"
