"""Write and read lookbooks (by slug) for import, export and the API."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lookbook.lookbooks.models import Look, Lookbook, LookBundleItem
from lookbook.lookbooks.records import LookbookRecord


def upsert_lookbooks(
    session: Session, records: Sequence[LookbookRecord], ids: Mapping[str, int]
) -> tuple[list[str], list[str]]:
    """Create or replace lookbooks by slug; return (created, updated) slugs."""
    created, updated = [], []
    for record in records:
        book = session.scalar(select(Lookbook).where(Lookbook.slug == record.slug))
        if book is None:
            book = Lookbook(slug=record.slug)
            session.add(book)
            created.append(record.slug)
        elif lookbook_to_fields(book) == _record_fields(record):
            continue
        else:
            updated.append(record.slug)
        book.title = record.title
        book.description = record.description
        book.season = record.season
        book.published = record.published
        book.market = record.market
        book.cover_position = record.cover_position
        book.looks.clear()
        session.flush()
        for position, look in enumerate(record.looks):
            book.looks.append(
                Look(
                    position=position,
                    outfit_id=ids[look.outfit],
                    bag_id=ids[look.bag],
                    note=look.note,
                    bundle_items=[
                        LookBundleItem(position=j, item_id=ids[sku])
                        for j, sku in enumerate(look.bundle)
                    ],
                )
            )
    session.flush()
    return created, updated


def _record_fields(record: LookbookRecord) -> dict[str, Any]:
    return {
        "slug": record.slug,
        "title": record.title,
        "description": record.description,
        "season": record.season,
        "published": record.published,
        "market": record.market,
        "cover_position": record.cover_position,
        "looks": [
            {"outfit": lk.outfit, "bag": lk.bag, "bundle": list(lk.bundle), "note": lk.note}
            for lk in record.looks
        ],
    }


def lookbook_to_fields(book: Lookbook) -> dict[str, Any]:
    """Return a lookbook in the import/export shape, looks addressed by sku."""
    return {
        "slug": book.slug,
        "title": book.title,
        "description": book.description,
        "season": book.season,
        "published": book.published,
        "market": book.market,
        "cover_position": book.cover_position,
        "looks": [
            {
                "outfit": look.outfit.sku,
                "bag": look.bag.sku,
                "bundle": [item.sku for item in look.bundle],
                "note": look.note,
            }
            for look in book.looks
        ],
    }


def all_lookbooks(session: Session) -> list[Lookbook]:
    """Return every lookbook, by slug."""
    return list(session.scalars(select(Lookbook).order_by(Lookbook.slug)))
