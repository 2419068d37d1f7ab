"""The server's model: loaded from the models folder, checked against the catalog revision.

Every request asks :meth:`ModelHolder.current` for the model with its session.  When
the catalog revision differs from the one the model was fitted on, the holder first
looks for a newer artifact on disk (``lookbook fit``, another worker or another host
may have written one); otherwise it keeps answering from the model it has and starts
one background refit, which takes the database lease of ``lookbook.recommend.refits``
so that one process in the whole deployment fits at a time.  No request ever waits for
a fit, except the very first one on an empty models folder (there is nothing to serve
yet); while another process is fitting that first model, requests get a 503.  A stale
model is safe to serve because results are always re-checked against the live rows
(see ``lookbook.recommend.service``); it only misses items added since.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session
from threadpoolctl import threadpool_limits

from lookbook.catalog.revision import current_revision
from lookbook.database import Database
from lookbook.database.leases import new_owner
from lookbook.recommend.artifacts import load_model, read_card
from lookbook.recommend.estimator import BagRecommender
from lookbook.recommend.refits import Refit, refit

log = logging.getLogger(__name__)
BUSY_RETRY_SECONDS = 5.0  # another process holds the refit lease: ask again after this
MODES = ("auto", "background", "never")


class ModelUnavailable(RuntimeError):
    """No model can be served (none saved and the refit failed)."""


@dataclass(frozen=True)
class Served:
    """The model a request uses, and whether it matches the catalog right now."""

    model: BagRecommender
    card: dict[str, Any]
    fresh: bool
    catalog: str = ""  # the catalog revision a stale model serves (a fresh one serves its own)

    @property
    def revision(self) -> str:
        return str(self.card.get("catalog_revision", ""))

    @property
    def catalog_revision(self) -> str:
        """The catalog revision this model serves (its own, or the newer one it is stale for)."""
        return self.revision if self.fresh else self.catalog

    @property
    def answers_revision(self) -> str | None:
        """Name what an answer depends on (catalog and model revision); None if not known."""
        catalog = self.catalog_revision
        return f"{catalog}/{self.revision}" if catalog and self.revision else None


class ModelHolder:
    """Hold one fitted model per process and keep it in step with the catalog."""

    def __init__(self, database: Database, models_dir: Path, *, refit: str = "auto") -> None:
        if refit not in MODES:
            raise ValueError(f"refit must be one of {', '.join(MODES)}")
        self.database = database
        self.models_dir = Path(models_dir)
        self.refit = refit  # auto = background; never = only `lookbook fit` (e.g. scheduled)
        self.owner = new_owner()
        self.fits = 0  # models this process fitted (the first one and background refits)
        self._lock = threading.Lock()
        self._first_fit_lock = threading.Lock()
        self._served: Served | None = None
        self._refit_thread: threading.Thread | None = None
        self._next_try = 0.0
        # A query is one mat-vec over a few MB: threading it costs more than it saves,
        # and several workers share the cores anyway (measured in bench/).
        threadpool_limits(limits=1, user_api="blas")

    def current(self, session: Session | str) -> Served:
        """Return the model to serve for the catalog as ``session`` sees it (never fits, but once).

        ``session`` may instead be the catalog revision, already read (see :func:`read_revision`).
        """
        return self.current_at(session if isinstance(session, str) else _read_revision(session))

    def current_at(self, revision: str) -> Served:
        """Return the model to serve for a catalog revision just read from the database."""
        served = self._served
        if served is not None and served.revision == revision:
            return served
        loaded = self._load_if(revision)
        if loaded is not None:
            return loaded
        if served is None:  # just started: an older artifact still beats waiting for a fit
            served = self._load_stale()
        if served is None:
            served = self._first_fit()
            if served.revision == revision:
                return served
        if self.refit != "never":
            self._refit_later()
        return Served(served.model, served.card, fresh=False, catalog=revision)

    def ready(self) -> tuple[bool, str]:
        """Readiness: a model is loaded, or can be loaded or fitted now."""
        with self.database.session() as session:
            served = self.current(session)
        state = "fresh" if served.fresh else "stale, refitting"
        counts = served.card.get("counts", {})
        return True, f"revision {served.revision[:8]} ({state}); {counts.get('bags', 0)} bags"

    def refitting(self) -> bool:
        """Tell whether this process is refitting in the background right now."""
        thread = self._refit_thread
        return thread is not None and thread.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for this process's background refit to end (tests, shutdown); True if none runs."""
        thread = self._refit_thread
        if thread is not None:
            thread.join(timeout)
        return not self.refitting()

    def _load_if(self, revision: str) -> Served | None:
        """Load the saved model if it was fitted on this revision."""
        card = read_card(self.models_dir)
        if card is None or card.get("catalog_revision") != revision:
            return None
        with self._lock:
            if self._served is not None and self._served.revision == revision:
                return self._served
            try:
                model, card = load_model(self.models_dir, card)
            except Exception as exc:  # noqa: BLE001 - any broken artifact means refit, never a 500
                log.warning("cannot load the model in %s (%s: %s); refitting",
                            self.models_dir, exc.__class__.__name__, exc)
                return None
            self._served = Served(model, card, fresh=True)
            return self._served

    def _load_stale(self) -> Served | None:
        """Load whatever model is saved, marked stale (the catalog moved on since)."""
        with self._lock:
            if self._served is not None:
                return self._served
            try:
                model, card = load_model(self.models_dir)
            except Exception:  # noqa: BLE001 - a broken artifact is as good as none
                return None
            self._served = Served(model, card, fresh=False)
            return self._served

    def _first_fit(self) -> Served:
        """Fit the first model on an empty models folder (the one fit a request waits for)."""
        with self._first_fit_lock:
            if self._served is None:
                try:
                    result = refit(self.database, self.models_dir, only_if_stale=True,
                                   keep_unsaved=True, owner=self.owner)
                except Exception as exc:  # noqa: BLE001 - no model to serve: 503, never a 500
                    log.exception("fitting the first recommender model failed")
                    raise ModelUnavailable("no recommender model is available") from exc
                if result is None:
                    raise ModelUnavailable("the first model is being fitted by another process")
                self._adopt(result)
            if self._served is None:
                raise ModelUnavailable("no recommender model is available")
            return self._served

    def _refit_later(self) -> None:
        """Start one background refit unless one runs here or the lease was busy just now."""
        with self._lock:
            if self.refitting() or time.monotonic() < self._next_try:
                return
            self._next_try = time.monotonic() + BUSY_RETRY_SECONDS
            self._refit_thread = threading.Thread(target=self._refit_in_background,
                                                  name="lookbook-refit", daemon=True)
            self._refit_thread.start()

    def _refit_in_background(self) -> None:
        _lower_priority()  # requests on this worker come first
        try:
            result = refit(self.database, self.models_dir, only_if_stale=True, keep_unsaved=True,
                           owner=self.owner)
        except Exception:  # noqa: BLE001 - keep serving the old model
            log.exception("background refit of the recommender failed")
            return
        if result is not None:  # None: another process holds the lease; its model will be on disk
            self._adopt(result)
            self._next_try = 0.0  # the catalog may have moved on during the fit

    def _adopt(self, result: Refit) -> None:
        """Serve what a refit produced: memory-mapped from disk, so workers share its pages."""
        self.fits += int(result.fitted)
        if result.model is not None:  # it could not be saved: serve it from this process
            with self._lock:
                self._served = Served(result.model, result.card, fresh=True)
            return
        self._load_if(str(result.card.get("catalog_revision", "")))


REVISION_SQL = "SELECT revision FROM catalog_state WHERE id = 1"


def read_revision(database: Database) -> str | None:
    """Read the catalog revision on a pooled driver connection, without an ORM session.

    What a cached answer costs: one indexed row read (about 15 us on SQLite against
    about 130 us through a session).  None when there is no revision row yet.
    """
    conn = database.engine.raw_connection()
    try:
        cursor = conn.cursor()
        try:
            cursor.execute(REVISION_SQL)
            row = cursor.fetchone()
        finally:
            cursor.close()
        if not database.is_sqlite:
            conn.rollback()  # end the driver's implicit transaction before the pool gets it back
    finally:
        conn.close()
    return str(row[0]) if row is not None and row[0] is not None else None


def _read_revision(session: Session) -> str:
    """Read the catalog revision with one plain statement (every request asks; no ORM needed)."""
    revision = session.connection().exec_driver_sql(REVISION_SQL).scalar()
    return str(revision) if revision is not None else current_revision(session)


def _lower_priority() -> None:
    """Lower this thread's CPU priority (Linux schedules threads individually)."""
    with contextlib.suppress(AttributeError, OSError):  # other platforms: leave it
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
