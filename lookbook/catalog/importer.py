"""Bulk import of CSV and JSON catalogs (DESIGN §4.2): all-or-nothing, upsert by sku.

Reading turns bytes into raw rows and refuses whole-file problems (encoding, broken
JSON, an empty file).  Validation turns every raw row into a record or a list of
problems naming the row and field.  Only when no row has a problem does anything get
written, inside the caller's transaction.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from lookbook.catalog.exporter import unneutralise
from lookbook.catalog.models import Item
from lookbook.catalog.records import ItemRecord, RowInvalid, parse_item
from lookbook.catalog.store import chunked, upsert_records
from lookbook.lookbooks.records import LookbookRecord, check_references, parse_lookbook
from lookbook.lookbooks.store import upsert_lookbooks

REQUIRED_COLUMNS = ("sku", "kind", "name", "colours", "price", "currency")
CSV_FIELD_LIMIT = 128 * 1024


class ImportFileError(ValueError):
    """The file as a whole cannot be read (encoding, syntax, emptiness)."""


class ImageAttacher(Protocol):
    """What the importer needs from the image pipeline for rows with an ``image``."""

    def check(self, path: Path) -> None:
        """Raise ValueError (with a reason a curator understands) for a bad image."""

    def attach(self, session: Session, item_id: int, path: Path) -> None:
        """Ingest the image and attach it to the item."""


@dataclass(frozen=True)
class RowIssue:
    """A problem or warning located in the file."""

    location: str
    sku: str | None
    field: str
    message: str

    def __str__(self) -> str:
        who = f" (sku {self.sku})" if self.sku else ""
        return f"{self.location}{who}, {self.field}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"location": self.location, "sku": self.sku, "field": self.field,
                "message": self.message}


@dataclass
class RawRow:
    """One row as read from the file, before validation."""

    location: str
    data: dict[str, Any]


@dataclass
class ImportReport:
    """Everything an import found and (unless it was a dry run or failed) did."""

    rows: int = 0
    lookbooks: int = 0
    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    lookbooks_created: int = 0
    lookbooks_updated: int = 0
    images: int = 0
    dry_run: bool = False
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows, "lookbooks": self.lookbooks, "dry_run": self.dry_run,
            "written": self.written, "created": self.created, "updated": self.updated,
            "unchanged": self.unchanged, "lookbooks_created": self.lookbooks_created,
            "lookbooks_updated": self.lookbooks_updated, "images": self.images,
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
        }


# --- reading -------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError("the file is UTF-16; save it as UTF-8 (CSV UTF-8) and try again")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            f"the file must be UTF-8 (line {line} has a byte that is not); "
            "save it as UTF-8 and try again"
        ) from None


def read_csv(data: bytes) -> list[RawRow]:
    """Read CSV bytes into raw rows; lists stay ';'-separated text."""
    text = _decode(data)
    if not text.strip():
        raise ImportFileError("the file is empty: no header and no rows")
    csv.field_size_limit(CSV_FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
        columns = [h.strip().lower() for h in header]
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise ImportFileError(f"the header lacks required column(s): {', '.join(missing)}")
        dupes = sorted({c for c in columns if columns.count(c) > 1 and c})
        if dupes:
            raise ImportFileError(f"the header repeats column(s): {', '.join(dupes)}")
        rows: list[RawRow] = []
        for cells in reader:
            location = f"line {reader.line_num}"
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(columns):
                rows.append(RawRow(location, {"__ragged__": (len(cells), len(columns))}))
                continue
            rows.append(RawRow(location, {
                c: unneutralise(v) for c, v in zip(columns, cells, strict=True) if c
            }))
    except csv.Error as exc:
        raise ImportFileError(f"line {reader.line_num}: the CSV is malformed ({exc})") from None
    if not rows:
        raise ImportFileError("the file has a header but no rows")
    return rows


def _reject_constant(name: str) -> Any:
    raise ImportFileError(f"the JSON contains {name}, which is not a number JSON allows")


def read_json(data: bytes) -> tuple[list[RawRow], list[RawRow]]:
    """Read JSON bytes into raw item rows and raw lookbooks."""
    text = _decode(data)
    if not text.strip():
        raise ImportFileError("the file is empty")
    try:
        doc = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"line {exc.lineno}, column {exc.colno}: invalid JSON ({exc.msg})") from None
    except RecursionError:
        raise ImportFileError("the JSON is nested too deeply") from None
    books: list[Any] = []
    if isinstance(doc, list):
        items = doc
    elif isinstance(doc, dict) and ("items" in doc or "lookbooks" in doc):
        items = doc.get("items", [])
        books = doc.get("lookbooks", [])
        if not isinstance(items, list) or not isinstance(books, list):
            raise ImportFileError('"items" and "lookbooks" must be lists')
    else:
        raise ImportFileError('expected a list of items or {"items": [...], "lookbooks": [...]}')
    if not items and not books:
        raise ImportFileError("the file has no items and no lookbooks")
    rows = [RawRow(f"items[{i}]", it if isinstance(it, dict) else {"__not_object__": it})
            for i, it in enumerate(items)]
    raw_books = [RawRow(f"lookbooks[{i}]", b if isinstance(b, dict) else {"__not_object__": b})
                 for i, b in enumerate(books)]
    return rows, raw_books


def read_file(path: Path) -> tuple[list[RawRow], list[RawRow]]:
    """Read a .csv or .json file into raw rows and raw lookbooks."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise ImportFileError(f"{path.name}: use a .csv or .json file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot be read ({exc.strerror})") from None
    if suffix == ".csv":
        return read_csv(data), []
    return read_json(data)


