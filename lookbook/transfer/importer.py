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
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from lookbook.batchwork import collector_paused
from lookbook.catalog.models import Item
from lookbook.catalog.records import ItemParser, ItemRecord, RowInvalid
from lookbook.catalog.rules import RuleRecord, kinds_of, parse_rule, upsert_rules
from lookbook.catalog.rules import check_references as check_rule_references
from lookbook.catalog.store import BATCH, bulk_write, chunked, upsert_records
from lookbook.lookbooks.records import LookbookRecord, check_references, parse_lookbook
from lookbook.lookbooks.store import upsert_lookbooks
from lookbook.transfer.exporter import ESCAPED_COLUMN, unneutralise
from lookbook.transfer.write_behind import WriteBehind

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
    rules: int = 0
    rules_created: int = 0
    rules_updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        """Tell whether the import wrote anything new."""
        return bool(self.created or self.updated or self.lookbooks_created or self.lookbooks_updated
                    or self.images or self.rules_created or self.rules_updated)

    def counts(self) -> dict[str, int]:
        """Return what was written, by kind (the audit trail keeps this)."""
        return {"rows": self.rows, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "lookbooks_created": self.lookbooks_created,
                "lookbooks_updated": self.lookbooks_updated, "images": self.images,
                "rules_created": self.rules_created, "rules_updated": self.rules_updated}

    def summary(self) -> str:
        """Say in one sentence what the import did."""
        return (f"Imported {self.rows} item(s): {self.created} created, {self.updated} updated, "
                f"{self.unchanged} unchanged; lookbooks {self.lookbooks_created} created, "
                f"{self.lookbooks_updated} updated; rules {self.rules_created} created, "
                f"{self.rules_updated} updated; {self.images} photo(s)")

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows, "lookbooks": self.lookbooks, "dry_run": self.dry_run,
            "written": self.written, "created": self.created, "updated": self.updated,
            "unchanged": self.unchanged, "lookbooks_created": self.lookbooks_created,
            "lookbooks_updated": self.lookbooks_updated, "images": self.images,
            "rules": self.rules, "rules_created": self.rules_created,
            "rules_updated": self.rules_updated,
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


class CsvRows:
    """The rows of a CSV file, read lazily so large files never sit in memory twice.

    The header is checked at once; a malformed line raises ImportFileError when the
    iteration reaches it.  ``len()`` is an estimate (physical lines) for progress bars.
    """

    def __init__(self, data: bytes) -> None:
        self._text = _decode(data)
        if not self._text.strip():
            raise ImportFileError("the file is empty: no header and no rows")
        csv.field_size_limit(CSV_FIELD_LIMIT)
        first_line = self._text.split("\n", 1)[0]
        try:
            header = next(csv.reader([first_line], strict=True))
        except csv.Error as exc:
            raise ImportFileError(f"line 1: the CSV header is malformed ({exc})") from None
        self.columns = [h.strip().lower() for h in header]
        missing = [c for c in REQUIRED_COLUMNS if c not in self.columns]
        if missing:
            raise ImportFileError(f"the header lacks required column(s): {', '.join(missing)}")
        dupes = sorted({c for c in self.columns if self.columns.count(c) > 1 and c})
        if dupes:
            raise ImportFileError(f"the header repeats column(s): {', '.join(dupes)}")

    def __len__(self) -> int:
        return max(self._text.count("\n"), 1)

    def __iter__(self) -> Iterator[RawRow]:
        reader = csv.reader(io.StringIO(self._text, newline=""), strict=True)
        columns = self.columns
        width = len(columns)
        unnamed = "" in columns  # cells under a blank header are dropped
        escaped = ESCAPED_COLUMN in columns
        count = 0
        try:
            next(reader)
            for cells in reader:
                location = f"line {reader.line_num}"
                if not "".join(cells).strip():  # every cell blank (or none at all)
                    continue
                count += 1
                if len(cells) != width:
                    yield RawRow(location, {"__ragged__": (len(cells), width)})
                    continue
                if unnamed:
                    data = {c: v for c, v in zip(columns, cells, strict=True) if c}
                else:
                    data = dict(zip(columns, cells, strict=True))
                if escaped and data.pop(ESCAPED_COLUMN, "").strip().lower() in ("yes", "true", "1"):
                    data = {c: unneutralise(v) for c, v in data.items()}  # our own export
                yield RawRow(location, data)
        except csv.Error as exc:
            raise ImportFileError(f"line {reader.line_num}: the CSV is malformed ({exc})") from None
        if not count:
            raise ImportFileError("the file has a header but no rows")


def read_csv(data: bytes) -> CsvRows:
    """Read CSV bytes into (lazily parsed) raw rows; lists stay ';'-separated text."""
    return CsvRows(data)


def _reject_constant(name: str) -> Any:
    raise ImportFileError(f"the JSON contains {name}, which is not a number JSON allows")


