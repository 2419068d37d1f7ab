"""Pictures for the image tests: generated product shots with known colours, odd files."""

from __future__ import annotations

import io
import math
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from lookbook.styling.vocab import COLOURS

SHAPES = ("flap", "tote", "saddle", "clutch", "bucket")
BACKDROPS = {
    "white": (250, 250, 250),
    "off-white": (246, 245, 242),
    "light grey": (232, 232, 232),
    "cream": (243, 238, 228),
    "cool grey": (236, 240, 244),
}


def rgb(hex_value: str) -> tuple[int, int, int]:
    """Return a '#rrggbb' colour (or vocabulary name) as an RGB tuple."""
    value = int(COLOURS.get(hex_value, hex_value).lstrip("#"), 16)
    return (value >> 16) & 255, (value >> 8) & 255, value & 255


def _body(draw: ImageDraw.ImageDraw, shape: str, box: tuple[int, int, int, int]) -> None:
    left, top, right, base = box
    w, h = right - left, base - top
    if shape == "tote":
        draw.polygon([(left + w * 0.1, top), (right - w * 0.1, top), (right, base), (left, base)], fill=255)
    elif shape == "saddle":
        draw.chord((left, top - h, right, base), 0, 180, fill=255)
    elif shape == "clutch":
        draw.rounded_rectangle((left, top + h * 0.3, right, base), radius=10, fill=255)
    elif shape == "bucket":
        draw.polygon([(left + w * 0.12, top), (right - w * 0.12, top), (right, base - h * 0.1),
                      (left, base - h * 0.1)], fill=255)
        draw.ellipse((left, base - h * 0.2, right, base), fill=255)
    else:
        draw.rounded_rectangle((left, top, right, base), radius=int(h * 0.12), fill=255)


def product_shot(body: str, accent: str, shape: str, backdrop: str,
                 rng: np.random.Generator, size: tuple[int, int] = (480, 600)) -> Image.Image:
    """Draw a bag of colour ``body`` with an ``accent`` strap on a light backdrop.

    Mild realism: a soft floor shadow, a lighting gradient and a shaded flap on the
    body, a darker edge, small metal hardware, sensor noise and JPEG compression.
    """
    width, height = size
    bg = np.array(BACKDROPS[backdrop], dtype=float)
    canvas = np.ones((height, width, 3)) * bg
    shadow = Image.new("L", size, 0)
    cx, base = width // 2 + int(rng.integers(-30, 30)), int(height * 0.82)
    ImageDraw.Draw(shadow).ellipse((cx - width * 0.38, base - 12, cx + width * 0.38, base + 24), fill=255)
    shadow_a = np.asarray(shadow.filter(ImageFilter.GaussianBlur(12)), dtype=float)[..., None] / 255
    canvas *= 1 - 0.10 * shadow_a

    bw = int(width * rng.uniform(0.45, 0.7))
    bh = int(bw * rng.uniform(0.55, 0.85))
    box = (cx - bw // 2, base - bh, cx + bw // 2, base)
    mask_img = Image.new("L", size, 0)
    _body(ImageDraw.Draw(mask_img), shape, box)
    mask = np.asarray(mask_img, dtype=float)[..., None] / 255
    yy, xx = np.mgrid[0:height, 0:width]
    angle = rng.uniform(0, 2 * math.pi)
    ramp = ((xx - cx) * math.cos(angle) + (yy - base + bh / 2) * math.sin(angle)) / max(bw, bh)
    light = 1.0 + 0.08 * ramp[..., None]  # ±4 % across the bag
    colour = np.array(rgb(body), dtype=float)
    flap = ((yy < base - bh * 0.55) & (yy > base - bh * 1.0))[..., None] * mask
    body_px = colour * light * (1 - 0.08 * flap)
    canvas = canvas * (1 - mask) + np.clip(body_px, 0, 255) * mask

    img = Image.fromarray(canvas.astype(np.uint8))
    draw = ImageDraw.Draw(img)
    edge = tuple(int(c * 0.7) for c in rgb(body))
    edge_mask = mask_img.filter(ImageFilter.FIND_EDGES)
    img.paste(Image.new("RGB", size, edge), mask=edge_mask)
    top = base - bh
    draw.arc((cx - bw * 0.3, top - bh * 0.6, cx + bw * 0.3, top + bh * 0.4), 190, 350,
             fill=rgb(accent), width=max(4, bw // 40))
    metal = rgb("gold") if rng.random() < 0.5 else rgb("silver")
    draw.ellipse((cx - 9, top + bh * 0.45 - 9, cx + 9, top + bh * 0.45 + 9), fill=metal)

    noisy = np.asarray(img, dtype=float) + rng.normal(0, 3.0, (height, width, 3))
    img = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
    return Image.open(io.BytesIO(encode(img, "JPEG", quality=85)))


def accuracy_cases(seed: int = 7, per_colour: int = 8) -> list[dict[str, Any]]:
    """Return generated shots with their true primary colour (every vocabulary colour)."""
    rng = np.random.default_rng(seed)
    names = list(COLOURS)
    cases = []
    for name in names:
        for i in range(per_colour):
            accent = names[int(rng.integers(len(names)))]
            while accent == name:
                accent = names[int(rng.integers(len(names)))]
            shape = SHAPES[i % len(SHAPES)]
            backdrop = list(BACKDROPS)[int(rng.integers(len(BACKDROPS)))]
            cases.append({"colour": name, "accent": accent, "shape": shape, "backdrop": backdrop,
                          "image": product_shot(name, accent, shape, backdrop, rng)})
    return cases


def encode(im: Image.Image, fmt: str, **params: Any) -> bytes:
    """Return the picture encoded in a format."""
    buf = io.BytesIO()
    im.save(buf, fmt, **params)
    return buf.getvalue()
