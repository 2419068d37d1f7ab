"""The whole pipeline from uploaded bytes to stored-ready renditions and a palette."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from PIL import Image

from lookbook.images.decode import open_image
from lookbook.images.errors import FileTooLarge
from lookbook.images.limits import MAX_FILE_BYTES
from lookbook.images.normalise import to_srgb
from lookbook.images.palette import PaletteColour, read_palette
from lookbook.images.render import WIDTHS, Rendition, digest, largest, renditions


@dataclass(frozen=True)
class ProcessedImage:
    """A picture ready to store: its content hash, size, encoded sizes and palette."""

    digest: str
    width: int
    height: int
    renditions: list[Rendition]
    palette: list[PaletteColour]


def _decode(data: bytes) -> Image.Image:
    """Refuse oversized bytes, then decode the picture fully (see ``open_image``)."""
    check_size(len(data))
    # The draft box covers the largest rendition whatever the EXIF orientation.
    return open_image(data, (WIDTHS[-1], WIDTHS[-1]))


def check_bytes(data: bytes) -> None:
    """Raise ImageRejected unless the bytes are a picture we accept (decodes it fully)."""
    _decode(data)


def process(data: bytes) -> ProcessedImage:
    """Validate, orient, normalise, re-encode and read the palette of uploaded bytes."""
    top = largest(to_srgb(_decode(data)))
    # Palette (numpy, sklearn) and hash run beside the encoders; all release the GIL.
    with ThreadPoolExecutor(max_workers=2) as pool:
        palette = pool.submit(read_palette, top)
        name = pool.submit(digest, top)
        encoded = renditions(top)
        return ProcessedImage(name.result(), top.width, top.height, encoded, palette.result())


def check_size(n_bytes: int) -> None:
    """Refuse a file with more bytes than an upload may have."""
    if n_bytes > MAX_FILE_BYTES:
        raise FileTooLarge(f"the file has {n_bytes / 1e6:.1f} MB; at most "
                           f"{MAX_FILE_BYTES // (1024 * 1024)} MB are accepted")
