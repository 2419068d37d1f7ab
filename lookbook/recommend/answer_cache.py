"""Remember answers for one revision; any catalog change (or a new model) empties the cache.

The revision an answer is stored under names both the catalog revision and the revision
of the model that ranked it.  The catalog revision changes with every write (items,
stock, prices, lookbooks, pin and hide rules) and every answer is re-checked against the
live rows of that revision, so an answer stored under the current pair is exactly the
answer a recomputation would give: caching never serves a deleted, hidden or sold-out bag.

Two layers: an LRU in this process, and optionally a store shared by every worker and
host (:class:`lookbook.recommend.shared_answers.SharedAnswers`, Redis).  API answers are
kept *encoded* -- the JSON bytes and their ETag -- so a hit costs neither ranking nor
serialising, and a conditional GET is answered 304 from the ETag alone.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Protocol

DEFAULT_SIZE = 2048


@dataclass(frozen=True)
class Encoded:
    """An answer as sent: the JSON body and its entity tag (a hash of the body)."""

    body: bytes
    etag: str

    @classmethod
    def of(cls, body: bytes) -> Encoded:
        """Wrap encoded bytes with their tag."""
        return cls(body, hashlib.sha256(body).hexdigest()[:32])


class SharedStore(Protocol):
    """Where encoded answers are shared between processes (see ``shared_answers``)."""

    def get(self, revision: str, key: Hashable) -> Encoded | None: ...

    def put(self, revision: str, key: Hashable, value: Encoded) -> None: ...


class AnswerCache:
    """A thread-safe LRU of answers, valid for a single revision at a time."""

    def __init__(self, maxsize: int = DEFAULT_SIZE, shared: SharedStore | None = None) -> None:
        self.maxsize = maxsize
        self.shared = shared
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._revision: str | None = None
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get_or_compute(self, key: Hashable, revision: str, compute: Callable[[], Any]) -> Any:
        """Return the answer stored for ``key`` under ``revision``, computing it if absent."""
        found, value = self._lookup(key, revision)
        if found:
            return value
        value = compute()  # outside the lock: other questions go on meanwhile
        self._store(key, revision, value)
        return value

    def encoded(self, key: Hashable, revision: str, encode: Callable[[], bytes]) -> tuple[Encoded, str]:
        """Return the encoded answer for ``key`` and where it came from.

        ``"process"`` (this process remembered it), ``"shared"`` (another worker or host
        did), or ``"computed"`` (``encode`` ran, and the answer is now remembered).
        """
        key = ("encoded", key)
        found, value = self._lookup(key, revision)
        if found:
            return value, "process"
        origin = "shared"
        value = self.shared.get(revision, key) if self.shared is not None else None
        if value is None:
            origin = "computed"
            value = Encoded.of(encode())
            if self.shared is not None:
                self.shared.put(revision, key, value)
        self._store(key, revision, value)
        return value, origin

    def _lookup(self, key: Hashable, revision: str) -> tuple[bool, Any]:
        with self._lock:
            if revision != self._revision:
                self._data.clear()
                self._revision = revision
            elif key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                return True, self._data[key]
            self.misses += 1
            return False, None

    def _store(self, key: Hashable, revision: str, value: Any) -> None:
        with self._lock:
            if revision == self._revision:
                self._data[key] = value
                while len(self._data) > self.maxsize:
                    self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)
