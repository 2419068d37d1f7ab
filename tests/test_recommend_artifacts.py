"""Artifacts: memory-mapped arrays, a model card, no pickles, and freshness by revision."""

import json

import numpy as np
import pytest

from lookbook.recommend.artifacts import ArtifactError, fit_and_save, load_model, read_card
from lookbook.recommend.filters import Filters
from lookbook.recommend.holder import ModelHolder
from lookbook.recommend.query import traits_of
from tests.recommend_fixtures import add_items, add_lookbook, bag, outfit


def small_catalog(db):
    add_items(
        db,
        outfit("O1", ["black"], ["evening"]), outfit("O2", ["navy"], ["evening"]),
        outfit("O3", ["coral"], ["casual"]),
        bag("B1", "gold", styles=["metallic"], occasions=["evening"]),
        bag("B2", "silver", styles=["embellished"], occasions=["evening"]),
        bag("B3", "yellow", styles=["playful"]),
        bag("B4", "camel", styles=["minimalist"], material="calfskin"),
    )
    add_lookbook(db, "night", [("O1", "B1"), ("O3", "B3")])


def test_saved_model_loads_memory_mapped_and_ranks_the_same(db, tmp_path):
    small_catalog(db)
    card = fit_and_save(db, tmp_path)
    assert card["counts"]["bags"] == 4 and card["counts"]["curated_looks"] == 2
    assert card["counts"]["features"] == len(card["features"])
    assert {"numpy", "scikit-learn", "scikit-image", "python"} <= set(card["library_versions"])
    assert set(card["evaluation"]) == {"lookbook folds", "cold split"}
    assert card["evaluation"]["cold split"]["rankers"]["model"].keys() == {"fitb", "hit@5", "hit@10", "mrr"}
    assert card["coverage"]["outfits"] == 3 and card["coverage"]["distinct_top1"] >= 1
    weights = {w["feature"]: w for w in card["weights"]["features"]}
    assert card["weights"]["looks"] == 2
    assert weights["evening/styles:metallic"]["prior"] == 1.0
    assert len(weights) == card["counts"]["pair_features"]
    assert read_card(tmp_path)["catalog_revision"] == card["catalog_revision"]
    model, _ = load_model(tmp_path)
    assert isinstance(model.bag_matrix_, np.memmap)
    assert model.bag_matrix_.dtype == np.float32
    from lookbook.recommend.artifacts import fit_catalog
    from lookbook.recommend.data import load_catalog

    with db.session() as session:
        catalog = load_catalog(session)
    fresh, _ = fit_catalog(catalog)
    o2 = next(o for o in catalog.outfits if o.sku == "O2")
    a = fresh.rank_bags(traits_of(o2), Filters(), 4, outfit_vector=fresh.outfit_vector(sku="O2"))
    b = model.rank_bags(traits_of(o2), Filters(), 4, outfit_vector=model.outfit_vector(sku="O2"))
    assert list(a.positions) == list(b.positions)
    assert np.allclose(a.scores, b.scores)


def test_bags_are_scored_from_a_feature_major_copy_that_matches_the_rows(db, tmp_path):
    """Scoring reads ``scoring_matrix_`` (features x bags, for speed); it must hold the same
    numbers as the row-major bag matrix after a fit, after re-learning the crowded column
    from other looks, and after loading -- and a copy of the wrong shape is refused."""
    from lookbook.recommend.artifacts import fit_catalog
    from lookbook.recommend.data import load_catalog
    from lookbook.recommend.integrity import manifest

    small_catalog(db)
    with db.session() as session:
        catalog = load_catalog(session)
    fresh, _ = fit_catalog(catalog)
    relearned = fresh.with_looks([("O2", "B2")], catalog.outfits)
    fit_and_save(db, tmp_path, evaluate=False)
    loaded, card = load_model(tmp_path)
    assert isinstance(loaded.scoring_matrix_, np.memmap)  # shared pages, like the rows
    o2 = next(o for o in catalog.outfits if o.sku == "O2")
    for model in (fresh, relearned, loaded):
        rows = np.asarray(model.bag_matrix_)
        assert np.array_equal(np.asarray(model.scoring_matrix_), rows.T)
        ranking = model.rank_bags(traits_of(o2), Filters(in_stock=None, size=()), 4,
                                  outfit_vector=model.outfit_vector(sku="O2"))
        q = model.weights_ @ ranking.pairs
        expected = (rows @ q) * ranking.scale
        got = model._scores_of_rows(q * np.float32(ranking.scale), 0, len(rows))
        assert np.allclose(got, expected, atol=1e-5)
    assert relearned.scoring_matrix_ is not fresh.scoring_matrix_
    assert isinstance(loaded.outfit_candidates_, np.memmap)  # kept candidates travel too
    assert np.array_equal(np.asarray(loaded.outfit_queries_), fresh.outfit_queries_)

    folder = tmp_path / card["arrays"]
    np.save(folder / "scoring_matrix.npy", np.asarray(loaded.bag_matrix_).copy())  # rows, not columns
    card["files"] = manifest(folder)  # checksums that agree: only the shape check can refuse it
    with pytest.raises(ArtifactError, match="scoring_matrix_"):
        load_model(tmp_path, card)
    np.save(folder / "scoring_matrix.npy", np.asarray(loaded.bag_matrix_).T.copy())
    np.save(folder / "outfit_candidates.npy", np.full((3, 4), 4, dtype=np.int32))  # bag row 4 of 0..3
    card["files"] = manifest(folder)
    with pytest.raises(ArtifactError, match="outfit_candidates_ names bag rows outside"):
        load_model(tmp_path, card)


