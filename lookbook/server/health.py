"""Liveness and readiness for load balancers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app
from sqlalchemy import text

from lookbook.database.migrations import is_current
from lookbook.server import appdb

bp = Blueprint("health", __name__)
ReadyCheck = Callable[[], tuple[bool, str]]


def add_ready_check(app: Any, name: str, check: ReadyCheck) -> None:
    """Register a readiness check (e.g. "model loaded") reported by /health/ready."""
    app.extensions.setdefault("lookbook.ready_checks", {})[name] = check


def database_check() -> tuple[bool, str]:
    """Tell whether the database answers and its schema is current."""
    db = appdb.database()
    with db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    if not is_current(db.engine):
        return False, "schema is not at the newest migration; run `lookbook init`"
    return True, "ok"


@bp.get("/health/live")
def live() -> dict[str, str]:
    """Answer as long as the process serves requests."""
    return {"status": "ok"}


@bp.get("/health/ready")
def ready() -> tuple[dict[str, Any], int]:
    """Answer 200 when the database (and every registered part) is ready, else 503."""
    checks = {"database": database_check,
              **current_app.extensions.get("lookbook.ready_checks", {})}
    results = {}
    for name, check in checks.items():
        try:
            ok, detail = check()
        except Exception as exc:  # noqa: BLE001 - readiness reports, never raises
            ok, detail = False, exc.__class__.__name__
        results[name] = {"ok": ok, "detail": detail}
    healthy = all(r["ok"] for r in results.values())
    body = {"status": "ok" if healthy else "unavailable", "checks": results}
    return body, 200 if healthy else 503
