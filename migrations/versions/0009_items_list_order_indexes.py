"""items: list-order indexes that end in the id, and (kind, name, id) for the outfit picker

The studio's outfit search always filters one kind and reads it in name order; with only
``ix_items_name`` the planner walked every item (or every item of the kind) to fill a
page on a 100k catalog.  The catalog list orders by name, price or time and breaks ties
by id: PostgreSQL can only read such an order from an index that ends in the id (SQLite's
indexes carry the rowid already), or it sorts every item sharing a price or an import
time.  Found by bench/bench_studio.py with EXPLAIN.

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

REPLACED = {"ix_items_name": "name", "ix_items_price": "price", "ix_items_updated_at": "updated_at"}


def upgrade() -> None:
    op.create_index("ix_items_kind_name", "items", ["kind", "name", "id"])
    for name, column in REPLACED.items():
        op.drop_index(name, table_name="items")
        op.create_index(name, "items", [column, "id"])


def downgrade() -> None:
    for name, column in REPLACED.items():
        op.drop_index(name, table_name="items")
        op.create_index(name, "items", [column])
    op.drop_index("ix_items_kind_name", table_name="items")
