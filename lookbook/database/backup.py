"""Back up and restore the whole database (``lookbook backup PATH`` / ``lookbook restore PATH``).

SQLite uses its online backup API: a consistent copy of a live database, page by page,
even while workers write.  PostgreSQL uses ``pg_dump --format=custom`` of Lookbook's
schema ("makes consistent backups even if the database is being used concurrently")
and restores with ``pg_restore`` into one transaction that first drops the schema's
tables, so a restore either replaces everything or changes nothing.  The PostgreSQL
client programs must be installed and of the server's major version or newer.

A backup is written next to its target and renamed into place only when complete.
After a restore the schema is upgraded to the newest migration (an older backup
works), and the next request refits the model for the restored catalog revision.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from lookbook.database.engine import Database
from lookbook.database.migrations import upgrade

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupError(RuntimeError):
    """A backup or restore could not be made; nothing was changed."""


def backup(db: Database, path: Path) -> str:
    """Write a consistent copy of the database to ``path``; return what was written."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.part")
    try:
        if db.is_sqlite:
            with sqlite3.connect(_sqlite_file(db)) as source, sqlite3.connect(tmp) as target:
                source.backup(target)
            what = "SQLite database"
        else:
            _run([_tool("pg_dump"), "--format=custom", "--no-owner", f"--schema={_schema(db)}",
                  f"--file={tmp}", _libpq_url(db)])
            what = "PostgreSQL custom-format dump"
        os.replace(tmp, path)
    except OSError as exc:
        raise BackupError(f"{path}: cannot be written ({exc.strerror})") from None
    finally:
        tmp.unlink(missing_ok=True)
    return what


def restore(db: Database, path: Path) -> str:
    """Replace the database's contents with a backup made by :func:`backup`."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise BackupError(f"{path}: cannot be read ({exc.strerror})") from None
    if db.is_sqlite:
        if head != SQLITE_MAGIC:
            raise BackupError(f"{path} is not a SQLite backup (was it made from PostgreSQL?)")
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as source:
            if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path} is damaged (SQLite integrity check failed)")
            db.dispose()
            with sqlite3.connect(_sqlite_file(db), timeout=15) as target:
                source.backup(target)
    else:
        if not head.startswith(PGDUMP_MAGIC):
            raise BackupError(f"{path} is not a pg_dump custom-format backup")
        _restore_postgres(db, path)
    db.dispose()
    upgrade(db.engine)
    return "restored"


def _restore_postgres(db: Database, path: Path) -> None:
    schema = _schema(db)
    script = _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", f"--schema={schema}",
                   "--file=-", str(path)])
    # psql connects like the app (same search_path), so current_schema() is Lookbook's.
    drop_all = (
        "DO $$ DECLARE r record; BEGIN FOR r IN SELECT tablename FROM pg_tables "
        "WHERE schemaname = current_schema() LOOP "
        "EXECUTE format('DROP TABLE IF EXISTS %I.%I CASCADE', current_schema(), r.tablename); "
        "END LOOP; END $$;\n"
    )
    db.dispose()
    _run([_tool("psql"), "--no-psqlrc", "--quiet", "--single-transaction", "-v", "ON_ERROR_STOP=1",
          f"--dbname={_libpq_url(db)}", "--file=-"], stdin=drop_all + script)


def _run(args: list[str], stdin: str | None = None) -> str:
    result = subprocess.run(args, input=stdin, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {result.stderr.strip()[-500:]}")
    return result.stdout


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed; install the PostgreSQL client programs")
    return found


def _sqlite_file(db: Database) -> str:
    database = db.engine.url.database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return database


def _schema(db: Database) -> str:
    with db.engine.connect() as conn:
        return str(conn.execute(text("SELECT current_schema()")).scalar())


def _libpq_url(db: Database) -> str:
    """Return the database URL as libpq (pg_dump, psql) reads it."""
    url = make_url(db.url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)
