"""Name the kind of a file we refuse from its first bytes, so the refusal can say why.

Only used to word the answer: accepted formats are decided by Pillow's allow-list
(``formats=``), never by this table, and nothing here parses beyond a few bytes.
"""

from __future__ import annotations

# (prefix, offset, what it is).  Order matters: first match wins.
_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"II*\x00", 0, "TIFF"),
    (b"MM\x00*", 0, "TIFF"),
    (b"%!PS", 0, "PostScript/EPS"),
    (b"\xc5\xd0\xd3\xc6", 0, "EPS"),
    (b"8BPS", 0, "Photoshop (PSD)"),
    (b"%PDF", 0, "PDF"),
    (b"BM", 0, "BMP"),
    (b"\x00\x00\x01\x00", 0, "ICO"),
    (b"icns", 0, "ICNS"),
    (b"SIMPLE  =", 0, "FITS"),
    (b"\x00\x00\x00\x0cjP  ", 0, "JPEG 2000"),
    (b"\xff\x4f\xff\x51", 0, "JPEG 2000"),
    (b"\xff\x0a", 0, "JPEG XL"),
    (b"\x00\x00\x00\x0cJXL \r\n\x87\n", 0, "JPEG XL"),
    (b"PK\x03\x04", 0, "ZIP archive"),
    (b"\x1f\x8b", 0, "gzip archive"),
    (b"qoif", 0, "QOI"),
    (b"\x89PNG", 0, "PNG"),
    (b"\xff\xd8\xff", 0, "JPEG"),
    (b"GIF8", 0, "GIF"),
    (b"gimp xcf", 0, "GIMP XCF"),
)
_HEIF_BRANDS = {b"heic": "HEIC", b"heix": "HEIC", b"mif1": "HEIF", b"msf1": "HEIF",
                b"heif": "HEIF", b"avif": "AVIF", b"avis": "AVIF"}
_MARKUP = (b"<svg", b"<?xml", b"<!doctype", b"<html", b"<head", b"<body", b"<script", b"<!--")


def sniff(data: bytes) -> str | None:
    """Return a human name for the file's kind, or None when it is not recognised."""
    head = data[:64]
    for prefix, offset, name in _SIGNATURES:
        if head[offset:offset + len(prefix)] == prefix:
            return name
    if head[4:8] == b"ftyp":
        return _HEIF_BRANDS.get(head[8:12], "ISO media (MP4/HEIF)")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WebP"
    text = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(_MARKUP) or b"<svg" in text:
        return "SVG" if b"<svg" in text else "HTML/XML"
    return None
