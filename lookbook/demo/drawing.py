"""Draw demo product shots with Pillow: bag and outfit silhouettes in their colours.

Shots are studio-style: the product centred on an off-white background with a soft
floor shadow, so the photo palette reader sees what it would see in a real catalog.
"""

from __future__ import annotations

import math

from PIL import Image, ImageChops, ImageDraw, ImageFilter

from lookbook.styling.vocab import COLOURS

W, H = 600, 750
BACKGROUND = (246, 245, 242)


def _rgb(hex_value: str) -> tuple[int, int, int]:
    value = int(hex_value.lstrip("#"), 16)
    return (value >> 16) & 255, (value >> 8) & 255, value & 255


def _shade(rgb: tuple[int, int, int], factor: float) -> tuple[int, int, int]:
    return tuple(max(0, min(255, int(c * factor))) for c in rgb)  # type: ignore[return-value]


def _colour(name_or_hex: str) -> tuple[int, int, int]:
    return _rgb(COLOURS.get(name_or_hex, name_or_hex))


def _canvas() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("RGB", (W, H), BACKGROUND)
    shadow = Image.new("L", (W, H), 0)
    ImageDraw.Draw(shadow).ellipse((110, 640, 490, 690), fill=60)
    shadow = shadow.filter(ImageFilter.GaussianBlur(14))
    img.paste(Image.new("RGB", (W, H), (200, 198, 194)), mask=shadow)
    return img, ImageDraw.Draw(img)


def _hardware(styles: list[str], colours: list[str]) -> tuple[int, int, int]:
    if "silver" in colours:
        return _colour("silver")
    return _colour("gold") if "metallic" in styles or "embellished" in styles else (150, 130, 90)


def draw_bag(silhouette: str, colours: list[str], styles: list[str], width_cm: float) -> Image.Image:
    """Return a product shot of a bag of this silhouette, palette and finish."""
    img, d = _canvas()
    body = _colour(colours[0])
    accent = _colour(colours[1]) if len(colours) > 1 else _shade(body, 0.8)
    metal = _hardware(styles, colours)
    scale = 0.55 + min(width_cm, 45) / 45 * 0.45  # bigger bags fill more of the frame
    cx, base = W // 2, 630
    bw, bh = int(360 * scale), int(260 * scale)
    left, right, top = cx - bw // 2, cx + bw // 2, base - bh
    outline = _shade(body, 0.6)

    if silhouette in ("tote", "top-handle"):
        d.polygon([(left + 20, top), (right - 20, top), (right, base), (left, base)],
                  fill=body, outline=outline)
        handles = [(left + bw * 0.22, right - bw * 0.22)] if silhouette == "top-handle" else [
            (left + bw * 0.15, left + bw * 0.45), (right - bw * 0.45, right - bw * 0.15)]
        for x0, x1 in handles:
            d.arc((x0, top - bh * 0.7, x1, top + bh * 0.4), 180, 360, fill=accent, width=10)
    elif silhouette in ("crossbody", "chain", "shoulder", "belt"):
        d.rounded_rectangle((left, top, right, base), radius=int(bh * 0.2), fill=body, outline=outline)
        strap_top = 110 if silhouette != "shoulder" else top - bh * 0.9
        if silhouette == "chain":
            for t in range(0, 40):
                for x_from in (left + 12, right - 12):
                    x = x_from + (cx - x_from) * t / 40
                    y = top + (strap_top - top) * math.sin(math.pi * t / 80)
                    d.ellipse((x - 6, y - 6, x + 6, y + 6), outline=metal, width=3)
        elif silhouette == "belt":
            d.rectangle((40, top + bh * 0.35, W - 40, top + bh * 0.55), fill=accent)
        else:
            d.line([(left + 12, top + 6), (cx, strap_top), (right - 12, top + 6)], fill=accent, width=9)
        d.polygon([(left, top), (right, top), (cx, top + bh * 0.55)], fill=_shade(body, 0.88),
                  outline=outline)
        d.ellipse((cx - 10, top + bh * 0.5, cx + 10, top + bh * 0.5 + 20), fill=metal)
    elif silhouette == "clutch":
        top = base - int(bh * 0.6)
        d.rounded_rectangle((left - 20, top, right + 20, base), radius=12, fill=body, outline=outline)
        d.polygon([(left - 20, top), (right + 20, top), (cx, top + (base - top) * 0.6)],
                  fill=_shade(body, 0.85), outline=outline)
        d.rectangle((cx - 18, top + (base - top) * 0.5, cx + 18, top + (base - top) * 0.62), fill=metal)
    elif silhouette == "bucket":
        d.polygon([(left + 25, top), (right - 25, top), (right, base - 20), (left, base - 20)],
                  fill=body, outline=outline)
        d.ellipse((left, base - 45, right, base + 5), fill=body, outline=outline)
        d.ellipse((left + 25, top - 14, right - 25, top + 14), fill=_shade(body, 0.7))
        d.line([(left + 30, top), (cx, top - bh * 0.7), (right - 30, top)], fill=accent, width=8)
    elif silhouette == "saddle":
        d.chord((left, top - bh * 0.4, right, base + bh * 0.3), 0, 180, fill=body, outline=outline)
        d.rectangle((left, top + bh * 0.05, right, top + bh * 0.3), fill=body)
        d.line([(left + 10, top + 10), (cx, 120), (right - 10, top + 10)], fill=accent, width=9)
        d.chord((left + 30, top, right - 30, base), 0, 180, fill=_shade(body, 0.85))
    else:  # flap and anything new
        d.rectangle((left, top, right, base), fill=body, outline=outline)
        d.polygon([(left, top), (right, top), (right, top + bh * 0.45), (left, top + bh * 0.45)],
                  fill=_shade(body, 0.85), outline=outline)
        d.rectangle((cx - 16, top + bh * 0.38, cx + 16, top + bh * 0.52), fill=metal)
        d.arc((left + bw * 0.3, top - bh * 0.5, right - bw * 0.3, top + bh * 0.3), 180, 360,
              fill=accent, width=8)

    if "quilted" in styles:
        _quilt(img, (left, top, right, base), _shade(body, 0.75))
    if "embellished" in styles:
        for row in range(3):
            for col in range(7):
                x = left + bw * (col + 0.5) / 7
                y = base - bh * (0.2 + row * 0.12)
                d.ellipse((x - 5, y - 5, x + 5, y + 5), fill=(250, 250, 255), outline=metal)
    if "metallic" in styles:
        d.line([(left + bw * 0.15, top + bh * 0.2), (left + bw * 0.35, base - bh * 0.2)],
               fill=_shade(body, 1.35), width=12)
    return img


