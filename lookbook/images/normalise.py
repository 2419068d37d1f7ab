"""Turn any accepted picture into plain sRGB (RGB, or RGBA when it has real transparency).

Camera and print files arrive as CMYK, 16-bit grey, palettes with a transparent
index, grey with alpha, or tagged with an ICC profile (Adobe RGB, Display P3, a
press CMYK).  Browsers assume untagged images are sRGB, so colours are converted
into sRGB here and the profile itself is dropped with every other piece of metadata.
"""

from __future__ import annotations

import io
from functools import lru_cache

import numpy as np
from PIL import Image, ImageCms

_SIXTEEN_BIT = ("I;16", "I;16L", "I;16B", "I;16N", "I")
_ICC_MODES = ("RGB", "RGBA", "CMYK", "L", "LA")


@lru_cache(maxsize=1)
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _eight_bit(im: Image.Image) -> Image.Image:
    """Scale 16-bit (or 32-bit integer) grey down to 8 bits instead of clipping it white."""
    arr = np.asarray(im, dtype=np.int64)
    # "I" carries no bit depth: values above 255 can only come from a 16-bit source.
    top = 65535 if im.mode.startswith("I;16") or arr.max(initial=0) > 255 else 255
    return Image.fromarray((np.clip(arr, 0, top) * 255 // top).astype(np.uint8), "L")


def _from_icc(im: Image.Image, icc: bytes) -> Image.Image | None:
    """Convert to sRGB with the embedded profile; None if the profile is unusable."""
    alpha = im.getchannel("A") if im.mode in ("RGBA", "LA") else None
    base = im.convert("RGB" if im.mode == "RGBA" else "L") if alpha is not None else im
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        out = ImageCms.profileToProfile(base, source, _srgb(), outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None  # a malformed or mismatched profile is ignored, as browsers do
    if out is None:
        return None
    if alpha is not None:
        out.putalpha(alpha)
    return out


def to_srgb(im: Image.Image) -> Image.Image:
    """Return the picture as RGB or RGBA in sRGB, without any metadata."""
    icc = im.info.get("icc_profile")
    if im.mode in _SIXTEEN_BIT:
        im = _eight_bit(im)
    elif im.mode == "F":
        im = Image.fromarray(np.clip(np.asarray(im), 0, 255).astype(np.uint8), "L")
    elif im.mode == "1":
        im = im.convert("L")
    elif im.mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    elif im.mode in ("PA", "La", "RGBa"):
        im = im.convert("RGBA")
    out = _from_icc(im, icc) if icc and im.mode in _ICC_MODES else None
    if out is None and im.mode == "RGB":
        out = im  # already plain RGB: no copy (callers resize it into new images)
    if out is None:
        # L, CMYK (the decoder already undid Adobe's inverted CMYK), YCbCr, LAB -> RGB.
        out = im.convert("RGBA" if im.mode in ("LA", "RGBA") else "RGB")
    if out.mode == "RGBA" and out.getchannel("A").getextrema()[0] == 255:
        out = out.convert("RGB")  # alpha that hides nothing only costs bytes
    out.info.clear()
    return out
