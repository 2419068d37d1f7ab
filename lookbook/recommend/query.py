"""What a recommendation query reads from an item, whether an ORM row or a record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lookbook.styling.harmony import Colour, palette
from lookbook.styling.rules import OutfitTraits


def colours_of(item: Any) -> list[tuple[str, str]]:
    """Return an item's palette as (name, hex) pairs, primary first."""
    out = []
    for c in item.colours:
        out.append((c.name, c.hex) if hasattr(c, "hex") else (c[0], c[1]))
    return out


def traits_of(item: Any) -> OutfitTraits:
    """Return what the styling rules read from an outfit."""
    return OutfitTraits(
        occasions=tuple(item.occasions),
        palette=tuple(palette(colours_of(item))),
        seasons=tuple(item.seasons),
        styles=tuple(item.styles),
        tier=item.tier,
        price=float(item.price) if getattr(item, "price", None) else None,
    )


@dataclass(frozen=True)
class BagView:
    """What a reason may say about a bag."""

    sku: str
    colour: Colour | None
    material: str | None
    size: str | None
    silhouette: str | None
    tier: str | None
    metallic: str | None = None  # the first metallic colour of the palette, if any

    @classmethod
    def of(cls, item: Any) -> BagView:
        pal = palette(colours_of(item))
        shine = next((c.name for c in pal if c.metallic), None)
        return cls(item.sku, pal[0] if pal else None, item.material, item.size,
                   item.silhouette, item.tier, shine)
