"""Parse request parameters once for the API and the pages, collecting every error for a 400.

Below both the API and the pages: it raises :class:`ParamError`, which the API answers
as problem+json and the pages as a readable 400 page (see ``lookbook.server.http``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from lookbook.catalog.records import valid_sku
from lookbook.catalog.text import ascii_integer, problem_in
from lookbook.styling import vocab

if TYPE_CHECKING:
    from lookbook.catalog.queries import ItemFilters


_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}
# The documented price pattern: ASCII digits, at most two decimals (no exponent, no "NaN").
_PRICE = re.compile(r"[0-9]{1,10}(\.[0-9]{1,2})?", re.ASCII)


def field_error(name: str, message: str) -> dict[str, str]:
    """Return one entry of an error list: the field and what is wrong with it."""
    return {"field": name, "message": message}


class ParamError(ValueError):
    """One or more request parameters are invalid; ``errors`` names each field."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        self.errors = errors
        fields = ", ".join(sorted({e["field"] for e in errors}))
        super().__init__(f"invalid query parameter(s): {fields}")


class Params:
    """Read typed values from a mapping of strings; raise one ParamError at the end.

    ``strict`` (the API) refuses a parameter that is present but empty (``?min_price=``),
    as the OpenAPI document says; pages pass ``strict=False`` because an HTML form sends
    its blank fields that way.
    """

    def __init__(self, source: Mapping[str, Any], *, strict: bool = False) -> None:
        self.source = source
        self.strict = strict
        self.errors: list[dict[str, str]] = []

    def _raw(self, name: str) -> str | None:
        value = self.source.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            value = str(value)
        problem = problem_in(value)
        if problem:  # never parsed, never echoed
            self.errors.append(field_error(name, problem))
            return None
        if self.strict and value != value.strip():  # the documented spelling, exactly
            self.errors.append(field_error(name, "must not start or end with spaces"))
            return None
        value = value.strip()
        if not value and self.strict:
            self.errors.append(field_error(name, "must not be empty (leave the parameter out)"))
        return value or None

    def integer(self, name: str, default: int, lo: int, hi: int, *, clamp: bool = False) -> int:
        raw = self._raw(name)
        if raw is None:
            return default
        value = ascii_integer(raw)
        if value is None:
            self.errors.append(field_error(name, f"must be a whole number from {lo} to {hi}"))
            return default
        if clamp and value > hi:
            return hi
        if not lo <= value <= hi:
            self.errors.append(field_error(name, f"must be from {lo} to {hi}"))
            return default
        return value

    def decimal(self, name: str) -> Decimal | None:
        raw = self._raw(name)
        if raw is None:
            return None
        if not _PRICE.fullmatch(raw):
            self.errors.append(field_error(name, "must be a non-negative number like 49.90"))
            return None
        return Decimal(raw)

    def flag(self, name: str, default: bool | None, *, allow_any: bool = True) -> bool | None:
        raw = self._raw(name)
        if raw is None:
            return default
        documented = ("true", "false", "any") if allow_any else ("true", "false")
        if self.strict and raw not in documented:  # the documented values, exactly
            self.errors.append(field_error(name, f"must be {' or '.join(documented)}"))
            return default
        if raw.lower() in _TRUE | _FALSE:
            return raw.lower() in _TRUE
        if raw.lower() == "any":
            return None
        self.errors.append(field_error(name, "must be true, false or any"))
        return default

    def choices(
        self, name: str, allowed: Iterable[str], *, allow_any: bool = False
    ) -> tuple[str, ...] | None:
        """Parse "a,b,c" against a vocabulary; None means "any" when allowed."""
        raw = self._raw(name)
        if raw is None:
            return ()
        if self.strict:  # the documented spelling: lower case, no blanks between commas
            values = tuple(dict.fromkeys(raw.split(",")))
        else:
            values = tuple(dict.fromkeys(v.strip().lower() for v in raw.split(",") if v.strip()))
        if allow_any and values == ("any",):
            return None
        allowed = tuple(allowed)
        unknown = [v for v in values if v not in allowed]
        if unknown or not values:
            self.errors.append(
                field_error(name, f"unknown value(s) {', '.join(unknown) or raw!r}; "
                                  f"expected any of: {', '.join(allowed)}")
            )
            return ()
        return values

    def skus(self, name: str, limit: int = 100) -> tuple[str, ...]:
        raw = self._raw(name)
        if raw is None:
            return ()
        # strict: the documented spelling, skus as stored and no blanks between commas
        parts = raw.split(",") if self.strict else [v.strip() for v in raw.split(",") if v.strip()]
        if len(parts) > limit:
            self.errors.append(field_error(name, f"at most {limit} skus"))
            return ()
        values = [valid_sku(v) for v in parts]
        if any(v is None for v in values) or (self.strict and values != parts):
            self.errors.append(field_error(name, "must be skus separated by commas"))
            return ()
        return tuple(dict.fromkeys(v for v in values if v is not None))

    def finish(self) -> None:
        """Raise a ParamError listing every parameter error found so far."""
        if self.errors:
            raise ParamError(self.errors)


def parse_item_filters(p: Params) -> ItemFilters:
    """Read the catalog filters shared by the items API, browse pages and the studio."""
    from lookbook.catalog.queries import ItemFilters

    return ItemFilters(
        kind=p.choices("kind", vocab.KINDS) or (),
        occasion=p.choices("occasion", vocab.OCCASIONS) or (),
        colour=p.choices("colour", tuple(vocab.COLOURS)) or (),
        material=p.choices("material", (*vocab.MATERIALS, *vocab.MATERIAL_FAMILIES)) or (),
        size=p.choices("size", vocab.SIZES) or (),
        season=p.choices("season", vocab.SEASONS) or (),
        sustainability=p.choices("sustainability", vocab.SUSTAINABILITY) or (),
        min_price=p.decimal("min_price"),
        max_price=p.decimal("max_price"),
        in_stock=p.flag("in_stock", None),
    )
