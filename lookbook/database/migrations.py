"""Create or upgrade the database schema with Alembic (``lookbook init``)."""

from __future__ import annotations

from functools import lru_cache

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from lookbook.paths import MIGRATIONS


def alembic_config(url: str) -> Config:
    """Return an Alembic configuration pointing at our migrations and a database."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema of a database to the newest migration."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    """Return the newest migration's id (read from the migration files once)."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def is_current(engine: Engine) -> bool:
    """Tell whether the database is at the newest migration (asked by every readiness probe)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision() == head_revision()
