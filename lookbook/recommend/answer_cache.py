"""Remember answers for one catalog revision; any catalog change empties the cache.

The catalog revision changes with every write (items, stock, prices, lookbooks, pin and
hide rules), so an answer stored under the current revision is exactly the answer a
recomputation would give: caching never serves a deleted or sold-out bag.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

DEFAULT_SIZE = 2048


class AnswerCache:
    """A thread-safe LRU of answers, valid for a single revision at a time."""

    def __init__(self, maxsize: int = DEFAULT_SIZE) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._revision: str | None = None
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get_or_compute(self, key: Hashable, revision: str, compute: Callable[[], Any]) -> Any:
        """Return the answer stored for ``key`` under ``revision``, computing it if absent."""
        with self._lock:
            if revision != self._revision:
                self._data.clear()
                self._revision = revision
            elif key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                return self._data[key]
            self.misses += 1
        value = compute()  # outside the lock: other questions go on meanwhile
        with self._lock:
            if revision == self._revision:
                self._data[key] = value
                while len(self._data) > self.maxsize:
                    self._data.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._data)
