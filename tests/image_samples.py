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
                 rng: np.random.Generator, size: tuple[int, int] = (360, 450)) -> Image.Image:
    """Draw a bag of colour ``body`` with an ``accent`` strap on a light backdrop.

    Mild realism: a soft floor shadow, a lighting gradient and a shaded flap on the
    body, a darker edge, small metal hardware, sensor noise and JPEG compression.
    """
    width, height = size
    bg = np.array(BACKDROPS[backdrop], dtype=np.float32)
    canvas = np.ones((height, width, 3), dtype=np.float32) * bg
    shadow = Image.new("L", size, 0)
    cx, base = width // 2 + int(rng.integers(-22, 22)), int(height * 0.82)
    ImageDraw.Draw(shadow).ellipse((cx - width * 0.38, base - 9, cx + width * 0.38, base + 18), fill=255)
    shadow_a = np.asarray(shadow.filter(ImageFilter.GaussianBlur(9)), dtype=np.float32)[..., None] / 255
    canvas *= 1 - 0.10 * shadow_a

    bw = int(width * rng.uniform(0.45, 0.7))
    bh = int(bw * rng.uniform(0.55, 0.85))
    box = (cx - bw // 2, base - bh, cx + bw // 2, base)
    mask_img = Image.new("L", size, 0)
    _body(ImageDraw.Draw(mask_img), shape, box)
    mask = np.asarray(mask_img, dtype=np.float32)[..., None] / 255
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    ramp = ((xx - cx) * math.cos(angle) + (yy - base + bh / 2) * math.sin(angle)) / max(bw, bh)
    light = 1.0 + 0.08 * ramp[..., None]  # ±4 % across the bag
    colour = np.array(rgb(body), dtype=np.float32)
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
    draw.ellipse((cx - 7, top + bh * 0.45 - 7, cx + 7, top + bh * 0.45 + 7), fill=metal)

    noise = rng.standard_normal((height, width, 3), dtype=np.float32)
    noisy = np.asarray(img, dtype=np.float32) + 3.0 * noise
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


# --- odd and hostile files -------------------------------------------------------------


def photo(size: tuple[int, int] = (200, 160), colour: tuple[int, int, int] = (200, 40, 60),
          mode: str = "RGB") -> Image.Image:
    """Return a plain picture with a white top-left quadrant (to check orientation)."""
    im = Image.new("RGB", size, colour)
    im.paste((255, 255, 255), (0, 0, size[0] // 2, size[1] // 2))
    return im.convert(mode) if mode != "RGB" else im


def png_header_only(width: int, height: int) -> bytes:
    """Return a tiny PNG that declares a huge size (a pixel flood / decompression bomb)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def animated_gif(frames: int, colours: list[tuple[int, int, int]]) -> bytes:
    """Return an animated GIF whose frames cycle through ``colours`` (frame 0 first)."""
    imgs = [Image.new("RGB", (32, 32), colours[i % len(colours)]) for i in range(frames)]
    return encode(imgs[0], "GIF", save_all=True, append_images=imgs[1:], duration=20, loop=0)


def swapped_primaries_icc() -> bytes:
    """Return an ICC v2 RGB profile whose red and green primaries are swapped.

    Pixels tagged with it that say (255, 0, 0) mean green: a converter that honours
    the profile turns them green, one that ignores it leaves them red.
    """
    import struct

    def s15(v: float) -> bytes:
        return struct.pack(">i", round(v * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ \0\0\0\0" + s15(x) + s15(y) + s15(z)

    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, int(2.2 * 256)) + b"\0\0"
    text = b"swapped\0"
    desc = (b"desc\0\0\0\0" + struct.pack(">I", len(text)) + text + b"\0" * 8 + b"\0\0\0" + b"\0" * 67)
    red, green, blue = (0.3851, 0.7169, 0.0971), (0.4361, 0.2225, 0.0139), (0.1431, 0.0606, 0.7141)
    tags = [(b"desc", desc), (b"wtpt", xyz(0.9642, 1.0, 0.8249)), (b"rXYZ", xyz(*red)),
            (b"gXYZ", xyz(*green)), (b"bXYZ", xyz(*blue)), (b"rTRC", curve), (b"gTRC", curve),
            (b"bTRC", curve)]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for sig, body in tags:
        body += b"\0" * (-len(body) % 4)
        table += sig + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = (struct.pack(">I", size) + b"\0" * 4 + struct.pack(">I", 0x02100000) + b"mntrRGB XYZ "
              + b"\0" * 12 + b"acsp" + b"\0" * 24 + struct.pack(">I", 0)
              + s15(0.9642) + s15(1.0) + s15(0.8249) + b"\0" * 48)
    return header + struct.pack(">I", len(tags)) + table + data
