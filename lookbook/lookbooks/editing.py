"""Edit lookbooks on behalf of a person: details, looks, order, publishing, with no lost update.

Every change names the version of the lookbook it was based on.  The lookbook row is
read under a lock (``FOR UPDATE`` on PostgreSQL; SQLite's write transaction already
holds the database), and if someone saved in between, the change is refused with
:class:`EditConflict`, which says who saved and when, instead of silently overwriting
their work.  Every accepted change bumps the version, records ``updated_by`` and leaves
an entry in the audit trail with the lookbook before and after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from lookbook.audit.trail import Actor, record
from lookbook.catalog.models import Item
from lookbook.catalog.records import Problem, RowInvalid, valid_sku
from lookbook.database import utcnow
from lookbook.lookbooks.details import Details, Schedule, aware
from lookbook.lookbooks.models import Look, Lookbook, LookBundleItem
from lookbook.lookbooks.records import MAX_LOOKS, MAX_NOTE
from lookbook.lookbooks.store import lookbook_to_fields


def _a(kind: str) -> str:
    return "an outfit" if kind == "outfit" else f"a {kind}"


class EditConflict(Exception):
    """Someone saved the lookbook after the version this change was based on."""

    def __init__(self, book: Lookbook) -> None:
        self.title = book.title
        self.changed_by = book.updated_by or "someone"
        self.changed_at = aware(book.updated_at)
        self.version = book.version
        super().__init__(
            f"“{book.title}” was changed by {self.changed_by} at "
            f"{self.changed_at:%Y-%m-%d %H:%M} UTC after you opened it. "
            "Reload to see their changes, then make yours again."
        )


class LookbookMissing(LookupError):
    """No lookbook has this id (deleted, or never existed)."""


def snapshot(book: Lookbook) -> dict[str, Any]:
    """Return a lookbook as the audit trail keeps it: the export shape plus the studio's fields."""
    def when(value: dt.datetime | None) -> str | None:
        return aware(value).isoformat() if value else None

    return {**lookbook_to_fields(book), "market": book.market, "cover_position": book.cover_position,
            "publish_at": when(book.publish_at), "unpublish_at": when(book.unpublish_at)}


def state(book: Lookbook, now: dt.datetime | None = None) -> str:
    """Return where a lookbook stands: draft, scheduled, live or ended."""
    now = now or utcnow()
    if not book.published:
        return "draft"
    if book.publish_at and aware(book.publish_at) > now:
        return "scheduled"
    if book.unpublish_at and aware(book.unpublish_at) <= now:
        return "ended"
    return "live"


