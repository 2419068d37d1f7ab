"""Re-encode a normalised picture into the sizes we serve: WebP, plus a JPEG fallback.

Uploaded bytes are never stored: every file we keep is encoded here from pixels, with
no EXIF, GPS, XMP, ICC or comment.  Renditions are never upscaled, and all of them
derive from the largest one, whose pixels name the image (its content hash).
"""

from __future__ import annotations

import hashlib
import io
from concurrent.futures import Future, ThreadPoolExecutor
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
    """Encode every size of the picture from its largest rendition ``top``.

    The largest size starts encoding at once; each smaller size is resized from the
    next larger one (a 2x Lanczos step costs a quarter of a 4x one) while it encodes.
    """
    widths = sorted(target_widths(top.width), reverse=True)
    jpeg_widths = [w for w in JPEG_WIDTHS if w in widths] or ([widths[0]] if JPEG_WIDTHS else [])
    jobs: list[tuple[Image.Image, str, Future[bytes]]] = []
    with ThreadPoolExecutor(max_workers=ENCODE_THREADS) as pool:
        source = top
        for width in widths:
            size = fit_width(source.size, width)
            im = source if size == source.size else source.resize(size, Image.Resampling.LANCZOS)
            im.info.clear()
            for fmt in ("webp", "jpeg") if width in jpeg_widths else ("webp",):
                jobs.append((im, fmt, pool.submit(_encode, im, fmt)))
            source = im
        encoded = [(im, fmt, future.result()) for im, fmt, future in jobs]
    encoded.sort(key=lambda job: (job[1] != "webp", job[0].width))
    return [Rendition(im.width, im.height, fmt, data) for im, fmt, data in encoded]
