"""Item photos and links for pages: srcset from the stored renditions, alt text, share images."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for

from lookbook.web.locale import words

SRC_WIDTH = 640  # the src for browsers that ignore srcset: a sharp phone-sized picture


@dataclass(frozen=True)
class Picture:
    """What an <img> needs: a src, a srcset by width, the intrinsic size and alt text."""

    src: str
    srcset: str
    width: int
    height: int
    alt: str


def alt_text(item: Any) -> str:
    """Describe an item's photo by its name and colours ("Black gown in black and gold")."""
    names = list(dict.fromkeys(c.name for c in item.colours))
    return f"{item.name}, in {words(names)}" if names else item.name


def picture(item: Any) -> Picture | None:
    """Return the item's first photo as WebP renditions for a responsive <img>, or None."""
    renditions = item.images[0].renditions() if item.images else []
    if not renditions:
        return None
    src = min(renditions, key=lambda r: abs(r["width"] - SRC_WIDTH))
    srcset = ", ".join(f"{url_for('media.serve', key=r['key'])} {r['width']}w" for r in renditions)
    return Picture(url_for("media.serve", key=src["key"]), srcset, src["width"], src["height"],
                   alt_text(item))


def share_image(item: Any) -> dict[str, Any] | None:
    """Return an absolute JPEG (or the largest WebP) of the item for Open Graph cards."""
    if not item.images:
        return None
    variants = item.images[0].variants
    jpegs = [v for v in variants if v.get("format") == "jpeg"]
    chosen = max(jpegs or variants, key=lambda v: v.get("width", 0), default=None)
    if chosen is None:
        return None
    return {"url": url_for("media.serve", key=chosen["key"], _external=True),
            "width": chosen["width"], "height": chosen["height"], "alt": alt_text(item)}


def item_url(item: Any, external: bool = False) -> str:
    """Return the shopper page of an outfit or a bag."""
    endpoint = "pages.bag" if item.kind == "bag" else "pages.outfit"
    return url_for(endpoint, sku=item.sku, _external=external)
