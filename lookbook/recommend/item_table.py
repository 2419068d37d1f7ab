"""The items answers show, read once per catalog revision and shared by a process's requests.

Every write changes the catalog revision, so within one revision the rows are
immutable: an item read under revision R is exactly what re-reading it under R would
give.  The table keeps such rows (``ItemRow``: read through Core with their tags,
colours and images, attached to no session, never modified), keyed by the revision
the request read; a new revision empties it.  The
live re-check of a ranking is then a dictionary lookup; only items no request has
needed yet under this revision are read, in one batch per answer.  Answers built from
it are therefore held to the live catalog exactly as before: nothing deleted, hidden
or sold out is ever served.

It also keeps each item's API JSON, encoded once per revision and site (the URLs in it
are absolute), for answers that splice items into their body, and values derived from
the catalog such as an outfit's curator rules (rule writes change the revision too).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any, cast

from sqlalchemy.orm import Session

from lookbook.catalog.models import Item
from lookbook.catalog.rows import ItemRow, read_rows

DEFAULT_SIZE = 50_000


class ItemTable:
    """A thread-safe, revision-scoped LRU of read-only items and their encoded JSON."""

    def __init__(self, maxsize: int = DEFAULT_SIZE) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._revision: str | None = None
        self._lock = threading.Lock()
        self.loads = 0  # database round trips for items not held yet (tests, benches)

    # -- the generic part: values for one revision ---------------------------------------------
    def _get_many(self, revision: str, keys: Iterable[Hashable]) -> dict[Hashable, Any]:
        with self._lock:
            if revision != self._revision:
                self._data.clear()
                self._revision = revision
                return {}
            found = {}
            for key in keys:
                if key in self._data:
                    self._data.move_to_end(key)
                    found[key] = self._data[key]
            return found

    def _put_many(self, revision: str, values: dict[Hashable, Any]) -> None:
        with self._lock:
            if revision != self._revision:
                return
            self._data.update(values)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    # -- items, rules and encoded JSON ---------------------------------------------------------
    def items(self, session: Session | Callable[[], Session], revision: str,
              skus: Iterable[str]) -> dict[str, Item]:
        """Return the rows of these skus under ``revision`` (deleted ones are simply absent).

        ``session`` may be a function returning the request's session: it is only called
        when some row must be read.  The values are ``ItemRow``s, typed as the ``Item``
        whose read surface they copy (tests hold the two to the same JSON and pages).
        """
        wanted = list(dict.fromkeys(skus))
        held = self._get_many(revision, [("item", s) for s in wanted])
        out: dict[str, ItemRow] = {key[1]: row for key, row in held.items() if row is not None}  # type: ignore[index]
        missing = [s for s in wanted if ("item", s) not in held]
        if missing:
            self.loads += 1
            if not isinstance(session, Session):
                session = session()
            # Plain rows through Core on the request's connection (same transaction, same
            # snapshot): read-only, never tracked by a session, shared by every request.
            rows = read_rows(session.connection(), missing)
            out.update(rows)
            self._put_many(revision, {("item", s): rows.get(s) for s in missing})  # None: no such sku
        return cast("dict[str, Item]", out)

    def value(self, revision: str, key: Hashable, compute: Callable[[], Any]) -> Any:
        """Return a value derived from the catalog under ``revision`` (e.g. an outfit's curator
        rules), computing it once per revision: every catalog write changes the revision."""
        full = ("value", key)
        held = self._get_many(revision, [full])
        if full in held:
            return held[full]
        value = compute()
        self._put_many(revision, {full: value})
        return value

    def encoded(self, revision: str, site: Hashable, item: Any, encode: Callable[[Any], bytes]) -> bytes:
        """Return an item's API JSON encoded for ``site``, encoding it once per revision."""
        key = ("json", site, item.sku)
        held = self._get_many(revision, [key])
        if key in held:
            return held[key]
        value = encode(item)
        self._put_many(revision, {key: value})
        return value

