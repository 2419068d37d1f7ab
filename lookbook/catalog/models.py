"""What the catalog stores: items (outfits and bags), their tags, colours and images.

List-valued attributes (occasions, styles, seasons, sustainability) live in one
``item_tags`` table keyed by facet, so every filter is an indexed lookup that works the
same on SQLite and PostgreSQL.  ``catalog_state`` holds the catalog revision, a UUID
that changes with every write (see ``lookbook.catalog.revision``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lookbook.database import Base, Hundredths, utcnow

LIST_FACETS = ("occasions", "styles", "seasons", "sustainability")


class Item(Base):
    """One product: an outfit or a bag."""

    __tablename__ = "items"
    __table_args__ = (
        CheckConstraint("kind IN ('outfit', 'bag')", name="kind_known"),
        CheckConstraint("price >= 0", name="price_not_negative"),
        Index("ix_items_kind_size", "kind", "size"),
        Index("ix_items_kind_price", "kind", "price"),
        # The studio's lists read 100k items in these orders without a sort; each ends in
        # the id the order breaks ties by (SQLite's indexes carry it anyway, PostgreSQL's
        # need it, or a page of equal prices or import times sorts every one of them).
        Index("ix_items_kind_name", "kind", "name", "id"),  # the outfit picker
        Index("ix_items_name", "name", "id"),
        Index("ix_items_price", "price", "id"),
        Index("ix_items_updated_at", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    material: Mapped[str | None] = mapped_column(String(80))
    material_family: Mapped[str | None] = mapped_column(String(40), index=True)
    price: Mapped[Decimal] = mapped_column(Hundredths())
    currency: Mapped[str] = mapped_column(String(3))
    brand: Mapped[str | None] = mapped_column(String(120))
    tier: Mapped[str | None] = mapped_column(String(20))
    in_stock: Mapped[bool] = mapped_column(Boolean, default=True)
    limited_edition: Mapped[bool] = mapped_column(Boolean, default=False)
    width_cm: Mapped[Decimal | None] = mapped_column(Hundredths())
    size: Mapped[str | None] = mapped_column(String(12))
    silhouette: Mapped[str | None] = mapped_column(String(40))
    detachable_strap: Mapped[bool] = mapped_column(Boolean, default=False)
    # The retailer's product page (http/https only), shown as "Shop this bag".
    url: Mapped[str | None] = mapped_column(String(2048))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    tags: Mapped[list[ItemTag]] = relationship(
        back_populates="item",
        cascade="all, delete-orphan",
        order_by="(ItemTag.facet, ItemTag.position)",
        lazy="selectin",
    )
    colours: Mapped[list[ItemColour]] = relationship(
        back_populates="item",
        cascade="all, delete-orphan",
        order_by="ItemColour.position",
        lazy="selectin",
    )
    images: Mapped[list[ItemImage]] = relationship(
        back_populates="item",
        cascade="all, delete-orphan",
        order_by="ItemImage.position",
        lazy="selectin",
    )

    def values(self, facet: str) -> list[str]:
        """Return the ordered values of a list facet (e.g. "occasions")."""
        return [t.value for t in self.tags if t.facet == facet]

    def set_values(self, facet: str, values: list[str]) -> None:
        """Replace the values of a list facet, keeping their order."""
        keep = [t for t in self.tags if t.facet != facet]
        self.tags = keep + [
            ItemTag(facet=facet, value=v, position=i) for i, v in enumerate(values)
        ]

    @property
    def occasions(self) -> list[str]:
        return self.values("occasions")

    @property
    def styles(self) -> list[str]:
        return self.values("styles")

    @property
    def seasons(self) -> list[str]:
        return self.values("seasons")

    @property
    def sustainability(self) -> list[str]:
        return self.values("sustainability")


class ItemTag(Base):
    """One value of a list facet of an item (an occasion, a style, a season...)."""

    __tablename__ = "item_tags"
    __table_args__ = (Index("ix_item_tags_facet_value", "facet", "value", "item_id"),)

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    facet: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[str] = mapped_column(String(60), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    item: Mapped[Item] = relationship(back_populates="tags")


class ItemColour(Base):
    """One colour of an item's ordered palette (position 0 is the primary)."""

    __tablename__ = "item_colours"
    __table_args__ = (Index("ix_item_colours_name", "name", "item_id"),)

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(30))
    hex: Mapped[str] = mapped_column(String(7))
    # The retailer's own name ("Navy Blue", "nude") when it is not the vocabulary's.
    label: Mapped[str | None] = mapped_column(String(40))

    item: Mapped[Item] = relationship(back_populates="colours")


class ItemImage(Base):
    """A product photo, re-encoded and stored under its content hash in several sizes."""

    __tablename__ = "item_images"
    __table_args__ = (UniqueConstraint("item_id", "digest", name="uq_item_image_digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    digest: Mapped[str] = mapped_column(String(64))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    # [{"key": storage key, "width": px, "height": px, "format": "webp"|"jpeg"}]
    variants: Mapped[list[dict]] = mapped_column(JSON, default=list)
    palette: Mapped[list[dict]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    item: Mapped[Item] = relationship(back_populates="images")

    def renditions(self) -> list[dict]:
        """Return the WebP renditions, smallest first (every rendition if there is no WebP)."""
        webp = [v for v in self.variants if v.get("format") == "webp"] or list(self.variants)
        return sorted(webp, key=lambda v: v.get("width", 0))


class CurationRule(Base):
    """A curator's rule: always show (pin) or never show (hide) a bag for an outfit.

    A rule without an outfit hides the bag everywhere.  PostgreSQL (like SQLite) treats
    NULLs as distinct in a unique constraint, so "one global rule per bag" is a partial
    unique index of its own; and only hiding makes sense everywhere.
    """

    __tablename__ = "curation_rules"
    __table_args__ = (
        CheckConstraint("action IN ('pin', 'hide')", name="action_known"),
        CheckConstraint("outfit_id IS NOT NULL OR action = 'hide'", name="global_rule_hides"),
        UniqueConstraint("outfit_id", "bag_id", name="uq_curation_rule_pair"),
        Index("uq_curation_rule_global", "bag_id", unique=True,
              sqlite_where=text("outfit_id IS NULL"), postgresql_where=text("outfit_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    outfit_id: Mapped[int | None] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), index=True
    )
    bag_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(254))


class CatalogState(Base):
    """The single row holding the catalog revision (a UUID, new on every change)."""

    __tablename__ = "catalog_state"

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    revision: Mapped[str] = mapped_column(String(36), default=lambda: str(uuid.uuid4()))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
