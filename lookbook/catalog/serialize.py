"""Items as the API shows them (DESIGN §4.3): import fields plus size, colours, images."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lookbook.catalog.models import Item


def item_to_json(item: Item, media_url: Callable[[str], str]) -> dict[str, Any]:
    """Return an item as API JSON; ``media_url`` turns a storage key into an absolute URL.

    ``url`` is the retailer's product page (absolute by validation), or null.
    """
    data: dict[str, Any] = {
        "sku": item.sku,
        "kind": item.kind,
        "name": item.name,
        "occasions": item.occasions,
        "colours": [{"name": c.name, "hex": c.hex, **({"label": c.label} if c.label else {})}
                    for c in item.colours],
        "material": item.material,
        "material_family": item.material_family,
        "styles": item.styles,
        "seasons": item.seasons,
        "sustainability": item.sustainability,
        "price": format(item.price, "f"),
        "currency": item.currency,
        "brand": item.brand,
        "tier": item.tier,
        "in_stock": item.in_stock,
        "limited_edition": item.limited_edition,
        "url": item.url,
        "images": [],
        "image_sizes": [],
    }
    for image in item.images:
        renditions = image.renditions()
        if renditions:
            data["images"].append(media_url(renditions[-1]["key"]))
            data["image_sizes"].append(_sizes(image.variants, media_url))
    if item.kind == "bag":
        data.update(
            width_cm=float(item.width_cm) if item.width_cm is not None else None,
            size=item.size,
            silhouette=item.silhouette,
            detachable_strap=item.detachable_strap,
        )
    return data


def _sizes(variants: list[dict], media_url: Callable[[str], str]) -> list[dict[str, Any]]:
    """Return every stored rendition for srcset: WebP first, each by width."""
    ordered = sorted(variants, key=lambda v: (v.get("format") != "webp", v.get("width", 0)))
    return [{"url": media_url(v["key"]), "width": v["width"], "height": v["height"],
             "format": v["format"]} for v in ordered]
