"""Attach product photos to catalog items: uploads, import rows and the demo.

The service owns the rules around the pipeline: the per-item photo cap, storing
renditions under generated keys, recording the photo, and when the palette read
from the photo becomes the item's colours (the item has none, or the caller asked
``replace``) instead of being offered beside the curator's own.  The caller owns
the transaction; files are written before it commits, so a failed commit can
leave unreferenced (content-addressed, harmless) files but never a row pointing at
a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from lookbook.catalog.models import Item, ItemColour, ItemImage
from lookbook.images.errors import ImageLimitReached, ImageUnreadable
from lookbook.images.ingest import ProcessedImage, check_bytes, check_size, process
from lookbook.images.storage import Storage, make_key

__all__ = ["MAX_IMAGES_PER_ITEM", "PALETTE_MODES", "Attached", "ImageService", "process"]

MAX_IMAGES_PER_ITEM = 12
PALETTE_MODES = ("offer", "replace")


@dataclass
class Attached:
    """What attaching a photo did."""

    image: ItemImage
    created: bool  # False when the item already had this exact picture
    palette: list[dict[str, Any]] = field(default_factory=list)
    applied: bool = False  # the palette became the item's colours


class ImageService:
    """Ingest pictures into a storage and attach them to items."""

    def __init__(self, storage: Storage, max_images: int = MAX_IMAGES_PER_ITEM) -> None:
        self.storage = storage
        self.max_images = max_images

    # --- the importer's ImageAttacher protocol ---------------------------------------

    def check(self, path: Path) -> None:
        """Raise ImageRejected (a ValueError) with a reason if the file is not acceptable."""
        check_bytes(_read(path))

    def attach(self, session: Session, item_id: int, path: Path) -> None:
        """Ingest an import row's picture; its palette fills the item only if it has none."""
        item = session.get(Item, item_id)
        if item is None:
            raise LookupError(f"no item with id {item_id}")
        self.ingest(session, item, _read(path), "offer")

    # --- uploads ---------------------------------------------------------------------

    def ingest(self, session: Session, item: Item, data: bytes, palette_mode: str = "offer") -> Attached:
        """Process a picture and attach it (see ``attach_processed``)."""
        return self.attach_processed(session, item, process(data), palette_mode)

    def attach_processed(
        self, session: Session, item: Item, processed: ProcessedImage, palette_mode: str = "offer"
    ) -> Attached:
        """Store a processed picture for an item and apply the palette rule.

        Decoding happens before (``process``), outside the write transaction; the only
        refusal left here (the photo cap) comes before anything is written.
        """
        if palette_mode not in PALETTE_MODES:
            raise ValueError(f"palette mode must be one of {PALETTE_MODES}")
        existing = next((im for im in item.images if im.digest == processed.digest), None)
        if existing is not None:
            image, created = existing, False
        elif len(item.images) >= self.max_images:
            raise ImageLimitReached(f"item {item.sku} already has {len(item.images)} photos, "
                                    f"the most it may have")
        else:
            image, created = self._store(item, processed), True
        applied = bool(image.palette) and (palette_mode == "replace" or not item.colours)
        if applied:
            _set_colours(session, item, image.palette)
        session.flush()
        return Attached(image, created, list(image.palette), applied)

    def store_files(self, processed: ProcessedImage) -> list[dict[str, Any]]:
        """Write every rendition under its generated key; return the variants JSON."""
        variants = []
        written: list[str] = []
        try:
            for r in processed.renditions:
                key = make_key(processed.digest, r.width, r.format)
                if not self.storage.exists(key):
                    written.append(key)
                self.storage.put(key, r.data)
                variants.append({"key": key, "width": r.width, "height": r.height, "format": r.format})
        except BaseException:
            for key in written:  # all renditions or none: never half a picture on disk
                self.storage.delete(key)
            raise
        return variants

    def _store(self, item: Item, processed: ProcessedImage) -> ItemImage:
        image = ItemImage(
            position=max((im.position for im in item.images), default=-1) + 1,
            digest=processed.digest, width=processed.width, height=processed.height,
            variants=self.store_files(processed), palette=[c.as_dict() for c in processed.palette],
        )
        item.images.append(image)
        return image


def _set_colours(session: Session, item: Item, palette: list[dict[str, Any]]) -> None:
    """Make the photo palette the item's ordered colours."""
    item.colours.clear()
    session.flush()  # delete the old (item, position) rows before reusing the keys
    item.colours.extend(
        ItemColour(position=i, name=c["name"], hex=c["hex"]) for i, c in enumerate(palette)
    )


def _read(path: Path) -> bytes:
    """Read a picture from disk, refusing oversized files before reading them."""
    try:
        check_size(path.stat().st_size)
        return path.read_bytes()
    except OSError as exc:
        raise ImageUnreadable(f"the file cannot be read ({exc.strerror})") from None
