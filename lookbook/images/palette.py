"""Read a product's palette from its photo: k-means in CIELAB, named by ΔE2000.

The picture is shrunk to a thumbnail (a palette needs colours, not detail), the
product is separated from its backdrop (``lookbook.images.background``), its pixels
are clustered in CIELAB, clusters a shopper would call one colour are merged (light
and shaded sides of the same leather), and each is named from the vocabulary by
``lookbook.styling.colour.nearest_names``.  Colours come out ordered by share.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image
from skimage.color import deltaE_ciede2000, lab2rgb
from sklearn.cluster import KMeans
from threadpoolctl import threadpool_limits

from lookbook.images.background import product_mask
from lookbook.styling.colour import nearest_names, rgb_to_lab, vocabulary_lab

THUMB_SIDE = 112  # long side of the working thumbnail
MAX_SAMPLES = 3000
CLUSTERS = 5
MERGE_DELTA_E = 8.0  # ΔE2000 under which two clusters are one colour to a shopper
MIN_SHARE = 0.07  # smaller clusters are stitching, hardware, edges
MAX_COLOURS = 4


@dataclass(frozen=True)
class PaletteColour:
    """One colour read from a photo."""

    name: str
    hex: str
    share: float  # of the product's pixels
    delta_e: float  # ΔE2000 to the vocabulary swatch it is named after

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "hex": self.hex, "share": round(self.share, 3),
                "delta_e": round(self.delta_e, 1)}


def _thumbnail(im: Image.Image) -> tuple[np.ndarray, np.ndarray | None]:
    scale = THUMB_SIDE / max(im.size)
    small = im
    if scale < 1:
        size = (max(1, round(im.width * scale)), max(1, round(im.height * scale)))
        small = im.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    alpha = np.asarray(small.getchannel("A")) if small.mode == "RGBA" else None
    rgb = np.asarray(small.convert("RGB"), dtype=np.float64) / 255.0
    return rgb_to_lab(rgb), alpha


def _to_hex(lab: np.ndarray) -> str:
    rgb = np.clip(lab2rgb(lab.reshape(1, 1, 3)).reshape(3), 0, 1)
    return "#" + "".join(f"{round(c * 255):02x}" for c in rgb)


def _cluster(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return cluster centres and their pixel counts."""
    k = min(CLUSTERS, len(np.unique(np.round(pixels), axis=0)))
    if k <= 1:
        return pixels.mean(axis=0, keepdims=True), np.array([len(pixels)], dtype=float)
    # A few thousand 3-D points: OpenMP fan-out costs far more than it saves (20x
    # slower on a busy 2-core box), and server workers already use every core.
    with threadpool_limits(limits=1, user_api="openmp"):
        km = KMeans(n_clusters=k, n_init=1, max_iter=60, random_state=0).fit(pixels)
    counts = np.bincount(km.labels_, minlength=k).astype(float)
    return km.cluster_centers_, counts


def _merge_close(centres: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Merge the closest pair of clusters while it is closer than MERGE_DELTA_E."""
    points, weights = list(centres), list(counts)
    while len(points) > 1:
        arr = np.array(points)
        dist = deltaE_ciede2000(arr[:, None, :], arr[None, :, :])
        np.fill_diagonal(dist, np.inf)
        i, j = np.unravel_index(np.argmin(dist), dist.shape)
        if dist[i, j] >= MERGE_DELTA_E:
            break
        total = weights[i] + weights[j]
        points[i] = (points[i] * weights[i] + points[j] * weights[j]) / total
        weights[i] = total
        del points[j], weights[j]
    return np.array(points), np.array(weights)


def read_palette(im: Image.Image, seed: int = 0) -> list[PaletteColour]:
    """Return the product's colours, primary first, named from the vocabulary."""
    lab, alpha = _thumbnail(im)
    pixels = lab[product_mask(lab, alpha)]
    if len(pixels) > MAX_SAMPLES:
        pick = np.random.default_rng(seed).choice(len(pixels), MAX_SAMPLES, replace=False)
        pixels = pixels[pick]
    centres, counts = _merge_close(*_cluster(pixels))
    names, _ = nearest_names(centres)
    by_name: dict[str, tuple[np.ndarray, float]] = {}
    for name, centre, count in zip(names, centres, counts, strict=True):
        if name in by_name:  # two clusters, one vocabulary colour: one entry
            prev, n = by_name[name]
            by_name[name] = ((prev * n + centre * count) / (n + count), n + count)
        else:
            by_name[name] = (centre, count)
    total = float(counts.sum())
    ranked = sorted(by_name.items(), key=lambda kv: -kv[1][1])
    kept = [kv for i, kv in enumerate(ranked) if i == 0 or kv[1][1] / total >= MIN_SHARE]
    vocab_names, swatches = vocabulary_lab()
    out = []
    for name, (centre, count) in kept[:MAX_COLOURS]:
        swatch = swatches[vocab_names.index(name)]
        delta_e = float(deltaE_ciede2000(centre[None, :], swatch[None, :])[0])
        out.append(PaletteColour(name, _to_hex(centre), count / total, delta_e))
    return out
