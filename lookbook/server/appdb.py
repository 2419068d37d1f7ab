"""The request's database session: opened on first use, closed when the request ends."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from lookbook.database import Database

EXTENSION = "lookbook.db"


def init_app(app: Flask, database: Database) -> None:
    """Attach a database to the app and close each request's session on teardown."""
    app.extensions[EXTENSION] = database
    app.teardown_appcontext(_close)


def database() -> Database:
    """Return the app's database."""
    return current_app.extensions[EXTENSION]


def session() -> Session:
    """Return this request's session (one per request, read-mostly)."""
    if "db_session" not in g:
        g.db_session = database().session()
    return g.db_session


def _close(_exc: BaseException | None) -> None:
    sess = g.pop("db_session", None)
    if sess is not None:
        sess.close()
