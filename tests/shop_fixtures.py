"""A small shop for page tests: outfits, bags (some with photos and shop links), lookbooks
in every publishing state, imported the way a retailer would import them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import select

from lookbook.database import Database
from lookbook.lookbooks.models import Lookbook
from tests.conftest import item

PHOTOS = {"B-GOLD": ("chain", ["gold"], ["metallic"], 8), "B-NAVY": ("crossbody", ["navy"], [], 15),
          "O-EVE": None}


def shop_items() -> list[dict[str, Any]]:
    """Return the shop's items as import rows."""
    return [
        item("O-EVE", "outfit", name="Black silk gown", colours=["black", "burgundy"],
             occasions=["evening"], seasons=["winter", "holiday"], material="silk",
             price="1334.90", brand="Vantori", url="https://shop.example/outfits/black-gown"),
        item("O-BIZ", "outfit", name="Navy wool suit", colours=["navy"], occasions=["business"],
             seasons=["autumn"], material="wool", price="689.00"),
        item("O-CAS", "outfit", name="White tee and jeans", colours=["white", "blue"],
             occasions=["casual"], seasons=["summer"], material="cotton", price="89.00"),
        item("B-GOLD", name="Gold chain micro", colours=["gold", "black"], occasions=["evening"],
             styles=["metallic", "embellished"], seasons=["holiday"], width_cm="8",
             silhouette="chain", material="lambskin", price="219.90", limited_edition=True,
             brand="Maison Aurelle", url="https://shop.example/bags/gold-chain-micro"),
        item("B-NAVY", name="Navy leather mini", colours=["navy"], occasions=["business"],
             styles=["minimalist"], seasons=["autumn"], width_cm="15.5", silhouette="crossbody",
             material="calfskin", price="349.00"),
        item("B-CORAL", name="Coral canvas micro", colours=["coral"], occasions=["casual"],
             styles=["playful"], seasons=["summer"], width_cm="9", silhouette="saddle",
             material="canvas", price="59.00", in_stock=False),
        item("B-VEGAN", name="Sky vegan mini", colours=["sky"], occasions=["casual"],
             styles=["playful"], seasons=["spring", "summer"], width_cm="12", silhouette="bucket",
             material="vegan leather", sustainability=["vegan", "certified:GRS"], price="79.00"),
        item("B-SILVER", name="Silver clutch", colours=["silver"], occasions=["evening"],
             styles=["metallic"], seasons=["holiday"], width_cm="18", silhouette="clutch",
             material="satin", price="129.00"),
        item("B-TOTE", name="Camel leather tote", colours=["camel"], occasions=["business"],
             width_cm="32", silhouette="tote", material="calfskin", price="480.00"),
        item("B-XL", name="Black nylon crossbody", colours=["black"], occasions=["travel"],
             width_cm="38", silhouette="crossbody", material="nylon", price="150.00"),
    ]


def book(slug: str, looks: list[tuple[str, str, list[str]]], **fields: Any) -> dict[str, Any]:
    """Return a lookbook as an import object; looks are (outfit, bag, bundle)."""
    return {"slug": slug, "title": fields.pop("title", slug.replace("-", " ").capitalize()),
            "description": fields.pop("description", f"The {slug} looks."),
            "season": fields.pop("season", "holiday"), "published": fields.pop("published", True),
            "looks": [{"outfit": o, "bag": b, "bundle": bundle, "note": f"Wear {b} with {o}."}
                      for o, b, bundle in looks], **fields}


def shop_lookbooks() -> list[dict[str, Any]]:
    """Return one live lookbook, a draft, one scheduled for later and one that ended."""
    looks = [("O-EVE", "B-GOLD", ["B-GOLD", "B-TOTE"]), ("O-BIZ", "B-NAVY", []),
             ("O-CAS", "B-VEGAN", ["B-VEGAN", "B-XL"])]
    return [book("after-dark", looks, title="After dark", market="middle-east",
                 description="Small bags that catch the light."),
            book("draft", looks[:1], published=False),
            book("later", looks[:1]),
            book("ended", looks[:1])]


def import_shop(db: Database, storage: Any, folder: Path, *, items: list | None = None,
                lookbooks: list | None = None, photos: bool = True) -> None:
    """Import the shop (drawing product photos into ``folder``) and set publish windows."""
    from lookbook.demo.drawing import draw_bag, draw_outfit
    from lookbook.images.service import ImageService
    from lookbook.transfer.importer import import_rows, read_json_value

    rows = items if items is not None else shop_items()
    if photos:
        for raw in rows:
            if raw["sku"] in PHOTOS:
                spec = PHOTOS[raw["sku"]]
                shot = draw_outfit("gown", raw["colours"]) if spec is None else draw_bag(*spec)
                shot.save(folder / f"{raw['sku']}.png")
                raw["image"] = f"{raw['sku']}.png"
    raw_rows, raw_books = read_json_value({"items": rows, "lookbooks": lookbooks
                                           if lookbooks is not None else shop_lookbooks()})
    with db.write() as session:
        report = import_rows(session, raw_rows, raw_books, base_dir=folder,
                             images=ImageService(storage))
        assert report.ok, report.errors
        now = dt.datetime.now(dt.UTC)
        for lb in session.scalars(select(Lookbook)):
            if lb.slug == "later":
                lb.publish_at = now + dt.timedelta(days=1)
            elif lb.slug == "ended":
                lb.unpublish_at = now - dt.timedelta(minutes=1)
