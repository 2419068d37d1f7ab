"""Alembic environment: the URL comes from the caller (``lookbook init``) or the environment."""

from __future__ import annotations

from alembic import context

from lookbook.database import make_engine
from lookbook.database.registry import Base

config = context.config
target_metadata = Base.metadata
# The name search lives in database-native objects the models do not describe (an FTS5
# table on SQLite; on PostgreSQL a stored tsvector column and its GIN index, see
# migrations 0004 and 0010).
NATIVE_SEARCH = ("items_fts", "ix_items_name_search", "ix_items_sku_prefix", "name_search")


def include_name(name: str | None, type_: str, _parents: dict) -> bool:
    """Leave the native search objects out of autogenerate comparisons."""
    return not (name or "").startswith(NATIVE_SEARCH)


def run_migrations_offline() -> None:
    """Emit SQL for the configured URL without connecting."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run migrations on a live connection (SQLite gets batch mode for ALTERs)."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
