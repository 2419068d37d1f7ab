"""Model artifacts vouch for themselves: checksums, shapes and types checked on every load.

A fit records, in the model card, every file of its arrays folder: its SHA-256, its
size and, for ``.npy`` arrays, shape and dtype (:func:`manifest`).  Loading checks the
files against the card before mapping anything (:func:`verify_files`), the card's
parameters against the estimator's own types (:func:`check_parameters`), and the loaded
model's arrays against each other and its sku lists (:func:`check_consistency`).  Any
disagreement is an :class:`ArtifactError`, which the model holder answers by refitting
(or by serving the model it has): never a 500.

Generic over whatever arrays a fit writes: nothing here lists the estimator's arrays.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Any

import numpy as np


class ArtifactError(RuntimeError):
    """The models folder holds no usable model for this code."""


def _sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _npy_header(path: Path) -> tuple[tuple[int, ...], np.dtype]:
    with path.open("rb") as fh:
        version = np.lib.format.read_magic(fh)
        if version == (1, 0):
            shape, _fortran, dtype = np.lib.format.read_array_header_1_0(fh)
        elif version == (2, 0):
            shape, _fortran, dtype = np.lib.format.read_array_header_2_0(fh)
        else:
            raise ArtifactError(f"{path.name}: unsupported .npy version {version}")
    return tuple(shape), dtype


def manifest(folder: Path) -> dict[str, dict[str, Any]]:
    """Describe every file of an arrays folder (checksum, size; shape and dtype of arrays)."""
    files: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.iterdir()):
        if not path.is_file():
            continue
        entry: dict[str, Any] = {"sha256": _sha256(path), "bytes": path.stat().st_size}
        if path.suffix == ".npy":
            shape, dtype = _npy_header(path)
            entry.update(shape=list(shape), dtype=dtype.str)
        files[path.name] = entry
    return files


def verify_files(folder: Path, files: Any) -> None:
    """Check every file the card lists: present, same size, checksum, shape and dtype."""
    if not isinstance(files, dict) or not files:
        raise ArtifactError("the model card lists no file checksums; refit")
    for name, expected in files.items():
        path = folder / str(name)
        if path.parent != folder or not isinstance(expected, dict):
            raise ArtifactError(f"the model card lists a bad file entry {str(name)[:40]!r}")
        if not path.is_file():
            raise ArtifactError(f"{name} is missing")
        if path.stat().st_size != expected.get("bytes"):
            raise ArtifactError(f"{name} has {path.stat().st_size} bytes, "
                                f"the card says {expected.get('bytes')}")
        if path.suffix == ".npy":
            shape, dtype = _npy_header(path)
            if list(shape) != expected.get("shape") or dtype.str != expected.get("dtype"):
                raise ArtifactError(f"{name} is {dtype.str}{list(shape)}, the card says "
                                    f"{expected.get('dtype')}{expected.get('shape')}")
            if dtype.hasobject:
                raise ArtifactError(f"{name} holds Python objects; refusing to load it")
        if _sha256(path) != expected.get("sha256"):
            raise ArtifactError(f"{name} does not match its checksum")
    unlisted = sorted(p.name for p in folder.glob("*.npy") if p.name not in files)
    if unlisted:
        raise ArtifactError(f"arrays not in the model card: {', '.join(unlisted)}")


def check_parameters(params: Any, defaults: dict[str, Any]) -> dict[str, Any]:
    """Return the card's parameters if each has the type of the estimator's default."""
    if not isinstance(params, dict):
        raise ArtifactError("the model card's parameters are not an object")
    out: dict[str, Any] = {}
    for name, value in params.items():
        if name not in defaults:
            continue
        default = defaults[name]
        if isinstance(default, bool) or default is None:
            ok = isinstance(value, type(default)) if default is not None else value is None
        elif isinstance(default, int | float):
            ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
            ok = ok and (isinstance(value, int) or isinstance(default, float))
        else:
            ok = isinstance(value, type(default))
        if not ok:
            raise ArtifactError(f"parameter {name} is {type(value).__name__}, "
                                f"expected {type(default).__name__}")
        out[name] = value
    return out


def check_consistency(model: Any) -> None:
    """Check the loaded arrays agree with the sku lists and the feature space."""
    n_bags = len(model.bags_.skus)
    n_outfits = len(model.outfit_skus_)
    n_features = len(model.feature_names_)
    problems = []
    for name in getattr(model.bags_, "ARRAYS", ()):
        column = getattr(model.bags_, name, None)
        if column is not None and len(column) != n_bags:
            problems.append(f"bags_{name} has {len(column)} rows for {n_bags} bag skus")
    for name, value in vars(model).items():
        # Only the arrays read from the artifact (derived helpers have their own shapes).
        if not isinstance(value, np.memmap) or not value.filename or value.ndim == 0:
            continue
        rows = value.shape[0]
        if name == "scoring_matrix_":  # the bag matrix again, feature-major
            if value.shape != (n_features, n_bags):
                problems.append(f"{name} is {value.shape} for {n_features} features x {n_bags} bags")
        elif name.startswith("bag_") and rows != n_bags:
            problems.append(f"{name} has {rows} rows for {n_bags} bag skus")
        elif name.startswith("outfit_") and rows != n_outfits:
            problems.append(f"{name} has {rows} rows for {n_outfits} outfit skus")
        if name.endswith(("matrix_", "profiles_")) and name != "scoring_matrix_" and value.ndim == 2 \
                and value.shape[1] != n_features:
            problems.append(f"{name} has {value.shape[1]} columns for {n_features} features")
        if name == "outfit_candidates_" and value.size and \
                not 0 <= int(value.min()) <= int(value.max()) < n_bags:
            problems.append(f"{name} names bag rows outside 0..{n_bags - 1}")
        if name == "outfit_candidate_floor_":  # -inf: every bag is listed, none lies outside
            if np.isnan(value).any():
                problems.append(f"{name} holds NaN")
            continue
        if value.dtype.kind == "f" and not np.isfinite(value).all():
            problems.append(f"{name} holds non-finite numbers")
    if problems:
        raise ArtifactError("the model's arrays disagree: " + "; ".join(problems))