def read_json(data: bytes) -> tuple[list[RawRow], DocumentRows]:
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
    return read_json_value(doc)


class DocumentRows(list[RawRow]):
    """A document's raw lookbooks (the list itself) and the raw rules it carries beside them.

    Readers return ``(items, lookbooks)``; the rules travel with the lookbooks so every
    caller of :func:`import_rows` imports them without having to know about them.
    """

    def __init__(self, books: Iterable[RawRow] = (), rules: Iterable[RawRow] = ()) -> None:
        super().__init__(books)
        self.rules = list(rules)


def _raw(location: str, value: Any) -> RawRow:
    return RawRow(location, value if isinstance(value, dict) else {"__not_object__": value})


def read_json_value(doc: Any) -> tuple[list[RawRow], DocumentRows]:
    """Split a decoded import document into raw item rows and raw lookbooks (with rules)."""
    books: list[Any] = []
    rules: list[Any] = []
    if isinstance(doc, list):
        items = doc
    elif isinstance(doc, dict) and ("items" in doc or "lookbooks" in doc or "rules" in doc):
        items = doc.get("items", [])
        books = doc.get("lookbooks", [])
        rules = doc.get("rules", [])
        if not all(isinstance(part, list) for part in (items, books, rules)):
            raise ImportFileError('"items", "lookbooks" and "rules" must be lists')
    else:
        raise ImportFileError('expected a list of items or {"items": [...], "lookbooks": [...]}')
    if not items and not books and not rules:
        raise ImportFileError("the file has no items and no lookbooks (and no rules)")
    rows = [_raw(f"items[{i}]", it) for i, it in enumerate(items)]
    return rows, DocumentRows((_raw(f"lookbooks[{i}]", b) for i, b in enumerate(books)),
                              (_raw(f"rules[{i}]", r) for i, r in enumerate(rules)))


def read_file(path: Path) -> tuple[Sequence[RawRow] | CsvRows, DocumentRows]:
    """Read a .csv or .json file into raw rows and raw lookbooks."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise ImportFileError(f"{path.name}: use a .csv or .json file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot be read ({exc.strerror})") from None
    if suffix == ".csv":
        return read_csv(data), DocumentRows()
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


class _Validator:
    """Validate rows one at a time, remembering what spans rows (duplicates, kinds)."""

    def __init__(self, report: ImportReport, base_dir: Path | None,
                 images: ImageAttacher | None) -> None:
        self.report = report
        self.base_dir = base_dir
        self.images = images
        self.seen: dict[str, str] = {}
        self.kinds: dict[str, str] = {}
        self.image_paths: dict[str, Path] = {}
        self.parse = ItemParser()

    def __call__(self, row: RawRow) -> ItemRecord | None:
        """Return the row's record, or None after adding its problems to the report."""
        report = self.report
        report.rows += 1
        data = row.data
        if "__ragged__" in data:
            got, want = data["__ragged__"]
            report.errors.append(RowIssue(row.location, None, "row",
                                          f"has {got} cells but the header has {want}"))
            return None
        if "__not_object__" in data:
            report.errors.append(RowIssue(row.location, None, "item", "must be an object"))
            return None
        sku_hint = data.get("sku") if isinstance(data.get("sku"), str) else None
        try:
            record, warnings = self.parse(data)
        except RowInvalid as exc:
            report.errors.extend(
                RowIssue(row.location, sku_hint, p.field, p.message) for p in exc.problems
            )
            return None
        if warnings:
            report.warnings.extend(RowIssue(row.location, record.sku, w.field, w.message) for w in warnings)
        if record.sku in self.seen:
            report.errors.append(RowIssue(row.location, record.sku, "sku",
                                          f"appears twice in the file (first on {self.seen[record.sku]})"))
            return None
        self.seen[record.sku] = row.location
        self.kinds[record.sku] = record.kind
        if record.image:
            try:
                path = _image_path(record.image, self.base_dir)
                if self.images is not None:
                    self.images.check(path)
                self.image_paths[record.sku] = path
            except ValueError as exc:
                report.errors.append(RowIssue(row.location, record.sku, "image", str(exc)))
                return None
        return record


def _validate_lookbooks(
    session: Session, raw_books: list[RawRow], file_kinds: dict[str, str], report: ImportReport
) -> list[LookbookRecord]:
    books: list[LookbookRecord] = []
    kinds = dict(file_kinds)
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


