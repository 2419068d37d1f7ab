"""Run the app under gunicorn (POSIX) with the app factory, one place for serve and demo."""

from __future__ import annotations

import sys
from typing import Any

from lookbook.server.app import create_app


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
                "worker_class": "gthread",
                "timeout": 30,
                "accesslog": "-",
                "loglevel": "info",
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return create_app() if workers > 1 else app

    _Server().run()
