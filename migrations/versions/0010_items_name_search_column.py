"""items.name_search: the name's words stored as a tsvector (PostgreSQL), GIN-indexed

Migration 0004 indexed the expression ``to_tsvector('simple', name)``.  The index finds
the rows, but any plan that tests the words row by row (a page read in name order, a
bitmap scan whose condition ORs in the sku) computed the tsvector again for every row it
looked at: ~2-5 µs a row, 20-50 ms for a common word's 7,500 matches on a 100k catalog.
A stored generated column keeps the words beside the row, so testing them is a cheap
comparison, and the GIN index now covers that column.  ``strip`` drops the word positions
(nothing ranks or searches phrases): 45 bytes a row instead of 60.  Found by bench/bench_studio.py
with EXPLAIN (ANALYZE, BUFFERS).

SQLite keeps its FTS5 table (migration 0004): nothing changes there.  The column is not
mapped on ``Item`` (it exists on PostgreSQL only); migrations/env.py leaves it out of
autogenerate comparisons like the other native search objects.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE items ADD COLUMN name_search tsvector "
               "GENERATED ALWAYS AS (strip(to_tsvector('simple', name))) STORED")
    op.execute("DROP INDEX IF EXISTS ix_items_name_search")
    op.execute("CREATE INDEX ix_items_name_search ON items USING gin (name_search)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_items_name_search")
    op.execute("ALTER TABLE items DROP COLUMN name_search")
    op.execute("CREATE INDEX ix_items_name_search ON items USING gin (to_tsvector('simple', name))")
