"""Build the demo installation: catalog with photos, lookbooks, a user, a key, a model."""

from __future__ import annotations

import json
import secrets
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from tqdm import tqdm

from lookbook.auth.keys import create_key
from lookbook.auth.models import User
from lookbook.auth.users import create_user, set_password
from lookbook.config import Settings
from lookbook.database import Database
from lookbook.demo.catalog import generate, public_fields
from lookbook.demo.drawing import draw_bag, draw_outfit
from lookbook.demo.shop import shop_url
from lookbook.images.service import ImageService
from lookbook.images.storage import LocalStorage
from lookbook.recommend.artifacts import fit_and_save
from lookbook.transfer.importer import import_rows, read_json

DEMO_USER = "curator@lookbook.example"


def write_demo_files(folder: Path, seed: int | None = None, show_progress: bool = False) -> Path:
    """Write the demo JSON document and its product shots into ``folder``; return the JSON."""
    doc = generate() if seed is None else generate(seed)
    images = folder / "images"
    images.mkdir(parents=True, exist_ok=True)
    items = []
    for item in tqdm(doc["items"], desc="drawing photos", unit="photo", file=sys.stderr,
                     disable=not show_progress, leave=False):
        if item["kind"] == "bag":
            shot = draw_bag(item["silhouette"], item["colours"], item["styles"], float(item["width_cm"]))
        else:
            shot = draw_outfit(item["_shape"], item["colours"])
        name = f"{item['sku'].lower()}.png"
        shot.save(images / name, optimize=False)
        items.append({**public_fields(item), "image": f"images/{name}", "url": shop_url(item)})
    path = folder / "demo-catalog.json"
    path.write_text(json.dumps({"items": items, "lookbooks": doc["lookbooks"]}, indent=1))
    return path


def _fit(db: Database, settings: Settings, echo: Callable[[str], Any]) -> None:
    card = fit_and_save(db, settings.models_dir)
    echo(f"fitted the recommender (revision {card['catalog_revision'][:8]})")


def build_demo(db: Database, settings: Settings, echo: Callable[[str], Any] = print,
               show_progress: bool = False) -> dict[str, Any]:
    """Import the demo catalog (idempotent), add a curator and a key, fit the model."""
    images = ImageService(LocalStorage(settings.media_dir))
    with tempfile.TemporaryDirectory(prefix="lookbook-demo-") as tmp:
        path = write_demo_files(Path(tmp), show_progress=show_progress)
        rows, books = read_json(path.read_bytes())
        with db.write() as session:
            with tqdm(total=len(rows), desc="importing", unit="item", file=sys.stderr,
                      disable=not show_progress, leave=False) as bar:
                report = import_rows(session, rows, books, base_dir=Path(tmp).resolve(),
                                     images=images, progress=bar.update)
            if not report.ok:  # the generator is ours: a bad row is a bug
                raise RuntimeError("demo catalog invalid: " + "; ".join(map(str, report.errors[:5])))
    echo(f"demo catalog: {report.created} created, {report.updated} updated, "
         f"{report.unchanged} unchanged, {report.images} photos")
    password = secrets.token_urlsafe(9)
    with db.write() as session:
        user = session.scalar(select(User).where(User.email == DEMO_USER))
        if user is None:
            create_user(session, DEMO_USER, password, role="admin")
        else:
            set_password(user, password)
        _row, key = create_key(session, "demo", secret=True)
    _fit(db, settings, echo)
    counts = {"outfits": sum(1 for r in rows if r.data["kind"] == "outfit"),
              "bags": sum(1 for r in rows if r.data["kind"] == "bag"),
              "lookbooks": len(books)}
    return {"counts": counts, "user": DEMO_USER, "password": password, "key": key}
