"""shopper events (de-duplicated by the client's id) and their daily roll-ups

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=12), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("outfit", sa.String(length=64), nullable=False),
        sa.Column("bag", sa.String(length=64), nullable=False),
        sa.Column("lookbook", sa.String(length=80), nullable=False),
        sa.Column("placement", sa.String(length=10), nullable=False),
        sa.Column("site", sa.String(length=255), nullable=False),
        sa.CheckConstraint("type IN ('impression', 'click', 'add_to_cart', 'purchase')",
                           name="event_type_known"),
        sa.CheckConstraint("placement IN ('page', 'widget', 'embed')", name="event_placement_known"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("client_id"),
    )
    op.create_index("ix_events_day", "events", ["day"])
    op.create_table(
        "event_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("lookbook", sa.String(length=80), nullable=False),
        sa.Column("outfit", sa.String(length=64), nullable=False),
        sa.Column("bag", sa.String(length=64), nullable=False),
        sa.Column("placement", sa.String(length=10), nullable=False),
        sa.Column("site", sa.String(length=255), nullable=False),
        sa.Column("impressions", sa.BigInteger(), nullable=False),
        sa.Column("clicks", sa.BigInteger(), nullable=False),
        sa.Column("add_to_carts", sa.BigInteger(), nullable=False),
        sa.Column("purchases", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "lookbook", "outfit", "bag", "placement", "site"),
    )


def downgrade() -> None:
    op.drop_table("event_daily")
    op.drop_index("ix_events_day", table_name="events")
    op.drop_table("events")
