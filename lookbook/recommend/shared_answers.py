"""Encoded answers shared by every worker and host through Redis.

A hot outfit answered by one worker is answered by every other worker, and by a second
app server, without ranking again.  Entries are ``etag\\n`` + JSON bytes under a key that
names the revision (catalog and model), so a write makes every old entry unreachable at
once; a TTL lets Redis drop them.  Redis is an accelerator, never a dependency: when it
is unreachable the cache logs it, stops asking for a while, and the app answers from its
own process -- slower, never a 500.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Hashable
from typing import Any

from lookbook.recommend.answer_cache import Encoded

log = logging.getLogger(__name__)
TTL_SECONDS = 600
RETRY_AFTER_SECONDS = 30.0
TIMEOUT_SECONDS = 0.25


class SharedAnswers:
    """Get and put encoded answers in Redis; every failure degrades to a miss."""

    def __init__(self, client: Any, *, prefix: str = "lookbook", ttl: int = TTL_SECONDS,
                 retry_after: float = RETRY_AFTER_SECONDS) -> None:
        self.client = client
        self.prefix = f"{prefix}:answers"
        self.ttl = ttl
        self.retry_after = retry_after
        self._down_until = 0.0
        self._lock = threading.Lock()
        self.hits = self.misses = self.errors = 0

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> SharedAnswers:
        """Connect lazily to the Redis at ``url`` with short timeouts."""
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS,
                                      socket_timeout=TIMEOUT_SECONDS)
        return cls(client, **kwargs)

    def key(self, revision: str, key: Hashable) -> str:
        """Return the Redis key of an answer: the revision in clear, the question hashed."""
        digest = hashlib.sha256(repr(key).encode()).hexdigest()[:40]
        return f"{self.prefix}:{revision}:{digest}"

    @property
    def available(self) -> bool:
        """Tell whether Redis is worth asking (not failed within the last ``retry_after`` s)."""
        return time.monotonic() >= self._down_until

    def get(self, revision: str, key: Hashable) -> Encoded | None:
        """Return the shared answer, or None (absent, malformed, or Redis unreachable)."""
        if not self.available:
            return None
        try:
            raw = self.client.get(self.key(revision, key))
        except Exception as exc:  # noqa: BLE001 - any Redis failure is a miss
            self._failed(exc)
            return None
        tag, sep, body = (raw or b"").partition(b"\n")
        if not sep or len(tag) != 32:
            self.misses += 1
            return None
        self.hits += 1
        return Encoded(body, tag.decode("ascii"))

    def put(self, revision: str, key: Hashable, value: Encoded) -> None:
        """Share an answer for ``ttl`` seconds (silently skipped when Redis is unreachable)."""
        if not self.available:
            return
        try:
            self.client.set(self.key(revision, key), value.etag.encode("ascii") + b"\n" + value.body,
                            ex=self.ttl)
        except Exception as exc:  # noqa: BLE001 - sharing is best effort
            self._failed(exc)

    def _failed(self, exc: Exception) -> None:
        with self._lock:
            self.errors += 1
            first = self.available
            self._down_until = time.monotonic() + self.retry_after
        if first:
            log.warning("answer cache: Redis unreachable (%s: %s); answering from this process "
                        "only for the next %.0f s", exc.__class__.__name__, exc, self.retry_after)
