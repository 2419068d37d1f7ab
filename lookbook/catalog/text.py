"""The one text policy: what a string must be before Lookbook reads, stores or echoes it.

Every string that enters (JSON bodies, query parameters, path segments, forms, import
rows) passes :func:`check_text` or one of the helpers built on it:

* only Unicode scalar values (a lone surrogate such as ``"\\ud800"`` cannot be encoded
  as UTF-8, so it would fail later in the database driver or the JSON encoder);
* no C0 or C1 control characters, DEL, or Unicode non-characters; free text that is
  documented as multi-line (descriptions, notes) may hold newlines and tabs
  (``MULTILINE``), everything else is one line;
* no bidirectional controls or zero-width characters (they can make text display as
  something else); NFC normalisation for free text; identifiers (SKUs, slugs) are
  NFKC-normalised (look-alike forms collapse to one) and refuse every invisible mark;
* a length limit, read from the ORM column the value is stored in
  (:func:`column_limit`), so validation and both databases always agree;
* numbers are ASCII digits only (:func:`ascii_number`): Python's ``int()``,
  ``Decimal()`` and ``\\d`` also accept Arabic-Indic and other digits.

Problems are reported by field name and never repeat the offending text, so an
invalid string is never echoed back.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import InstrumentedAttribute

# C0 controls, DEL and C1 controls; surrogates; the non-characters U+FDD0..U+FDEF and
# U+xFFFE/U+xFFFF of every plane.
_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17)
)
_FORBIDDEN_ONE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]")
_FORBIDDEN_MULTILINE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]")
# Bidirectional controls, zero-width characters and the BOM: invisible, and able to make
# text display as something else (a "trojan source" product name or sku).
_FORMATTING = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
# Identifiers also refuse the soft hyphen and the other invisible joiners and marks.
_ID_FORMATTING = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180e\u3164\uffa0]")
_ASCII_INTEGER = re.compile(r"[0-9]+", re.ASCII)
MULTILINE = "multiline"
ONE_LINE = "one-line"
IDENTIFIER = "identifier"


class TextInvalid(ValueError):
    """A string breaks the text policy; ``message`` says how, without repeating it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def column_limit(attribute: InstrumentedAttribute[Any]) -> int | None:
    """Return the declared length of a mapped string column (None for unbounded text)."""
    column_type = attribute.property.columns[0].type
    return column_type.length if isinstance(column_type, String) else None


def problem_in(value: str, kind: str = ONE_LINE) -> str | None:
    """Return what is wrong with a string's characters, or None when it may enter."""
    bad = (_FORBIDDEN_MULTILINE if kind == MULTILINE else _FORBIDDEN_ONE_LINE).search(value)
    if bad:
        char = bad.group()
        if "\ud800" <= char <= "\udfff":
            return "is not valid Unicode text (it holds a lone surrogate)"
        if char in "\n\r\t":
            return "must be a single line (no line breaks or tabs)"
        return f"must not contain control characters (found U+{ord(char):04X})"
    if _FORMATTING.search(value) or (kind == IDENTIFIER and _ID_FORMATTING.search(value)):
        return "must not contain invisible or bidirectional formatting characters"
    return None


def check_text(value: Any, *, kind: str = ONE_LINE, limit: int | None = None,
               strip: bool = True) -> str:
    """Return ``value`` normalised under the policy, or raise :class:`TextInvalid`."""
    # Printable ASCII (U+0020..U+007E, the bulk of every catalog) holds no control,
    # surrogate, non-character or formatting character, and NFC and NFKC leave it as it
    # is, so only stripping and the limit can apply: the same answer as the full policy
    # below, without its two regex scans and normalisation (tests/test_text_fast_path.py).
    if type(value) is str and value.isascii() and value.isprintable():
        if strip:
            value = value.strip()
        if limit is not None and len(value) > limit:
            raise TextInvalid(f"is {len(value)} characters long; at most {limit} allowed")
        return value
    return check_text_fully(value, kind=kind, limit=limit, strip=strip)


def check_text_fully(value: Any, *, kind: str = ONE_LINE, limit: int | None = None,
                     strip: bool = True) -> str:
    """Apply every rule of the policy to ``value`` (the reference :func:`check_text` keeps)."""
    if not isinstance(value, str):
        raise TextInvalid("must be text")
    problem = problem_in(value, kind)
    if problem:
        raise TextInvalid(problem)
    value = unicodedata.normalize("NFKC" if kind == IDENTIFIER else "NFC", value)
    if strip:
        value = value.strip()
    if kind == IDENTIFIER:  # NFKC may turn a look-alike into a formatting character
        problem = problem_in(value, kind)
        if problem:
            raise TextInvalid(problem)
    if limit is not None and len(value) > limit:
        raise TextInvalid(f"is {len(value)} characters long; at most {limit} allowed")
    return value


def identifier(value: Any, limit: int | None = None) -> str:
    """Return an identifier (sku, slug) NFKC-normalised and stripped, or raise TextInvalid."""
    return check_text(value, kind=IDENTIFIER, limit=limit)


def ascii_integer(raw: str) -> int | None:
    """Return the whole number written in ASCII digits, or None (``"١٢"`` is not 12)."""
    return int(raw) if _ASCII_INTEGER.fullmatch(raw) else None


def json_problems(value: Any, path: str = "", limit: int = 50) -> list[dict[str, str]]:
    """Return a problem for every string in a decoded JSON document (keys too) that breaks
    the character rules, named by its JSON path; multi-line text is allowed here and
    each field's own rules decide later whether a line break is welcome."""
    problems: list[dict[str, str]] = []
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack and len(problems) < limit:
        where, node = stack.pop()
        if isinstance(node, str):
            problem = problem_in(node, MULTILINE)
            if problem:
                problems.append({"field": where or "(body)", "message": problem})
        elif isinstance(node, dict):
            for key, child in node.items():
                name = f"{where}.{str(key)[:80]}" if where else str(key)[:80]
                key_problem = problem_in(str(key), ONE_LINE)
                if key_problem:
                    problems.append({"field": f"{where or '(body)'} (a key)",
                                     "message": key_problem})
                    continue
                stack.append((name, child))
        elif isinstance(node, list):
            stack.extend((f"{where}[{i}]", child) for i, child in enumerate(node))
    problems.sort(key=lambda p: p["field"])
    return problems
