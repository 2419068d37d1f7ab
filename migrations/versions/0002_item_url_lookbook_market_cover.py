"""items.url (the retailer's product page), lookbooks.market and lookbooks.cover_position

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("url", sa.String(length=2048), nullable=True))
    with op.batch_alter_table("lookbooks") as batch:
        batch.add_column(sa.Column("market", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("cover_position", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("lookbooks") as batch:
        batch.drop_column("cover_position")
        batch.drop_column("market")
    with op.batch_alter_table("items") as batch:
        batch.drop_column("url")
