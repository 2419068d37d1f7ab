"""The server's model: loaded from the models folder, checked against the catalog revision.

Every request asks :meth:`ModelHolder.current` for the model with its session.  When
the catalog revision differs from the one the model was fitted on, the holder first
looks for a newer artifact on disk (``lookbook fit`` or another worker may have
written one), then refits: in the request for small catalogs, in a background thread
for large ones (serving the previous model meanwhile).  A stale model is safe to
serve because results are always re-checked against the live rows (see
``lookbook.recommend.service``); it only misses items added since.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session
from threadpoolctl import threadpool_limits

from lookbook.catalog.revision import current_revision
from lookbook.database import Database
from lookbook.recommend.artifacts import load_model, read_card, save_model
from lookbook.recommend.data import load_catalog
from lookbook.recommend.estimator import BagRecommender

log = logging.getLogger(__name__)
SYNC_REFIT_MAX_ITEMS = 20_000


class ModelUnavailable(RuntimeError):
    """No model can be served (none saved and the refit failed)."""


@dataclass(frozen=True)
class Served:
    """The model a request uses, and whether it matches the catalog right now."""

    model: BagRecommender
    card: dict[str, Any]
    fresh: bool

    @property
    def revision(self) -> str:
        return str(self.card.get("catalog_revision", ""))


class ModelHolder:
    """Hold one fitted model per process and keep it in step with the catalog."""

    def __init__(self, database: Database, models_dir: Path, *, refit: str = "auto",
                 sync_max_items: int = SYNC_REFIT_MAX_ITEMS) -> None:
        if refit not in ("auto", "sync", "background", "never"):
            raise ValueError("refit must be auto, sync, background or never")
        self.database = database
        self.models_dir = Path(models_dir)
        self.refit = refit
        self.sync_max_items = sync_max_items
        self._lock = threading.Lock()
        self._served: Served | None = None
        self._refitting = False
        # A query is one mat-vec over a few MB: threading it costs more than it saves,
        # and several workers share the cores anyway (measured in bench/).
        threadpool_limits(limits=1, user_api="blas")

    def current(self, session: Session) -> Served:
        """Return the model to serve for the catalog as ``session`` sees it."""
        revision = current_revision(session)
        served = self._served
        if served is not None and served.revision == revision:
            return served
        loaded = self._load_if(revision)
        if loaded is not None:
            return loaded
        if served is None:  # just started: an older artifact still beats waiting for a fit
            served = self._load_stale()
        mode = self._mode(served) if served is not None else "sync"
        if mode == "sync":
            return self._refit_now(revision)
        if mode == "background":
            self._refit_later()
        assert served is not None  # mode is "sync" whenever nothing is served yet
        return Served(served.model, served.card, fresh=False)

    def ready(self) -> tuple[bool, str]:
        """Readiness: a model is loaded, or can be loaded or fitted now."""
        with self.database.session() as session:
            served = self.current(session)
        state = "fresh" if served.fresh else "stale, refitting"
        counts = served.card.get("counts", {})
        return True, f"revision {served.revision[:8]} ({state}); {counts.get('bags', 0)} bags"

    def _mode(self, served: Served) -> str:
        if self.refit != "auto":
            return self.refit
        counts = served.card.get("counts", {})
        size = int(counts.get("bags", 0)) + int(counts.get("outfits", 0))
        return "sync" if size <= self.sync_max_items else "background"

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

    def _fit(self) -> Served:
        with self.database.session() as session:
            catalog = load_catalog(session)
        model = BagRecommender().fit(catalog)
        try:
            card = save_model(model, self.models_dir)
        except OSError as exc:  # a read-only models folder must not stop serving
            log.warning("refitted model not saved to %s: %s", self.models_dir, exc)
            card = {"catalog_revision": model.revision_, "counts": {
                "bags": len(model.bags_.skus), "outfits": len(model.outfit_skus_)}}
        return Served(model, card, fresh=True)

    def _refit_now(self, revision: str) -> Served:
        with self._lock:
            if self._served is not None and self._served.revision == revision:
                return self._served
            try:
                self._served = self._fit()
            except Exception as exc:  # noqa: BLE001 - fall back to the old model
                log.exception("refitting the recommender failed")
                if self._served is None:
                    raise ModelUnavailable("no recommender model is available") from exc
                return Served(self._served.model, self._served.card, fresh=False)
            return self._served

    def _refit_later(self) -> None:
        with self._lock:
            if self._refitting:
                return
            self._refitting = True

        def run() -> None:
            try:
                served = self._fit()
                with self._lock:
                    self._served = served
            except Exception:  # noqa: BLE001 - keep serving the old model
                log.exception("background refit of the recommender failed")
            finally:
                self._refitting = False

        threading.Thread(target=run, name="lookbook-refit", daemon=True).start()
