"""Tell the product from its backdrop in a small CIELAB thumbnail of a product shot.

Catalog photos are shot on a plain studio backdrop (white, off-white, light grey)
with a soft floor shadow.  The backdrop is modelled from the picture's border; the
background is whatever is close to that colour (or a darker neutral shadow of it)
*and* connected to the border, so a white bag with an edge on a white backdrop keeps
its inside.  Backdrop-coloured holes (the space inside a handle or a chain loop) are
background too, unless what is left of the product is only thin lines (an edge, a
strap): then the "hole" was the body of a bag the colour of its backdrop.
Transparent pixels, when the picture has them, are background outright.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

BORDER = 2  # px of the thumbnail taken as the backdrop sample
MIN_THRESHOLD, MAX_THRESHOLD = 6.0, 14.0  # CIE76 distance from the backdrop colour
SHADOW_MAX_DARKER = 10.0  # L* a floor shadow may lose against the backdrop
SHADOW_MAX_TINT = 4.0  # a*/b* distance: shadows stay the backdrop's hue
PLAIN_BORDER = 0.6  # share of border pixels near the backdrop colour for a "plain" backdrop
MIN_PRODUCT = 0.005  # below this share of the picture there is no product to read
SOLID_CORE = 0.2  # share of product pixels surviving a 2 px erosion for a solid body


def _border(values: np.ndarray) -> np.ndarray:
    b = BORDER
    return np.concatenate([values[:b].reshape(-1, values.shape[-1]),
                           values[-b:].reshape(-1, values.shape[-1]),
                           values[b:-b, :b].reshape(-1, values.shape[-1]),
                           values[b:-b, -b:].reshape(-1, values.shape[-1])])


def _touching_border(mask: np.ndarray) -> np.ndarray:
    """Return the parts of ``mask`` connected to the picture's edge."""
    labels, _count = ndimage.label(mask)
    edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    edge = edge[edge != 0]
    return np.isin(labels, edge)


def product_mask(lab: np.ndarray, alpha: np.ndarray | None = None) -> np.ndarray:
    """Return a boolean (h, w) mask of product pixels for an (h, w, 3) CIELAB thumbnail."""
    if alpha is not None and (alpha < 128).mean() > 0.02:
        opaque = alpha >= 128
        if opaque.mean() >= MIN_PRODUCT:
            return opaque
    border = _border(lab)
    backdrop = np.median(border, axis=0)
    border_dist = np.linalg.norm(border - backdrop, axis=1)
    if (border_dist < MAX_THRESHOLD).mean() < PLAIN_BORDER:
        return np.ones(lab.shape[:2], dtype=bool)  # no plain backdrop: the whole frame counts
    # The threshold follows the backdrop's own noise (JPEG grain, sensor noise).
    spread = np.median(border_dist) * 1.4826
    threshold = float(np.clip(4.0 * spread, MIN_THRESHOLD, MAX_THRESHOLD))
    diff = lab - backdrop
    near = np.linalg.norm(diff, axis=-1) < threshold
    darker = -diff[..., 0]
    shadow = (darker > 0) & (darker < SHADOW_MAX_DARKER) \
        & (np.hypot(diff[..., 1], diff[..., 2]) < SHADOW_MAX_TINT)
    backdrop_like = near | shadow
    outside = _touching_border(backdrop_like)
    product = ~outside
    solid = product & ~backdrop_like
    if solid.sum() and ndimage.binary_erosion(solid, iterations=2).sum() >= SOLID_CORE * solid.sum():
        product = solid  # a solid body remains: enclosed backdrop-coloured areas are holes
    if product.mean() < MIN_PRODUCT:
        # A product the colour of its backdrop and without edges: read the backdrop.
        return np.ones(lab.shape[:2], dtype=bool)
    inner = ndimage.binary_erosion(product)  # drop the edge pixels blended with the backdrop
    return inner if inner.sum() >= 0.5 * product.sum() else product
