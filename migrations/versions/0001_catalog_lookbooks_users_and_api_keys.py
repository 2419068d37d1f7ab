"""catalog, lookbooks, users and api keys

Revision ID: 0001
Revises: 
Create Date: 2026-11-27

Prices and widths are stored as integer hundredths (see lookbook.database.Hundredths).
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('api_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('secret', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key_hash')
    )
    state = op.create_table('catalog_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.String(length=36), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    # One row, created with the schema, so every installation has its own revision
    # from the start and readers never race to create it.
    op.bulk_insert(state, [{"id": 1, "revision": str(uuid.uuid4()),
                            "updated_at": dt.datetime.now(dt.UTC)}])
    op.create_table('items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sku', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('material', sa.String(length=80), nullable=True),
    sa.Column('material_family', sa.String(length=40), nullable=True),
    sa.Column('price', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('brand', sa.String(length=120), nullable=True),
    sa.Column('tier', sa.String(length=20), nullable=True),
    sa.Column('in_stock', sa.Boolean(), nullable=False),
    sa.Column('limited_edition', sa.Boolean(), nullable=False),
    sa.Column('width_cm', sa.BigInteger(), nullable=True),
    sa.Column('size', sa.String(length=12), nullable=True),
    sa.Column('silhouette', sa.String(length=40), nullable=True),
    sa.Column('detachable_strap', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('outfit', 'bag')", name='kind_known'),
    sa.CheckConstraint('price >= 0', name='price_not_negative'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sku')
    )
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.create_index('ix_items_kind_price', ['kind', 'price'], unique=False)
        batch_op.create_index('ix_items_kind_size', ['kind', 'size'], unique=False)
        batch_op.create_index(batch_op.f('ix_items_material_family'), ['material_family'], unique=False)

    op.create_table('lookbooks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('season', sa.String(length=20), nullable=True),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('publish_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('unpublish_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('slug')
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('session_epoch', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('admin', 'curator')", name='role_known'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email')
    )
    op.create_table('curation_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outfit_id', sa.Integer(), nullable=False),
    sa.Column('bag_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("action IN ('pin', 'hide')", name='action_known'),
    sa.ForeignKeyConstraint(['bag_id'], ['items.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outfit_id'], ['items.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('outfit_id', 'bag_id', name='uq_curation_rule_pair')
    )
    with op.batch_alter_table('curation_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_curation_rules_outfit_id'), ['outfit_id'], unique=False)

    op.create_table('item_colours',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=30), nullable=False),
    sa.Column('hex', sa.String(length=7), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', 'position')
    )
    with op.batch_alter_table('item_colours', schema=None) as batch_op:
        batch_op.create_index('ix_item_colours_name', ['name', 'item_id'], unique=False)

    op.create_table('item_images',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('variants', sa.JSON(), nullable=False),
    sa.Column('palette', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('item_id', 'digest', name='uq_item_image_digest')
    )
    with op.batch_alter_table('item_images', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_images_item_id'), ['item_id'], unique=False)

    op.create_table('item_tags',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('facet', sa.String(length=20), nullable=False),
    sa.Column('value', sa.String(length=60), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', 'facet', 'value')
    )
    with op.batch_alter_table('item_tags', schema=None) as batch_op:
        batch_op.create_index('ix_item_tags_facet_value', ['facet', 'value', 'item_id'], unique=False)

    op.create_table('looks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lookbook_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('outfit_id', sa.Integer(), nullable=False),
    sa.Column('bag_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['bag_id'], ['items.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lookbook_id'], ['lookbooks.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outfit_id'], ['items.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('lookbook_id', 'position', name='uq_look_position')
    )
    with op.batch_alter_table('looks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_looks_bag_id'), ['bag_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_looks_lookbook_id'), ['lookbook_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_looks_outfit_id'), ['outfit_id'], unique=False)

    op.create_table('look_bundle_items',
    sa.Column('look_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['items.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['look_id'], ['looks.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('look_id', 'position')
    )
    with op.batch_alter_table('look_bundle_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_look_bundle_items_item_id'), ['item_id'], unique=False)

    


def downgrade() -> None:
    
    with op.batch_alter_table('look_bundle_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_look_bundle_items_item_id'))

    op.drop_table('look_bundle_items')
    with op.batch_alter_table('looks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_looks_outfit_id'))
        batch_op.drop_index(batch_op.f('ix_looks_lookbook_id'))
        batch_op.drop_index(batch_op.f('ix_looks_bag_id'))

    op.drop_table('looks')
    with op.batch_alter_table('item_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_item_tags_facet_value')

    op.drop_table('item_tags')
    with op.batch_alter_table('item_images', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_images_item_id'))

    op.drop_table('item_images')
    with op.batch_alter_table('item_colours', schema=None) as batch_op:
        batch_op.drop_index('ix_item_colours_name')

    op.drop_table('item_colours')
    with op.batch_alter_table('curation_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_curation_rules_outfit_id'))

    op.drop_table('curation_rules')
    op.drop_table('users')
    op.drop_table('lookbooks')
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_items_material_family'))
        batch_op.drop_index('ix_items_kind_size')
        batch_op.drop_index('ix_items_kind_price')

    op.drop_table('items')
    op.drop_table('catalog_state')
    op.drop_table('api_keys')
    
