"""`lookbook backup` / `lookbook restore` on SQLite (online backup API) and PostgreSQL
(pg_dump/pg_restore), and models that never drift from their migrations."""

from __future__ import annotations

import shutil

import pytest
from alembic import command
from sqlalchemy import select

from lookbook.catalog.models import Item
from lookbook.catalog.revision import current_revision
from lookbook.database import Database
from lookbook.database.migrations import alembic_config
from tests.conftest import PG_URL, add_items, item

needs_pg_tools = pytest.mark.skipif(
    bool(PG_URL) and not shutil.which("pg_dump"), reason="PostgreSQL client programs are missing")


def _snapshot(db: Database) -> tuple:
    with db.session() as session:
        items = tuple(session.execute(select(Item.sku, Item.name, Item.price).order_by(Item.sku)))
        return items, current_revision(session)


@needs_pg_tools
def test_backup_change_restore_gives_back_what_was_backed_up(db, run_cli, tmp_path):
    add_items(db, item("A-1"), item("B-1", name="Before"))
    before = _snapshot(db)
    target = tmp_path / "lookbook.backup"
    result = run_cli("backup", str(target))
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0

    add_items(db, item("B-1", name="Changed"), item("C-1"))
    with db.write() as session:
        session.delete(session.scalar(select(Item).where(Item.sku == "A-1")))
    assert _snapshot(db) != before

    result = run_cli("restore", "--yes", str(target))
    assert result.exit_code == 0, result.output
    db.dispose()
    assert _snapshot(db) == before


@needs_pg_tools
def test_restoring_something_that_is_no_backup_changes_nothing(db, cli_env, tmp_path):
    add_items(db, item("A-1"))
    before = _snapshot(db)
    bogus = tmp_path / "not-a-backup"
    bogus.write_text("sku,kind\n")
    from click.testing import CliRunner

    from lookbook.cli import main

    result = CliRunner().invoke(main, ["restore", "--yes", str(bogus)], env=cli_env)
    assert result.exit_code != 0
    assert "not changed" in result.output
    assert _snapshot(db) == before


def test_models_and_migrations_never_drift(db):
    """`alembic check`: autogenerate against the migrated database finds nothing to do."""
    cfg = alembic_config(db.engine.url.render_as_string(hide_password=False))
    with db.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.check(cfg)
