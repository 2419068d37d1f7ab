"""Items as the API shows them (DESIGN §4.3): import fields plus size, colours, images."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lookbook.catalog.models import Item


def item_to_json(item: Item, media_url: Callable[[str], str]) -> dict[str, Any]:
    """Return an item as API JSON; ``media_url`` turns a storage key into a URL."""
    data: dict[str, Any] = {
        "sku": item.sku,
        "kind": item.kind,
        "name": item.name,
        "occasions": item.occasions,
        "colours": [{"name": c.name, "hex": c.hex} for c in item.colours],
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
        "images": [],
        "image_sizes": [],
    }
    for image in item.images:
        url, sizes = _image_json(image.variants, media_url)
        if url:
            data["images"].append(url)
            data["image_sizes"].append(sizes)
    if item.kind == "bag":
        data.update(
            width_cm=float(item.width_cm) if item.width_cm is not None else None,
            size=item.size,
            silhouette=item.silhouette,
            detachable_strap=item.detachable_strap,
        )
    return data


def _image_json(variants: list[dict], media_url: Callable[[str], str]) -> tuple[str | None, list]:
    """Return one image's main URL (largest WebP) and every stored size for srcset."""
    sizes = sorted(variants, key=lambda v: (v.get("format") != "webp", v.get("width", 0)))
    webp = [v for v in sizes if v.get("format") == "webp"] or sizes
    main = media_url(webp[-1]["key"]) if webp else None
    return main, [
        {"url": media_url(v["key"]), "width": v["width"], "height": v["height"],
         "format": v["format"]}
        for v in sizes
    ]