def _validate_rules(
    session: Session, raw_rules: list[RawRow], file_kinds: dict[str, str], report: ImportReport
) -> list[RuleRecord]:
    parsed: list[tuple[RawRow, RuleRecord]] = []
    seen: dict[tuple[str | None, str], str] = {}
    for raw in raw_rules:
        report.rules += 1
        try:
            rule = parse_rule(raw.data if "__not_object__" not in raw.data else None)
        except RowInvalid as exc:
            report.errors.extend(RowIssue(raw.location, None, p.field, p.message) for p in exc.problems)
            continue
        key = (rule.outfit, rule.bag)
        if key in seen:
            report.errors.append(RowIssue(raw.location, rule.bag, "bag",
                                          f"the same rule appears twice (first at {seen[key]})"))
            continue
        seen[key] = raw.location
        parsed.append((raw, rule))
    wanted = {s for _raw_row, r in parsed for s in (r.bag, r.outfit) if s and s not in file_kinds}
    kinds = {**file_kinds, **kinds_of(session, sorted(wanted))}
    rules = []
    for raw, rule in parsed:
        problems = check_rule_references(rule, kinds)
        report.errors.extend(RowIssue(raw.location, rule.bag, p.field, p.message) for p in problems)
        if not problems:
            rules.append(rule)
    return rules


def import_rows(
    session: Session,
    rows: Iterable[RawRow],
    raw_books: list[RawRow] | None = None,
    *,
    dry_run: bool = False,
    base_dir: Path | None = None,
    images: ImageAttacher | None = None,
    progress: Callable[[int], None] | None = None,
    raw_rules: list[RawRow] | None = None,
) -> ImportReport:
    """Validate rows and, if every one is valid and this is no dry run, write them.

    Rows are validated and written a batch at a time inside a savepoint, so memory
    stays flat for large files; the first problem stops further writing, and at the
    end any problem rolls the savepoint back: a report with errors wrote nothing.
    Curator rules come as ``raw_rules`` or, from a JSON document, with its lookbooks.
    """
    rules: list[RawRow] = getattr(raw_books, "rules", []) if raw_rules is None else raw_rules
    with collector_paused():  # 100k rows of records, memos and batches: see lookbook.batchwork
        return _import_rows(session, rows, raw_books, dry_run=dry_run, base_dir=base_dir,
                            images=images, progress=progress, raw_rules=rules)


def _import_rows(session: Session, rows: Iterable[RawRow], raw_books: list[RawRow] | None, *,
                 dry_run: bool, base_dir: Path | None, images: ImageAttacher | None,
                 progress: Callable[[int], None] | None, raw_rules: list[RawRow]) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    validate = _Validator(report, base_dir, images)
    ids: dict[str, int] = {}
    savepoint = session.begin_nested()
    try:
        threaded = session.connection().dialect.name == "postgresql"
        with bulk_write(session, 0 if dry_run else _size_hint(rows)), \
                WriteBehind(threaded=threaded) as writes:
            batch: list[ItemRecord] = []
            for row in rows:
                record = validate(row)
                if progress:
                    progress(1)
                if record is not None and not report.errors and not dry_run:
                    batch.append(record)
                    if len(batch) >= BATCH:
                        writes.submit(_write_batch, session, batch, report, ids)
                        batch = []
            writes.wait()  # the session is ours again
            books = _validate_lookbooks(session, raw_books or [], validate.kinds, report)
            rules = _validate_rules(session, raw_rules, validate.kinds, report)
            if report.errors or dry_run:
                savepoint.rollback()
                return report
            _write_batch(session, batch, report, ids)
        for sku, path in validate.image_paths.items():
            try:
                images.attach(session, ids[sku], path)  # type: ignore[union-attr]
            except ValueError as exc:  # e.g. the item already holds its maximum of photos
                report.errors.append(RowIssue(validate.seen[sku], sku, "image", str(exc)))
                continue
            report.images += 1
        if report.errors:
            savepoint.rollback()
            report.images = 0
            return report
        if books:
            wanted = {s for b in books for lk in b.looks for s in (lk.outfit, lk.bag, *lk.bundle)}
            for part in chunked(sorted(wanted - ids.keys()), 500):
                ids.update(session.execute(select(Item.sku, Item.id).where(Item.sku.in_(part))).all())
            created, updated = upsert_lookbooks(session, books, ids)
            report.lookbooks_created, report.lookbooks_updated = len(created), len(updated)
        if rules:
            wanted = {s for r in rules for s in (r.bag, r.outfit) if s}
            for part in chunked(sorted(wanted - ids.keys()), 500):
                ids.update(session.execute(select(Item.sku, Item.id).where(Item.sku.in_(part))).all())
            report.rules_created, report.rules_updated = upsert_rules(session, rules, ids)
        savepoint.commit()
    except BaseException:
        savepoint.rollback()
        raise
    report.written = True
    return report


def _size_hint(rows: Iterable[RawRow]) -> int:
    """Return about how many rows there are (0 when the iterable cannot tell)."""
    return len(rows) if isinstance(rows, Sized) else 0


def _write_batch(session: Session, batch: list[ItemRecord], report: ImportReport,
                 ids: dict[str, int]) -> None:
    if not batch:
        return
    result = upsert_records(session, batch)
    report.created += len(result.created)
    report.updated += len(result.updated)
    report.unchanged += len(result.unchanged)
    ids.update(result.ids)
