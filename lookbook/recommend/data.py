"""The catalog as the recommender reads it: item records and curated outfit->bag pairs."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from lookbook.catalog.models import Item
from lookbook.catalog.records import ItemRecord
from lookbook.catalog.revision import current_revision
from lookbook.catalog.store import fetch_records
from lookbook.lookbooks.models import Look, Lookbook


@dataclass
class Catalog:
    """Everything a fit needs, read in bulk and detached from the database."""

    outfits: list[ItemRecord] = field(default_factory=list)
    bags: list[ItemRecord] = field(default_factory=list)
    looks: list[tuple[str, str]] = field(default_factory=list)  # (outfit sku, bag sku)
    revision: str = ""
    # The lookbook (slug) of each look, parallel to ``looks``; evaluation holds out whole
    # lookbooks.  Empty when unknown (each look is then its own group).
    look_books: list[str] = field(default_factory=list)


def published_looks(session: Session) -> list[tuple[str, str, str]]:
    """Return (outfit sku, bag sku, lookbook slug) of every look in a published lookbook, in order."""
    outfit, bag = aliased(Item), aliased(Item)
    stmt = (
        select(outfit.sku, bag.sku, Lookbook.slug)
        .select_from(Look)
        .join(Lookbook, Look.lookbook_id == Lookbook.id)
        .join(outfit, Look.outfit_id == outfit.id)
        .join(bag, Look.bag_id == bag.id)
        .where(Lookbook.published.is_(True), outfit.kind == "outfit", bag.kind == "bag")
        .order_by(Lookbook.slug, Look.position)
    )
    return [(o, b, slug) for o, b, slug in session.execute(stmt)]


def load_catalog(session: Session) -> Catalog:
    """Read every item and every published look, with the revision they belong to."""
    revision = current_revision(session)
    records = [rec for _id, rec in fetch_records(session).values()]
    looks = published_looks(session)
    return Catalog(
        outfits=[r for r in records if r.kind == "outfit"],
        bags=[r for r in records if r.kind == "bag"],
        looks=[(o, b) for o, b, _slug in looks],
        revision=revision,
        look_books=[slug for _o, _b, slug in looks],
    )
