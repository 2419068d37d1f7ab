"""Why an uploaded picture was refused, with the HTTP status that says so."""

from __future__ import annotations


class ImageRejected(ValueError):
    """A picture we will not store; ``str(exc)`` is a reason a curator understands.

    A ``ValueError`` so the importer reports it per row like any other bad field.
    """

    status = 422
    slug = "image-unreadable"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnsupportedImageType(ImageRejected):
    """The file is a known kind we do not accept (SVG, HTML, TIFF, HEIC...)."""

    status = 415
    slug = "image-type-unsupported"


class ImageUnreadable(ImageRejected):
    """The file claims an accepted format but does not decode (truncated, corrupt)."""

    status = 422
    slug = "image-unreadable"


class TooManyPixels(ImageRejected):
    """The picture declares more pixels than we agree to decode (a decompression bomb)."""

    status = 422
    slug = "image-too-many-pixels"


class FileTooLarge(ImageRejected):
    """The file has more bytes than an upload may."""

    status = 413
    slug = "image-file-too-large"


class ImageLimitReached(ImageRejected):
    """The item already holds as many photos as it may."""

    status = 409
    slug = "image-limit-reached"


class StorageUnavailable(RuntimeError):
    """Media storage cannot take a write now (read-only); nothing was half-written.

    Not a :class:`ImageRejected`: the picture is fine, the server is not, so an import
    stops as a whole instead of reporting a row.
    """

    status = 503
    slug = "media-storage-unavailable"
    title = "Service unavailable"


class StorageFull(StorageUnavailable):
    """The media disk (or quota) is full."""

    status = 507
    slug = "media-storage-full"
    title = "Insufficient storage"
