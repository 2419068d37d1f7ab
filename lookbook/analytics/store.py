"""Write events in one statement per batch and keep the daily roll-ups in step.

A batch is checked against the catalog with one query for its skus (and one for its
lookbooks), stored with one multi-row ``INSERT … ON CONFLICT (client_id) DO
NOTHING``, and added to the roll-ups with one multi-row upsert of the rows that were
new.  A re-sent event is therefore counted once; an event about an unknown item or
lookbook is ignored (and reported), so nobody can chart made-up skus.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, case, delete, func, insert, select
from sqlalchemy.orm import Session

from lookbook.analytics.batch import EventRecord
from lookbook.analytics.models import COUNTERS, ROLLUP_KEY, DailyCount, Event
from lookbook.catalog.models import Item
from lookbook.lookbooks.models import Look, Lookbook


@dataclass
class Outcome:
    """What became of a batch: how many events were new, re-sent or ignored (and why)."""

    received: int = 0
    stored: int = 0
    duplicates: int = 0
    ignored: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"received": self.received, "stored": self.stored, "duplicates": self.duplicates,
                "ignored": self.ignored}


@functools.cache
def _statements(dialect: str) -> tuple[Any, Any]:
    """Build (once per database kind) the event insert and the roll-up upsert.

    Both are executed with a list of rows: SQLAlchemy sends the event insert as one
    multi-row INSERT ("insertmanyvalues") returning the ids that were new, and the
    upsert as one executemany; built once, each is compiled once.
    """
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert  # type: ignore[assignment]
    events = cast(Table, Event.__table__)
    insert_events = dialect_insert(events).on_conflict_do_nothing(
        index_elements=["client_id"]).returning(events.c.client_id)
    daily = cast(Table, DailyCount.__table__)
    upsert = dialect_insert(daily)
    upsert = upsert.on_conflict_do_update(
        index_elements=list(ROLLUP_KEY),
        set_={c: daily.c[c] + upsert.excluded[c] for c in COUNTERS.values()})
    return insert_events, upsert


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


class _Ignored(Exception):
    """An event names something the catalog does not hold (field, message)."""


class _Catalog:
    """The kinds of the skus and the looks of the lookbooks one batch mentions."""

    def __init__(self, session: Session, records: Sequence[EventRecord]) -> None:
        skus = {s for r in records for s in (r.item, r.outfit, r.bag) if s}
        items = Item.__table__
        self.kinds: dict[str, str] = dict(session.connection().execute(
            select(items.c.sku, items.c.kind).where(items.c.sku.in_(skus))).all()) if skus else {}
        slugs = {r.lookbook for r in records if r.lookbook}
        self.looks: dict[str, list[tuple[str, str]]] = {}
        if slugs:
            self.looks = {slug: [] for slug in session.scalars(
                select(Lookbook.slug).where(Lookbook.slug.in_(slugs)))}
        if any(r.look for r in records) and self.looks:
            outfit, bag = Item.__table__.alias("o"), Item.__table__.alias("b")
            rows = session.execute(
                select(Lookbook.slug, outfit.c.sku, bag.c.sku)
                .join(Look, Look.lookbook_id == Lookbook.id)
                .join(outfit, outfit.c.id == Look.outfit_id).join(bag, bag.c.id == Look.bag_id)
                .where(Lookbook.slug.in_(list(self.looks))).order_by(Lookbook.slug, Look.position))
            for slug, outfit_sku, bag_sku in rows:
                self.looks[slug].append((outfit_sku, bag_sku))

    def pair(self, r: EventRecord) -> tuple[str, str]:
        """Return the (outfit, bag) an event is about; raise _Ignored if the catalog lacks it."""
        for name, sku in (("outfit", r.outfit), ("bag", r.bag), ("item", r.item)):
            if sku and sku not in self.kinds:
                raise _Ignored(name, "no item with this sku")
        if r.outfit and self.kinds[r.outfit] != "outfit":
            raise _Ignored("outfit", "is not an outfit")
        if r.bag and self.kinds[r.bag] != "bag":
            raise _Ignored("bag", "is not a bag")
        outfit, bag = r.outfit, r.bag
        if r.item:  # the item itself fills its own side of the pair
            bag, outfit = (r.item, outfit) if self.kinds[r.item] == "bag" else (bag, r.item)
        if r.lookbook:
            looks = self.looks.get(r.lookbook)
            if looks is None:
                raise _Ignored("lookbook", "no lookbook with this slug")
            if r.look is not None:
                if r.look > len(looks):
                    raise _Ignored("look", f"the lookbook has {len(looks)} looks")
                outfit, bag = looks[r.look - 1]
        return outfit, bag


def record_events(session: Session, records: Sequence[EventRecord], site: str) -> Outcome:
    """Store a validated batch from ``site`` (an origin or ''); return what became of it."""
    outcome = Outcome(received=len(records))
    catalog = _Catalog(session, records)
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, r in enumerate(records):
        if r.client_id in seen:
            outcome.duplicates += 1
            continue
        seen.add(r.client_id)
        try:
            outfit, bag = catalog.pair(r)
        except _Ignored as exc:
            name, message = exc.args
            outcome.ignored.append({"field": f"events[{index}].{name}", "message": message})
            continue
        rows.append({"client_id": r.client_id, "type": r.type, "at": r.at, "day": r.at.date(),
                     "outfit": outfit, "bag": bag, "lookbook": r.lookbook,
                     "placement": r.placement, "site": site})
    if not rows:
        return outcome
    insert_events, _upsert = _statements(_dialect(session))
    new = set(session.connection().execute(insert_events, rows).scalars())
    outcome.stored = len(new)
    outcome.duplicates += len(rows) - len(new)
    add_to_rollups(session, (row for row in rows if row["client_id"] in new))
    return outcome


def add_to_rollups(session: Session, rows: Iterable[dict[str, Any]]) -> None:
    """Add stored events to their daily roll-ups with one multi-row upsert."""
    counts: dict[tuple, Counter[str]] = {}
    for row in rows:
        key = tuple(row[k] for k in ROLLUP_KEY)
        counts.setdefault(key, Counter())[COUNTERS[row["type"]]] += 1
    if not counts:
        return
    # Sorted, so two workers upserting overlapping keys lock them in the same order.
    values = [{**dict(zip(ROLLUP_KEY, key, strict=True)),
               **{c: n.get(c, 0) for c in COUNTERS.values()}} for key, n in sorted(counts.items())]
    _insert, upsert = _statements(_dialect(session))
    session.connection().execute(upsert, values)


def rebuild_rollups(session: Session, since: dt.date | None = None) -> tuple[dt.date | None, int]:
    """Recount the roll-ups from the stored events, from ``since`` (or the oldest event) on.

    Days whose events were pruned keep their roll-ups: the rebuild never starts before
    the oldest stored event.  Returns (first day rebuilt, number of roll-up rows).
    """
    oldest = session.scalar(select(func.min(Event.day)))
    if oldest is None:
        return None, 0
    start = max(since, oldest) if since else oldest
    session.execute(delete(DailyCount).where(DailyCount.day >= start))
    sums = [func.coalesce(func.sum(case((Event.type == t, 1), else_=0)), 0).label(c)
            for t, c in COUNTERS.items()]
    keys = [getattr(Event, k) for k in ROLLUP_KEY]
    grouped = select(*keys, *sums).where(Event.day >= start).group_by(*keys)
    session.execute(insert(DailyCount).from_select([*ROLLUP_KEY, *COUNTERS.values()], grouped))
    count = session.scalar(select(func.count()).select_from(DailyCount).where(DailyCount.day >= start))
    return start, int(count or 0)


def prune_events(session: Session, before: dt.date) -> int:
    """Delete stored events from days before ``before`` (their roll-ups stay); return how many."""
    result = session.execute(delete(Event).where(Event.day < before))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]  # a DELETE's CursorResult
