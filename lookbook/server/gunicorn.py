"""Run the app under gunicorn (POSIX) with the app factory, one place for serve and demo."""

from __future__ import annotations

import json
import sys
from typing import Any

from lookbook.server.app import create_app

# gunicorn reads the request line itself; longer lines never reach the app.  The app
# answers 414 from lookbook.server.inbound.MAX_URL (8000) on, with a problem document.
LIMIT_REQUEST_LINE = 8190
_DETAILS = {400: "the request could not be read", 414: "the address is too long",
            431: "the request headers are too large", 403: "the request was refused",
            417: "the expectation cannot be met", 501: "the transfer coding is not supported"}


def problem_error(sock: Any, status_int: int, reason: str, _mesg: str) -> None:
    """Answer a request gunicorn refused before the app saw it with a problem document.

    Replaces ``gunicorn.util.write_error`` (an HTML page that repeats the request line).
    """
    from gunicorn import util

    body = json.dumps({"type": f"https://lookbook.example/problems/{reason.lower().replace(' ', '-')}",
                       "title": reason, "status": status_int,
                       "detail": _DETAILS.get(status_int, "the request was refused")}).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
            "Content-Type: application/problem+json\r\nCache-Control: no-store\r\n"
            f"X-Content-Type-Options: nosniff\r\nContent-Length: {len(body)}\r\n\r\n").encode("latin-1")
    util.write_nonblock(sock, head + body)


def access_logger_class() -> type:
    """Return gunicorn's logger with a cheaper access line in the same (default) format.

    gunicorn builds a dictionary of every request header, response header and environ
    variable for each access line; on a cached answer that was about a tenth of the
    worker's CPU.  This writes the same combined-format line from the few values it
    shows, escaping quotes as gunicorn does; a custom ``access_log_format`` falls back
    to gunicorn's own code.
    """
    import time

    from gunicorn import glogging
    from gunicorn.config import AccessLogFormat

    class AccessLogger(glogging.Logger):
        _stamp: tuple[int, str] = (-1, "")

        def now(self) -> str:
            second = int(time.time())
            if self._stamp[0] != second:  # strftime once a second, not once a request
                self._stamp = (second, time.strftime("[%d/%b/%Y:%H:%M:%S %z]", time.localtime(second)))
            return self._stamp[1]

        def access(self, resp: Any, req: Any, environ: Any, request_time: Any) -> None:
            if not self.access_log_enabled:
                return
            if self.cfg.access_log_format != AccessLogFormat.default:
                super().access(resp, req, environ, request_time)
                return
            status = resp.status
            if isinstance(status, str):
                status = status.split(None, 1)[0]
            sent = getattr(resp, "sent", None)

            def q(value: Any) -> str:
                return str(value).replace('"', '\\"')

            host, user = q(environ.get("REMOTE_ADDR", "-")), q(self._get_user(environ) or "-")
            first = f"{q(environ['REQUEST_METHOD'])} {q(environ['RAW_URI'])} {q(environ['SERVER_PROTOCOL'])}"
            size = sent if sent is not None else "-"
            line = (f'{host} - {user} {self.now()} "{first}" {status} {size} '
                    f'"{q(environ.get("HTTP_REFERER", "-"))}" "{q(environ.get("HTTP_USER_AGENT", "-"))}"')
            try:
                self.access_log.info(line)
            except Exception:  # noqa: BLE001 - as gunicorn does: a log failure never fails a request
                self.error("access log failed")

    return AccessLogger


def settle_heap() -> None:
    """Move everything a worker built at start-up out of the garbage collector's sight.

    The modules, the app and its settings (~200k objects, most of them scikit-learn's and
    SciPy's) never become garbage, yet every full collection walked them: measured, one
    192 ms pause in 3,000 ad-hoc answers, i.e. the p99 of a busy worker.  ``gc.freeze``
    keeps them out of later collections; collecting first leaves no garbage frozen.
    """
    import gc

    gc.collect()
    gc.freeze()


def install_problem_errors() -> None:
    """Make gunicorn's own refusals (414, 431, 400) problem+json like the app's."""
    from gunicorn import util

    util.write_error = problem_error


def run(host: str, port: int, workers: int) -> None:
    """Serve on host:port with gunicorn workers (werkzeug where gunicorn cannot run)."""
    app = create_app()  # fail early (e.g. a missing secret key) before forking
    if sys.platform == "win32":  # pragma: no cover - gunicorn needs fork
        from werkzeug.serving import run_simple

        run_simple(host, port, app, threaded=True)
        return
    from gunicorn.app.base import BaseApplication

    class _Server(BaseApplication):
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": 4,
                "worker_class": "lookbook.server.fair_worker.FairThreadWorker",
                "timeout": 30,
                "accesslog": "-",
                "logger_class": access_logger_class(),
                "loglevel": "info",
                "limit_request_line": LIMIT_REQUEST_LINE,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            served = create_app() if workers > 1 else app
            settle_heap()
            return served

    install_problem_errors()
    _Server().run()
