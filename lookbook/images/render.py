"""Re-encode a normalised picture into the sizes we serve: WebP, plus a JPEG fallback.

Uploaded bytes are never stored: every file we keep is encoded here from pixels, with
no EXIF, GPS, XMP, ICC or comment.  Renditions are never upscaled, and all of them
derive from the largest one, whose pixels name the image (its content hash).
"""

from __future__ import annotations

import hashlib
import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from PIL import Image

WIDTHS = (320, 640, 1280)
# The JPEG fallback (old mail clients, some oEmbed consumers) in one middle size only:
# every browser we serve reads WebP, and each extra JPEG costs encode time and disk.
JPEG_WIDTHS = (640,)
WEBP_QUALITY = 80
# libwebp's method 2 encodes 3x faster than the default 4 and, on product shots,
# to files within a few per cent of its size (bench/bench_ingest.py).
WEBP_METHOD = 2
JPEG_QUALITY = 85
JPEG_BACKDROP = (255, 255, 255)
# Pillow's encoders release the GIL, so renditions encode in parallel.  A pool per
# call (threads cost microseconds) stays correct across gunicorn's fork.
ENCODE_THREADS = 4


@dataclass(frozen=True)
class Rendition:
    """One encoded size of an image."""

    width: int
    height: int
    format: str  # "webp" | "jpeg"
    data: bytes


def fit_width(size: tuple[int, int], width: int) -> tuple[int, int]:
    """Return the size scaled to ``width`` (never up), keeping the aspect ratio."""
    w, h = size
    if w <= width:
        return w, h
    return width, max(1, round(h * width / w))


def target_widths(width: int) -> list[int]:
    """Return the rendition widths for a picture this wide (no upscaling)."""
    widths = [w for w in WIDTHS if w < width]
    top = min(width, WIDTHS[-1])
    return [*widths, top] if top not in widths else widths


def largest(im: Image.Image) -> Image.Image:
    """Return the largest rendition's pixels (a new image with no metadata)."""
    size = fit_width(im.size, WIDTHS[-1])
    out = im.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0) if size != im.size else im.copy()
    out.info.clear()
    return out


def digest(im: Image.Image) -> str:
    """Return the content hash of an image's pixels (mode and size included)."""
    h = hashlib.sha256(f"{im.mode}:{im.width}x{im.height}:".encode())
    h.update(im.tobytes())
    return h.hexdigest()


def _encode(im: Image.Image, fmt: str) -> bytes:
    buf = io.BytesIO()
    if fmt == "webp":
        im.save(buf, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
    else:
        if im.mode == "RGBA":  # JPEG has no alpha: lay the product on white
            flat = Image.new("RGB", im.size, JPEG_BACKDROP)
            flat.paste(im, mask=im.getchannel("A"))
            im = flat
        # Baseline, not optimised: a fallback few clients fetch; 6x cheaper to encode.
        im.save(buf, "JPEG", quality=JPEG_QUALITY)
    return buf.getvalue()


def renditions(top: Image.Image) -> list[Rendition]:
    """Encode every size of the picture from its largest rendition ``top``."""
    sizes: dict[int, Image.Image] = {}
    for width in target_widths(top.width):
        size = fit_width(top.size, width)
        sizes[width] = top if size == top.size else top.resize(size, Image.Resampling.LANCZOS)
        sizes[width].info.clear()
    jobs = [(w, "webp") for w in sizes] + [(w, "jpeg") for w in JPEG_WIDTHS if w in sizes]
    if JPEG_WIDTHS and not any(fmt == "jpeg" for _, fmt in jobs):
        jobs.append((max(sizes), "jpeg"))  # small pictures still get one fallback
    with ThreadPoolExecutor(max_workers=min(ENCODE_THREADS, len(jobs))) as pool:
        encoded = list(pool.map(lambda job: _encode(sizes[job[0]], job[1]), jobs))
    return [Rendition(sizes[w].width, sizes[w].height, fmt, data)
            for (w, fmt), data in zip(jobs, encoded, strict=True)]
