"""Refit the recommender under one lease shared by every worker, host and ``lookbook fit``.

Whoever refits -- a server's background thread, ``lookbook fit``, or the scheduled
``lookbook fit --every N`` -- first takes the ``model-refit`` lease in the database, so
two processes never fit at once and a catalog change is fitted once, not once per
worker.  The lease is renewed while the fit runs and expires on its own if the process
dies.  Under the lease the saved model is checked again: if another process has just
written a model for the current revision there is nothing to do.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lookbook.catalog.revision import current_revision
from lookbook.database import Database
from lookbook.database.leases import KeptLease, LeaseState, acquire, new_owner, state
from lookbook.recommend.artifacts import fit_and_save, fit_catalog, load_model, read_card, save_model
from lookbook.recommend.data import load_catalog
from lookbook.recommend.estimator import BagRecommender

log = logging.getLogger(__name__)
LEASE = "model-refit"
LEASE_TTL = 60.0  # renewed every 20 s while fitting; a dead refitter frees it within a minute
POLL_SECONDS = 1.0


@dataclass(frozen=True)
class Refit:
    """What a refit under the lease did: the card now saved, and whether this call fitted."""

    card: dict[str, Any]
    fitted: bool
    model: BagRecommender | None = None  # only when the artifact could not be saved


def catalog_revision(db: Database) -> str:
    """Return the catalog revision right now."""
    with db.session() as session:
        return current_revision(session)


def refit(db: Database, models_dir: Path, *, only_if_stale: bool, wait: float = 0.0,
          evaluate: bool = False, keep_unsaved: bool = False, owner: str | None = None,
          progress: Callable[[str], Any] | None = None,
          on_wait: Callable[[LeaseState | None], Any] | None = None) -> Refit | None:
    """Fit and save under the lease; None if another process held it for ``wait`` seconds.

    ``only_if_stale`` skips the fit when the saved model already matches the catalog;
    ``keep_unsaved`` (servers) returns the fitted model when the folder cannot be written.
    """
    owner = owner or new_owner()
    revision = catalog_revision(db)
    deadline = time.monotonic() + wait
    told = False
    while not acquire(db, LEASE, owner, LEASE_TTL, note=f"fitting revision {revision[:8]}"):
        if time.monotonic() >= deadline:
            return None
        if on_wait is not None and not told:
            on_wait(state(db, LEASE))
            told = True
        time.sleep(POLL_SECONDS)
    with KeptLease(db, LEASE, owner, LEASE_TTL):
        card = read_card(models_dir)
        if only_if_stale and card is not None and card.get("catalog_revision") == catalog_revision(db) \
                and _loads(models_dir, card):
            return Refit(card, fitted=False)  # another process fitted this revision meanwhile
        if keep_unsaved:
            return _fit_keep_unsaved(db, models_dir)
        return Refit(fit_and_save(db, models_dir, evaluate=evaluate, progress=progress), fitted=True)


def refit_every(db: Database, models_dir: Path, seconds: float, *, evaluate: bool,
                echo: Callable[[str], Any], rounds: int | None = None) -> None:
    """Refit whenever the catalog changed, checking every ``seconds`` (``lookbook fit --every``)."""
    done = 0
    while rounds is None or done < rounds:
        try:
            result = refit(db, models_dir, only_if_stale=True, evaluate=evaluate)
        except Exception as exc:  # noqa: BLE001 - a failed round is reported; the next one retries
            log.exception("scheduled refit failed")
            echo(f"refit failed: {exc.__class__.__name__}: {exc}")
        else:
            if result is None:
                echo("another process is refitting; checking again later")
            elif result.fitted:
                card = result.card
                echo(f"fitted revision {card['catalog_revision']} on {card['counts']['bags']} bags "
                     f"in {card.get('fit_seconds')} s")
        done += 1
        if rounds is None or done < rounds:
            time.sleep(seconds)


def _loads(models_dir: Path, card: dict[str, Any]) -> bool:
    """Tell whether the saved model loads and passes its checks (a broken one is refitted)."""
    try:
        load_model(models_dir, card)
    except Exception as exc:  # noqa: BLE001 - any broken artifact means: fit it again
        log.warning("the saved model does not load (%s: %s); refitting", exc.__class__.__name__, exc)
        return False
    return True


def _fit_keep_unsaved(db: Database, models_dir: Path) -> Refit:
    """Fit without evaluation (a server's refit); a models folder we cannot write is logged."""
    with db.session() as session:
        catalog = load_catalog(session)
    model, seconds = fit_catalog(catalog)
    try:
        return Refit(save_model(model, models_dir, fit_seconds=seconds), fitted=True)
    except OSError as exc:  # a read-only models folder must not stop serving
        log.warning("refitted model not saved to %s: %s", models_dir, exc)
        card = {"catalog_revision": model.revision_, "counts": {
            "bags": len(model.bags_.skus), "outfits": len(model.outfit_skus_)}}
        return Refit(card, fitted=True, model=model)
