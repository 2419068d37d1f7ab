"""Parse query parameters once for every endpoint, collecting every error for a 400."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from lookbook.api.problems import ApiProblem, field_error

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


class Params:
    """Read typed values from a mapping of strings; raise one ApiProblem at the end."""

    def __init__(self, source: Mapping[str, Any]) -> None:
        self.source = source
        self.errors: list[dict[str, str]] = []

    def _raw(self, name: str) -> str | None:
        value = self.source.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            value = str(value)
        value = value.strip()
        return value or None

    def integer(self, name: str, default: int, lo: int, hi: int, *, clamp: bool = False) -> int:
        raw = self._raw(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
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
        try:
            value = Decimal(raw)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value < 0 or value > Decimal("1e10"):
            self.errors.append(field_error(name, "must be a non-negative number like 49.90"))
            return None
        return value

    def flag(self, name: str, default: bool | None) -> bool | None:
        raw = self._raw(name)
        if raw is None:
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

    def skus(self, name: str, limit: int = 200) -> tuple[str, ...]:
        raw = self._raw(name)
        if raw is None:
            return ()
        values = tuple(dict.fromkeys(v.strip() for v in raw.split(",") if v.strip()))
        if len(values) > limit:
            self.errors.append(field_error(name, f"at most {limit} skus"))
            return ()
        return values

    def finish(self) -> None:
        """Raise a 400 problem listing every parameter error found so far."""
        if self.errors:
            fields = ", ".join(sorted({e["field"] for e in self.errors}))
            raise ApiProblem(400, f"invalid query parameter(s): {fields}",
                             title="Invalid parameters", errors=self.errors)