def _quilt(img: Image.Image, box: tuple[int, int, int, int], colour: tuple[int, int, int]) -> None:
    """Stitch a diamond quilt over the product pixels inside ``box`` only."""
    left, top, right, base = box
    layer = Image.new("RGB", img.size, colour)
    lines = Image.new("L", img.size, 0)
    ld = ImageDraw.Draw(lines)
    height = base - top
    for k in range(-height, right - left + height, 28):
        ld.line([(left + k, top), (left + k + height, base)], fill=255, width=2)
        ld.line([(left + k, base), (left + k + height, top)], fill=255, width=2)
    product = Image.eval(ImageChops.difference(img, Image.new("RGB", img.size, BACKGROUND))
                         .convert("L"), lambda v: 255 if v > 24 else 0)
    box_mask = Image.new("L", img.size, 0)
    ImageDraw.Draw(box_mask).rectangle(box, fill=255)
    mask = ImageChops.multiply(ImageChops.multiply(lines, product), box_mask)
    img.paste(layer, mask=mask)


def draw_outfit(shape: str, colours: list[str]) -> Image.Image:
    """Return a flat-lay style figure of an outfit in its palette."""
    img, d = _canvas()
    main = _colour(colours[0])
    second = _colour(colours[1]) if len(colours) > 1 else _shade(main, 0.75)
    third = _colour(colours[2]) if len(colours) > 2 else second
    cx = W // 2
    d.ellipse((cx - 38, 60, cx + 38, 140), fill=(226, 196, 170))  # head
    d.rectangle((cx - 12, 136, cx + 12, 160), fill=(226, 196, 170))
    dress_like = any(w in shape for w in ("dress", "gown", "sundress"))
    if dress_like:
        d.polygon([(cx - 70, 160), (cx + 70, 160), (cx + 60, 300), (cx + 170, 640), (cx - 170, 640),
                   (cx - 60, 300)], fill=main, outline=_shade(main, 0.6))
        d.rectangle((cx - 62, 290, cx + 62, 306), fill=second)
    elif "jumpsuit" in shape:
        d.polygon([(cx - 80, 160), (cx + 80, 160), (cx + 90, 640), (cx + 10, 640), (cx, 380),
                   (cx - 10, 640), (cx - 90, 640)], fill=main, outline=_shade(main, 0.6))
        d.rectangle((cx - 78, 330, cx + 78, 346), fill=second)
    else:
        top_colour, bottom_colour = (main, second) if len(colours) > 1 else (main, main)
        d.polygon([(cx - 95, 160), (cx + 95, 160), (cx + 85, 390), (cx - 85, 390)],
                  fill=top_colour, outline=_shade(top_colour, 0.6))
        if "skirt" in shape:
            d.polygon([(cx - 85, 385), (cx + 85, 385), (cx + 130, 600), (cx - 130, 600)],
                      fill=bottom_colour, outline=_shade(bottom_colour, 0.6))
        else:
            d.polygon([(cx - 85, 385), (cx + 85, 385), (cx + 80, 650), (cx + 12, 650), (cx, 430),
                       (cx - 12, 650), (cx - 80, 650)], fill=bottom_colour,
                      outline=_shade(bottom_colour, 0.6))
        if any(w in shape for w in ("suit", "blazer", "trench", "tuxedo")):
            d.polygon([(cx - 20, 160), (cx, 260), (cx + 20, 160)], fill=third)
            d.line([(cx, 260), (cx, 390)], fill=_shade(top_colour, 0.6), width=3)
    # arms
    for side in (-1, 1):
        d.line([(cx + side * 90, 170), (cx + side * 130, 400)], fill=main if dress_like else main, width=30)
    return img
