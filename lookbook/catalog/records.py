"""Validate one imported or posted item into a typed record, naming every problem.

The same rules serve CSV rows (every value a string, lists ``;``-separated), JSON
objects (lists and numbers allowed) and API writes.  A record never reaches the
database unless every field of it is valid; problems name the field and say what a
good value looks like.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar
from urllib.parse import urlsplit

from lookbook.catalog.models import Item, ItemTag
from lookbook.catalog.text import IDENTIFIER, TextInvalid, check_text, column_limit, problem_in
from lookbook.styling import vocab
from lookbook.styling.colour_names import UnknownColour, read_colour

FIELDS = (
    "sku", "kind", "name", "occasions", "colours", "material", "styles", "seasons",
    "sustainability", "price", "currency", "brand", "tier", "in_stock", "limited_edition",
    "width_cm", "size", "silhouette", "detachable_strap", "image", "url",
)
LIST_FIELDS = ("occasions", "colours", "styles", "seasons", "sustainability")
BAG_ONLY = ("width_cm", "silhouette", "detachable_strap")
# Accepted for readability (exports carry them) but derived, never trusted.
DERIVED = ("size", "material_family")
_KNOWN_FIELDS = frozenset(FIELDS + DERIVED)

SKU_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", re.ASCII)
# Path segments under /api/v1/items that are routes, not items (see lookbook.server.http).
RESERVED_SKUS = frozenset({"import"})
# ASCII digits only: ``\d`` would also take "١٢" (Arabic-Indic twelve).
PRICE_RE = re.compile(r"^[0-9]{1,10}(\.[0-9]{1,2})?$", re.ASCII)
WIDTH_RE = re.compile(r"^[0-9]{1,3}(\.[0-9]{1,2})?$", re.ASCII)
MAX_WIDTH_CM = Decimal(300)
CENT = Decimal("0.01")
MAX_COLOURS = 8
# Limits come from the columns the values are stored in, so they hold on every database.
MAX_TEXT = {"sku": column_limit(Item.sku), "name": column_limit(Item.name),
            "brand": column_limit(Item.brand), "material": column_limit(Item.material),
            "image": 500}
MAX_TAG = column_limit(ItemTag.value) or 60
MAX_LIST_ENTRY = 200  # before matching a vocabulary (entries are stored as vocabulary words)
MAX_URL = column_limit(Item.url) or 2048  # what browsers and the items.url column hold
URL_SCHEMES = ("http", "https")
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}
# How many distinct values of one field an ItemParser remembers (a few MB each at most).
MEMO_PER_FIELD = 20_000
T = TypeVar("T")


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) with one field of one row."""

    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


