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

from sqlalchemy import BindParameter, ColumnElement, bindparam, false, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement as _Element
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import Boolean

from lookbook.catalog.models import Item

_WORD = re.compile(r"[^\W_]+")
MAX_WORDS = 8
MAX_WORD = 40


def words(text: str) -> list[str]:
    """Return the searchable words of a query: lowercase letters and digits, at most 8."""
    return [w[:MAX_WORD] for w in _WORD.findall(text.lower())][:MAX_WORDS]


class NameHasWords(_Element[bool]):
    """True when every word starts a word of the item's name (compiled per database).

    Cacheable: the query text is a bound parameter of the element (listed in
    ``_traverse_internals``), so SQLAlchemy compiles the SQL once and only the value
    changes from search to search (compiling it anew cost ~7 ms a statement).
    """

    type = Boolean()
    inherit_cache = True
    _is_implicitly_boolean = True  # a predicate: never rendered as "(...) = 1"
    _traverse_internals = [("fts", InternalTraversal.dp_clauseelement),
                           ("tsquery", InternalTraversal.dp_clauseelement)]

    def __init__(self, terms: list[str]) -> None:
        # Letters and digits only reach here (see ``words``): no query syntax.
        self.fts: BindParameter[str] = bindparam(None, " ".join(f'"{w}"*' for w in terms), unique=True)
        self.tsquery: BindParameter[str] = bindparam(None, " & ".join(f"{w}:*" for w in terms), unique=True)


class SkuStartsWith(_Element[bool]):
    """True when the item's sku starts with a prefix, case as typed (compiled per database).

    Cacheable like ``NameHasWords``: the prefix lives in bound parameters of the element.
    """

    type = Boolean()
    inherit_cache = True
    _is_implicitly_boolean = True  # a predicate: never rendered as "(...) = 1"
    _traverse_internals = [("low", InternalTraversal.dp_clauseelement),
                           ("high", InternalTraversal.dp_clauseelement),
                           ("pattern", InternalTraversal.dp_clauseelement)]

    def __init__(self, prefix: str) -> None:
        self.low: BindParameter[str] = bindparam(None, prefix, unique=True)
        self.high: BindParameter[str] = bindparam(None, prefix + "\U0010ffff", unique=True)
        self.pattern: BindParameter[str] = bindparam(None, like_escape(prefix) + "%", unique=True)


@compiles(NameHasWords, "sqlite")
def _name_sqlite(element: NameHasWords, compiler: Any, **kw: Any) -> str:
    param = compiler.process(element.fts, **kw)
    return f"items.id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH {param})"  # noqa: S608


@compiles(NameHasWords, "postgresql")
def _name_postgresql(element: NameHasWords, compiler: Any, **kw: Any) -> str:
    param = compiler.process(element.tsquery, **kw)
    return f"to_tsvector('simple', items.name) @@ to_tsquery('simple', {param})"


@compiles(NameHasWords)
def _name_other(element: NameHasWords, compiler: Any, **kw: Any) -> str:  # pragma: no cover
    raise NotImplementedError("name search needs SQLite's FTS5 or PostgreSQL")


@compiles(SkuStartsWith, "postgresql")
def _sku_postgresql(element: SkuStartsWith, compiler: Any, **kw: Any) -> str:
    # ``LIKE 'abc%'`` uses the text_pattern_ops index whatever the database's collation.
    return f"items.sku LIKE {compiler.process(element.pattern, **kw)} ESCAPE '\\'"


@compiles(SkuStartsWith)
def _sku_range(element: SkuStartsWith, compiler: Any, **kw: Any) -> str:
    # SQLite compares text bytewise (BINARY): a prefix is exactly a range of the sku index.
    low, high = compiler.process(element.low, **kw), compiler.process(element.high, **kw)
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

