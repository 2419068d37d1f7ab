"""Import and export in the browser: upload, read the dry-run report row by row, confirm, apply.

Between the report and the confirmation the uploaded file waits in the instance
folder under a random name that only this person's session knows (never in a URL or
a form, so nobody else can apply it); files older than a day are swept away.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue

from lookbook.audit.trail import record as audit
from lookbook.server import appdb
from lookbook.transfer.exporter import export_csv, export_document
from lookbook.transfer.importer import ImportFileError, ImportReport, import_rows, read_csv, read_json
from lookbook.web.studio.access import actor, upload_cap

bp = Blueprint("imports", __name__, url_prefix="/import")
MAX_IMPORT_BYTES = 64 * 1024 * 1024
KEEP_SECONDS = 24 * 3600
SHOWN = 200
SESSION_KEY = "pending_import"


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _sweep(folder: Path) -> None:
    """Delete pending files nobody confirmed within a day."""
    cutoff = time.time() - KEEP_SECONDS
    for path in folder.glob("*.pending"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def _pending() -> tuple[Path, str, str] | None:
    """Return (file, original name, format) of this session's waiting upload, if any."""
    info = session.get(SESSION_KEY)
    if not isinstance(info, dict):
        return None
    token, name, fmt = info.get("token", ""), info.get("name", ""), info.get("format", "")
    if not (isinstance(token, str) and token.isalnum() and len(token) == 32 and fmt in ("csv", "json")):
        return None
    path = _folder() / f"{token}.pending"
    return (path, str(name), fmt) if path.is_file() else None


def _run(data: bytes, fmt: str, *, dry_run: bool) -> ImportReport:
    """Read and import (or only check) a file's bytes."""
    rows, books = (read_csv(data), None) if fmt == "csv" else read_json(data)
    with appdb.database().write() as write:
        report = import_rows(write, rows, books, dry_run=dry_run)
        if report.written and report.changed:
            audit(write, actor(), "import", report.summary(), after=report.counts())
    return report


@bp.get("/")
def index() -> ResponseReturnValue:
    """Show the upload form and the export downloads."""
    return render_template("curate/import.html", pending=_pending(), report=None, shown=SHOWN)


@bp.post("/")
@upload_cap(MAX_IMPORT_BYTES)
def check() -> ResponseReturnValue:
    """Keep the uploaded file and show what importing it would do (a dry run)."""
    upload = request.files.get("file")
    name = (upload.filename or "") if upload else ""
    fmt = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if upload is None or not name:
        return _refuse("Choose a CSV or JSON file to import.")
    if fmt not in ("csv", "json"):
        return _refuse(f"{name[:80]} is not a .csv or .json file.")
    data = upload.read()
    try:
        report = _run(data, fmt, dry_run=True)
    except ImportFileError as exc:
        return _refuse(f"{name[:80]}: {exc}")
    folder = _folder()
    _sweep(folder)
    old = _pending()
    if old:
        old[0].unlink(missing_ok=True)
    token = secrets.token_hex(16)
    (folder / f"{token}.pending").write_bytes(data)
    session[SESSION_KEY] = {"token": token, "name": name[:120], "format": fmt}
    status = 200 if report.ok else 422
    return render_template("curate/import.html", pending=_pending(), report=report, shown=SHOWN), status


def _refuse(message: str) -> ResponseReturnValue:
    return render_template("curate/import.html", pending=_pending(), report=None, shown=SHOWN,
                           file_error=message), 400


@bp.post("/apply")
def apply() -> ResponseReturnValue:
    """Import the checked file for real (all or nothing) and forget it."""
    pending = _pending()
    if pending is None:
        flash("There is no checked file waiting; upload it again.", "error")
        return redirect(url_for("curate.imports.index"), 303)
    path, name, fmt = pending
    try:
        report = _run(path.read_bytes(), fmt, dry_run=False)
    except ImportFileError as exc:
        report = None
        flash(f"{name}: {exc}", "error")
    path.unlink(missing_ok=True)
    session.pop(SESSION_KEY, None)
    if report is None:
        return redirect(url_for("curate.imports.index"), 303)
    if not report.ok:  # the catalog changed since the dry run
        return render_template("curate/import.html", pending=None, report=report, shown=SHOWN), 422
    flash(f"{name}: {report.summary()}.", "success")
    return redirect(url_for("curate.imports.index"), 303)


@bp.post("/discard")
def discard() -> ResponseReturnValue:
    """Forget the waiting file without importing it."""
    pending = _pending()
    if pending:
        pending[0].unlink(missing_ok=True)
    session.pop(SESSION_KEY, None)
    flash("The file was discarded; nothing was imported.", "info")
    return redirect(url_for("curate.imports.index"), 303)


def _download(body: str, name: str, mimetype: str) -> Response:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M")
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="lookbook-{name}-{stamp}.{mimetype.rsplit("/")[1]}"'})


@bp.get("/export.csv")
def export_items_csv() -> Response:
    """Download every item as CSV (spreadsheet formulas neutralised)."""
    text, _count = export_csv(appdb.session())
    return _download(text, "catalog", "text/csv")


@bp.get("/export.json")
def export_everything_json() -> Response:
    """Download items, lookbooks and rules as one JSON document that imports back unchanged."""
    doc = export_document(appdb.session())
    return _download(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", "everything", "application/json")
