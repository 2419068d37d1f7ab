"""Cross-cutting HTTP behaviour: request ids, security headers, caching, errors."""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import re
import uuid

from flask import Flask, Response, current_app, g, render_template, request
from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from lookbook.api.problems import ApiProblem, param_problem, problem_response
from lookbook.catalog.params import ParamError
from lookbook.catalog.text import TextInvalid
from lookbook.images.errors import StorageUnavailable
from lookbook.recommend.holder import ModelUnavailable

log = logging.getLogger("lookbook")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
API_PREFIXES = ("/api/", "/oembed", "/health")
# Pages that show or change private data: never stored by a browser or a shared cache.
PRIVATE_PREFIXES = ("/curate", "/login", "/logout")
RETRY_STATUSES = (429, 503)
# Request headers (WSGI keys) that make a GET conditional or partial.
CONDITIONAL = frozenset(("HTTP_IF_NONE_MATCH", "HTTP_IF_MATCH", "HTTP_IF_MODIFIED_SINCE",
                         "HTTP_IF_UNMODIFIED_SINCE", "HTTP_RANGE", "HTTP_IF_RANGE"))
_ID_PREFIX = uuid.uuid4().hex[:16]  # per process (re-drawn after a fork, see below)
_ID_COUNTER = itertools.count(1)


def _new_process() -> None:
    global _ID_PREFIX, _ID_COUNTER  # noqa: PLW0603 - per-process state, reset in a forked child
    _ID_PREFIX, _ID_COUNTER = uuid.uuid4().hex[:16], itertools.count(1)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_new_process)


def wants_problem() -> bool:
    """Tell whether this request should get problem+json rather than an HTML page."""
    return request.path.startswith(API_PREFIXES)


def init_app(app: Flask) -> None:
    """Install request ids, the text policy, headers, conditional GETs and error handlers."""
    from lookbook.server import cookies, inbound

    app.before_request(_assign_request_id)
    inbound.init_app(app)
    cookies.init_app(app)
    app.after_request(_finish_response)
    app.register_error_handler(ApiProblem, lambda exc: exc.response())
    app.register_error_handler(ParamError, _invalid_params)
    app.register_error_handler(ModelUnavailable, _model_unavailable)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(DBAPIError, _database_error)
    app.register_error_handler(DisconnectionError, _database_unavailable)
    app.register_error_handler(PoolTimeout, _database_unavailable)
    app.register_error_handler(StorageUnavailable, _storage_unavailable)
    app.register_error_handler(TextInvalid, _text_invalid)
    app.register_error_handler(Exception, _unexpected)


def new_request_id() -> str:
    """Return a request id unique across processes and hosts: a random process prefix and a
    counter (32 hex digits like a uuid4's, without an os.urandom call per request)."""
    return f"{_ID_PREFIX}{next(_ID_COUNTER):016x}"


def request_id_for(environ: dict) -> str:
    """Return a request's id: the caller's X-Request-ID when it is well formed, else a new one."""
    incoming = environ.get("HTTP_X_REQUEST_ID", "")
    return incoming if incoming and _REQUEST_ID.match(incoming) else new_request_id()


def _assign_request_id() -> None:
    g.request_id = request_id_for(request.environ)


