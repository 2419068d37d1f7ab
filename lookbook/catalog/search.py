"""Find items by words of their name or the start of their sku, through an index.

A name matches when each word typed starts a word of the name ("nav suit" finds
"Navy wool suit").  The words are looked up in the database's own full-text index
(FTS5 on SQLite, migration 0004; on PostgreSQL the stored ``items.name_search`` tsvector
and its GIN index, migration 0010), and a sku matches by prefix through an ordinary
index.  Nothing here scans the table, and no typed character is ever a wildcard or query
syntax: only letters and digits reach the index, as bound parameters.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    bindparam,
    false,
    literal_column,
    or_,
    select,
    table,
    union_all,
)
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
    """True when every word starts a word of the item's name: PostgreSQL's stored words
    (SQLite answers the same question with ``FtsMatches``, see ``matches_text``).

    Cacheable: the query text is a bound parameter of the element (listed in
    ``_traverse_internals``), so SQLAlchemy compiles the SQL once and only the value
    changes from search to search (compiling it anew cost ~7 ms a statement).
    """

    type = Boolean()
    inherit_cache = True
    _is_implicitly_boolean = True  # a predicate: never rendered as "(...) = 1"
    _traverse_internals = [("tsquery", InternalTraversal.dp_clauseelement)]

    def __init__(self, terms: list[str]) -> None:
        # Letters and digits only reach here (see ``words``): no query syntax.
        self.tsquery: BindParameter[str] = bindparam(None, " & ".join(f"{w}:*" for w in terms), unique=True)


class FtsMatches(_Element[bool]):
    """``items_fts MATCH`` the words: a row of SQLite's FTS5 table has them (its rowid is the item's id)."""

    type = Boolean()
    inherit_cache = True
    _is_implicitly_boolean = True
    _traverse_internals = [("fts", InternalTraversal.dp_clauseelement)]

    def __init__(self, terms: list[str]) -> None:
        self.fts: BindParameter[str] = bindparam(None, " ".join(f'"{w}"*' for w in terms), unique=True)


@compiles(FtsMatches)
def _fts_matches(element: FtsMatches, compiler: Any, **kw: Any) -> str:
    return f"items_fts MATCH {compiler.process(element.fts, **kw)}"


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


@compiles(NameHasWords, "postgresql")
def _name_postgresql(element: NameHasWords, compiler: Any, **kw: Any) -> str:
    # The stored words (migration 0010): testing a row is a comparison, not a to_tsvector.
    param = compiler.process(element.tsquery, **kw)
    return f"items.name_search @@ to_tsquery('simple', {param})"


@compiles(NameHasWords)
def _name_other(element: NameHasWords, compiler: Any, **kw: Any) -> str:  # pragma: no cover
    raise NotImplementedError("the stored words are PostgreSQL's; SQLite searches FTS5 (FtsMatches)")


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


class MatchesText(_Element[bool]):
    """The whole text condition, written the way each database answers it through its indexes.

    PostgreSQL: one OR of the sku prefixes and the stored words, tested on the row itself, so
    a bitmap scan ORs the indexes (one heap visit per match) and a walk of a list tests each
    row cheaply.  Written as ``id IN (SELECT ... UNION ALL ...)`` PostgreSQL read every match
    twice (the id list, then each row again by primary key: 7,500 lookups for "tote").
    SQLite: ``id IN`` one list of ids from the sku index and the FTS5 table's own rowids.
    """

    type = Boolean()
    inherit_cache = True
    _is_implicitly_boolean = True
    _traverse_internals = [("direct", InternalTraversal.dp_clauseelement),
                           ("listed", InternalTraversal.dp_clauseelement)]

    def __init__(self, direct: ColumnElement[bool], listed: ColumnElement[bool]) -> None:
        self.direct = direct
        self.listed = listed


@compiles(MatchesText, "postgresql")
def _matches_postgresql(element: MatchesText, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.direct, **kw)})"


@compiles(MatchesText)
def _matches_listed(element: MatchesText, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.listed, **kw))


def _sku_clauses(text: str) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = [SkuStartsWith(text)]
    if text.upper() != text:
        clauses.append(SkuStartsWith(text.upper()))
    return clauses


def matches_text(text: str, per_row: bool = False) -> ColumnElement[bool]:
    """Return the condition "the name has these words, or the sku starts with this text".

    ``per_row``: the rows come from elsewhere (a walk of a list) and are only tested; on
    SQLite ``items.id + 0`` keeps the planner from reading the rows through this id list.
    """
    text = text.strip()[:100]
    if not text:
        return false()
    found = words(text)
    direct = _sku_clauses(text) + ([NameHasWords(found)] if found else [])
    # SQLite: one id list from the indexes (UNION ALL), not an OR evaluated row by row.
    # correlate(None): each branch reads its own ``items``, not the outer query's row.
    # The name branch is the FTS5 table's rowids themselves (joining them back to items
    # first cost ~10 ms for a common word's 7,500 matches).
    branches: list[Any] = [select(Item.id).where(clause).correlate(None) for clause in _sku_clauses(text)]
    if found:
        branches.append(select(literal_column("rowid")).select_from(table("items_fts")).where(FtsMatches(found)))
    tested = Item.id + 0 if per_row else Item.id
    # Each form gets its own bound parameters (the statement cache keys them by position).
    return MatchesText(or_(*direct), tested.in_(union_all(*branches)))
