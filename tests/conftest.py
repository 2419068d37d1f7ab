"""Shared fixtures: a migrated database per test (SQLite, or PostgreSQL when
LOOKBOOK_TEST_DATABASE_URL is set), the app, its client, and a CLI runner."""

from __future__ import annotations

import os
import shutil
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from lookbook.catalog.records import parse_item
from lookbook.catalog.store import upsert_records
from lookbook.database import Base, Database
from lookbook.database.migrations import upgrade

PG_URL = os.environ.get("LOOKBOOK_TEST_DATABASE_URL", "")


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrate one database per test session; yield its URL."""
    if PG_URL:
        schema = f"lbtest_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in PG_URL else "?"
        url = f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
        db = Database(url)
        upgrade(db.engine)
        db.dispose()
        yield url
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        db = Database(f"sqlite:///{path}")
        upgrade(db.engine)
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.dispose()
        yield str(path)


@pytest.fixture
def db(_template: str, tmp_path: Path) -> Iterator[Database]:
    """Yield an empty, migrated database for one test."""
    if PG_URL:
        database = Database(_template)
        tables = ", ".join(f'"{t.name}"' for t in reversed(Base.metadata.sorted_tables))
        with database.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            conn.execute(text("INSERT INTO catalog_state (id, revision, updated_at) "
                              "VALUES (1, :rev, now())"), {"rev": str(uuid.uuid4())})
    else:
        path = tmp_path / "lookbook.db"
        shutil.copy(_template, path)
        database = Database(f"sqlite:///{path}")
    yield database
    for thread in threading.enumerate():  # background refits still reading this database
        if thread.name == "lookbook-refit":
            thread.join(120)
    database.dispose()


@pytest.fixture
def app(db: Database, tmp_path: Path):
    """Return an app wired to the test database and a temporary instance folder."""
    from lookbook import create_app

    return create_app({
        "instance": tmp_path / "instance",
        "database": db,
        "database_url": db.url,
        "secret_key": "test-secret-key-not-for-production",
        "models_dir": tmp_path / "models",
        "TESTING": True,
        "RATELIMIT_ENABLED": False,
    })


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def cli_env(db: Database, tmp_path: Path) -> dict[str, str]:
    """Environment for running the ``lookbook`` command against the test database."""
    return {
        "LOOKBOOK_DATABASE_URL": db.url,
        "LOOKBOOK_INSTANCE": str(tmp_path / "instance"),
        "LOOKBOOK_MODELS_DIR": str(tmp_path / "models"),
        "LOOKBOOK_SECRET_KEY": "test-secret-key-not-for-production",
        "LOOKBOOK_ENV": "development",
    }


@pytest.fixture
def run_cli(cli_env: dict[str, str]):
    """Return a function running ``lookbook ARGS`` in-process; it returns the click Result."""
    from lookbook.cli import main

    def run(*args: str, input: str | None = None):
        return CliRunner().invoke(main, list(args), env=cli_env, input=input, catch_exceptions=False)

    return run


def item(sku: str, kind: str = "bag", **fields: Any) -> dict[str, Any]:
    """Return a valid raw item (import fields) with sensible defaults for tests."""
    base: dict[str, Any] = {
        "sku": sku, "kind": kind, "name": f"Test {kind} {sku}", "colours": ["black"],
        "price": "100.00", "currency": "EUR", "occasions": ["casual"],
    }
    if kind == "bag":
        base.update(width_cm="15", silhouette="crossbody")
    base.update(fields)
    return base


def add_items(db: Database, *raw_items: dict[str, Any]) -> dict[str, int]:
    """Validate and write raw items; return their ids by sku."""
    records = [parse_item(raw)[0] for raw in raw_items]
    with db.write() as session:
        return upsert_records(session, records).ids


def trust(app, *hosts: str) -> None:
    """Let ``app`` answer ``hosts`` too (PostgreSQL runs count as production, which answers
    only local Host names unless told otherwise)."""
    if app.config.get("TRUSTED_HOSTS") is not None:
        app.config["TRUSTED_HOSTS"] = [*app.config["TRUSTED_HOSTS"], *hosts]
