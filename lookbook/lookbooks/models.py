"""Curated lookbooks: ordered looks of an outfit, a bag, an optional bundle and a note."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lookbook.catalog import revision
from lookbook.catalog.models import Item
from lookbook.database import Base, utcnow


class Lookbook(Base):
    """A curated, publishable sequence of looks."""

    __tablename__ = "lookbooks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    season: Mapped[str | None] = mapped_column(String(20))
    market: Mapped[str | None] = mapped_column(String(20))  # a market id (vocab.MARKETS)
    # The look shown on cards and share previews (its position); None means the first look.
    cover_position: Mapped[int | None] = mapped_column(Integer)
    published: Mapped[bool] = mapped_column(default=False)
    publish_at: Mapped[dt.datetime | None]
    unpublish_at: Mapped[dt.datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Who saved last (an email or an API key's label): named in a stale-save conflict.
    updated_by: Mapped[str | None] = mapped_column(String(254))

    looks: Mapped[list[Look]] = relationship(
        back_populates="lookbook",
        cascade="all, delete-orphan",
        order_by="Look.position",
        lazy="selectin",
    )

    __mapper_args__ = {"version_id_col": version}


class Look(Base):
    """One look of a lookbook: an outfit worn with a bag, optionally a bundle."""

    __tablename__ = "looks"
    __table_args__ = (UniqueConstraint("lookbook_id", "position", name="uq_look_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lookbook_id: Mapped[int] = mapped_column(
        ForeignKey("lookbooks.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    outfit_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    bag_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")

    lookbook: Mapped[Lookbook] = relationship(back_populates="looks")
    outfit: Mapped[Item] = relationship(foreign_keys=[outfit_id], lazy="selectin")
    bag: Mapped[Item] = relationship(foreign_keys=[bag_id], lazy="selectin")
    bundle_items: Mapped[list[LookBundleItem]] = relationship(
        back_populates="look",
        cascade="all, delete-orphan",
        order_by="LookBundleItem.position",
        lazy="selectin",
    )

    @property
    def bundle(self) -> list[Item]:
        """Return the bundle's items in order (accent first)."""
        return [b.item for b in self.bundle_items]


class LookBundleItem(Base):
    """One item of a look's bundle."""

    __tablename__ = "look_bundle_items"

    look_id: Mapped[int] = mapped_column(ForeignKey("looks.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)

    look: Mapped[Look] = relationship(back_populates="bundle_items")
    item: Mapped[Item] = relationship(lazy="selectin")


revision.track(Lookbook, Look, LookBundleItem)  # a lookbook edit is a catalog change