class LookbookEditor:
    """Make changes to lookbooks as one person (or key), inside the caller's transaction."""

    def __init__(self, session: Session, actor: Actor) -> None:
        self.session = session
        self.actor = actor

    # -- reading under the version check ------------------------------------------------------
    def _locked(self, book_id: int, version: int) -> Lookbook:
        book = self.session.scalar(
            select(Lookbook).where(Lookbook.id == book_id).with_for_update()
            .execution_options(populate_existing=True)
        )
        if book is None:
            raise LookbookMissing(book_id)
        if book.version != version:
            raise EditConflict(book)
        return book

    def _change(self, book_id: int, version: int, action: str, summary: str | Callable[[Lookbook], str],
                change: Callable[[Lookbook], None]) -> Lookbook:
        """Apply one change under the version check; stamp, flush and record it."""
        book = self._locked(book_id, version)
        before = snapshot(book)
        change(book)
        self._stamp(book)
        after = snapshot(book)
        text = summary(book) if callable(summary) else summary
        record(self.session, self.actor, action, text, lookbook_id=book.id, before=before, after=after)
        return book

    def _stamp(self, book: Lookbook) -> None:
        book.updated_by = self.actor.label
        book.updated_at = utcnow()
        try:
            self.session.flush()
        except StaleDataError:  # a concurrent writer got past the lock (should not happen)
            self.session.rollback()
            fresh = self.session.get(Lookbook, book.id, populate_existing=True)
            raise EditConflict(fresh or book) from None

    # -- details ------------------------------------------------------------------------------
    def _check_slug(self, slug: str, book_id: int | None) -> None:
        clash = self.session.scalar(select(Lookbook.id).where(Lookbook.slug == slug))
        if clash is not None and clash != book_id:
            raise RowInvalid([Problem("slug", f"another lookbook already uses the address {slug!r}")])

    def create(self, details: Details) -> Lookbook:
        """Create a draft lookbook."""
        self._check_slug(details.slug, None)
        book = Lookbook(slug=details.slug, title=details.title, description=details.description,
                        season=details.season, market=details.market, published=False,
                        updated_by=self.actor.label)
        self.session.add(book)
        self.session.flush()
        record(self.session, self.actor, "lookbook.create", f"Created lookbook “{book.title}”",
               lookbook_id=book.id, after=snapshot(book))
        return book

    def update_details(self, book_id: int, version: int, details: Details) -> Lookbook:
        """Change title, address, description, season, market and cover look."""
        self._check_slug(details.slug, book_id)

        def change(book: Lookbook) -> None:
            if details.cover_position is not None and not 0 <= details.cover_position < len(book.looks):
                raise RowInvalid([Problem("cover", "choose one of the lookbook's looks")])
            book.title, book.slug, book.description = details.title, details.slug, details.description
            book.season, book.market = details.season, details.market
            book.cover_position = details.cover_position

        return self._change(book_id, version, "lookbook.edit",
                            lambda b: f"Edited the details of “{b.title}”", change)

    # -- looks -----------------------------------------------------------------------------
    def _item(self, sku: str, kind: str, field: str) -> Item:
        wanted = valid_sku(sku)
        item = self.session.scalar(select(Item).where(Item.sku == wanted)) if wanted else None
        if item is None:
            raise RowInvalid([Problem(field, f"no item has the sku {sku!r}")])
        if item.kind != kind:
            raise RowInvalid([Problem(field, f"{item.sku} is {_a(item.kind)}, not {_a(kind)}")])
        return item

    def add_look(self, book_id: int, version: int, outfit_sku: str, bag_sku: str,
                 bundle: Sequence[str] = (), note: str = "") -> Lookbook:
        """Add a look at the end: an outfit, the bag chosen for it, a bundle and a note."""
        problems = []
        if len(note) > MAX_NOTE:
            problems.append(Problem("note", f"at most {MAX_NOTE} characters ({len(note)} now)"))
        if bundle and len(bundle) != 2:
            problems.append(Problem("bundle", "a bundle is two bags: the accent and the functional bag"))
        if problems:
            raise RowInvalid(problems)
        outfit = self._item(outfit_sku, "outfit", "outfit")
        bag = self._item(bag_sku, "bag", "bag")
        bundle_items = [self._item(s, "bag", "bundle") for s in bundle]

        def change(book: Lookbook) -> None:
            if len(book.looks) >= MAX_LOOKS:
                raise RowInvalid([Problem("outfit", f"a lookbook holds at most {MAX_LOOKS} looks")])
            book.looks.append(Look(
                position=len(book.looks), outfit_id=outfit.id, bag_id=bag.id, outfit=outfit, bag=bag,
                note=note.strip(),
                bundle_items=[LookBundleItem(position=j, item_id=i.id, item=i)
                              for j, i in enumerate(bundle_items)]))

        return self._change(book_id, version, "look.add",
                            f"Added a look: {outfit.name} ({outfit.sku}) with {bag.name} ({bag.sku})",
                            change)

    def _look(self, book: Lookbook, look_id: int) -> Look:
        look = next((lk for lk in book.looks if lk.id == look_id), None)
        if look is None:
            raise RowInvalid([Problem("look", "that look is no longer in this lookbook; reload")])
        return look

    def edit_note(self, book_id: int, version: int, look_id: int, note: str) -> Lookbook:
        """Rewrite a look's styling note."""
        if len(note) > MAX_NOTE:
            raise RowInvalid([Problem("note", f"at most {MAX_NOTE} characters ({len(note)} now)")])

        def change(book: Lookbook) -> None:
            self._look(book, look_id).note = note.strip()

        return self._change(book_id, version, "look.note", "Rewrote a look's note", change)

    def remove_look(self, book_id: int, version: int, look_id: int) -> Lookbook:
        """Take a look out; the ones after it move up."""
        def change(book: Lookbook) -> None:
            look = self._look(book, look_id)
            rest = [lk for lk in book.looks if lk.id != look_id]
            self._set_order(book, rest, removed=look)

        return self._change(book_id, version, "look.remove", "Removed a look", change)

    def move_look(self, book_id: int, version: int, look_id: int, offset: int) -> Lookbook:
        """Move a look up (negative offset) or down (positive), stopping at either end."""
        def change(book: Lookbook) -> None:
            looks = list(book.looks)
            look = self._look(book, look_id)
            i = looks.index(look)
            j = min(max(i + offset, 0), len(looks) - 1)
            looks.insert(j, looks.pop(i))
            self._set_order(book, looks)

        return self._change(book_id, version, "look.move",
                            f"Moved a look {'up' if offset < 0 else 'down'}", change)

    def reorder(self, book_id: int, version: int, look_ids: Sequence[int]) -> Lookbook:
        """Put the looks in the given order (every look named exactly once)."""
        def change(book: Lookbook) -> None:
            by_id = {lk.id: lk for lk in book.looks}
            if sorted(look_ids) != sorted(by_id):
                raise RowInvalid([Problem("order", "the looks changed since you opened the page; reload")])
            self._set_order(book, [by_id[i] for i in look_ids])

        return self._change(book_id, version, "look.reorder", "Reordered the looks", change)

    def _set_order(self, book: Lookbook, looks: list[Look], removed: Look | None = None) -> None:
        """Renumber looks 0..n-1 in this order; the cover stays on the same look."""
        cover = None
        if book.cover_position is not None and book.cover_position < len(book.looks):
            cover = book.looks[book.cover_position]
        if removed is not None:
            book.looks.remove(removed)
            self.session.flush()
        # Two steps: positions are unique per lookbook and checked row by row.
        for i, look in enumerate(looks):
            look.position = -(i + 1)
        self.session.flush()
        for i, look in enumerate(looks):
            look.position = i
        book.looks[:] = looks
        book.cover_position = looks.index(cover) if cover in looks else None

    # -- publishing -----------------------------------------------------------------------------
    def _publishable(self, book: Lookbook) -> None:
        if not book.looks:
            raise RowInvalid([Problem("publish", "add at least one look before publishing")])

    def publish_now(self, book_id: int, version: int) -> Lookbook:
        """Show the lookbook to shoppers now (a later take-down date is kept)."""
        def change(book: Lookbook) -> None:
            self._publishable(book)
            book.published = True
            book.publish_at = None
            if book.unpublish_at and aware(book.unpublish_at) <= utcnow():
                book.unpublish_at = None

        return self._change(book_id, version, "lookbook.publish", "Published now", change)

    def schedule(self, book_id: int, version: int, when: Schedule) -> Lookbook:
        """Publish from ``when.publish_at`` (None: now) until ``when.unpublish_at`` (None: open)."""
        def change(book: Lookbook) -> None:
            self._publishable(book)
            book.published = True
            book.publish_at, book.unpublish_at = when.publish_at, when.unpublish_at

        return self._change(book_id, version, "lookbook.schedule", when.describe(), change)

    def unpublish(self, book_id: int, version: int) -> Lookbook:
        """Take the lookbook down and clear its schedule; it becomes a draft."""
        def change(book: Lookbook) -> None:
            book.published = False
            book.publish_at = book.unpublish_at = None

        return self._change(book_id, version, "lookbook.unpublish", "Unpublished", change)

    def delete(self, book_id: int, version: int) -> None:
        """Delete a lookbook (its audit trail stays)."""
        book = self._locked(book_id, version)
        record(self.session, self.actor, "lookbook.delete", f"Deleted lookbook “{book.title}”",
               lookbook_id=book.id, before=snapshot(book))
        self.session.delete(book)
        self.session.flush()