def _finish_response(resp: Response) -> Response:
    headers = resp.headers
    req = request._get_current_object()  # type: ignore[attr-defined]  # one proxy look-up, not ten
    # Which headers the view already set, read once: each ``in``/``setdefault`` on werkzeug's
    # Headers scans the list and raises a KeyError for a missing name (a sixth of a cached
    # answer's CPU went to these look-ups, profiled).
    present = {name.lower() for name, _value in headers}

    def default(name: str, value: str) -> None:
        if name.lower() not in present:
            headers.add(name, value)
            present.add(name.lower())

    if "x-request-id" in present:
        headers["X-Request-ID"] = g.get("request_id") or new_request_id()
    else:
        headers.add("X-Request-ID", g.get("request_id") or new_request_id())
    default("X-Content-Type-Options", "nosniff")
    default("Referrer-Policy", "strict-origin-when-cross-origin")
    default("Content-Security-Policy", CSP)
    if req.is_secure:
        default("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if "retry-after" in present and resp.status_code not in RETRY_STATUSES:  # the limiter adds it to all
        headers.pop("Retry-After", None)
    if req.path.startswith("/health/") or _private():
        headers["Cache-Control"] = "no-store"
        present.add("cache-control")
    if "access-control-allow-origin" in present and _is_write():
        for header in [h for h in headers.keys() if h.lower().startswith("access-control-")]:
            del headers[header]
    if (
        req.method in ("GET", "HEAD")
        and resp.status_code == 200
        and resp.mimetype == "application/json"
        and not resp.direct_passthrough
    ):
        default("Cache-Control", "public, max-age=60")
        if "etag" not in present:  # encoded answers bring the tag they were cached with
            resp.set_etag(hashlib.sha256(resp.get_data()).hexdigest()[:32], weak=True)
        if not CONDITIONAL.isdisjoint(req.environ):  # only a conditional or ranged GET changes
            resp.make_conditional(req)
    return resp


def _private() -> bool:
    """Tell whether this response may hold private data (staff pages, a signed-in user)."""
    if request.path.startswith(PRIVATE_PREFIXES):
        return True
    user = g.get("_login_user")  # only when this request looked at who is signed in
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _is_write() -> bool:
    """Tell whether this request (or the request a CORS preflight asks about) is a write."""
    if request.method != "OPTIONS":  # the rule Flask already matched is the one that ran
        endpoint = request.url_rule.endpoint if request.url_rule else None
    else:  # a preflight matched the OPTIONS rule; find the view it asks about
        method = request.headers.get("Access-Control-Request-Method", "").upper()
        if not method:
            return False
        try:
            endpoint, _args = current_app.url_map.bind("").match(request.path, method=method)
        except HTTPException:
            return False
    return bool(getattr(current_app.view_functions.get(endpoint or ""), "writes", False))


def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    headers = {}
    valid = getattr(exc, "valid_methods", None)
    if status == 405 and valid:
        headers["Allow"] = ", ".join(valid)
    retry_after = getattr(exc, "retry_after", None)  # Flask-Limiter's RateLimitExceeded
    if status == 429 and retry_after:
        headers["Retry-After"] = str(retry_after)
    if status == 503:
        headers["Retry-After"] = "60"
    if wants_problem():
        detail = exc.description or exc.name
        return problem_response(status, detail, title=exc.name, headers=headers)
    return _page(status, exc.name, exc.description or "", headers)


def _page(status: int, title: str, detail: str, headers: dict[str, str] | None = None,
          **context: object) -> Response:
    """Render the site's one error page."""
    page = render_template("error.html", status=status, title=title, detail=detail, **context)
    return Response(page, status=status, mimetype="text/html", headers=headers or {})


def _invalid_params(exc: ParamError) -> Response:
    if wants_problem():
        return param_problem(exc).response()
    return _page(400, "Please check the filters",
                 "Some of the filters in this address are not valid.", errors=exc.errors)


def _model_unavailable(exc: ModelUnavailable) -> Response:
    detail = "recommendations are not available right now; try again shortly"
    if wants_problem():
        return problem_response(503, detail, title="Service unavailable",
                                headers={"Retry-After": "30"})
    return _page(503, "Service unavailable", detail, {"Retry-After": "30"})


def _database_error(exc: DBAPIError) -> Response:
    """Answer a database error by its cause: the caller's data, a conflict, or an outage."""
    if isinstance(exc, DataError):
        return _database_refused_value(exc)
    if isinstance(exc, IntegrityError):
        log.warning("integrity error: %s", exc.orig.__class__.__name__)
        detail = ("the change conflicts with what is stored (e.g. a sku or slug that exists, "
                  "or an item another change removed); reload and try again")
        if wants_problem():
            return problem_response(409, detail, title="Conflict")
        return _page(409, "Conflict", detail)
    if isinstance(exc, OperationalError | InterfaceError) or exc.connection_invalidated:
        return _database_unavailable(exc)
    return _unexpected(exc)


def _database_refused_value(exc: DataError) -> Response:
    """A value the database cannot store (too long, NUL on PostgreSQL): the caller's 422."""
    column = getattr(getattr(exc.orig, "diag", None), "column_name", None)
    log.warning("database refused a value (%s, column %s)", exc.orig.__class__.__name__, column)
    detail = "a value does not fit what the catalog can store (too long, or holding a NUL byte)"
    errors = [{"field": column, "message": "does not fit the stored column"}] if column else []
    if wants_problem():
        return problem_response(422, detail, title="Invalid value", errors=errors)
    return _page(422, "Please check what you entered", detail)


def _text_invalid(exc: TextInvalid) -> Response:
    """A string a view forgot to check reached the text policy: still the caller's 400."""
    log.warning("text refused outside a field check: %s", exc.message)
    detail = f"a value {exc.message}"
    if wants_problem():
        return problem_response(400, detail, title="Invalid text")
    return _page(400, "Please check what you entered", detail)


def _storage_unavailable(exc: StorageUnavailable) -> Response:
    log.error("media storage refused a write: %s", exc)
    headers = {"Retry-After": "60"} if exc.status in RETRY_STATUSES else {}
    if wants_problem():
        return problem_response(exc.status, str(exc), title=exc.title, slug=exc.slug,
                                headers=headers)
    return _page(exc.status, exc.title, str(exc), headers)


def _database_unavailable(exc: Exception) -> Response:
    log.warning("database unavailable: %s", exc.__class__.__name__, exc_info=exc)
    detail = "the catalog database is not reachable right now; try again shortly"
    if wants_problem():
        return problem_response(503, detail, title="Service unavailable",
                                headers={"Retry-After": "5"})
    return _page(503, "Service unavailable", detail, {"Retry-After": "5"})


def _unexpected(exc: Exception) -> Response:
    log.exception("unhandled error (request %s)", g.get("request_id"))
    detail = f"something went wrong on our side (request {g.get('request_id', '-')})"
    if wants_problem():
        return problem_response(500, detail, title="Internal server error")
    return _page(500, "Internal server error", detail)
