"""ImageService: import rows with an ``image``, the palette rule, the storage it writes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from lookbook.catalog.models import Item, ItemColour, ItemImage
from lookbook.images.errors import ImageLimitReached, UnsupportedImageType
from lookbook.images.service import ImageService
from lookbook.images.storage import LocalStorage, make_key
from tests.conftest import add_items, item
from tests.image_samples import encode, photo, product_shot


def shot(colour: str) -> bytes:
    return encode(product_shot(colour, "gold", "flap", "white", np.random.default_rng(1)), "JPEG")


def count(db, model) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def media_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def write_catalog(folder: Path, image_bytes: bytes, name: str = "bag.jpg", **fields) -> Path:
    (folder / "photos").mkdir(parents=True, exist_ok=True)
    (folder / "photos" / name).write_bytes(image_bytes)
    path = folder / "catalog.json"
    path.write_text(json.dumps([item("BAG-9", image=f"photos/{name}", colours=["navy"], **fields)]))
    return path


def test_import_row_image_is_ingested_and_its_palette_offered(run_cli, db, tmp_path, cli_env):
    path = write_catalog(tmp_path / "in", shot("red"))
    result = run_cli("import", str(path))
    assert result.exit_code == 0, result.output
    assert "images: 1" in result.output
    with db.session() as s:
        bag = s.scalar(select(Item).where(Item.sku == "BAG-9"))
        assert [c.name for c in bag.colours] == ["navy"]  # the row's colours win
        assert bag.images[0].palette[0]["name"] == "red"
        keys = {v["key"] for v in bag.images[0].variants}
    media = Path(cli_env["LOOKBOOK_INSTANCE"]) / "media"
    assert {p.name for p in media_files(media)} == keys
    again = run_cli("import", str(path))  # same picture again: no second image
    assert again.exit_code == 0 and count(db, ItemImage) == 1


def test_import_with_a_disguised_file_is_refused_whole(run_cli, db, tmp_path, cli_env):
    path = write_catalog(tmp_path / "in", b"<html><script>alert(1)</script></html>", name="bag.jpg")
    result = run_cli("import", str(path))
    assert result.exit_code == 1
    assert "image: HTML/XML files are not accepted" in result.output
    assert count(db, Item) == 0 and count(db, ItemImage) == 0
    assert media_files(Path(cli_env["LOOKBOOK_INSTANCE"]) / "media") == []


def test_check_names_the_problem_for_the_import_report(tmp_path):
    service = ImageService(LocalStorage(tmp_path / "media"))
    bad = tmp_path / "x.jpg"
    bad.write_bytes(encode(photo(), "TIFF"))
    with pytest.raises(ValueError, match="TIFF files are not accepted"):
        service.check(bad)
    missing = tmp_path / "gone.jpg"
    with pytest.raises(ValueError, match="cannot be read"):
        service.check(missing)


def test_attach_fills_colours_only_when_the_item_has_none(db, tmp_path):
    ids = add_items(db, item("BAG-1", colours=["navy"]), item("BAG-2", colours=["navy"]))
    service = ImageService(LocalStorage(tmp_path / "media"))
    picture = tmp_path / "p.jpg"
    picture.write_bytes(shot("teal"))
    with db.write() as session:
        bare = session.get(Item, ids["BAG-2"])
        bare.colours.clear()
        session.flush()
        service.attach(session, ids["BAG-1"], picture)
        service.attach(session, ids["BAG-2"], picture)
    with db.session() as s:
        assert [c.name for c in s.get(Item, ids["BAG-1"]).colours] == ["navy"]
        filled = s.get(Item, ids["BAG-2"]).colours
        assert filled[0].name == "teal" and filled[0].hex.startswith("#")


def test_replace_mode_and_offer_mode(db, tmp_path):
    ids = add_items(db, item("BAG-1", colours=["navy", "gold"]))
    service = ImageService(LocalStorage(tmp_path / "media"))
    with db.write() as session:
        bag = session.get(Item, ids["BAG-1"])
        offered = service.ingest(session, bag, shot("coral"))
        assert not offered.applied and offered.palette[0]["name"] == "coral"
        replaced = service.ingest(session, bag, shot("coral"), "replace")
        assert replaced.applied and not replaced.created
    with db.session() as s:
        assert s.scalars(select(ItemColour.name).order_by(ItemColour.position)).first() == "coral"
        assert count(db, ItemImage) == 1


def test_cap_is_checked_before_anything_is_written(db, tmp_path):
    ids = add_items(db, item("BAG-1"))
    root = tmp_path / "media"
    service = ImageService(LocalStorage(root), max_images=1)
    with db.write() as session:
        bag = session.get(Item, ids["BAG-1"])
        service.ingest(session, bag, encode(photo(colour=(1, 2, 3)), "PNG"))
        files = media_files(root)
        with pytest.raises(ImageLimitReached):
            service.ingest(session, bag, encode(photo(colour=(9, 9, 9)), "PNG"))
        assert media_files(root) == files


def test_refusal_writes_no_file(db, tmp_path):
    ids = add_items(db, item("BAG-1"))
    root = tmp_path / "media"
    service = ImageService(LocalStorage(root))
    with db.write() as session, pytest.raises(UnsupportedImageType):
        service.ingest(session, session.get(Item, ids["BAG-1"]), b"<svg><script/></svg>")
    assert media_files(root) == []


def test_storage_keys_are_generated_and_checked(tmp_path):
    storage = LocalStorage(tmp_path / "media")
    key = make_key("a" * 64, 320, "webp")
    storage.put(key, b"data")
    assert storage.get(key) == b"data" and storage.exists(key)
    assert storage.path(key) == tmp_path / "media" / "aa" / key
    for bad in ("../../etc/passwd", "a" * 64 + "-320.svg", "x.webp", "A" * 64 + "-320.webp"):
        assert storage.get(bad) is None and not storage.exists(bad) and storage.path(bad) is None
    with pytest.raises(ValueError):
        make_key("../x", 320, "webp")
    assert not list((tmp_path / "media").rglob(".part-*"))  # the temp file was renamed away


def test_import_image_paths_cannot_leave_the_import_folder(run_cli, db, tmp_path):
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(encode(photo(), "JPEG"))
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / "catalog.json"
    path.write_text(json.dumps([item("BAG-9", image="../secret.jpg"),
                                item("BAG-8", image=str(secret))]))
    result = run_cli("import", str(path))
    assert result.exit_code == 1
    assert "must stay inside the import file's folder" in result.output
    assert "must be a path relative to the import file" in result.output
    assert count(db, Item) == 0


def test_oversized_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from lookbook.images.errors import FileTooLarge

    big = tmp_path / "huge.jpg"
    with big.open("wb") as fh:
        fh.truncate(21 * 1024 * 1024)  # sparse: nothing is really written or read

    def no_read(path: Path) -> bytes:
        raise AssertionError(f"{path} was read")

    monkeypatch.setattr(Path, "read_bytes", no_read)
    with pytest.raises(FileTooLarge, match="at most 20 MB") as caught:
        ImageService(LocalStorage(tmp_path / "media")).check(big)
    assert caught.value.status == 413
