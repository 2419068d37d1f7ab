"""Studio: audit trail, global hide rules, user activation and invites, key last use,
lookbooks.updated_by, catalog sort indexes and an indexed name search.

Revision ID: 0004
Revises: 0006
Create Date: 2026-11-27

The name search is native to each database: an FTS5 table kept in step by triggers on
SQLite, a GIN index over ``to_tsvector('simple', name)`` on PostgreSQL.  Both answer
word-prefix queries through an index, so searching 100k items never scans the table.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0006"
branch_labels = None
depends_on = None

SQLITE_SEARCH = [
    "CREATE VIRTUAL TABLE items_fts USING fts5(name, content='items', content_rowid='id')",
    "CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN "
    "INSERT INTO items_fts(rowid, name) VALUES (new.id, new.name); END",
    "CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN "
    "INSERT INTO items_fts(items_fts, rowid, name) VALUES ('delete', old.id, old.name); END",
    "CREATE TRIGGER items_fts_update AFTER UPDATE OF name ON items BEGIN "
    "INSERT INTO items_fts(items_fts, rowid, name) VALUES ('delete', old.id, old.name); "
    "INSERT INTO items_fts(rowid, name) VALUES (new.id, new.name); END",
    "INSERT INTO items_fts(items_fts) VALUES ('rebuild')",
]
POSTGRES_SEARCH = [
    "CREATE INDEX ix_items_name_search ON items USING gin (to_tsvector('simple', name))",
    # ``sku LIKE 'prefix%'`` through an index whatever the database's collation.
    "CREATE INDEX ix_items_sku_prefix ON items (sku text_pattern_ops)",
]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("invite_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("invite_expires_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_unique_constraint("uq_users_invite_hash", ["invite_hash"])
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("lookbooks") as batch:
        batch.add_column(sa.Column("updated_by", sa.String(length=254), nullable=True))
    with op.batch_alter_table("curation_rules") as batch:
        batch.alter_column("outfit_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("created_by", sa.String(length=254), nullable=True))
        batch.create_check_constraint("global_rule_hides", "outfit_id IS NOT NULL OR action = 'hide'")
        batch.create_index("ix_curation_rules_bag_id", ["bag_id"], unique=False)
    op.create_index("uq_curation_rule_global", "curation_rules", ["bag_id"], unique=True,
                    sqlite_where=sa.text("outfit_id IS NULL"),
                    postgresql_where=sa.text("outfit_id IS NULL"))
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("api_key_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("lookbook_id", sa.Integer(), nullable=True),
        sa.Column("sku", sa.String(length=64), nullable=True),
        sa.Column("other_sku", sa.String(length=64), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["api_key_id"], ["api_keys.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_entries_at", "audit_entries", ["at"])
    op.create_index("ix_audit_entries_lookbook", "audit_entries", ["lookbook_id", "id"])
    op.create_index("ix_audit_entries_sku", "audit_entries", ["sku", "id"])
    op.create_index("ix_audit_entries_other_sku", "audit_entries", ["other_sku", "id"])
    op.create_index("ix_items_name", "items", ["name"])
    op.create_index("ix_items_price", "items", ["price"])
    op.create_index("ix_items_updated_at", "items", ["updated_at"])
    for statement in SQLITE_SEARCH if dialect == "sqlite" else POSTGRES_SEARCH:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("items_fts_insert", "items_fts_delete", "items_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS items_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_items_name_search")
        op.execute("DROP INDEX IF EXISTS ix_items_sku_prefix")
    op.drop_index("ix_items_updated_at", table_name="items")
    op.drop_index("ix_items_price", table_name="items")
    op.drop_index("ix_items_name", table_name="items")
    op.drop_table("audit_entries")
    op.drop_index("uq_curation_rule_global", table_name="curation_rules")
    op.execute("DELETE FROM curation_rules WHERE outfit_id IS NULL")
    with op.batch_alter_table("curation_rules") as batch:
        batch.drop_index("ix_curation_rules_bag_id")
        batch.drop_constraint("global_rule_hides", type_="check")
        batch.drop_column("created_by")
        batch.alter_column("outfit_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("lookbooks") as batch:
        batch.drop_column("updated_by")
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_column("last_used_at")
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("uq_users_invite_hash", type_="unique")
        batch.drop_column("invite_expires_at")
        batch.drop_column("invite_hash")
        batch.drop_column("active")
