"""The ingest pipeline on odd and hostile files (RELIABILITY.md bad inputs 15-27)."""

from __future__ import annotations

import functools
import io
import struct
import zipfile

import numpy as np
import pytest
from PIL import Image, ImageCms, ImageFile

from lookbook.images.decode import MAX_PIXELS
from lookbook.images.errors import (
    FileTooLarge,
    ImageLimitReached,
    ImageRejected,
    ImageUnreadable,
    TooManyPixels,
    UnsupportedImageType,
)
from lookbook.images.ingest import process
from lookbook.images.render import WIDTHS
from tests.image_samples import animated_gif, encode, photo, png_header_only, swapped_primaries_icc

ORIENT_FIX = {  # EXIF orientation -> how the camera stored an upright picture
    1: None, 2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_270,
}


def decoded(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def top_rendition(processed) -> Image.Image:
    webps = [r for r in processed.renditions if r.format == "webp"]
    return decoded(max(webps, key=lambda r: r.width).data)


def near(pixel, expected, tol=12) -> bool:
    return all(abs(int(a) - int(b)) <= tol for a, b in zip(pixel[:3], expected, strict=True))


def jpeg_bytes(**params) -> bytes:
    return encode(photo(), "JPEG", quality=90, **params)


@functools.cache
def noisy_jpeg() -> bytes:
    """Return a JPEG with real entropy (so cutting it loses scan data, not padding)."""
    noise = np.random.default_rng(2).integers(0, 255, (300, 400, 3), dtype=np.uint8)
    return encode(Image.fromarray(noise), "JPEG", quality=90)


# --- refused, with the status that says why ---------------------------------------------


def _psd() -> bytes:
    return b"8BPS\x00\x01" + b"\0" * 6 + struct.pack(">HIIHH", 3, 64, 64, 8, 3) + b"\0" * 64


REFUSED = {
    "zero bytes": (b"", ImageUnreadable),
    "random bytes": (np.random.default_rng(1).bytes(4096), ImageUnreadable),
    "text": (b"hello, this is not a picture\n" * 20, ImageUnreadable),
    "html renamed .jpg": (b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
                          UnsupportedImageType),
    "svg with script": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                        UnsupportedImageType),
    "svg with xml prolog": (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>',
                            UnsupportedImageType),
    "html then jpeg": (b"<html><script>x</script></html>" + jpeg_bytes(), UnsupportedImageType),
    "eps": (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n", UnsupportedImageType),
    "eps binary header": (b"\xc5\xd0\xd3\xc6" + b"\0" * 60, UnsupportedImageType),
    "psd": (_psd(), UnsupportedImageType),
    "tiff": (encode(photo(), "TIFF"), UnsupportedImageType),
    "bmp": (encode(photo(), "BMP"), UnsupportedImageType),
    "ico": (encode(photo((32, 32)), "ICO"), UnsupportedImageType),
    "pdf": (encode(photo(), "PDF"), UnsupportedImageType),
    "avif": (encode(photo(), "AVIF"), UnsupportedImageType),
    "heic brand": (b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 64, UnsupportedImageType),
    "fits": (b"SIMPLE  =                    T" + b" " * 2850, UnsupportedImageType),
    "zip": (b"PK\x03\x04" + b"\0" * 100, UnsupportedImageType),
    "jpeg xl": (b"\xff\x0a" + b"\0" * 100, UnsupportedImageType),
    "truncated jpeg": (noisy_jpeg()[: len(noisy_jpeg()) // 2], ImageUnreadable),
    "truncated png": (encode(photo(), "PNG")[:300], ImageUnreadable),
    "png signature only": (b"\x89PNG\r\n\x1a\n", ImageUnreadable),
    "jpeg header only": (b"\xff\xd8\xff\xe0" + b"\0" * 20, ImageUnreadable),
    "pixel flood 30k x 30k": (png_header_only(30_000, 30_000), TooManyPixels),
    "pixel flood 144 MP (Pillow only warns)": (png_header_only(12_000, 12_000), TooManyPixels),
    "over our own limit": (png_header_only(8_000, 8_000), TooManyPixels),
    "png over the decoded limit": (png_header_only(6_000, 6_000), TooManyPixels),
    "too small": (encode(photo((8, 8)), "PNG"), ImageUnreadable),
    "absurd aspect ratio": (encode(photo((2000, 20)), "PNG"), ImageUnreadable),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_refused_files_say_why(name):
    data, expected = REFUSED[name]
    with pytest.raises(expected) as caught:
        process(data)
    exc = caught.value
    assert isinstance(exc, ValueError)  # the importer reports it as a bad field
    assert exc.status == {UnsupportedImageType: 415, ImageUnreadable: 422, TooManyPixels: 422}[expected]
    assert exc.reason and len(exc.reason) < 300


def test_unsupported_type_names_the_type_and_what_to_send():
    with pytest.raises(UnsupportedImageType, match=r"^TIFF files are not accepted.*JPEG, PNG, WebP or GIF"):
        process(encode(photo(), "TIFF"))
    with pytest.raises(UnsupportedImageType, match="convert it to JPEG"):
        process(encode(photo(), "AVIF"))


def test_pixel_flood_is_refused_from_its_header():
    data = png_header_only(30_000, 30_000)
    assert len(data) < 2000  # a tiny file declaring 900 MP: nothing is decoded
    with pytest.raises(TooManyPixels, match="megapixels"):
        process(data)
    assert MAX_PIXELS < Image.MAX_IMAGE_PIXELS


def test_truncated_files_fail_and_the_global_switch_stays_off():
    with pytest.raises(ImageUnreadable, match="truncated"):
        process(noisy_jpeg()[:-2000])
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


# --- accepted and normalised ------------------------------------------------------------


def test_jpeg_becomes_webp_sizes_and_one_jpeg_fallback_never_upscaled():
    big = encode(photo((1600, 1200)), "JPEG", quality=90)
    out = process(big)
    webp = sorted(r.width for r in out.renditions if r.format == "webp")
    assert webp == list(WIDTHS)
    assert [r.format for r in out.renditions].count("jpeg") == 1
    assert (out.width, out.height) == (1280, 960)
    small = process(encode(photo((500, 400)), "PNG"))
    assert max(r.width for r in small.renditions) == 500  # not upscaled
    assert sorted({r.width for r in small.renditions}) == [320, 500]


def test_same_picture_same_digest_different_picture_different_digest():
    a = process(encode(photo(), "PNG"))
    b = process(encode(photo(), "PNG", compress_level=1))  # same pixels, other bytes
    c = process(encode(photo(colour=(10, 120, 60)), "PNG"))
    assert a.digest == b.digest != c.digest
    assert len(a.digest) == 64


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_comes_out_upright(orientation):
    upright = photo((240, 160))  # landscape, white top-left quadrant
    fix = ORIENT_FIX[orientation]
    stored = upright if fix is None else upright.transpose(fix)
    exif = Image.Exif()
    exif[0x0112] = orientation
    out = top_rendition(process(encode(stored, "JPEG", quality=95, exif=exif)))
    assert out.size == (240, 160)
    assert near(out.getpixel((20, 20)), (255, 255, 255))
    assert near(out.getpixel((220, 140)), (200, 40, 60), tol=20)


def test_metadata_is_stripped_gps_comment_xmp_icc():
    exif = Image.Exif()
    exif[0x0112] = 1
    exif[0x010F] = "SecretCam"
    gps = exif.get_ifd(0x8825)
    gps[2] = (48.0, 51.0, 24.0)  # latitude
    gps[1] = "N"
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>secret-xmp</rdf:RDF></x:xmpmeta>'
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(photo(), "JPEG", exif=exif, comment=b"secret-comment", xmp=xmp, icc_profile=icc)
    assert b"secret-comment" in data and b"SecretCam" in data and b"secret-xmp" in data
    source = Image.open(io.BytesIO(data))
    assert source.getexif().get_ifd(0x8825)[1] == "N" and source.info["icc_profile"] == icc
    out = process(data)
    for r in out.renditions:
        for marker in (b"secret-comment", b"SecretCam", b"secret-xmp", b"Exif", b"xmpmeta",
                       b"ICC_PROFILE", b"EXIF", b"XMP ", b"ICCP"):
            assert marker not in r.data, (r.format, marker)
        im = decoded(r.data)
        assert not {"exif", "xmp", "icc_profile", "comment"} & set(im.info)
        assert not im.getexif()


def test_icc_profile_is_converted_to_srgb_then_dropped():
    icc = swapped_primaries_icc()
    data = encode(Image.new("RGB", (64, 64), (255, 0, 0)), "PNG", icc_profile=icc)
    out = top_rendition(process(data))
    assert near(out.getpixel((10, 10)), (0, 255, 0), tol=30)  # the profile said: this is green
    assert "icc_profile" not in out.info


def test_a_broken_icc_profile_is_ignored():
    data = encode(photo(), "PNG", icc_profile=b"not a profile at all" * 10)
    out = top_rendition(process(data))
    assert near(out.getpixel((150, 120)), (200, 40, 60))


def test_malformed_exif_is_ignored():
    good = encode(photo(), "JPEG", quality=90)
    app1 = b"Exif\0\0MM\0*\0\0\0\x08\xff\xff" + b"\x01\x12" * 8  # IFD claims 65535 entries
    segment = b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1
    data = good[:2] + segment + good[2:]
    out = top_rendition(process(data))
    assert out.size == (200, 160)


def test_cmyk_jpeg_comes_out_rgb_with_the_right_colour():
    cmyk = Image.new("CMYK", (120, 100), (0, 255, 255, 0))  # pure red ink
    out = top_rendition(process(encode(cmyk, "JPEG", quality=95)))
    assert out.mode == "RGB"
    assert near(out.getpixel((50, 50)), (255, 0, 0), tol=20)


def test_sixteen_bit_grey_is_scaled_not_clipped_white():
    arr = np.full((80, 100), 32768, dtype=np.uint16)  # mid grey in 16 bits
    im = Image.fromarray(arr)
    assert im.mode == "I;16"
    out = top_rendition(process(encode(im, "PNG")))
    assert out.mode == "RGB"
    assert near(out.getpixel((10, 10)), (128, 128, 128), tol=4)


def test_palette_with_transparency_keeps_alpha():
    im = Image.new("P", (100, 80), 0)
    im.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    im.paste(1, (0, 0, 50, 80))
    out = top_rendition(process(encode(im, "PNG", transparency=1)))
    assert out.mode == "RGBA"
    assert out.getpixel((10, 10))[3] == 0
    assert near(out.getpixel((80, 40)), (255, 0, 0)) and out.getpixel((80, 40))[3] == 255


def test_grey_with_alpha_becomes_rgba_and_jpeg_fallback_is_flattened():
    im = Image.new("LA", (100, 80), (90, 255))
    im.paste((90, 0), (0, 0, 50, 80))
    out = process(encode(im, "PNG"))
    top = top_rendition(out)
    assert top.mode == "RGBA" and top.getpixel((10, 10))[3] == 0
    assert near(top.getpixel((80, 40)), (90, 90, 90), tol=4)
    jpeg = decoded(next(r.data for r in out.renditions if r.format == "jpeg"))
    assert jpeg.mode == "RGB" and near(jpeg.getpixel((10, 10)), (255, 255, 255), tol=6)


def test_opaque_alpha_is_dropped():
    out = top_rendition(process(encode(photo(mode="RGBA"), "PNG")))
    assert out.mode == "RGB"


def test_animated_gif_with_5000_frames_uses_the_first():
    data = animated_gif(5000, [(255, 0, 0), (0, 0, 255)])
    out = process(data)
    assert len(out.renditions) == 2  # one WebP size and the JPEG fallback, no frames
    top = top_rendition(out)
    assert not getattr(top, "is_animated", False)
    assert near(top.getpixel((5, 5)), (255, 0, 0))


def test_animated_webp_uses_the_first_frame():
    frames = [Image.new("RGB", (64, 64), c) for c in ((0, 200, 0), (255, 0, 0), (0, 0, 255))]
    data = encode(frames[0], "WEBP", save_all=True, append_images=frames[1:], lossless=True)
    top = top_rendition(process(data))
    assert not getattr(top, "is_animated", False)
    assert near(top.getpixel((5, 5)), (0, 200, 0))


def test_mpo_camera_jpeg_uses_frame_zero():
    first, second = photo(colour=(20, 160, 40)), photo(colour=(20, 40, 200))
    data = encode(first, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(data)).format == "MPO"
    top = top_rendition(process(data))
    assert near(top.getpixel((150, 120)), (20, 160, 40), tol=16)


def test_polyglot_jpeg_html_is_re_encoded_without_the_payload():
    data = jpeg_bytes() + b"<html><script>alert(document.cookie)</script></html>"
    out = process(data)
    assert all(b"<script" not in r.data and b"<html" not in r.data for r in out.renditions)


def test_polyglot_png_zip_is_re_encoded_without_the_archive():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("evil.php", "<?php system($_GET['c']); ?>")
    data = encode(photo(), "PNG") + archive.getvalue()
    out = process(data)
    assert all(b"PK\x03\x04" not in r.data and b"<?php" not in r.data for r in out.renditions)


def test_every_rendition_is_a_webp_or_jpeg_pillow_reads_back():
    out = process(encode(photo((900, 700)), "WEBP", quality=90))
    for r in out.renditions:
        im = decoded(r.data)
        assert im.format == {"webp": "WEBP", "jpeg": "JPEG"}[r.format]
        assert im.size == (r.width, r.height)


def test_refusals_are_image_rejected_subclasses():
    assert issubclass(TooManyPixels, ImageRejected)
    statuses = {UnsupportedImageType: 415, ImageUnreadable: 422, TooManyPixels: 422,
                FileTooLarge: 413, ImageLimitReached: 409}
    for cls, status in statuses.items():
        assert issubclass(cls, ImageRejected) and issubclass(cls, ValueError)
        exc = cls("why")
        assert (exc.status, exc.reason, str(exc)) == (status, "why", "why")
    assert len({cls.slug for cls in statuses}) == len(statuses)  # each refusal says its own why


def test_dark_sixteen_bit_grey_stays_dark():
    im = Image.fromarray(np.full((80, 100), 200, dtype=np.uint16))  # 200/65535: nearly black
    out = top_rendition(process(encode(im, "PNG")))
    assert out.getpixel((10, 10))[0] <= 2
