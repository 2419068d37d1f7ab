"""Read the daily roll-ups for the studio: totals, a daily series and breakdowns.

Every query here reads :class:`DailyCount` only, grouped over the chosen days, so a
chart costs the same with a thousand events or millions.  Labels (item names,
lookbook titles) are looked up once per breakdown; a deleted item keeps its sku.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from lookbook.analytics.models import DailyCount
from lookbook.catalog.models import Item
from lookbook.lookbooks.models import Lookbook

DIMENSIONS = {
    "lookbook": "Lookbooks",
    "look": "Looks",
    "bag": "Bags",
    "placement": "Placements",
    "site": "Embedding sites",
}
PLACEMENT_NAMES = {"page": "Shopper pages", "widget": "Widget (embed.js)",
                   "embed": "Embedded lookbook (oEmbed)"}
_COLUMNS = {"lookbook": ("lookbook",), "look": ("lookbook", "outfit", "bag"), "bag": ("bag",),
            "placement": ("placement",), "site": ("site",)}
_NOT_EMPTY = {"lookbook": ("lookbook",), "look": ("lookbook", "bag"), "bag": ("bag",),
              "placement": (), "site": ()}


@dataclass(frozen=True)
class Row:
    """Counts for one thing (a bag, a look, a site…) over the period."""

    key: tuple[str, ...]
    label: str
    impressions: int
    clicks: int
    add_to_carts: int
    purchases: int

    @property
    def click_through(self) -> float | None:
        """Clicks per impression, or None when nothing was shown."""
        return self.clicks / self.impressions if self.impressions else None


def _sums() -> list[Any]:
    return [func.coalesce(func.sum(getattr(DailyCount, c)), 0)
            for c in ("impressions", "clicks", "add_to_carts", "purchases")]


def _period(start: dt.date, end: dt.date) -> Any:
    return and_(DailyCount.day >= start, DailyCount.day <= end)


def totals(session: Session, start: dt.date, end: dt.date) -> Row:
    """Return the counts of every event from ``start`` to ``end`` (inclusive)."""
    counts = session.execute(select(*_sums()).where(_period(start, end))).one()
    return Row((), "All", *(int(c) for c in counts))


def daily(session: Session, start: dt.date, end: dt.date) -> list[tuple[dt.date, int, int]]:
    """Return (day, impressions, clicks) for every day of the period, zeros included."""
    rows = session.execute(
        select(DailyCount.day, *_sums()[:2]).where(_period(start, end)).group_by(DailyCount.day))
    found = {day: (int(i), int(c)) for day, i, c in rows}
    days = (end - start).days + 1
    return [(d, *found.get(d, (0, 0))) for d in (start + dt.timedelta(n) for n in range(days))]


def breakdown(session: Session, dimension: str, start: dt.date, end: dt.date,
              limit: int = 50) -> list[Row]:
    """Return the ``limit`` busiest rows of one dimension (most impressions first)."""
    columns = [getattr(DailyCount, c) for c in _COLUMNS[dimension]]
    sums = _sums()
    stmt = (select(*columns, *sums).where(_period(start, end),
                                          *(getattr(DailyCount, c) != "" for c in _NOT_EMPTY[dimension]))
            .group_by(*columns).order_by(sums[0].desc(), sums[1].desc(), *columns).limit(limit))
    found = [(tuple(r[:len(columns)]), [int(v) for v in r[len(columns):]]) for r in session.execute(stmt)]
    labels = _Labels(session, dimension, [key for key, _ in found])
    return [Row(key, labels.of(key), *counts) for key, counts in found]


class _Labels:
    """Names people recognise for the keys of a breakdown: titles, item names, origins."""

    def __init__(self, session: Session, dimension: str, keys: list[tuple[str, ...]]) -> None:
        self.dimension = dimension
        skus = {k for key in keys for k in key[1:]} if dimension == "look" else set()
        if dimension == "bag":
            skus = {key[0] for key in keys}
        self.names = dict(session.execute(select(Item.sku, Item.name).where(Item.sku.in_(skus))).all()
                          ) if skus else {}
        slugs = {key[0] for key in keys} if dimension in ("lookbook", "look") else set()
        self.titles = dict(session.execute(
            select(Lookbook.slug, Lookbook.title).where(Lookbook.slug.in_(slugs))).all()) if slugs else {}

    def of(self, key: tuple[str, ...]) -> str:
        if self.dimension == "lookbook":
            return self.titles.get(key[0], key[0])
        if self.dimension == "look":
            book, outfit, bag = key
            pair = " + ".join(self.names.get(s, s) for s in (outfit, bag) if s)
            return f"{self.titles.get(book, book)}: {pair}"
        if self.dimension == "bag":
            return self.names.get(key[0], key[0])
        if self.dimension == "placement":
            return PLACEMENT_NAMES.get(key[0], key[0])
        return key[0] or "(no origin: direct or server-side)"
