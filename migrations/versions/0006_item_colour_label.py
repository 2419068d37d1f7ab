"""item_colours.label: the retailer's own colour name, kept for display

Revision ID: 0006
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("item_colours") as batch:
        batch.add_column(sa.Column("label", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("item_colours") as batch:
        batch.drop_column("label")
