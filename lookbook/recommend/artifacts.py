"""Fitted-model artifacts: memory-mappable .npy arrays, JSON metadata and a model card.

Nothing here unpickles anything.  Arrays are saved with ``allow_pickle=False`` and
loaded with ``mmap_mode="r"`` so several server workers share one copy through the
page cache.  The fitted ColumnTransformer is not pickled either: its encoders take
every category from the vocabularies, so the artifact stores the feature names it
produced and loading rebuilds the transformer and checks it yields exactly those
names (a different vocabulary means a different model, and the artifact is refused).

Layout of ``models_dir``::

    model-card.json            revision, versions, parameters, counts, features, scores
    arrays-<rev8>-<rand>/      one fitted model: *.npy plus meta.json

A new fit writes a new arrays folder, then replaces the card atomically, so a reader
never sees half of a model.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import platform
import shutil
import time
import uuid
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from lookbook.batchwork import collector_paused
from lookbook.database import Database
from lookbook.recommend.data import Catalog, load_catalog
from lookbook.recommend.estimator import BagRecommender
from lookbook.recommend.features import COLUMNS, FeatureSpace, fitted_transformer
from lookbook.recommend.filters import BagTable
from lookbook.recommend.integrity import (
    ArtifactError,
    check_consistency,
    check_parameters,
    manifest,
    verify_files,
)
from lookbook.recommend.pairs import CROWDED
from lookbook.recommend.pairs import feature_names as pair_feature_names

log = logging.getLogger(__name__)
CARD = "model-card.json"
FORMAT = 5  # 2: bag rows sorted by size; 3: learned pair-feature weights; 4: scoring_matrix_;
#            5: each catalog outfit's kept candidates
MODEL_ARRAYS = ("bag_matrix_", "scoring_matrix_", "outfit_queries_", "outfit_candidates_",
                "outfit_candidate_floor_", "outfit_matrix_", "outfit_profiles_", "outfit_unit_",
                "outfit_bounds_", "similar_norms_", "look_outfits_", "look_bags_", "weights_",
                "prior_weights_")
KEEP_OLD = 2


def library_versions() -> dict[str, str]:
    """Return the versions that produced (or may read) an artifact."""
    out = {"python": platform.python_version()}
    for dist in ("lookbook", "numpy", "scikit-learn", "scikit-image", "scipy"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "unknown"
    return out


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=False), encoding="utf-8")
    os.replace(tmp, path)


def save_model(model: BagRecommender, models_dir: Path, *, evaluation: dict | None = None,
               coverage: dict | None = None, fit_seconds: float | None = None) -> dict[str, Any]:
    """Write a fitted model and its card; return the card."""
    models_dir.mkdir(parents=True, exist_ok=True)
    folder = f"arrays-{(model.revision_ or 'none')[:8]}-{uuid.uuid4().hex[:8]}"
    target = models_dir / folder
    target.mkdir()
    for name in MODEL_ARRAYS:
        np.save(target / f"{name.rstrip('_')}.npy", np.ascontiguousarray(getattr(model, name)),
                allow_pickle=False)
    for name in BagTable.ARRAYS:
        np.save(target / f"bags_{name}.npy", getattr(model.bags_, name), allow_pickle=False)
    _write_json(target / "meta.json", {
        "feature_names": model.feature_names_,
        "pair_features": list(model.pairs_.names),
        "bag_skus": model.bags_.skus,
        "outfit_skus": model.outfit_skus_,
        "materials": model.bags_.materials,
        "currencies": model.bags_.currencies,
    })
    card = {
        "format": FORMAT,
        "model": "lookbook.recommend.BagRecommender",
        "catalog_revision": model.revision_,
        "fitted_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "arrays": folder,
        "library_versions": library_versions(),
        "parameters": model.get_params(),
        "counts": {"bags": len(model.bags_.skus), "outfits": len(model.outfit_skus_),
                   "curated_looks": int(len(model.look_bags_)),
                   "features": len(model.feature_names_),
                   "pair_features": len(model.pairs_.names)},
        "features": model.feature_names_,
        "weights": weight_table(model),
        "transformer": {"columns": list(COLUMNS),
                        "note": "rebuilt from the vocabularies; names checked on load"},
        "evaluation": evaluation,
        "coverage": coverage,
        "fit_seconds": round(fit_seconds, 3) if fit_seconds is not None else None,
        "files": manifest(target),  # checksums, shapes and dtypes, verified on every load
    }
    _write_json(models_dir / CARD, card)
    _prune(models_dir, keep=folder)
    return card


def weight_table(model: BagRecommender) -> dict[str, Any]:
    """Return the learned pair-feature weights beside the rules' prior, largest change first."""
    triples = sorted(zip(model.pairs_.names, model.prior_weights_.tolist(), model.weights_.tolist(),
                         strict=True), key=lambda t: (-abs(t[2] - t[1]), t[0]))
    rows = [{"feature": name, "prior": round(p, 4), "learned": round(w, 4)} for name, p, w in triples]
    return {"looks": int(len(model.look_bags_)), "prior_strength_looks": model.prior_strength,
            "note": "score = sum of weight x pair feature; weights start at the brief's rules "
                    "(prior) and are learned from curated looks",
            "features": rows}