@dataclass
class ItemRecord:
    """A validated item, ready to be written."""

    sku: str
    kind: str
    name: str
    price: Decimal
    currency: str
    colours: list[tuple[str, str]]  # (name, hex), primary first
    occasions: list[str] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)
    seasons: list[str] = field(default_factory=list)
    sustainability: list[str] = field(default_factory=list)
    material: str | None = None
    material_family: str | None = None
    brand: str | None = None
    tier: str | None = None
    in_stock: bool = True
    limited_edition: bool = False
    width_cm: Decimal | None = None
    size: str | None = None
    silhouette: str | None = None
    detachable_strap: bool = False
    image: str | None = None
    url: str | None = None  # the retailer's product page (http or https)
    # The retailer's own colour names, parallel to ``colours`` (None where the name is
    # the vocabulary's own); empty when every colour was given in vocabulary terms.
    colour_labels: list[str | None] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class RowInvalid(Exception):
    """Raised by :func:`parse_item` with every problem found in a row."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = problems


def normalise_sku(value: str) -> str:
    """NFKC-normalise and strip an identifier so look-alike forms collapse to one.

    Raises :class:`lookbook.catalog.text.TextInvalid` for text no sku can hold.
    """
    return check_text(value, kind=IDENTIFIER)


def valid_sku(value: Any) -> str | None:
    """Return the sku ``value`` names (normalised), or None when no item can have it."""
    try:
        sku = check_text(value, kind=IDENTIFIER, limit=MAX_TEXT["sku"])
    except TextInvalid:
        return None
    return sku if SKU_RE.match(sku) and sku not in RESERVED_SKUS else None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _has_list(value: Any) -> bool:
    return type(value) is list or (type(value) is tuple and any(map(_has_list, value)))


def _fresh(value: Any) -> Any:
    """Return a remembered value with new lists, so no two records share one."""
    if type(value) is list:
        return list(value)
    if type(value) is tuple:
        return tuple(_fresh(v) for v in value)
    return value


# What a remembered step gave a value: its result, problems, warnings, and how to copy
# the result for the next row (None when nothing in it can be changed in place).
_Verdict = tuple[Any, tuple[Problem, ...], tuple[Problem, ...], Callable[[Any], Any] | None]


class _Row:
    """Collect problems while reading the fields of one raw row."""

    def __init__(self, raw: Mapping[str, Any],
                 memo: dict[str, dict[str, _Verdict]] | None = None) -> None:
        self.raw = raw
        self.memo = memo
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    def fail(self, name: str, message: str) -> None:
        self.problems.append(Problem(name, message))

    def read(self, name: str, step: Callable[[_Row], T]) -> T:
        """Run ``step`` (which reads the cell ``name`` and no other) on this row.

        With a memo, a text cell seen before gets the value, problems and warnings the
        step gave it then, without running it again.
        """
        value = self.raw.get(name)
        if self.memo is None or type(value) is not str:
            return step(self)
        try:
            result, problems, warnings, copy = self.memo[name][value]
        except KeyError:
            result, problems, warnings, copy = self._remember(name, value, step)
        if problems:
            self.problems.extend(problems)
        if warnings:
            self.warnings.extend(warnings)
        return copy(result) if copy else result

    def _remember(self, name: str, value: str, step: Callable[[_Row], Any]) -> _Verdict:
        assert self.memo is not None
        alone = _Row({name: value})
        result = step(alone)
        copy = list.copy if type(result) is list else _fresh if _has_list(result) else None
        verdict = (result, tuple(alone.problems), tuple(alone.warnings), copy)
        seen = self.memo.setdefault(name, {})
        if len(seen) < MEMO_PER_FIELD:
            seen[value] = verdict
        return verdict

    def text(self, name: str, *, required: bool = False) -> str | None:
        value = self.raw.get(name)
        if _blank(value):
            if required:
                self.fail(name, "is required")
            return None
        try:
            return check_text(value, kind=IDENTIFIER if name == "sku" else "one-line",
                              limit=MAX_TEXT.get(name))
        except TextInvalid as exc:
            self.fail(name, exc.message)
            return None

    def choice(self, name: str, allowed: tuple[str, ...], *, required: bool = False) -> str | None:
        value = self.text(name, required=required)
        if value is None:
            return None
        value = value.lower()
        if value not in allowed:
            self.fail(name, f"unknown value {value!r}; expected one of: {', '.join(allowed)}")
            return None
        return value

    def items(self, name: str) -> list[str]:
        value = self.raw.get(name)
        if _blank(value):
            return []
        if isinstance(value, str):
            parts = value.split(";")
        elif isinstance(value, list):
            parts = value
        else:
            self.fail(name, "must be a list (a JSON array, or ';'-separated text)")
            return []
        out: list[str] = []
        for entry in parts:
            part: Any = entry
            if isinstance(part, Mapping) and name == "colours":
                part = part.get("hex") or part.get("name")
            try:
                part = check_text(part, limit=MAX_LIST_ENTRY)
            except TextInvalid as exc:
                self.fail(name, f"an entry {exc.message}")
                return []
            if part and part not in out:
                out.append(part)
        return out

    def vocab_list(self, name: str, allowed: tuple[str, ...]) -> list[str]:
        values = [v.lower() for v in self.items(name)]
        unknown = [v for v in values if v not in allowed]
        if unknown:
            self.fail(
                name,
                f"unknown value(s) {', '.join(map(repr, unknown))}; "
                f"expected any of: {', '.join(allowed)}",
            )
            return []
        return list(dict.fromkeys(values))

    def flag(self, name: str, default: bool) -> bool:
        value = self.raw.get(name)
        if _blank(value):
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        self.fail(name, "must be true or false")
        return default

    def decimal(self, name: str, pattern: re.Pattern[str], hint: str, *, required: bool) -> Decimal | None:
        value = self.raw.get(name)
        if _blank(value):
            if required:
                self.fail(name, "is required")
            return None
        if isinstance(value, bool):
            self.fail(name, hint)
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.fail(name, hint)
            return None
        if isinstance(value, str):
            try:
                text = check_text(value, limit=40)
            except TextInvalid:
                self.fail(name, hint)
                return None
        elif isinstance(value, int | float):
            text = str(value)
        else:
            self.fail(name, f"must be a number or text; {hint}")
            return None
        if not pattern.match(text):
            self.fail(name, f"{text[:40]!r} is not valid; {hint}")
            return None
        try:
            return Decimal(text).quantize(CENT)
        except InvalidOperation:  # pragma: no cover - the pattern already rules this out
            self.fail(name, hint)
            return None


def _colours(row: _Row) -> tuple[list[tuple[str, str]], list[str | None]]:
    values = row.items("colours")
    if not values:
        row.fail("colours", "at least one colour is required (a vocabulary name or #rrggbb)")
        return [], []
    if len(values) > MAX_COLOURS:
        row.fail("colours", f"at most {MAX_COLOURS} colours allowed")
        return [], []
    out: list[tuple[str, str]] = []
    labels: list[str | None] = []
    for value in values:
        try:
            read = read_colour(value)
        except UnknownColour:
            row.fail(
                "colours",
                f"{value[:40]!r} is neither a colour name ({', '.join(vocab.COLOURS)}, a CSS/X11 "
                "or common fashion colour name) nor a #rrggbb hex value",
            )
            return [], []
        out.append((read.name, read.hex))
        labels.append(read.label)
        if read.warning():
            row.warnings.append(Problem("colours", read.warning() or ""))
    return out, (labels if any(labels) else [])


def _url(row: _Row) -> str | None:
    """Read the shop link: an absolute http(s) URL with a host, no credentials, no spaces."""
    value = row.raw.get("url")
    if _blank(value):
        return None
    if not isinstance(value, str):
        row.fail("url", "must be text (a link like https://shop.example/bags/lyra)")
        return None
    value = value.strip()
    if len(value) > MAX_URL:
        row.fail("url", f"is {len(value)} characters long; at most {MAX_URL} allowed")
        return None
    problem = problem_in(value)
    if problem:
        row.fail("url", problem)
        return None
    if any(ch.isspace() for ch in value):
        row.fail("url", "must not contain spaces")
        return None
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        row.fail("url", f"{value[:60]!r} is not a valid link")
        return None
    if parts.scheme.lower() not in URL_SCHEMES:
        row.fail("url", f"{value[:60]!r} must start with http:// or https://")
        return None
    if not parts.hostname:
        row.fail("url", f"{value[:60]!r} has no host name")
        return None
    if parts.username is not None or parts.password is not None:
        row.fail("url", "must not contain a user name or password")
        return None
    return value


def _sustainability(row: _Row) -> list[str]:
    out = []
    for value in row.items("sustainability"):
        lowered = value.lower()
        base, _, label = lowered.partition(":")
        if base not in vocab.SUSTAINABILITY or (label and base != "certified"):
            row.fail(
                "sustainability",
                f"unknown value {value!r}; expected any of: {', '.join(vocab.SUSTAINABILITY)} "
                "(a certification may be named, e.g. certified:GRS)",
            )
            return []
        tag = f"certified:{value.partition(':')[2].strip().upper()}" if label else base
        if len(tag) > MAX_TAG:
            row.fail("sustainability", f"a certification label may have at most "
                                       f"{MAX_TAG - len('certified:')} characters")
            return []
        out.append(tag)
    return out


# The steps of parse_item that read one cell each (so ItemParser may remember them).


def _kind(row: _Row) -> str | None:
    return row.choice("kind", vocab.KINDS, required=True)


def _occasions(row: _Row) -> list[str]:
    return row.vocab_list("occasions", vocab.OCCASIONS)


def _styles(row: _Row) -> list[str]:
    return row.vocab_list("styles", vocab.STYLES)


def _seasons(row: _Row) -> list[str]:
    return row.vocab_list("seasons", vocab.SEASONS)


def _price(row: _Row) -> Decimal | None:
    return row.decimal(
        "price", PRICE_RE, "use a plain decimal like 129.90 (no currency sign, '.' as separator)",
        required=True,
    )


def _currency(row: _Row) -> str | None:
    currency = row.text("currency", required=True)
    if currency is not None:
        currency = currency.upper()
        if currency not in vocab.CURRENCIES:
            row.fail("currency", f"{currency[:10]!r} is not an ISO 4217 currency code")
    return currency


def _brand(row: _Row) -> str | None:
    return row.text("brand")


def _tier(row: _Row) -> str | None:
    return row.choice("tier", vocab.TIERS)


def _material(row: _Row) -> tuple[str | None, str | None]:
    material = row.text("material")
    family = None
    if material is not None:
        material = material.lower()
        family = vocab.material_family(material)
        if family == vocab.OTHER_FAMILY:
            row.warnings.append(
                Problem("material", f"{material!r} is not in the vocabulary; filed under 'other'")
            )
    return material, family


def _in_stock(row: _Row) -> bool:
    return row.flag("in_stock", True)


def _limited(row: _Row) -> bool:
    return row.flag("limited_edition", False)


def _width(row: _Row) -> tuple[Decimal | None, str | None]:
    width = row.decimal("width_cm", WIDTH_RE, "use a width in centimetres like 18.5", required=True)
    if width is not None and (width <= 0 or width > MAX_WIDTH_CM):
        row.fail("width_cm", f"must be more than 0 and at most {MAX_WIDTH_CM} cm")
        width = None
    return width, (vocab.size_for_width(width) if width is not None else None)


def _silhouette(row: _Row) -> str | None:
    return row.choice("silhouette", vocab.SILHOUETTES, required=True)


def _strap(row: _Row) -> bool:
    return row.flag("detachable_strap", False)


def _size(row: _Row) -> str | None:
    return row.choice("size", vocab.SIZES)


def parse_item(raw: Mapping[str, Any]) -> tuple[ItemRecord, list[Problem]]:
    """Validate a raw row; return the record and its warnings, or raise RowInvalid."""
    return _parse(_Row(raw))


class ItemParser:
    """:func:`parse_item` for many rows: each field's verdict on a value is kept.

    A catalog repeats most of its cells (kinds, vocabulary lists, colours, currencies,
    flags, many prices), and each remembered step reads one cell and nothing else, so
    a value seen before gets the same value, problems and warnings without being read
    again (tests/test_import_fast_path.py holds the two to the same answers).
    """

    def __init__(self) -> None:
        self._memo: dict[str, dict[str, _Verdict]] = {}

    def __call__(self, raw: Mapping[str, Any]) -> tuple[ItemRecord, list[Problem]]:
        return _parse(_Row(raw, self._memo))


def _parse(row: _Row) -> tuple[ItemRecord, list[Problem]]:
    raw = row.raw
    sku_raw = row.text("sku", required=True)
    sku = None
    if sku_raw is not None:
        sku = sku_raw
        if not SKU_RE.match(sku):
            row.fail("sku", "use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
            sku = None
        elif sku in RESERVED_SKUS:
            row.fail("sku", f"{sku!r} is reserved (it names an API route); choose another sku")
            sku = None
    kind = row.read("kind", _kind)
    name = row.text("name", required=True)
    occasions = row.read("occasions", _occasions)
    colours, colour_labels = row.read("colours", _colours)
    styles = row.read("styles", _styles)
    seasons = row.read("seasons", _seasons)
    sustainability = row.read("sustainability", _sustainability)
    price = row.read("price", _price)
    currency = row.read("currency", _currency)
    brand = row.read("brand", _brand)
    tier = row.read("tier", _tier)
    material, family = row.read("material", _material)
    in_stock = row.read("in_stock", _in_stock)
    limited = row.read("limited_edition", _limited)
    image = row.text("image")
    url = _url(row)

    width = size = silhouette = None
    strap = False
    if kind == "bag":
        width, size = row.read("width_cm", _width)
        silhouette = row.read("silhouette", _silhouette)
        strap = row.read("detachable_strap", _strap)
        given_size = row.read("size", _size)
        if given_size and size and given_size != size:
            row.fail("size", f"is derived from width_cm ({width} cm is {size}), not {given_size!r}")
    elif kind == "outfit":
        for name_ in (*BAG_ONLY, "size"):
            value = raw.get(name_)
            if not _blank(value) and value is not False and value != "false":
                row.fail(name_, "only bags have this field")

    unknown = [k for k in raw if k not in _KNOWN_FIELDS]
    if unknown:
        row.warnings.append(Problem(unknown[0], f"unknown field(s) ignored: {', '.join(map(str, unknown))}"))

    if row.problems:
        raise RowInvalid(row.problems)
    assert sku and kind and name and price is not None and currency
    record = ItemRecord(
        sku=sku, kind=kind, name=name, price=price, currency=currency, colours=colours,
        occasions=occasions, styles=styles, seasons=seasons, sustainability=sustainability,
        material=material, material_family=family, brand=brand, tier=tier, in_stock=in_stock,
        limited_edition=limited, width_cm=width, size=size, silhouette=silhouette,
        detachable_strap=strap, image=image, url=url, colour_labels=colour_labels,
    )
    return record, row.warnings
