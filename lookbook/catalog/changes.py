"""Item writes made by a person or a key, each leaving an entry in the audit trail.

The studio's item forms and the API's item writes both come through here, so an
item's history shows every change whoever made it, with the fields before and after.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from lookbook.audit.trail import Actor, record
from lookbook.catalog.models import Item
from lookbook.catalog.records import ItemRecord
from lookbook.catalog.store import fetch_records, record_to_fields, upsert_records


@dataclass
class ItemSaved:
    """What saving one item did."""

    created: bool
    changed: bool
    before: dict[str, Any] | None
    after: dict[str, Any]


def item_fields(session: Session, sku: str) -> dict[str, Any] | None:
    """Return an item's import fields (its audit snapshot), or None if there is none."""
    found = fetch_records(session, [sku]).get(sku)
    return record_to_fields(found[1]) if found else None


def save_item(session: Session, item: ItemRecord, actor: Actor) -> ItemSaved:
    """Create or update an item by sku; record the change (nothing if nothing changed)."""
    before = item_fields(session, item.sku)
    result = upsert_records(session, [item])
    after = record_to_fields(item)
    if result.created:
        record(session, actor, "item.create", f"Created {item.kind} {item.sku} ({item.name})",
               sku=item.sku, after=after)
    elif result.updated:
        changed = sorted(k for k in after if before is None or before.get(k) != after[k])
        record(session, actor, "item.update", f"Edited {item.kind} {item.sku}: {', '.join(changed)}",
               sku=item.sku, before=before, after=after)
    return ItemSaved(bool(result.created), result.changed, before, after)


def delete_item(session: Session, item: Item, actor: Actor) -> dict[str, Any] | None:
    """Delete an item (its looks and rules go with it); record what it was."""
    before = item_fields(session, item.sku)
    record(session, actor, "item.delete", f"Deleted {item.kind} {item.sku} ({item.name})",
           sku=item.sku, before=before)
    session.delete(item)
    session.flush()
    return before


def record_photo(session: Session, item: Item, actor: Actor, *, created: bool,
                 palette: list[dict[str, Any]], applied: bool) -> None:
    """Record a photo added to an item (and whether its palette became the colours)."""
    if not created and not applied:
        return
    what = "Added a photo" if created else "Used a photo's colours"
    if applied:
        what += "; its palette became the colours" if created else ""
    record(session, actor, "item.photo", f"{what} for {item.sku}", sku=item.sku,
           after={"palette": palette, "applied": applied})
