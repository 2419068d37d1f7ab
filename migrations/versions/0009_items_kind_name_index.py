"""items (kind, name) index: the studio's outfit picker and kind-filtered catalog list

The outfit search always filters one kind and reads it in name order; with only
``ix_items_name`` the planner walked every item (or every item of the kind) to fill a
page of 24 on a 100k catalog.  ``(kind, name)`` serves both the filter and the order.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_items_kind_name", "items", ["kind", "name"])


def downgrade() -> None:
    op.drop_index("ix_items_kind_name", table_name="items")
