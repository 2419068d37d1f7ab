"""Model files that disagree are refused on load and refitted, never a 500; readiness asks
the model one tiny question (RELIABILITY (b) 49)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lookbook.recommend.artifacts import CARD, fit_and_save, load_model
from lookbook.recommend.integrity import ArtifactError, manifest
from tests.test_recommend_artifacts import small_catalog


@pytest.fixture
def fitted(db, tmp_path) -> Path:
    small_catalog(db)
    models = tmp_path / "models"
    fit_and_save(db, models, evaluate=False)
    return models


def _card(models: Path) -> dict:
    return json.loads((models / CARD).read_text())


def _rewrite(models: Path, *, refresh_checksums: bool, edit_card=None) -> None:
    """Save the card again; optionally vouch for tampered files (a consistent-looking lie)."""
    card = _card(models)
    if refresh_checksums:
        card["files"] = manifest(models / card["arrays"])
    if edit_card:
        edit_card(card)
    (models / CARD).write_text(json.dumps(card))


def _meta_with_fewer_bag_skus(models: Path) -> None:
    meta_path = models / _card(models)["arrays"] / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta["bag_skus"] = meta["bag_skus"][:-1]
    meta_path.write_text(json.dumps(meta))


def _wrong_shape_matrix(models: Path) -> None:
    path = models / _card(models)["arrays"] / "bag_matrix.npy"
    matrix = np.load(path)
    np.save(path, np.ascontiguousarray(matrix[:, :-1]), allow_pickle=False)


def _string_parameters(models: Path) -> None:
    _rewrite(models, refresh_checksums=False,
             edit_card=lambda card: card["parameters"].update(diversity="0.15"))


def test_the_card_lists_every_file_with_checksum_shape_and_dtype(fitted):
    card = _card(fitted)
    folder = fitted / card["arrays"]
    assert set(card["files"]) == {p.name for p in folder.iterdir()}
    matrix = card["files"]["bag_matrix.npy"]
    assert matrix["dtype"] == "<f4" and matrix["shape"] == list(np.load(folder / "bag_matrix.npy").shape)
    assert len(matrix["sha256"]) == 64


@pytest.mark.parametrize("refresh", [False, True], ids=["tampered", "tampered-and-vouched-for"])
@pytest.mark.parametrize("corrupt", [_meta_with_fewer_bag_skus, _wrong_shape_matrix],
                         ids=["fewer-skus-than-rows", "wrong-shape-matrix"])
def test_disagreeing_files_are_refused_on_load(fitted, corrupt, refresh):
    corrupt(fitted)
    _rewrite(fitted, refresh_checksums=refresh)
    with pytest.raises(ArtifactError):
        load_model(fitted)


def test_string_parameters_are_refused_on_load(fitted):
    _string_parameters(fitted)
    with pytest.raises(ArtifactError, match="diversity"):
        load_model(fitted)


def test_a_card_without_checksums_is_refused(fitted):
    _rewrite(fitted, refresh_checksums=False, edit_card=lambda card: card.pop("files"))
    with pytest.raises(ArtifactError, match="checksum"):
        load_model(fitted)


def _served_app(db, tmp_path, models: Path, **extra):
    from lookbook import create_app

    return create_app({"instance": tmp_path / "instance", "database": db, "database_url": db.url,
                       "secret_key": "k" * 40, "models_dir": models, "TESTING": True,
                       "RATELIMIT_ENABLED": False, **extra})


@pytest.mark.parametrize("corrupt", [_meta_with_fewer_bag_skus, _wrong_shape_matrix, _string_parameters],
                         ids=["fewer-skus-than-rows", "wrong-shape-matrix", "string-parameters"])
def test_the_api_refits_over_bad_files_and_stays_ready(db, tmp_path, fitted, corrupt):
    corrupt(fitted)
    _rewrite(fitted, refresh_checksums=corrupt is not _string_parameters)
    client = _served_app(db, tmp_path, fitted).test_client()
    for path in ("/api/v1/outfits/O1/bags", "/api/v1/bags/B1/similar", "/api/v1/bags/B1/outfits",
                 "/api/v1/outfits/O1/bundles"):
        assert client.get(path).status_code == 200, path
    ready = client.get("/health/ready")
    assert ready.status_code == 200 and "answered" in ready.json["checks"]["model"]["detail"]
    load_model(fitted)  # the refit replaced the bad files with good ones


def test_when_no_refit_is_possible_the_answer_is_503_and_not_ready(db, tmp_path, fitted, monkeypatch):
    _wrong_shape_matrix(fitted)
    _rewrite(fitted, refresh_checksums=True)

    def cannot_fit(*_a, **_k):
        raise MemoryError("no room to fit")

    monkeypatch.setattr("lookbook.recommend.holder.BagRecommender.fit", cannot_fit)
    client = _served_app(db, tmp_path, fitted).test_client()
    resp = client.get("/api/v1/outfits/O1/bags")
    assert resp.status_code == 503 and resp.headers["Retry-After"]
    assert client.get("/health/ready").status_code == 503


def test_readiness_fails_when_the_model_cannot_answer(db, tmp_path, fitted, monkeypatch):
    def broken(*_a, **_k):
        raise IndexError("position 4 is out of bounds")

    monkeypatch.setattr("lookbook.server.services.Recommender.bags_for_outfit", broken)
    ready = _served_app(db, tmp_path, fitted).test_client().get("/health/ready")
    assert ready.status_code == 503
    assert ready.json["checks"]["model"]["ok"] is False