def _prune(models_dir: Path, keep: str) -> None:
    """Remove older array folders, keeping the newest few (other workers may map them)."""
    folders = sorted((p for p in models_dir.glob("arrays-*") if p.is_dir() and p.name != keep),
                     key=lambda p: p.stat().st_mtime, reverse=True)
    for old in folders[KEEP_OLD:]:
        shutil.rmtree(old, ignore_errors=True)


def read_card(models_dir: Path) -> dict[str, Any] | None:
    """Return the model card, or None when there is none (or it is unreadable)."""
    try:
        card = json.loads((models_dir / CARD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return card if isinstance(card, dict) and card.get("format") == FORMAT else None


def load_model(models_dir: Path, card: dict[str, Any] | None = None) -> tuple[BagRecommender, dict]:
    """Load the model a card points to, memory-mapping its arrays."""
    card = card or read_card(models_dir)
    if card is None:
        raise ArtifactError(f"no model card in {models_dir}; run `lookbook fit`")
    folder = models_dir / str(card.get("arrays", ""))
    if folder.parent != models_dir or not folder.is_dir():
        raise ArtifactError(f"model arrays {card.get('arrays')!r} are missing")
    verify_files(folder, card.get("files"))
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    transformer = fitted_transformer()
    if [*FeatureSpace.from_transformer(transformer).names, CROWDED] != meta["feature_names"] \
            or list(pair_feature_names()) != meta.get("pair_features"):
        raise ArtifactError("the artifact's features differ from this version's; refit")
    params = check_parameters(card.get("parameters", {}), BagRecommender().get_params())
    model = BagRecommender(**params)
    model.transformer_ = transformer
    model.feature_names_ = list(meta["feature_names"])
    model.outfit_skus_ = list(meta["outfit_skus"])
    model.revision_ = card["catalog_revision"]

    def arr(name: str) -> np.ndarray:
        return np.load(folder / name, mmap_mode="r", allow_pickle=False)

    for name in MODEL_ARRAYS:
        setattr(model, name, arr(f"{name.rstrip('_')}.npy"))
    model.bags_ = BagTable(skus=list(meta["bag_skus"]), materials=list(meta["materials"]),
                           currencies=list(meta["currencies"]),
                           **{n: arr(f"bags_{n}.npy") for n in BagTable.ARRAYS})
    model._finish()
    model._fit_curated()
    check_consistency(model)
    return model, card


def fit_catalog(catalog: Catalog, params: dict | None = None) -> tuple[BagRecommender, float]:
    """Fit a model on a catalog; return it and the seconds it took."""
    start = time.perf_counter()
    model = BagRecommender(**(params or {})).fit(catalog)
    return model, time.perf_counter() - start


def fit_and_save(db: Database, models_dir: Path, *, evaluate: bool = True,
                 progress: Callable[[str], Any] | None = None) -> dict[str, Any]:
    """Read the catalog, fit, evaluate on held-out curated looks, save; return the card."""
    from lookbook.recommend.evaluation import coverage, evaluate_model

    say = progress or (lambda _msg: None)
    say("reading the catalog")
    with collector_paused():  # millions of long-lived objects: see lookbook.batchwork
        with db.session() as session:
            catalog = load_catalog(session)
        say(f"fitting on {len(catalog.bags)} bags and {len(catalog.outfits)} outfits")
        model, seconds = fit_catalog(catalog)
    scores = reach = None
    if evaluate and len(set(catalog.looks)) >= 2:
        say(f"evaluating on {len(catalog.looks)} curated looks")
        result = evaluate_model(model, catalog)
        scores, reach = {s.name: s.as_dict() for s in result.splits}, result.coverage
    elif evaluate:
        reach = coverage(model, catalog)
    say("writing artifacts")
    return save_model(model, Path(models_dir), evaluation=scores, coverage=reach, fit_seconds=seconds)
