"""Send a repeated API read its stored response before Flask runs, while its revision holds.

A cached recommendation is a dictionary look-up, yet the request around it -- Flask's
routing and contexts, the text policy, CORS, the security and cache headers -- cost
three times the look-up (profiled in process: 0.14 ms of CPU per cached answer against
0.04 ms for a bare Flask route).  This WSGI layer, inside ProxyFix and outside Flask,
keeps the whole response the app gave to a GET and sends it again while the answers'
revision (catalog, model and click-through, read per request as the app reads it) is
the one it was computed for.  A write anywhere changes the revision, so the next request
goes through the app, on every worker and host.

What it may repeat is the app's decision, not a guess: only a response whose view marked
it as an encoded answer of a revision (:data:`MARK`), with status 200, a public
Cache-Control and no cookie.  It leaves to the app every other method, a request with a
body, credentials, cookies or a conditional or ranged header (the app answers 304 from
its own cache), and any request header it does not know -- those it names go into the
key (Host, Origin, Accept-Language...) or are known not to change an answer (User-Agent,
Referer, X-Forwarded-*, which ProxyFix has already applied).  When a default rate limit
counts every request, Flask-Limiter must see each one, so the front stays off.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from lookbook.recommend.answer_cache import DEFAULT_SIZE as ANSWERS_KEPT

MARK = "lookbook.answer_revision"  # environ key: the revision the view's answer is for
# Responses kept: as many as the answer cache keeps answers, whose body bytes they share
# while both hold them.  An answer is about 4 KB at the default limit of 5 (8 MB for 2,048
# of them) and about 35 KB at limit 50 (measured, 100k bags).
DEFAULT_SIZE = ANSWERS_KEPT

# Request headers (WSGI keys) after which the app itself must answer.
BYPASS = frozenset(("HTTP_COOKIE", "HTTP_AUTHORIZATION", "HTTP_IF_NONE_MATCH", "HTTP_IF_MATCH",
                    "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE", "HTTP_RANGE",
                    "HTTP_IF_RANGE", "HTTP_EXPECT"))
# Request headers that change nothing in an answer or its headers.
IGNORED = frozenset(("HTTP_USER_AGENT", "HTTP_REFERER", "HTTP_X_REQUEST_ID", "HTTP_CONNECTION",
                     "HTTP_KEEP_ALIVE", "HTTP_ACCEPT", "HTTP_ACCEPT_ENCODING", "HTTP_CACHE_CONTROL",
                     "HTTP_PRAGMA", "HTTP_DNT", "HTTP_PRIORITY", "HTTP_FORWARDED", "HTTP_X_REAL_IP",
                     "HTTP_TRACEPARENT", "HTTP_TRACESTATE", "HTTP_UPGRADE_INSECURE_REQUESTS"))
IGNORED_PREFIXES = ("HTTP_X_FORWARDED_", "HTTP_SEC_FETCH_", "HTTP_SEC_CH_")
# Response headers never repeated: set afresh for each request.
PER_REQUEST = frozenset(("x-request-id", "x-answer-cache"))
REFUSED = ("set-cookie", "x-ratelimit-", "retry-after")

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True)
class Stored:
    """One response the app gave, as sent (minus its per-request headers)."""

    revision: str
    status: str
    headers: tuple[tuple[str, str], ...]
    body: tuple[bytes, ...]


def request_key(environ: dict[str, Any]) -> tuple | None:
    """Name a GET by everything that can change its response; None if the app must answer."""
    if environ.get("REQUEST_METHOD") != "GET" or environ.get("CONTENT_LENGTH") not in (None, "", "0"):
        return None
    headers = []
    for name, value in environ.items():
        if not name.startswith("HTTP_") or name in IGNORED:
            continue
        if name in BYPASS:
            return None
        if not name.startswith(IGNORED_PREFIXES):
            headers.append((name, value))
    return (environ.get("wsgi.url_scheme"), environ.get("SERVER_NAME"), environ.get("SERVER_PORT"),
            environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""),
            tuple(sorted(headers)))


class AnswerFront:
    """WSGI middleware: repeat stored answers of the current revision, otherwise ask the app."""

    def __init__(self, app: WSGIApp, revision: Callable[[], str | None],
                 request_id: Callable[[dict[str, Any]], str], *, size: int = DEFAULT_SIZE) -> None:
        self.app = app
        self.revision = revision  # the answers' revision now (None: let the app name it)
        self.request_id = request_id
        self.size = size
        self._stored: OrderedDict[tuple, Stored] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        key = request_key(environ)
        if key is None:
            return self.app(environ, start_response)
        stored = self._stored.get(key)
        if stored is not None:
            try:
                now = self.revision()
            except Exception:  # noqa: BLE001 - the database or model is away: the app answers (503)
                return self.app(environ, start_response)
            if stored.revision == now:
                start_response(stored.status, [*stored.headers, ("X-Request-ID", self.request_id(environ)),
                                               ("X-Answer-Cache", "process")])
                return stored.body
            if now is not None:  # a new revision: what was kept for older ones is dead weight
                self._keep_only(now)
        sent: list[Any] = []

        def keep_status(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            sent[:] = [status, headers]
            return start_response(status, headers, exc_info)

        body = self.app(environ, keep_status)
        revision = environ.get(MARK)
        if revision is None or not sent or not _repeatable(*sent):
            return body
        try:
            chunks = tuple(body)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
        headers = tuple((n, v) for n, v in sent[1] if n.lower() not in PER_REQUEST)
        self._keep(key, Stored(revision, sent[0], headers, chunks))
        return chunks

    def _keep(self, key: tuple, stored: Stored) -> None:
        with self._lock:
            self._stored[key] = stored
            self._stored.move_to_end(key)
            while len(self._stored) > self.size:
                self._stored.popitem(last=False)

    def _keep_only(self, revision: str) -> None:
        with self._lock:
            self._stored = OrderedDict((k, v) for k, v in self._stored.items() if v.revision == revision)

    def __len__(self) -> int:
        return len(self._stored)


def install(app: Any) -> AnswerFront:
    """Return an app's WSGI callable behind a front reading the app's own answers' revision."""
    from lookbook.server.http import request_id_for
    from lookbook.server.services import answers_revision_of

    front = AnswerFront(app.wsgi_app, lambda: answers_revision_of(app), request_id_for)
    app.extensions["lookbook.answer_front"] = front
    return front


def _repeatable(status: str, headers: list[tuple[str, str]]) -> bool:
    """Tell whether a response may be sent again to the same request: a public 200."""
    if not status.startswith("200 "):
        return False
    public = False
    for name, value in headers:
        lower = name.lower()
        if lower.startswith(REFUSED):
            return False
        if lower == "cache-control":
            public = "public" in value and "no-store" not in value and "private" not in value
    return public