# --- validation and writing -----------------------------------------------------------


def _image_path(value: str, base_dir: Path | None) -> Path:
    if base_dir is None:
        raise ValueError("images can only be imported from a file on disk")
    candidate = Path(value)
    if candidate.is_absolute():
        raise ValueError("must be a path relative to the import file")
    resolved = (base_dir / candidate).resolve()
    if not resolved.is_relative_to(base_dir.resolve()):
        raise ValueError("must stay inside the import file's folder")
    if not resolved.is_file():
        raise ValueError(f"file {value!r} not found next to the import file")
    return resolved


def validate_rows(
    rows: Iterable[RawRow],
    report: ImportReport,
    base_dir: Path | None = None,
    images: ImageAttacher | None = None,
    tick: Callable[[int], None] | None = None,
) -> tuple[list[ItemRecord], dict[str, Path]]:
    """Turn raw rows into records, adding every problem to the report."""
    records: list[ItemRecord] = []
    image_paths: dict[str, Path] = {}
    seen: dict[str, str] = {}
    for row in rows:
        report.rows += 1
        if tick:
            tick(1)
        data = row.data
        if "__ragged__" in data:
            got, want = data["__ragged__"]
            report.errors.append(RowIssue(row.location, None, "row",
                                          f"has {got} cells but the header has {want}"))
            continue
        if "__not_object__" in data:
            report.errors.append(RowIssue(row.location, None, "item", "must be an object"))
            continue
        sku_hint = data.get("sku") if isinstance(data.get("sku"), str) else None
        try:
            record, warnings = parse_item(data)
        except RowInvalid as exc:
            report.errors.extend(
                RowIssue(row.location, sku_hint, p.field, p.message) for p in exc.problems
            )
            continue
        report.warnings.extend(RowIssue(row.location, record.sku, w.field, w.message) for w in warnings)
        if record.sku in seen:
            report.errors.append(RowIssue(row.location, record.sku, "sku",
                                          f"appears twice in the file (first on {seen[record.sku]})"))
            continue
        seen[record.sku] = row.location
        if record.image:
            try:
                path = _image_path(record.image, base_dir)
                if images is not None:
                    images.check(path)
                image_paths[record.sku] = path
            except ValueError as exc:
                report.errors.append(RowIssue(row.location, record.sku, "image", str(exc)))
                continue
        records.append(record)
    return records, image_paths


def _validate_lookbooks(
    session: Session, raw_books: list[RawRow], records: list[ItemRecord], report: ImportReport
) -> list[LookbookRecord]:
    books: list[LookbookRecord] = []
    kinds = {r.sku: r.kind for r in records}
    referenced: set[str] = set()
    parsed: list[tuple[RawRow, LookbookRecord]] = []
    slugs: set[str] = set()
    for raw in raw_books:
        report.lookbooks += 1
        try:
            book = parse_lookbook(raw.data if "__not_object__" not in raw.data else None)
        except RowInvalid as exc:
            slug = raw.data.get("slug") if isinstance(raw.data.get("slug"), str) else None
            report.errors.extend(RowIssue(raw.location, slug, p.field, p.message) for p in exc.problems)
            continue
        if book.slug in slugs:
            report.errors.append(RowIssue(raw.location, book.slug, "slug", "appears twice in the file"))
            continue
        slugs.add(book.slug)
        parsed.append((raw, book))
        for look in book.looks:
            referenced.update([look.outfit, look.bag, *look.bundle])
    unknown = sorted(referenced - kinds.keys())
    for part in chunked(unknown, 500):
        for sku, kind in session.execute(select(Item.sku, Item.kind).where(Item.sku.in_(part))):
            kinds[sku] = kind
    for raw, book in parsed:
        problems = check_references(book, kinds)
        report.errors.extend(RowIssue(raw.location, book.slug, p.field, p.message) for p in problems)
        if not problems:
            books.append(book)
    return books


def import_rows(
    session: Session,
    rows: list[RawRow],
    raw_books: list[RawRow] | None = None,
    *,
    dry_run: bool = False,
    base_dir: Path | None = None,
    images: ImageAttacher | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Validate rows and, if every one is valid and this is no dry run, write them.

    The caller owns the transaction: on a report with errors nothing was written.
    """
    report = ImportReport(dry_run=dry_run)
    records, image_paths = validate_rows(rows, report, base_dir, images, progress)
    books = _validate_lookbooks(session, raw_books or [], records, report)
    if report.errors or dry_run:
        return report
    result = upsert_records(session, records, progress)
    report.created, report.updated = len(result.created), len(result.updated)
    report.unchanged = len(result.unchanged)
    if image_paths and images is not None:
        for sku, path in image_paths.items():
            images.attach(session, result.ids[sku], path)
            report.images += 1
    if books:
        all_ids = dict(result.ids)
        wanted = {s for b in books for lk in b.looks for s in (lk.outfit, lk.bag, *lk.bundle)}
        missing = sorted(wanted - all_ids.keys())
        for part in chunked(missing, 500):
            all_ids.update(session.execute(select(Item.sku, Item.id).where(Item.sku.in_(part))).all())
        created, updated = upsert_lookbooks(session, books, all_ids)
        report.lookbooks_created, report.lookbooks_updated = len(created), len(updated)
    report.written = True
    return report

