"""What analytics stores: raw events for de-duplication and rebuilds, and daily roll-ups.

No personal data is kept: no IP address, no user agent, no visitor id.  An event
records which pairing a shopper saw or chose (the outfit and the bag, either may be
empty, and the lookbook it belongs to), where (placement and the embedding site's
origin) and when.  Empty strings, not NULLs, stand for "none" so the
roll-up key is a plain primary key on SQLite and PostgreSQL alike.

Charts read :class:`DailyCount` only, so they cost the same with millions of events.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, CheckConstraint, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from lookbook.database import Base

EVENT_TYPES = ("impression", "click", "add_to_cart", "purchase")
PLACEMENTS = ("page", "widget", "embed")
# The roll-up counter each event type adds to.
COUNTERS = {"impression": "impressions", "click": "clicks", "add_to_cart": "add_to_carts",
            "purchase": "purchases"}
ROLLUP_KEY = ("day", "lookbook", "outfit", "bag", "placement", "site")
MAX_SITE = 255


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class Event(Base):
    """One shopper event, kept so a client's retry is recognised and roll-ups can be rebuilt."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint(f"type IN ({_quoted(EVENT_TYPES)})", name="event_type_known"),
        CheckConstraint(f"placement IN ({_quoted(PLACEMENTS)})", name="event_placement_known"),
        Index("ix_events_day", "day"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    # Made by the client (a UUID); unique, so a re-sent batch is stored once.
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    type: Mapped[str] = mapped_column(String(12))
    at: Mapped[dt.datetime]
    day: Mapped[dt.date] = mapped_column(Date)  # the UTC day of ``at``
    outfit: Mapped[str] = mapped_column(String(64), default="")
    bag: Mapped[str] = mapped_column(String(64), default="")
    lookbook: Mapped[str] = mapped_column(String(80), default="")
    placement: Mapped[str] = mapped_column(String(10))
    site: Mapped[str] = mapped_column(String(MAX_SITE), default="")


class DailyCount(Base):
    """Counts per UTC day and lookbook, outfit, bag, placement and embedding site."""

    __tablename__ = "event_daily"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    lookbook: Mapped[str] = mapped_column(String(80), primary_key=True)
    outfit: Mapped[str] = mapped_column(String(64), primary_key=True)
    bag: Mapped[str] = mapped_column(String(64), primary_key=True)
    placement: Mapped[str] = mapped_column(String(10), primary_key=True)
    site: Mapped[str] = mapped_column(String(MAX_SITE), primary_key=True)
    impressions: Mapped[int] = mapped_column(BigInteger, default=0)
    clicks: Mapped[int] = mapped_column(BigInteger, default=0)
    add_to_carts: Mapped[int] = mapped_column(BigInteger, default=0)
    purchases: Mapped[int] = mapped_column(BigInteger, default=0)
