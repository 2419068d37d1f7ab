"""Find items by words of their name or the start of their sku, through an index.

A name matches when each word typed starts a word of the name ("nav suit" finds
"Navy wool suit").  The words are looked up in the database's own full-text index
(FTS5 on SQLite, a GIN ``tsvector`` index on PostgreSQL; migration 0004 builds both),
and a sku matches by prefix through an ordinary index.  Nothing here scans the table,
and no typed character is ever a wildcard or query syntax: only letters and digits
reach the index, as bound parameters.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, bindparam, false, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement as _Element
from sqlalchemy.types import Boolean

from lookbook.catalog.models import Item

_WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 8
MAX_WORD = 40


def words(text: str) -> list[str]:
    """Return the searchable words of a query: lowercase letters and digits, at most 8."""
    return [w[:MAX_WORD] for w in _WORD.findall(text.lower())][:MAX_WORDS]


class NameHasWords(_Element[bool]):
    """True when every word starts a word of the item's name (compiled per database)."""

    type = Boolean()
    inherit_cache = False
    _is_implicitly_boolean = True  # a predicate: never rendered as "(...) = 1"

    def __init__(self, terms: list[str]) -> None:
        self.terms = terms


class SkuStartsWith(_Element[bool]):
    """True when the item's sku starts with a prefix, case as typed (compiled per database)."""

    type = Boolean()
    inherit_cache = False
    _is_implicitly_boolean = True  # a predicate: never rendered as "(...) = 1"

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix


@compiles(NameHasWords, "sqlite")
def _name_sqlite(element: NameHasWords, compiler: Any, **kw: Any) -> str:
    query = " ".join(f'"{w}"*' for w in element.terms)  # letters and digits only: no syntax
    param = compiler.process(bindparam("name_words", query, unique=True), **kw)
    return f"items.id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH {param})"  # noqa: S608


@compiles(NameHasWords, "postgresql")
def _name_postgresql(element: NameHasWords, compiler: Any, **kw: Any) -> str:
    query = " & ".join(f"{w}:*" for w in element.terms)
    param = compiler.process(bindparam("name_words", query, unique=True), **kw)
    return f"to_tsvector('simple', items.name) @@ to_tsquery('simple', {param})"


@compiles(NameHasWords)
def _name_other(element: NameHasWords, compiler: Any, **kw: Any) -> str:  # pragma: no cover
    clauses = [compiler.process(Item.name.ilike(f"%{w}%"), **kw) for w in element.terms]
    return "(" + " AND ".join(clauses) + ")"


@compiles(SkuStartsWith, "postgresql")
def _sku_postgresql(element: SkuStartsWith, compiler: Any, **kw: Any) -> str:
    # ``LIKE 'abc%'`` uses the text_pattern_ops index whatever the database's collation.
    pattern = like_escape(element.prefix) + "%"
    param = compiler.process(bindparam("sku_prefix", pattern, unique=True), **kw)
    return f"items.sku LIKE {param} ESCAPE '\\'"


@compiles(SkuStartsWith)
def _sku_range(element: SkuStartsWith, compiler: Any, **kw: Any) -> str:
    # SQLite compares text bytewise (BINARY): a prefix is exactly a range of the sku index.
    low = compiler.process(bindparam("sku_low", element.prefix, unique=True), **kw)
    high = compiler.process(bindparam("sku_high", element.prefix + "\U0010ffff", unique=True), **kw)
    return f"(items.sku >= {low} AND items.sku < {high})"


def like_escape(text: str) -> str:
    """Escape LIKE wildcards so a search for "50%" matches the text, not everything."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def matches_text(text: str) -> ColumnElement[bool]:
    """Return the condition "the name has these words, or the sku starts with this text"."""
    text = text.strip()[:100]
    if not text:
        return false()
    found = words(text)
    clauses: list[ColumnElement[bool]] = [SkuStartsWith(text)]
    if text.upper() != text:
        clauses.append(SkuStartsWith(text.upper()))
    if found:
        clauses.append(NameHasWords(found))
    # One id list from the indexes (UNION ALL), not an OR evaluated row by row: with an OR
    # the planner walks every item of the kind and tests each (25k rows of a 100k catalog).
    # correlate(None): each branch reads its own ``items``, not the outer query's row.
    branches = [select(Item.id).where(clause).correlate(None) for clause in clauses]
    return Item.id.in_(union_all(*branches))  # IN ignores duplicates: no need to sort them away

