"""Small catalogs for recommender tests: bags and outfits, lookbooks, curator rules."""

from __future__ import annotations

from typing import Any

from lookbook.catalog.models import CurationRule, Item
from lookbook.catalog.records import ItemRecord, parse_item
from lookbook.database import Database
from lookbook.lookbooks.models import Look, Lookbook
from lookbook.recommend.data import Catalog, load_catalog
from lookbook.recommend.estimator import BagRecommender
from lookbook.recommend.holder import Served
from lookbook.recommend.service import Recommender
from tests.conftest import add_items, item


def bag(sku: str, colour: str = "black", width: str = "15", **fields: Any) -> dict[str, Any]:
    """Return a raw bag; a 15 cm crossbody (mini) in black unless told otherwise."""
    return item(sku, "bag", colours=[colour] if isinstance(colour, str) else colour,
                width_cm=width, **fields)


def outfit(sku: str, colours: list[str], occasions: list[str], **fields: Any) -> dict[str, Any]:
    """Return a raw outfit."""
    return item(sku, "outfit", colours=colours, occasions=occasions, **fields)


def records(*raw: dict[str, Any]) -> list[ItemRecord]:
    """Validate raw items into records (no database)."""
    return [parse_item(r)[0] for r in raw]


def catalog_of(*raw: dict[str, Any], looks: list[tuple[str, str]] | None = None) -> Catalog:
    """Return an in-memory catalog of raw items."""
    recs = records(*raw)
    return Catalog([r for r in recs if r.kind == "outfit"], [r for r in recs if r.kind == "bag"],
                   list(looks or []), "test-revision")


def add_lookbook(db: Database, slug: str, looks: list[tuple[str, str]], published: bool = True) -> None:
    """Publish a lookbook pairing outfits with bags (by sku)."""
    with db.write() as session:
        ids = {i.sku: i.id for i in session.query(Item)}
        book = Lookbook(slug=slug, title=slug.title(), published=published)
        book.looks = [Look(position=i, outfit_id=ids[o], bag_id=ids[b], note="")
                      for i, (o, b) in enumerate(looks)]
        session.add(book)


def add_rule(db: Database, outfit_sku: str, bag_sku: str, action: str) -> None:
    """Pin or hide a bag for an outfit."""
    with db.write() as session:
        ids = {i.sku: i.id for i in session.query(Item)}
        session.add(CurationRule(outfit_id=ids[outfit_sku], bag_id=ids[bag_sku], action=action))


def recommender(db: Database, session) -> Recommender:
    """Fit on the database's catalog and return a request-level recommender."""
    model = BagRecommender().fit(load_catalog(session))
    card = {"catalog_revision": model.revision_, "counts": {}}
    return Recommender(session, Served(model, card, fresh=True))


def skus(resp_json: dict[str, Any], key: str = "bag") -> list[str]:
    """Return the skus of an API response's results, in order."""
    return [r[key]["sku"] for r in resp_json["results"]]


__all__ = ["add_items", "add_lookbook", "add_rule", "bag", "catalog_of", "outfit", "records",
           "recommender", "skus", "wait_for_refit"]


def wait_for_refit(app: Any) -> None:
    """Let the app's background refit catch up with the catalog, so the next answer is fresh."""
    holder = app.extensions["lookbook.model_holder"]
    with holder.database.session() as session:
        holder.current(session)  # notices the change and starts the refit
    assert holder.wait(120)
