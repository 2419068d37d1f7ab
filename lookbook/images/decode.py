"""Open an uploaded picture safely: allow-listed formats, our own pixel limit, full load.

Nothing here trusts the file: the format comes from Pillow's allow-list (never the
name or the client's content type), the declared size is checked before a single
pixel is decoded, bomb warnings are errors, and the image is loaded completely so a
truncated file fails here rather than half-way through rendering.
"""

from __future__ import annotations

import io
import struct
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from lookbook.images.errors import ImageUnreadable, TooManyPixels, UnsupportedImageType
from lookbook.images.sniff import sniff

# GIF only for its first frame (animated shop banners); MPO comes back from the JPEG
# plugin for multi-picture camera files.  Everything else is refused unparsed: the
# rarely used plugins are where Pillow's bomb checks and CVEs keep turning up.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
ACCEPTED_NAMES = "JPEG, PNG, WebP or GIF"
# Well below Pillow's own 89 MP warning: a 48 MP phone photo still fits.
MAX_PIXELS = 50_000_000
# What we agree to hold decoded (30 MP RGBA = 120 MB).  JPEG decodes at a reduced scale
# (draft), so this only bites PNG, WebP and GIF, which decode at full size.
MAX_DECODED_PIXELS = 30_000_000
MIN_SIDE = 16
MAX_ASPECT = 12
# Pillow raises a zoo of exception types on hostile input (fuzzers see them all);
# while decoding, every one of them means "this file is broken", never a 500.
DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError,
                 KeyError, TypeError, ZeroDivisionError, AttributeError, NotImplementedError)
_ACCEPTED_SNIFFED = {"JPEG", "PNG", "GIF", "WebP"}


def _refuse_unidentified(data: bytes) -> ImageUnreadable | UnsupportedImageType:
    kind = sniff(data)
    if kind is None:
        return ImageUnreadable(f"the file is not a picture we can read; upload a {ACCEPTED_NAMES} file")
    if kind in _ACCEPTED_SNIFFED:
        return ImageUnreadable(f"the file starts like a {kind} but is damaged and cannot be read")
    hint = " (convert it to JPEG first)" if kind in ("HEIC", "HEIF", "AVIF", "TIFF", "PSD") else ""
    return UnsupportedImageType(f"{kind} files are not accepted{hint}; upload a {ACCEPTED_NAMES} file")


def _check_size(im: Image.Image) -> None:
    width, height = im.size
    if width * height > MAX_PIXELS:
        raise TooManyPixels(
            f"the picture declares {width}×{height} pixels "
            f"({width * height / 1e6:.0f} megapixels); at most {MAX_PIXELS // 1_000_000} are accepted"
        )
    if min(width, height) < MIN_SIDE:
        raise ImageUnreadable(f"the picture is {width}×{height} pixels; each side needs {MIN_SIDE} or more")
    if max(width, height) > MAX_ASPECT * min(width, height):
        raise ImageUnreadable(f"the picture is {width}×{height} pixels; a product photo may be at most "
                              f"{MAX_ASPECT} times as long as it is wide")


def open_image(data: bytes, draft_box: tuple[int, int] | None = None) -> Image.Image:
    """Decode the first frame of an accepted picture, upright; raise ImageRejected if not.

    ``draft_box`` lets JPEG decode at a reduced scale that still covers the box.
    """
    if not data:
        raise ImageUnreadable("the file is empty")
    with warnings.catch_warnings():
        # Pillow's UserWarnings (corrupt EXIF it skips, odd palettes) describe damage it
        # worked around; the metadata is dropped anyway, so they are noise here.
        warnings.simplefilter("ignore", UserWarning)
        # Pillow only warns between 1x and 2x its limit; for us a bomb is a bomb.  (The
        # filter is process-wide; should a thread race it, _check_size still refuses,
        # since our limit is below the size at which Pillow starts to warn.)
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            im = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
        except UnidentifiedImageError:
            raise _refuse_unidentified(data) from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise TooManyPixels(f"the picture declares more than {MAX_PIXELS // 1_000_000} "
                                "megapixels") from None
        except DECODE_ERRORS as exc:
            raise ImageUnreadable(f"the picture cannot be read ({_why(exc)})") from None
        _check_size(im)  # declared size, before any pixel is decoded
        if draft_box and im.format in ("JPEG", "MPO"):
            try:
                im.draft("RGB", draft_box)  # decode at 1/2, 1/4 or 1/8 scale when it covers the box
            except DECODE_ERRORS as exc:
                raise ImageUnreadable(f"the picture cannot be read ({_why(exc)})") from None
        if im.width * im.height > MAX_DECODED_PIXELS:
            raise TooManyPixels(f"{im.format} pictures may have at most "
                                f"{MAX_DECODED_PIXELS // 1_000_000} megapixels; this one has "
                                f"{im.width * im.height / 1e6:.0f}")
        try:
            # ImageFile.LOAD_TRUNCATED_IMAGES stays False (Pillow's default): short files fail.
            im.load()  # frame 0 only (GIF, WebP animation, MPO)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise TooManyPixels("the picture holds more pixels than it declared") from None
        except DECODE_ERRORS as exc:
            raise ImageUnreadable(f"the picture cannot be decoded ({_why(exc)}); "
                                  "it may be truncated or damaged") from None
    return _upright(im)


def _upright(im: Image.Image) -> Image.Image:
    """Apply the EXIF orientation; a malformed EXIF block is ignored, not fatal."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow warns about the corrupt EXIF it skips
            # In place: otherwise Pillow returns a full copy of an upright picture (most
            # of them), up to MAX_DECODED_PIXELS more held at once for nothing.
            ImageOps.exif_transpose(im, in_place=True)
    except DECODE_ERRORS:
        pass
    return im


def _why(exc: BaseException) -> str:
    text = str(exc).strip().rstrip(".")
    return text[:120] if text else exc.__class__.__name__
