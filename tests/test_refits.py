"""Refits never block requests, and one process in the deployment refits at a time."""

from __future__ import annotations

import threading

import pytest

from lookbook.catalog.models import Item
from lookbook.database import leases
from lookbook.recommend import refits
from lookbook.recommend.artifacts import fit_and_save, read_card
from lookbook.recommend.holder import ModelHolder
from tests.recommend_fixtures import add_items, add_rule, bag, outfit, skus
from tests.test_recommend_service import bags_for, evening_catalog


# -- the lease -----------------------------------------------------------------------------------
def test_a_lease_has_one_holder_until_released(db):
    assert leases.acquire(db, "job", "a", ttl=60)
    assert not leases.acquire(db, "job", "b", ttl=60)
    assert leases.acquire(db, "job", "a", ttl=60)  # the holder may take it again
    assert not leases.renew(db, "job", "b", ttl=60)
    leases.release(db, "job", "b")  # not b's to release
    assert leases.state(db, "job").owner == "a"
    leases.release(db, "job", "a")
    assert leases.acquire(db, "job", "b", ttl=60)


def test_an_expired_lease_is_taken_over(db):
    assert leases.acquire(db, "job", "crashed", ttl=0)
    assert not leases.state(db, "job").live
    assert leases.acquire(db, "job", "b", ttl=60)
    assert not leases.renew(db, "job", "crashed", ttl=60)


def test_racing_processes_get_the_lease_once(db):
    winners, barrier = [], threading.Barrier(6)

    def take(name):
        barrier.wait()
        if leases.acquire(db, "race", name, ttl=60):
            winners.append(name)

    threads = [threading.Thread(target=take, args=(f"p{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(winners) == 1 and leases.state(db, "race").owner == winners[0]


# -- refits ------------------------------------------------------------------------------------
@pytest.fixture
def gated_fits(monkeypatch):
    """Make fits wait for a gate and record how many run at once."""
    gate, started = threading.Event(), threading.Event()
    record = {"running": 0, "most": 0, "fits": 0}
    lock = threading.Lock()
    real = refits.fit_catalog

    def fit(catalog, *args, **kwargs):
        with lock:
            record["running"] += 1
            record["fits"] += 1
            record["most"] = max(record["most"], record["running"])
        started.set()
        gate.wait(60)
        try:
            return real(catalog, *args, **kwargs)
        finally:
            with lock:
                record["running"] -= 1

    monkeypatch.setattr(refits, "fit_catalog", fit)
    record.update(gate=gate, started=started)
    return record


def test_two_hosts_on_one_database_refit_once(db, tmp_path, gated_fits):
    evening_catalog(db)
    fit_and_save(db, tmp_path)
    one, two = ModelHolder(db, tmp_path), ModelHolder(db, tmp_path)
    add_items(db, bag("NEW", "gold", width="8", styles=["metallic"], occasions=["evening"]))
    with db.session() as session:
        assert not one.current(session).fresh  # starts one background refit ...
    assert gated_fits["started"].wait(30)
    assert leases.state(db, refits.LEASE).owner == one.owner
    with db.session() as session:
        assert not two.current(session).fresh  # ... the other host finds the lease taken
    assert two.wait(30) and two.fits == 0
    gated_fits["gate"].set()
    assert one.wait(60) and one.fits == 1
    with db.session() as session:
        a, b = one.current(session), two.current(session)
    assert a.fresh and b.fresh and a.revision == b.revision  # the second host loads the first's model
    assert "NEW" in b.model.bag_position_
    assert gated_fits["fits"] == 1 and gated_fits["most"] == 1
    assert leases.state(db, refits.LEASE) is None  # released


def test_while_a_refit_runs_requests_answer_at_once_without_removed_bags(db, app, client, gated_fits):
    evening_catalog(db)
    gated_fits["gate"].set()
    first = skus(bags_for(client, "GOWN-1"))  # the first model (empty folder: fitted now)
    gated_fits["gate"].clear()
    gated_fits["started"].clear()
    with db.write() as session:
        session.query(Item).filter_by(sku=first[0]).one().in_stock = False
        session.delete(session.query(Item).filter_by(sku=first[1]).one())
    add_rule(db, "GOWN-1", first[2], "hide")
    during = bags_for(client, "GOWN-1")  # answered while the refit waits at the gate
    assert gated_fits["started"].wait(30)
    assert during["model"]["fresh"] is False
    assert not {first[0], first[1], first[2]} & set(skus(during))
    holder = app.extensions["lookbook.model_holder"]
    gated_fits["gate"].set()
    assert holder.wait(60)
    after = bags_for(client, "GOWN-1")
    assert after["model"]["fresh"] is True
    assert not {first[0], first[1], first[2]} & set(skus(after))


def test_the_first_start_answers_503_while_another_process_fits_the_first_model(db, client):
    evening_catalog(db)
    assert leases.acquire(db, refits.LEASE, "other-host:1:abc", ttl=60, note="fitting")
    resp = client.get("/api/v1/outfits/GOWN-1/bags")
    assert resp.status_code == 503 and resp.headers["Retry-After"]
    assert resp.mimetype == "application/problem+json"
    leases.release(db, refits.LEASE, "other-host:1:abc")
    assert client.get("/api/v1/outfits/GOWN-1/bags").status_code == 200


def test_a_refit_waits_for_the_lease_or_gives_up(db, tmp_path):
    evening_catalog(db)
    assert leases.acquire(db, refits.LEASE, "other", ttl=60)
    assert refits.refit(db, tmp_path, only_if_stale=False, wait=0) is None
    assert read_card(tmp_path) is None
    leases.release(db, refits.LEASE, "other")
    done = refits.refit(db, tmp_path, only_if_stale=False, wait=0)
    assert done.fitted and read_card(tmp_path)["catalog_revision"] == done.card["catalog_revision"]


def test_scheduled_refits_fit_only_when_the_catalog_changed(db, tmp_path):
    evening_catalog(db)
    said = []
    refits.refit_every(db, tmp_path, 0, evaluate=False, echo=said.append, rounds=2)
    assert len([s for s in said if s.startswith("fitted")]) == 1
    add_items(db, outfit("NEW-LOOK", ["red"], ["casual"]))
    refits.refit_every(db, tmp_path, 0, evaluate=False, echo=said.append, rounds=1)
    assert len([s for s in said if s.startswith("fitted")]) == 2


def test_lookbook_fit_takes_over_a_lease_left_by_a_dead_process(db, run_cli, cli_env):
    evening_catalog(db)
    assert leases.acquire(db, refits.LEASE, "crashed-host:9:dead", ttl=0)
    result = run_cli("fit", "--no-evaluate")
    assert result.exit_code == 0, result.output
    assert "fitted on 8 bags" in result.output
    assert leases.state(db, refits.LEASE) is None
