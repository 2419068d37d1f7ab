"""Export the catalog (and lookbooks) as CSV or JSON that imports back unchanged.

CSV cells that a spreadsheet would run as a formula (starting with ``= + - @``, a
tab, a carriage return or NUL) are prefixed with ``'``, and so is a cell that already
starts with ``'`` before one of those (or another ``'``), so every cell reads back
exactly.  The importer strips the prefix only in rows the export marked as escaped
(the last column, ``escaped``, says ``yes``): a hand-typed ``'=x`` in a file of your
own keeps its apostrophe, while an exported file imports back unchanged.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from lookbook.catalog.records import FIELDS
from lookbook.catalog.rules import all_rules
from lookbook.catalog.store import fetch_records, record_to_fields
from lookbook.lookbooks.store import all_lookbooks, lookbook_to_fields

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")
_AFTER_APOSTROPHE = (*FORMULA_PREFIXES, "'")
ESCAPED_COLUMN = "escaped"  # "yes" in every exported row: its cells carry our escaping
CSV_COLUMNS = tuple(f for f in FIELDS if f != "image")


def neutralise(cell: str) -> str:
    """Prefix a cell that a spreadsheet would evaluate (or that looks escaped) with ``'``."""
    if cell.startswith(FORMULA_PREFIXES) or (cell[:1] == "'" and cell[1:2] and
                                             cell[1:2] in _AFTER_APOSTROPHE):
        return "'" + cell
    return cell


def unneutralise(cell: str) -> str:
    """Undo :func:`neutralise` when reading back a row the export escaped."""
    if cell[:1] == "'" and cell[1:2] and cell[1:2] in _AFTER_APOSTROPHE:
        return cell[1:]
    return cell


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


def export_csv(session: Session) -> tuple[str, int]:
    """Return every item as CSV text and the item count (lookbooks need JSON)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow((*CSV_COLUMNS, ESCAPED_COLUMN))
    records = fetch_records(session)
    for _id, record in records.values():
        fields = record_to_fields(record)
        writer.writerow([*(neutralise(_cell(fields.get(c))) for c in CSV_COLUMNS), "yes"])
    return out.getvalue(), len(records)


def export_document(session: Session) -> dict[str, Any]:
    """Return the catalog, every lookbook and every curator rule as the JSON import document."""
    items = [record_to_fields(r) for _id, r in fetch_records(session).values()]
    books = [lookbook_to_fields(b) for b in all_lookbooks(session)]
    return {"items": items, "lookbooks": books, "rules": all_rules(session)}


def export_file(session: Session, path: Path) -> int:
    """Write the export to ``path`` (.csv or .json); return the number of items."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        text, count = export_csv(session)
    elif suffix == ".json":
        doc = export_document(session)
        text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
        count = len(doc["items"])
    else:
        raise ValueError(f"{path.name}: use a .csv or .json file name")
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8", newline="")
    tmp.replace(path)
    return count