def test_no_arrays_are_ever_unpickled(db, tmp_path):
    small_catalog(db)
    card = fit_and_save(db, tmp_path)
    folder = tmp_path / card["arrays"]
    np.save(folder / "bag_matrix.npy", np.array([{"evil": 1}], dtype=object), allow_pickle=True)
    with pytest.raises((ValueError, ArtifactError), match="pickle|Python objects|does not match|says"):
        load_model(tmp_path)


def test_a_card_pointing_outside_the_models_folder_is_refused(db, tmp_path):
    small_catalog(db)
    fit_and_save(db, tmp_path)
    card = json.loads((tmp_path / "model-card.json").read_text())
    card["arrays"] = "../elsewhere"
    (tmp_path / "model-card.json").write_text(json.dumps(card))
    with pytest.raises(ArtifactError):
        load_model(tmp_path)


def test_the_holder_refits_in_the_background_when_the_catalog_changes(db, tmp_path):
    small_catalog(db)
    fit_and_save(db, tmp_path)
    holder = ModelHolder(db, tmp_path)
    with db.session() as session:
        first = holder.current(session)
    assert first.fresh and "B5" not in first.model.bag_position_
    add_items(db, bag("B5", "pink", styles=["playful"]))
    with db.session() as session:
        during = holder.current(session)  # answers at once, from the model it has
    assert not during.fresh and during.model is first.model
    assert during.answers_revision != first.answers_revision
    assert holder.wait(60) and holder.fits == 1
    with db.session() as session:
        second = holder.current(session)
    assert second.fresh and "B5" in second.model.bag_position_
    assert isinstance(second.model.bag_matrix_, np.memmap)  # reloaded from disk: shared pages
    assert read_card(tmp_path)["catalog_revision"] == second.revision
    assert holder.ready()[0]


def test_an_empty_catalog_still_serves(db, tmp_path):
    holder = ModelHolder(db, tmp_path)
    with db.session() as session:
        served = holder.current(session)
    assert served.model.bag_matrix_.shape[0] == 0
    assert holder.ready()[0]
    model, _ = load_model(tmp_path)
    assert model.rank_similar("nothing", Filters(), 5).positions.size == 0


def test_lookbook_fit_and_evaluate_commands(db, run_cli, cli_env):
    small_catalog(db)
    result = run_cli("fit")
    assert result.exit_code == 0, result.output
    assert "fitted on 4 bags, 3 outfits and 2 curated looks" in result.output
    from pathlib import Path

    assert read_card(Path(cli_env["LOOKBOOK_MODELS_DIR"])) is not None
    result = run_cli("evaluate", "--folds", "2")
    assert result.exit_code == 0, result.output
    for row in ("model", "rules only", "colour in outfit", "popularity", "random", "FITB", "hit@10",
                "MRR", "lookbook folds", "cold split", "coverage", "k/N"):
        assert row in result.output


def test_evaluate_explains_when_there_is_nothing_to_hold_out(db, run_cli):
    add_items(db, outfit("O1", ["black"], ["evening"]), bag("B1"))
    result = run_cli("evaluate")
    assert result.exit_code != 0
    assert "at least 2 curated looks" in result.output


def test_a_restarted_server_serves_an_older_artifact_until_it_refits(db, tmp_path):
    small_catalog(db)
    fit_and_save(db, tmp_path)
    add_items(db, bag("B5", "pink", styles=["playful"]))  # the catalog moves on
    holder = ModelHolder(db, tmp_path, refit="never")
    with db.session() as session:
        served = holder.current(session)
    assert not served.fresh and "B1" in served.model.bag_position_
    assert "B5" not in served.model.bag_position_
    restarted = ModelHolder(db, tmp_path)
    with db.session() as session:
        assert not restarted.current(session).fresh
    restarted.wait(60)
    with db.session() as session:
        refitted = restarted.current(session)
    assert refitted.fresh and "B5" in refitted.model.bag_position_
